"""Sign-in for the panel: a signed session cookie (HttpOnly, SameSite=Lax, Secure over
https) naming a server-side session, the CSRF token it carries, and the login with its
limits (per account: locked after LOCK_AFTER wrong passwords in a row; per address).
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request

from bot.db.repos import admin as repo
from bot.db.repos.admin import StaffUser, Throttle
from bot.db.session import Database

COOKIE = "migracoop_admin"
COOKIE_PATH = "/admin"
SESSION_MAX_AGE = timedelta(days=7)  # then sign in again, however active
SESSION_IDLE = timedelta(hours=8)  # a session unused this long ends
TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often
LOCK_AFTER = 5  # wrong passwords in a row for one account
ADDRESS_LIMIT = 20  # wrong passwords from one address within ADDRESS_WINDOW
ADDRESS_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class CookieData:
    token: str | None  # the server-side session, when signed in
    csrf: str


class CookieCodec:
    """The cookie's value: signed with SECRET_KEY, so it cannot be forged or altered."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="migracoop.admin.session")

    def dump(self, data: CookieData) -> str:
        return self._serializer.dumps({"t": data.token, "c": data.csrf})

    def load(self, value: str | None) -> CookieData | None:
        if not value:
            return None
        try:
            raw = self._serializer.loads(value, max_age=int(SESSION_MAX_AGE.total_seconds()))
        except (BadSignature, ValueError):
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("c"), str):
            return None
        token = raw.get("t")
        return CookieData(token if isinstance(token, str) else None, raw["c"])


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def cookie_options(request: Request, value: str) -> dict[str, Any]:
    """Secure when the request came over https (directly, or through a trusted proxy:
    ProxyHeadersMiddleware has then set the scheme from X-Forwarded-Proto)."""
    return {
        "key": COOKIE,
        "value": value,
        "path": COOKIE_PATH,
        "httponly": True,
        "samesite": "lax",
        "secure": request.url.scheme == "https",
    }


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def signed_in(db: Database, token: str, now: datetime) -> StaffUser | None:
    """The active account of a session still valid; ends an expired one."""
    async with db.begin() as conn:
        found = await repo.session_user(conn, token)
        if found is None:
            return None
        expired = (
            now - found.created_at > SESSION_MAX_AGE or now - found.last_seen_at > SESSION_IDLE
        )
        if expired or found.user.disabled:
            await repo.end_session(conn, token)
            return None
        if now - found.last_seen_at > TOUCH_EVERY:
            await repo.touch_session(conn, token, now)
    return found.user


# --- login ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    outcome: Literal["ok", "wrong", "locked"]
    user: StaffUser | None = None
    token: str | None = None  # the new session's, when ok


async def log_in(
    db: Database, email: str, password: str, address: str, now: datetime
) -> LoginResult:
    """Check a login. Each attempt is counted as wrong before the password is checked (and
    taken back if right), so parallel attempts cannot get past the limits."""
    email = repo.normalize_email(email)[:254]
    account_key = repo.throttle_key("account", email)
    address_key = repo.throttle_key("address", address)
    for attempt in range(3):
        try:
            counted = await _count_attempt(db, email, account_key, address_key, now)
            break
        except IntegrityError:  # a parallel first attempt created the same counter row
            if attempt == 2:
                raise
    if counted is None:
        return LoginResult("locked")
    account, found = counted
    if found is None or found[0].disabled:
        await asyncio.to_thread(repo.burn_verify, password)
        ok, rehash = False, False
    else:
        ok, rehash = await asyncio.to_thread(repo.verify_password, password, found[1])
    async with db.begin() as conn:
        if not ok:
            if account.locked_until is not None:
                await repo.add_audit(
                    conn,
                    "anonyme",
                    "login.locked",
                    found[0].email if found else "compte inconnu",
                    now,
                )
            elif found is not None:
                await repo.add_audit(conn, "anonyme", "login.failed", found[0].email, now)
            await repo.forget_old_throttles(conn, now - timedelta(days=1))
            return LoginResult("wrong")
        assert found is not None
        user = found[0]
        await repo.clear_throttle(conn, account_key)
        await _take_back(conn, address_key, now)
        if rehash:  # scrypt from before, or older argon2 settings
            await repo.set_password_hash(conn, user.id, repo.hash_password(password))
        token = await repo.create_session(conn, user.id, now)
        await repo.add_audit(conn, user.email, "login", "", now)
    return LoginResult("ok", user, token)


async def _count_attempt(
    db: Database, email: str, account_key: str, address_key: str, now: datetime
) -> tuple[Throttle, tuple[StaffUser, str] | None] | None:
    """Count the attempt as wrong (None: locked), and read the account."""
    async with db.begin() as conn:
        states = await repo.throttles(conn, [account_key, address_key], for_update=True)
        if any(s.locked_until is not None and s.locked_until > now for s in states.values()):
            return None
        account = _counted(states.get(account_key), now, window=None, limit=LOCK_AFTER)
        by_address = _counted(
            states.get(address_key), now, window=ADDRESS_WINDOW, limit=ADDRESS_LIMIT
        )
        await repo.save_throttle(conn, account_key, account, read=account_key in states)
        await repo.save_throttle(conn, address_key, by_address, read=address_key in states)
        return account, await repo.credentials(conn, email)


def _counted(
    state: Throttle | None, now: datetime, *, window: timedelta | None, limit: int
) -> Throttle:
    """One more wrong attempt; locked when it reaches the limit. Without a window the count
    runs until a right password (or the end of a lock)."""
    if state is None or (window is not None and now - state.window_start > window):
        state = Throttle(0, now, None)
    if state.locked_until is not None:  # a lock that ended: start again
        state = Throttle(0, now, None)
    failures = state.failures + 1
    return Throttle(failures, state.window_start, now + LOCK_FOR if failures >= limit else None)


async def _take_back(conn: AsyncConnection, key: str, now: datetime) -> None:
    state = (await repo.throttles(conn, [key])).get(key)
    if state is None:
        return
    failures = max(0, state.failures - 1)
    still_locked = state.locked_until if failures >= ADDRESS_LIMIT else None
    await repo.save_throttle(
        conn, key, Throttle(failures, state.window_start, still_locked), read=True
    )


async def log_out(db: Database, token: str) -> None:
    async with db.begin() as conn:
        await repo.end_session(conn, token)
