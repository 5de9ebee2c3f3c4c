"""Staff accounts (argon2 password hashes; older scrypt hashes still verify and are
re-hashed at the next login), their sessions, login throttling and the audit log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import audit, login_throttle, sessions, users

ROLES = ("staff", "facilitator", "admin")  # each can do what the ones before it can
# OWASP's argon2id setting (19 MiB, 2 passes, 1 lane): ~50 ms here. The library's default
# (64 MiB, 4 lanes) took ~0.4 s per login on this 2-core machine.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True, slots=True)
class StaffUser:
    id: int
    email: str
    role: str
    disabled: bool
    created_at: datetime


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def scrypt_hash(password: str) -> str:
    """The hash format used before argon2 (kept to verify, and for tests of the upgrade)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> tuple[bool, bool]:
    """(matches, should be re-hashed). Slow on purpose (argon2): call it from a thread."""
    if stored.startswith("scrypt$"):
        try:
            _, salt_b64, digest_b64 = stored.split("$")
            digest = hashlib.scrypt(
                password.encode(),
                salt=base64.b64decode(salt_b64),
                n=_SCRYPT_N,
                r=_SCRYPT_R,
                p=_SCRYPT_P,
            )
        except ValueError:
            return False, False
        ok = hmac.compare_digest(digest, base64.b64decode(digest_b64))
        return ok, ok
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    return True, _hasher.check_needs_rehash(stored)


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def burn_verify(password: str) -> None:
    """Spend the time of a real check, so an unknown e-mail answers as slowly as a known one."""
    verify_password(password, _dummy_hash())


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _user(row: object) -> StaffUser:
    return StaffUser(
        row.id,  # type: ignore[attr-defined]
        row.email,  # type: ignore[attr-defined]
        row.role,  # type: ignore[attr-defined]
        row.disabled_at is not None,  # type: ignore[attr-defined]
        row.created_at,  # type: ignore[attr-defined]
    )


_USER_COLS = (users.c.id, users.c.email, users.c.role, users.c.disabled_at, users.c.created_at)


async def add_audit(
    conn: AsyncConnection, actor: str, action: str, detail: str, now: datetime | None = None
) -> None:
    """One line of the audit log: who, what, when. Never a migrant's number or message."""
    await conn.execute(
        insert(audit).values(
            actor=actor[:254],
            action=action[:64],
            detail=detail[:2000],
            created_at=now or datetime.now(UTC),
        )
    )


async def upsert_user(conn: AsyncConnection, email: str, password: str, role: str) -> bool:
    """Create the account, or set its password and role. True when created."""
    email = normalize_email(email)
    exists = (await conn.execute(select(users.c.id).where(users.c.email == email))).first()
    values = {"password_hash": hash_password(password), "role": role}
    if exists:
        await conn.execute(update(users).where(users.c.email == email).values(**values))
    else:
        await conn.execute(
            insert(users).values(email=email, created_at=datetime.now(UTC), **values)
        )
    await add_audit(conn, "cli", "user.created" if not exists else "user.updated", email)
    return not exists


async def any_admin(conn: AsyncConnection) -> bool:
    return (
        await conn.execute(
            select(users.c.id).where(users.c.role == "admin", users.c.disabled_at.is_(None))
        )
    ).first() is not None


async def credentials(conn: AsyncConnection, email: str) -> tuple[StaffUser, str] | None:
    """The account and its stored hash, for a login."""
    row = (
        await conn.execute(
            select(*_USER_COLS, users.c.password_hash).where(
                users.c.email == normalize_email(email)
            )
        )
    ).first()
    return (_user(row), str(row.password_hash)) if row else None


async def check_login(conn: AsyncConnection, email: str, password: str) -> str | None:
    """The role of a valid login to an active account, else None."""
    found = await credentials(conn, email)
    if found is None or found[0].disabled:
        return None
    return found[0].role if verify_password(password, found[1])[0] else None


async def set_password_hash(conn: AsyncConnection, user_id: int, password_hash: str) -> None:
    await conn.execute(
        update(users).where(users.c.id == user_id).values(password_hash=password_hash)
    )


async def user_by_id(conn: AsyncConnection, user_id: int) -> StaffUser | None:
    row = (await conn.execute(select(*_USER_COLS).where(users.c.id == user_id))).first()
    return _user(row) if row else None


async def list_users(conn: AsyncConnection, *, limit: int, offset: int) -> list[StaffUser]:
    rows = await conn.execute(
        select(*_USER_COLS).order_by(users.c.email).limit(limit).offset(offset)
    )
    return [_user(r) for r in rows]


async def count_users(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(users))).scalar_one())


async def create_user(
    conn: AsyncConnection, email: str, password_hash: str, role: str, now: datetime
) -> int | None:
    """The new account's id, or None when the e-mail is taken."""
    email = normalize_email(email)
    if (await conn.execute(select(users.c.id).where(users.c.email == email))).first():
        return None
    result = await conn.execute(
        insert(users)
        .values(email=email, password_hash=password_hash, role=role, created_at=now)
        .returning(users.c.id)
    )
    return int(result.scalar_one())


async def set_role(conn: AsyncConnection, user_id: int, role: str) -> None:
    await conn.execute(update(users).where(users.c.id == user_id).values(role=role))


async def set_disabled(conn: AsyncConnection, user_id: int, when: datetime | None) -> None:
    await conn.execute(update(users).where(users.c.id == user_id).values(disabled_at=when))


async def count_active_admins(conn: AsyncConnection) -> int:
    return int(
        (
            await conn.execute(
                select(func.count())
                .select_from(users)
                .where(users.c.role == "admin", users.c.disabled_at.is_(None))
            )
        ).scalar_one()
    )


# --- sessions -----------------------------------------------------------------------------


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_session(conn: AsyncConnection, user_id: int, now: datetime) -> str:
    """A new session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    await conn.execute(
        insert(sessions).values(
            id=token_id(token), user_id=user_id, created_at=now, last_seen_at=now
        )
    )
    return token


@dataclass(frozen=True, slots=True)
class SessionUser:
    user: StaffUser
    created_at: datetime
    last_seen_at: datetime


async def session_user(conn: AsyncConnection, token: str) -> SessionUser | None:
    row = (
        await conn.execute(
            select(*_USER_COLS, sessions.c.created_at.label("s_created"), sessions.c.last_seen_at)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.id == token_id(token))
        )
    ).first()
    if row is None:
        return None
    return SessionUser(_user(row), row.s_created, row.last_seen_at)


async def touch_session(conn: AsyncConnection, token: str, now: datetime) -> None:
    await conn.execute(
        update(sessions).where(sessions.c.id == token_id(token)).values(last_seen_at=now)
    )


async def end_session(conn: AsyncConnection, token: str) -> None:
    await conn.execute(delete(sessions).where(sessions.c.id == token_id(token)))


async def end_user_sessions(conn: AsyncConnection, user_id: int) -> None:
    await conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


# --- login throttling ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Throttle:
    failures: int
    window_start: datetime
    locked_until: datetime | None


def throttle_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


async def throttles(
    conn: AsyncConnection, keys: list[str], *, for_update: bool = False
) -> dict[str, Throttle]:
    query = select(login_throttle).where(login_throttle.c.key.in_(keys))
    rows = await conn.execute(query.with_for_update() if for_update else query)
    return {r.key: Throttle(r.failures, r.window_start, r.locked_until) for r in rows}


async def save_throttle(conn: AsyncConnection, key: str, state: Throttle, *, read: bool) -> None:
    """Write a counter computed from what `throttles` read: `read` says whether its row
    was there. A row that was not is inserted, never updated: if a parallel attempt created
    it meanwhile, the insert fails (IntegrityError) and the caller counts again from that
    row (locked), instead of overwriting its count with one computed from nothing."""
    values = {
        "failures": state.failures,
        "window_start": state.window_start,
        "locked_until": state.locked_until,
    }
    if read:
        await conn.execute(
            update(login_throttle).where(login_throttle.c.key == key).values(**values)
        )
    else:
        await conn.execute(insert(login_throttle).values(key=key, **values))


async def clear_throttle(conn: AsyncConnection, key: str) -> None:
    await conn.execute(delete(login_throttle).where(login_throttle.c.key == key))


async def forget_old_throttles(conn: AsyncConnection, before: datetime) -> None:
    await conn.execute(
        delete(login_throttle).where(
            login_throttle.c.window_start < before,
            (login_throttle.c.locked_until.is_(None)) | (login_throttle.c.locked_until < before),
        )
    )


# --- audit log ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditLine:
    id: int
    actor: str
    action: str
    detail: str
    created_at: datetime


async def audit_page(conn: AsyncConnection, *, limit: int, offset: int) -> list[AuditLine]:
    rows = await conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit).offset(offset))
    return [AuditLine(r.id, r.actor, r.action, r.detail, r.created_at) for r in rows]


async def count_audit(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(audit))).scalar_one())


async def user_role(conn: AsyncConnection, email: str) -> str | None:
    """The role of the account with this e-mail, None when there is none."""
    row = (
        await conn.execute(select(users.c.role).where(users.c.email == normalize_email(email)))
    ).first()
    return str(row[0]) if row else None


async def set_role_by_email(conn: AsyncConnection, email: str, role: str, actor: str) -> None:
    """Change an existing account's role (its password stays), with an audit line."""
    email = normalize_email(email)
    await conn.execute(update(users).where(users.c.email == email).values(role=role))
    await add_audit(conn, actor, "user.role", f"{email}: {role}")
