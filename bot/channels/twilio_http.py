"""The Twilio client's HTTP transport over aiohttp, with its timeouts really applied.

twilio's own async client passes `timeout=None` to aiohttp on every call, which aiohttp
reads as "no timeout": one hanging call would wait forever. This one gives each call
`connect_timeout` to connect and `read_timeout` to answer, and logs nothing (twilio's
client logs each request at INFO).
"""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
from twilio.http import AsyncHttpClient
from twilio.http.response import Response


class AiohttpTwilioClient(AsyncHttpClient):  # type: ignore[misc]
    def __init__(
        self, *, pool_size: int = 100, connect_timeout: float = 5.0, read_timeout: float = 30.0
    ) -> None:
        super().__init__(logger=None, is_async=True, timeout=read_timeout)
        self._pool_size = pool_size
        self._connect, self._read = connect_timeout, read_timeout
        self._session: aiohttp.ClientSession | None = None

    def _timeout(self, read: float | None) -> aiohttp.ClientTimeout:
        read = read or self._read
        return aiohttp.ClientTimeout(
            total=self._connect + read, sock_connect=self._connect, sock_read=read
        )

    async def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size)
            )
        headers = dict(headers or {})
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        form: list[tuple[str, str]] = []
        for key, value in (data or {}).items():  # repeated fields (MediaUrl) as repeated pairs
            values: list[Any] = value if isinstance(value, list) else [value]
            form += [(key, str(v)) for v in values]
        async with self._session.request(
            method.upper(),
            uri,
            params=params,  # type: ignore[arg-type]
            data=form or None,
            headers=headers,
            timeout=self._timeout(timeout),
            allow_redirects=allow_redirects,
        ) as resp:
            return Response(resp.status, await resp.text(), resp.headers)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
