"""Staff accounts: scrypt password hashes, and the account `make run` ensures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.tables import audit, users

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), n=_N, r=_R, p=_P)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


async def upsert_user(conn: AsyncConnection, email: str, password: str, role: str) -> bool:
    """Create the account, or set its password and role. True when created."""
    email = email.strip().lower()
    exists = (await conn.execute(select(users.c.id).where(users.c.email == email))).first()
    values = {"password_hash": hash_password(password), "role": role}
    if exists:
        await conn.execute(update(users).where(users.c.email == email).values(**values))
    else:
        await conn.execute(
            insert(users).values(email=email, created_at=datetime.now(UTC), **values)
        )
    await conn.execute(
        insert(audit).values(
            actor="cli",
            action="user.created" if not exists else "user.updated",
            detail=email,
            created_at=datetime.now(UTC),
        )
    )
    return not exists


async def any_admin(conn: AsyncConnection) -> bool:
    return (
        await conn.execute(select(users.c.id).where(users.c.role == "admin"))
    ).first() is not None


async def check_login(conn: AsyncConnection, email: str, password: str) -> str | None:
    """The role of a valid login, else None."""
    row = (
        await conn.execute(
            select(users.c.password_hash, users.c.role).where(
                users.c.email == email.strip().lower()
            )
        )
    ).first()
    if row is None or not verify_password(password, row[0]):
        return None
    return str(row[1])


async def user_role(conn: AsyncConnection, email: str) -> str | None:
    """The role of the account with this e-mail, None when there is none."""
    row = (
        await conn.execute(select(users.c.role).where(users.c.email == email.strip().lower()))
    ).first()
    return str(row[0]) if row else None


async def set_role(conn: AsyncConnection, email: str, role: str) -> None:
    """Change an existing account's role (its password stays), with an audit line."""
    email = email.strip().lower()
    await conn.execute(update(users).where(users.c.email == email).values(role=role))
    await conn.execute(
        insert(audit).values(
            actor="cli", action="user.role", detail=f"{email}: {role}", created_at=datetime.now(UTC)
        )
    )
