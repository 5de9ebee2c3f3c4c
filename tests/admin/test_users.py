"""Accounts, by an admin: create (password shown once), change role, disable, enable,
new password; never without an active admin; every change in the audit log."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from bot.db.repos import admin as users_repo
from bot.db.tables import audit
from tests.admin.conftest import EMAILS, Panel, login, post


async def user_id(panel: Panel, email: str) -> int:
    async with panel.services.db.connect() as conn:
        found = await users_repo.credentials(conn, email)
    assert found is not None
    return found[0].id


async def test_create_an_account_and_use_its_password(panel: Panel) -> None:
    admin = await panel.signed_in("admin")
    response = await post(
        admin,
        "/admin/users",
        {"email": "Nadia@Example.org ", "role": "facilitator"},
        page="/admin/users",
    )
    assert response.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', response.text)
    assert password is not None
    assert (
        await login(panel.client(), "nadia@example.org", html.unescape(password.group(1)))
    ).status_code == 303
    again = await post(
        admin, "/admin/users", {"email": "nadia@example.org", "role": "staff"}, page="/admin/users"
    )
    assert again.status_code == 409  # an existing account is not changed by "create"
    async with panel.services.db.connect() as conn:
        found = await users_repo.credentials(conn, "nadia@example.org")
    assert found is not None and found[0].role == "facilitator"


async def test_bad_email_or_role_is_refused(panel: Panel) -> None:
    admin = await panel.signed_in("admin")
    for data in (
        {"email": "notanemail", "role": "staff"},
        {"email": "<script>alert(1)</script>@x.org", "role": "staff"},
        {"email": "a@example.org", "role": "root"},
    ):
        response = await post(admin, "/admin/users", data, page="/admin/users")
        assert response.status_code == 422, data
        assert "<script>alert(1)" not in response.text


async def test_role_change_applies_at_once_and_is_audited(panel: Panel) -> None:
    staff = await panel.signed_in("staff")
    assert (await staff.get("/admin/flows/menu/yaml")).status_code == 403
    admin = await panel.signed_in("admin")
    sami = await user_id(panel, EMAILS["staff"])
    response = await post(
        admin, f"/admin/users/{sami}/role", {"role": "facilitator"}, page="/admin/users"
    )
    assert response.status_code == 303
    assert (await staff.get("/admin/")).status_code == 303  # signed out: sign in again
    promoted = await panel.signed_in("staff")
    assert (await promoted.get("/admin/flows/menu/yaml")).status_code == 200
    async with panel.services.db.connect() as conn:
        rows = (await conn.execute(select(audit.c.actor, audit.c.action, audit.c.detail))).all()
    assert ("ada@example.org", "user.role", "sami@example.org: staff -> facilitator") in [
        tuple(r) for r in rows
    ]


async def test_the_last_admin_cannot_be_demoted_or_disabled(panel: Panel) -> None:
    admin = await panel.signed_in("admin")
    ada = await user_id(panel, EMAILS["admin"])
    demote = await post(admin, f"/admin/users/{ada}/role", {"role": "staff"}, page="/admin/users")
    assert demote.status_code == 409
    disable = await post(admin, f"/admin/users/{ada}/disable", page="/admin/users")
    assert disable.status_code == 409
    assert (await admin.get("/admin/users")).status_code == 200


async def test_disable_enable_and_new_password(panel: Panel) -> None:
    admin = await panel.signed_in("admin")
    fatou = await user_id(panel, EMAILS["facilitator"])
    await post(admin, f"/admin/users/{fatou}/disable", page="/admin/users")
    page = (await admin.get("/admin/users")).text
    assert "désactivé" in page
    await post(admin, f"/admin/users/{fatou}/enable", page="/admin/users")
    response = await post(admin, f"/admin/users/{fatou}/password", page="/admin/users")
    password = re.search(r'<code class="secret">([^<]+)</code>', response.text)
    assert password is not None
    assert (
        await login(panel.client(), EMAILS["facilitator"], html.unescape(password.group(1)))
    ).status_code == 303
    log = (await admin.get("/admin/audit")).text
    for action in ("user.disable", "user.enable", "user.password"):
        assert action in log


async def test_change_my_own_password(panel: Panel) -> None:
    staff = await panel.signed_in("staff")
    from tests.admin.conftest import PASSWORD

    wrong = await post(
        staff,
        "/admin/account",
        {"current": "nope", "new": "a-new-long-pass", "again": "a-new-long-pass"},
    )
    assert wrong.status_code == 422
    short = await post(
        staff, "/admin/account", {"current": PASSWORD, "new": "short", "again": "short"}
    )
    assert short.status_code == 422
    ok = await post(
        staff,
        "/admin/account",
        {"current": PASSWORD, "new": "a-new-long-pass", "again": "a-new-long-pass"},
    )
    assert ok.status_code == 303
    assert (await login(panel.client(), EMAILS["staff"], "a-new-long-pass")).status_code == 303
