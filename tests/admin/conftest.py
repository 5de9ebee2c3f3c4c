"""The admin panel on the test database, through the whole ASGI app (as bot/app.py mounts
it), with one account per role and a clock the tests can move."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

import httpx
import pytest
from starlette.applications import Starlette

from bot.app import create_app
from bot.core.content import seed_if_empty
from bot.db.repos import admin as users_repo
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings

PASSWORD = "correct horse battery"
EMAILS = {
    "admin": "ada@example.org",
    "facilitator": "fatou@example.org",
    "staff": "sami@example.org",
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@cache
def password_hash() -> str:
    return users_repo.hash_password(PASSWORD)


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Panel:
    app: Starlette
    services: Services
    clock: Clock

    def client(self, *, https: bool = False, address: str = "127.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        base = "https://testserver" if https else "http://testserver"
        return httpx.AsyncClient(transport=transport, base_url=base)

    async def signed_in(self, role: str) -> httpx.AsyncClient:
        client = self.client()
        response = await login(client, EMAILS[role], PASSWORD)
        assert response.status_code == 303, response.text
        return client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def csrf(client: httpx.AsyncClient, path: str = "/admin/login") -> str:
    response = await client.get(path)
    return csrf_of(response.text)


async def login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    token = await csrf(client)
    return await client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


async def post(
    client: httpx.AsyncClient,
    path: str,
    data: dict[str, str | list[str]] | None = None,
    *,
    page: str | None = None,
) -> httpx.Response:
    """A form post with the CSRF token taken from `page` (default: the same path)."""
    token = await csrf(client, page or "/admin/account")
    return await client.post(path, data={**(data or {}), "csrf_token": token})


@pytest.fixture
async def panel(db: Database) -> AsyncIterator[Panel]:
    await seed_if_empty(db)
    clock = Clock()
    settings = Settings(database_url=db.url, secret_key="test-secret-key")
    services = Services(settings, db=db, clock=clock)
    app = create_app(settings, services)
    await services.open()
    async with db.begin() as conn:
        for role, email in EMAILS.items():
            await users_repo.create_user(conn, email, password_hash(), role, clock.now)
    yield Panel(app, services, clock)
    if services.dispatcher is not None:
        await services.dispatcher.close()
