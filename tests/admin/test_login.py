"""Logging in: argon2 (scrypt hashes upgraded), the lockout after 5 wrong passwords in a
row, the per-address limit, sessions that end (logout, idle, disabled account)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from admin import auth
from bot.db.repos import admin as users_repo
from bot.db.tables import audit, users
from tests.admin.conftest import EMAILS, PASSWORD, Panel, login, post


async def stored_hash(panel: Panel, email: str) -> str:
    async with panel.services.db.connect() as conn:
        found = await users_repo.credentials(conn, email)
    assert found is not None
    return found[1]


async def audit_actions(panel: Panel) -> list[str]:
    async with panel.services.db.connect() as conn:
        return [r[0] for r in await conn.execute(select(audit.c.action).order_by(audit.c.id))]


async def test_login_then_the_panel(panel: Panel) -> None:
    client = panel.client()
    assert (await client.get("/admin/")).headers["location"] == "/admin/login"
    response = await login(client, EMAILS["facilitator"], PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    home = await client.get("/admin/")
    assert home.status_code == 200 and EMAILS["facilitator"] in home.text
    assert (await stored_hash(panel, EMAILS["facilitator"])).startswith("$argon2id$")
    assert "login" in await audit_actions(panel)


async def test_wrong_password_and_unknown_email_get_the_same_answer(panel: Panel) -> None:
    wrong = await login(panel.client(), EMAILS["admin"], "not the password")
    unknown = await login(panel.client(), "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "E-mail ou mot de passe incorrect" in wrong.text
    assert "E-mail ou mot de passe incorrect" in unknown.text


async def test_lockout_after_five_wrong_passwords_in_a_row(panel: Panel) -> None:
    client = panel.client()
    for _ in range(auth.LOCK_AFTER):
        assert (await login(client, EMAILS["staff"], "guess")).status_code == 401
    locked = await login(client, EMAILS["staff"], PASSWORD)  # even the right one
    assert locked.status_code == 429 and "Réessayez dans 15 minutes" in locked.text
    assert "login.locked" in await audit_actions(panel)
    # Another account from the same place still works.
    assert (await login(panel.client(), EMAILS["admin"], PASSWORD)).status_code == 303
    # After the lock, the right password works again, and the count starts over.
    panel.clock.advance(auth.LOCK_FOR + timedelta(seconds=1))
    assert (await login(client, EMAILS["staff"], PASSWORD)).status_code == 303


async def test_a_right_password_resets_the_count(panel: Panel) -> None:
    for _ in range(auth.LOCK_AFTER - 1):
        await login(panel.client(), EMAILS["staff"], "guess")
    assert (await login(panel.client(), EMAILS["staff"], PASSWORD)).status_code == 303
    for _ in range(auth.LOCK_AFTER - 1):
        assert (await login(panel.client(), EMAILS["staff"], "guess")).status_code == 401
    assert (await login(panel.client(), EMAILS["staff"], PASSWORD)).status_code == 303


async def test_parallel_guesses_cannot_pass_the_limit(panel: Panel) -> None:
    results = await asyncio.gather(
        *(login(panel.client(), EMAILS["staff"], f"guess {i}") for i in range(12))
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(401) <= auth.LOCK_AFTER
    assert set(statuses) <= {401, 429}
    assert (await login(panel.client(), EMAILS["staff"], PASSWORD)).status_code == 429


async def test_one_address_trying_many_accounts_is_stopped(panel: Panel) -> None:
    sprayer = "198.51.100.7"
    for i in range(auth.ADDRESS_LIMIT):
        response = await login(panel.client(address=sprayer), f"user{i}@example.org", "guess")
        assert response.status_code == 401
    blocked = await login(panel.client(address=sprayer), EMAILS["admin"], PASSWORD)
    assert blocked.status_code == 429
    assert (await login(panel.client(), EMAILS["admin"], PASSWORD)).status_code == 303


async def test_an_old_scrypt_hash_is_upgraded_at_login(panel: Panel) -> None:
    async with panel.services.db.begin() as conn:
        await conn.execute(
            users.update()
            .where(users.c.email == EMAILS["staff"])
            .values(password_hash=users_repo.scrypt_hash(PASSWORD))
        )
    assert (await stored_hash(panel, EMAILS["staff"])).startswith("scrypt$")
    assert (await login(panel.client(), EMAILS["staff"], "wrong")).status_code == 401
    assert (await stored_hash(panel, EMAILS["staff"])).startswith("scrypt$")
    assert (await login(panel.client(), EMAILS["staff"], PASSWORD)).status_code == 303
    upgraded = await stored_hash(panel, EMAILS["staff"])
    assert upgraded.startswith("$argon2id$")
    assert users_repo.verify_password(PASSWORD, upgraded) == (True, False)


async def test_logout_ends_the_session_even_for_a_copied_cookie(panel: Panel) -> None:
    client = await panel.signed_in("admin")
    stolen = dict(client.cookies.items())
    response = await post(client, "/admin/logout")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")
    assert (await client.get("/admin/")).status_code == 303
    replay = panel.client()
    for name, value in stolen.items():
        replay.cookies.set(name, value, path="/admin")
    assert (await replay.get("/admin/")).status_code == 303


async def test_an_idle_session_ends(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    panel.clock.advance(auth.SESSION_IDLE - timedelta(minutes=1))
    assert (await client.get("/admin/")).status_code == 200  # use keeps it alive
    panel.clock.advance(auth.SESSION_IDLE - timedelta(minutes=1))
    assert (await client.get("/admin/")).status_code == 200
    panel.clock.advance(auth.SESSION_IDLE + timedelta(minutes=1))
    assert (await client.get("/admin/")).status_code == 303


async def test_a_disabled_account_is_out_at_once(panel: Panel) -> None:
    staff = await panel.signed_in("staff")
    admin = await panel.signed_in("admin")
    async with panel.services.db.connect() as conn:
        found = await users_repo.credentials(conn, EMAILS["staff"])
    assert found is not None
    response = await post(admin, f"/admin/users/{found[0].id}/disable")
    assert response.status_code == 303
    assert (await staff.get("/admin/")).status_code == 303
    assert (await login(panel.client(), EMAILS["staff"], PASSWORD)).status_code == 401


async def test_empty_or_huge_fields_get_a_clear_answer(panel: Panel) -> None:
    client = panel.client()
    from tests.admin.conftest import csrf

    token = await csrf(client)
    empty = await client.post("/admin/login", data={"csrf_token": token})
    assert empty.status_code == 400 and "Écrivez votre e-mail" in empty.text
    huge = await client.post(
        "/admin/login", data={"csrf_token": token, "email": "a" * 10_000, "password": "b" * 10_000}
    )
    assert huge.status_code == 401
    body = await client.post(
        "/admin/login",
        content=b"csrf_token=" + token.encode() + b"&x=" + b"y" * 600_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert body.status_code == 413
