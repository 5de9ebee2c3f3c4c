"""A fake Twilio REST API: the Messages resource, Basic auth, Twilio-shaped errors; it can
be told to fail or answer late, per recipient or for all (tests/fakes/scripting.py)."""

from __future__ import annotations

import base64
import hmac
import itertools
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.scripting import Call, Failure, Recorder

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
SENDER = "whatsapp:+14155238886"

OUTSIDE_WINDOW = Failure(400, "Message failed: outside the allowed window", code=63016)
UNSUBSCRIBED = Failure(400, "Attempt to send to unsubscribed recipient", code=21610)
BAD_NUMBER = Failure(400, "The 'To' number is not a valid phone number.", code=21211)
TOO_MANY = Failure(429, "Too Many Requests", code=20429)
SERVER_ERROR = Failure(500, "Internal Server Error", code=20500)


class FakeTwilio(Recorder):
    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        super().__init__()
        self.account_sid, self.auth_token = account_sid, auth_token
        self._ids = itertools.count(1)
        self.app = Starlette(
            routes=[
                Route("/2010-04-01/Accounts/{sid}/Messages.json", self._create, methods=["POST"]),
                *self.control_routes(),
            ]
        )

    def sent(self, to: str | None = None) -> list[Call]:
        return [c for c in self.calls("messages") if to is None or c.params.get("To") == to]

    def bodies(self, to: str | None = None) -> list[str]:
        return [str(c.params.get("Body", "")) for c in self.sent(to)]

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        return hmac.compare_digest(header, expected)

    async def _create(self, request: Request) -> Response:
        sid = request.path_params["sid"]
        if not self._authorized(request) or sid != self.account_sid:
            return _error(Failure(401, "Authenticate", code=20003))
        form = await request.form()
        params: dict[str, Any] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                if key in params:  # repeated fields (MediaUrl) become lists
                    prev = params[key]
                    params[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
                else:
                    params[key] = value
        to = str(params.get("To", ""))
        failure = self.next_failure("messages", to)
        message_sid = None if failure else f"SM{next(self._ids):032x}"
        self.record(Call("messages", params, dict(request.headers), to=to, result_id=message_sid))
        await self.wait_before_answering(to)
        if failure is not None:
            return _error(failure)
        return JSONResponse(
            {
                "sid": message_sid,
                "account_sid": sid,
                "to": params.get("To"),
                "from": params.get("From"),
                "body": params.get("Body", ""),
                "status": "queued",
                "num_segments": "1",
                "num_media": "0",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "date_created": "Mon, 01 Jan 2024 00:00:00 +0000",
                "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
            },
            status_code=201,
        )


def _error(failure: Failure) -> JSONResponse:
    return JSONResponse(
        {
            "code": failure.code,
            "message": failure.description,
            "more_info": f"https://www.twilio.com/docs/errors/{failure.code}",
            "status": failure.status,
        },
        status_code=failure.status,
    )
