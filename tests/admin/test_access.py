"""Every route of the panel × every role × anonymous, CSRF on every unsafe route, the
session cookie's flags and the security headers. The routes are read from the app, so a
page added later is checked without touching this file."""

from __future__ import annotations

import re

import httpx
from starlette.routing import Mount, Route

from admin.app import CSP, create_admin_app
from admin.deps import Page, Role
from tests.admin.conftest import EMAILS, PASSWORD, Panel, csrf, csrf_of, login
from tests.admin.people import samples

# A value for each path parameter, naming something that exists in the test database.
SAMPLES = {
    "flow_id": "menu",
    "node_id": "main",
    "key": "menu.prompt",
    "lang": "ar",
    "version": "1",
    "release": "1",
    "user_id": "4",  # target@example.org, made for this test: actions land on it
    "conflict_id": "1",
    "request_id": "1",
    "coop_id": "1",
    "product_id": "1",
    "workshop_id": "1",
    "contact_id": "1",  # samples()' person
    "miss_id": "1",  # a message the bot did not understand, made for this test
    "table": "all",
    "broadcast_id": "1",  # a draft, made for this test
}
# A query a page needs to name something (the file samples() puts in the media folder).
QUERIES = {"/media/file": "?ref=learn/sample.png"}
ROLES = ("staff", "facilitator", "admin")
# Who may use what, written out by hand: a page whose declaration differs fails here. A new
# page adds its line (staff read; facilitators change content; admins manage accounts).
EXPECTED: dict[tuple[str, str], Role | str] = {
    ("GET", "/"): Role.staff,
    ("GET", "/account"): Role.staff,
    ("POST", "/account"): Role.staff,
    ("GET", "/audit"): Role.admin,
    ("GET", "/coops"): Role.staff,
    ("POST", "/coops"): Role.facilitator,
    ("GET", "/coops/export"): Role.staff,
    ("GET", "/coops/{coop_id:int}"): Role.staff,
    ("POST", "/coops/{coop_id:int}"): Role.facilitator,
    ("GET", "/coops/{coop_id:int}/invite"): Role.facilitator,
    ("POST", "/coops/{coop_id:int}/members"): Role.facilitator,
    ("POST", "/coops/{coop_id:int}/products"): Role.facilitator,
    ("POST", "/coops/{coop_id:int}/products/{product_id:int}"): Role.facilitator,
    ("GET", "/inbox"): Role.staff,
    ("GET", "/inbox/{request_id:int}"): Role.staff,
    ("POST", "/inbox/{request_id:int}/assign"): Role.facilitator,
    ("POST", "/inbox/{request_id:int}/close"): Role.facilitator,
    ("POST", "/inbox/{request_id:int}/reply"): Role.facilitator,
    ("GET", "/broadcasts"): Role.facilitator,
    ("POST", "/broadcasts"): Role.facilitator,
    ("GET", "/broadcasts/{broadcast_id:int}"): Role.facilitator,
    ("POST", "/broadcasts/{broadcast_id:int}/cancel"): Role.facilitator,
    ("POST", "/broadcasts/{broadcast_id:int}/drafts"): Role.facilitator,
    ("POST", "/broadcasts/{broadcast_id:int}/schedule"): Role.facilitator,
    ("POST", "/broadcasts/{broadcast_id:int}/texts/{lang}"): Role.facilitator,
    ("POST", "/broadcasts/{broadcast_id:int}/texts/{lang}/french"): Role.facilitator,
    ("POST", "/broadcasts/{broadcast_id:int}/texts/{lang}/review"): Role.facilitator,
    ("POST", "/conflicts/{conflict_id:int}/resolve"): Role.facilitator,
    ("GET", "/contacts/{contact_id:int}"): Role.staff,
    ("GET", "/dashboard"): Role.staff,
    ("GET", "/dashboard/export/{table}"): Role.staff,
    ("GET", "/digest"): Role.staff,
    ("POST", "/digest/send"): Role.facilitator,
    ("POST", "/drafts/discard"): Role.facilitator,
    ("GET", "/flows"): Role.staff,
    ("GET", "/flows/{flow_id}"): Role.staff,
    ("GET", "/flows/{flow_id}/nodes/{node_id}"): Role.staff,
    ("POST", "/flows/{flow_id}/nodes/{node_id}"): Role.facilitator,
    ("POST", "/flows/{flow_id}/versions/{version:int}/rollback"): Role.facilitator,
    ("GET", "/flows/{flow_id}/yaml"): Role.facilitator,
    ("POST", "/flows/{flow_id}/yaml"): Role.facilitator,
    ("GET", "/login"): "public",
    ("GET", "/media"): Role.staff,
    ("POST", "/media"): Role.facilitator,
    ("GET", "/media/file"): Role.staff,
    ("GET", "/misunderstood"): Role.staff,
    ("GET", "/misunderstood/export"): Role.facilitator,
    ("POST", "/misunderstood/{miss_id:int}"): Role.facilitator,
    ("POST", "/login"): "public",
    ("POST", "/logout"): "public",
    ("GET", "/report"): Role.staff,
    ("GET", "/report/export"): Role.staff,
    ("GET", "/simulator"): Role.staff,
    ("POST", "/simulator"): Role.staff,
    ("GET", "/texts"): Role.staff,
    ("GET", "/texts/{key}"): Role.staff,
    ("POST", "/texts/{key}"): Role.facilitator,
    ("POST", "/texts/{key}/{lang}/versions/{version:int}/rollback"): Role.facilitator,
    ("GET", "/users"): Role.admin,
    ("POST", "/users"): Role.admin,
    ("POST", "/users/{user_id:int}/disable"): Role.admin,
    ("POST", "/users/{user_id:int}/enable"): Role.admin,
    ("POST", "/users/{user_id:int}/password"): Role.admin,
    ("POST", "/users/{user_id:int}/role"): Role.admin,
    ("GET", "/versions"): Role.staff,
    ("POST", "/versions/publish"): Role.facilitator,
    ("GET", "/versions/{release:int}"): Role.staff,
    ("POST", "/versions/{release:int}/rollback"): Role.facilitator,
    ("GET", "/workshops"): Role.staff,
    ("POST", "/workshops"): Role.facilitator,
    ("GET", "/workshops/{workshop_id:int}"): Role.staff,
    ("POST", "/workshops/{workshop_id:int}"): Role.facilitator,
    ("POST", "/workshops/{workshop_id:int}/attendance"): Role.facilitator,
    ("POST", "/workshops/{workshop_id:int}/cancel"): Role.facilitator,
}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def declared(panel: Panel) -> list[tuple[str, Page]]:
    """(method, page) for every route of the mounted admin app."""
    state = admin_app(panel).state.admin
    return sorted(
        ((m, p) for p in state.pages for m in p.methods),
        key=lambda mp: (mp[1].path == "/logout", mp[1].path, mp[0]),  # logout last
    )


def admin_app(panel: Panel):  # type: ignore[no-untyped-def]
    mount = next(r for r in panel.app.routes if isinstance(r, Mount) and r.path == "/admin")
    return mount.app


def concrete(path: str) -> str:
    def fill(match: re.Match[str]) -> str:
        assert match.group(1) in SAMPLES, f"add a sample for {{{match.group(1)}}} in SAMPLES"
        return SAMPLES[match.group(1)]

    return "/admin" + PARAM.sub(fill, path) + QUERIES.get(path, "")


def goes_to_login(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].split("?")[0] == (
        "/admin/login"
    )


async def test_every_route_is_a_declared_page(panel: Panel) -> None:
    app = admin_app(panel)
    pages = {(m, p.path) for p in app.state.admin.pages for m in p.methods}
    routes = set()
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static", f"undeclared mount {route.path}"
            continue
        assert isinstance(route, Route)
        routes |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    assert routes == pages
    declared_roles = {(m, p.path): p.access for p in app.state.admin.pages for m in p.methods}
    assert declared_roles == EXPECTED
    assert create_admin_app(panel.services).routes  # building it again finds the same pages


async def test_routes_by_role(panel: Panel) -> None:
    from bot.db.repos import admin as users_repo

    async with panel.services.db.begin() as conn:
        await users_repo.upsert_user(conn, "target@example.org", PASSWORD, "staff")
        target = await users_repo.credentials(conn, "target@example.org")
    assert target is not None and target[0].id == int(SAMPLES["user_id"])
    await samples(panel)
    await _a_contact_not_understood(panel)

    from bot.broadcasts.audience import Audience

    draft = await panel.services.broadcast_service.draft(Audience(), "ada@example.org")
    assert draft == int(SAMPLES["broadcast_id"])
    clients = {"anonymous": panel.client()}
    for role in ROLES:
        clients[role] = await panel.signed_in(role)
    tokens = {"anonymous": await csrf(clients["anonymous"], "/admin/login")}
    for who in ROLES:
        tokens[who] = await csrf(clients[who], "/admin/account")
    failures = []
    checked = 0
    for method, page in declared(panel):
        url = concrete(page.path)
        for who in ("anonymous", *ROLES):
            client = clients[who]
            if method == "GET":
                response = await client.get(url)
            else:
                response = await client.post(url, data={"csrf_token": tokens[who]})
            checked += 1
            allowed = page.role is None or (who != "anonymous" and Role[who] >= page.role)
            status = response.status_code
            problem = None
            if page.role is None:
                if status >= 500 or status == 403:
                    problem = f"public route answered {status}"
            elif who == "anonymous":
                if not goes_to_login(response):
                    problem = f"anonymous got {status}, not a redirect to /admin/login"
            elif not allowed:
                if status != 403:
                    problem = f"expected 403, got {status}"
            elif method == "GET" and status != 200:
                problem = f"expected 200, got {status}"
            elif status >= 500 or status == 403 or goes_to_login(response):
                problem = f"allowed role got {status}"
            if problem:
                failures.append(f"{method} {url} as {who}: {problem}")
    assert not failures, "\n".join(failures)
    assert checked >= 4 * 25


async def _a_contact_not_understood(panel: Panel) -> None:
    from bot.db.repos import activity
    from bot.db.repos import conversations as conversations_repo

    now = panel.clock.now

    def create(conn) -> int:  # type: ignore[no-untyped-def]
        key = ("whatsapp", "+33612345644")
        row = conversations_repo.create_contacts(conn, [(*key, "ar")], now)[key]
        row.consent = True
        conversations_repo.save_contacts(conn, [row], now)
        activity.add_misses(
            conn,
            [activity.MissRow(row.id, "whatsapp", "ar", "؟", "not_understood", None, None, now)],
        )
        return row.id

    await panel.services.db.run(create)  # contact 1 is samples()' person; this one's miss is 1


async def test_every_unsafe_route_needs_the_csrf_token(panel: Panel) -> None:
    clients = {"anonymous": panel.client()}
    for role in ROLES:
        clients[role] = await panel.signed_in(role)
    other_session = panel.client()
    foreign = await csrf(other_session)  # a valid token, but of another browser
    failures = []
    for method, page in declared(panel):
        if method == "GET":
            continue
        url = concrete(page.path)
        for who, client in clients.items():
            for data in ({}, {"csrf_token": "forged"}, {"csrf_token": foreign}):
                response = await client.post(url, data=data)
                if response.status_code != 403:
                    failures.append(f"POST {url} as {who} with {data}: {response.status_code}")
    assert not failures, "\n".join(failures)
    # The session survived all of that, and nothing was published.
    assert (await clients["admin"].get("/admin/")).status_code == 200
    async with panel.services.db.connect() as conn:
        from bot.db.repos import content as content_repo

        assert await content_repo.head_release(conn) == 1


async def test_a_token_header_works_for_scripts(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    token = csrf_of((await client.get("/admin/simulator")).text)
    response = await client.post(
        "/admin/simulator", data={"action": "reset"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200


async def test_login_without_a_token_is_refused(panel: Panel) -> None:
    client = panel.client()
    response = await client.post(
        "/admin/login", data={"email": EMAILS["admin"], "password": PASSWORD}
    )
    assert response.status_code == 403
    assert (await client.get("/admin/")).status_code == 303  # still not signed in


def _cookie_header(response: httpx.Response) -> str:
    headers = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    assert headers, "no cookie set"
    return headers[-1]


async def test_session_cookie_flags(panel: Panel) -> None:
    client = panel.client()
    token = await csrf(client)
    response = await client.post(
        "/admin/login", data={"email": EMAILS["staff"], "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    cookie = _cookie_header(response).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/admin" in cookie
    assert "secure" not in cookie  # plain http on 127.0.0.1 (a phone on the local network)


async def test_cookie_is_secure_over_https(panel: Panel) -> None:
    client = panel.client(https=True)
    response = await login(client, EMAILS["staff"], PASSWORD)
    assert response.status_code == 303
    assert "secure" in _cookie_header(response).lower()


async def test_cookie_is_secure_behind_a_trusted_proxy_only(panel: Panel) -> None:
    # From 127.0.0.1 (FORWARDED_ALLOW_IPS' default) the proxy's header is believed...
    trusted = panel.client(address="127.0.0.1")
    page = await trusted.get("/admin/login", headers={"X-Forwarded-Proto": "https"})
    assert "secure" in _cookie_header(page).lower()
    # ...from anywhere else it is not.
    untrusted = panel.client(address="203.0.113.9")
    page = await untrusted.get("/admin/login", headers={"X-Forwarded-Proto": "https"})
    assert "secure" not in _cookie_header(page).lower()


async def test_a_forged_or_altered_cookie_is_anonymous(panel: Panel) -> None:
    client = await panel.signed_in("admin")
    cookie = next(c for c in client.cookies.jar if c.name == "migracoop_admin")
    value = cookie.value
    client.cookies.clear()
    client.cookies.set(
        "migracoop_admin", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"), path="/admin"
    )
    assert goes_to_login(await client.get("/admin/users"))


async def test_security_headers_everywhere(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    for path in ("/admin/", "/admin/login", "/admin/static/admin.css", "/admin/nowhere"):
        response = await client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    assert (await client.get("/admin/")).headers["cache-control"] == "no-store"
    assert (await client.get("/admin/nowhere")).status_code == 404
    anonymous = panel.client()
    assert goes_to_login(await anonymous.get("/admin/nowhere"))


async def test_no_inline_script_or_style_in_any_page(panel: Panel) -> None:
    await samples(panel)
    client = await panel.signed_in("admin")
    for method, page in declared(panel):
        if method != "GET":
            continue
        html = (await client.get(concrete(page.path))).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), page.path
        assert " style=" not in html and " onclick=" not in html and "javascript:" not in html


async def test_hostile_path_parameters_get_4xx(panel: Panel) -> None:
    client = await panel.signed_in("admin")
    token = await csrf(client, "/admin/account")
    hostile = ["%00", "a%00b", "x" * 300, "99999999999999999999", "%3Cscript%3E", "..", "-1"]
    failures = []
    for method, page in declared(panel):
        if "{" not in page.path:
            continue
        for value in hostile:
            url = "/admin" + PARAM.sub(value, page.path)
            if method == "GET":
                response = await client.get(url)
            else:
                response = await client.post(url, data={"csrf_token": token})
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert (await client.get("/admin/")).status_code == 200


def raw_form(data: dict[str, str]) -> bytes:
    """A form body as a browser could send it, with bytes no text can hold (%00, %FF)."""
    from urllib.parse import quote

    return "&".join(f"{quote(k)}={v}" for k, v in data.items()).encode()


async def test_hostile_form_fields_get_4xx_and_nothing_is_lost(panel: Panel) -> None:
    bad = "a%00b%FF%FE%3Cscript%3E"  # NUL, invalid UTF-8, markup
    await samples(panel)
    form = {"content-type": "application/x-www-form-urlencoded"}
    anonymous = panel.client()
    token = await csrf(anonymous)
    for data in ({"email": bad, "password": bad}, {"email": "x%40y.org%00", "password": "p"}):
        response = await anonymous.post(
            "/admin/login", content=raw_form({**data, "csrf_token": token}), headers=form
        )
        assert response.status_code in (400, 401), response.status_code
    admin = await panel.signed_in("admin")
    token = await csrf(admin, "/admin/account")
    posts = {
        "/admin/users": {"email": f"n{bad}%40example.org", "role": "staff"},
        "/admin/texts/menu.prompt": {"text:menu.prompt:ar": f"%F0%9F%8F%A0 {bad}"},
        "/admin/flows/learn/yaml": {"source": f"id: learn%0A{bad}", "action": "save"},
        "/admin/simulator": {"action": "reset", "lang": bad, "mode": bad},
        "/admin/versions/publish": {"item": bad, "note": bad},
        "/admin/drafts/discard": {"item": bad, "back": bad},
        "/admin/account": {"current": bad, "new": bad * 3, "again": bad * 3},
        "/admin/inbox/1/reply": {"text": bad},
        "/admin/inbox/1/assign": {"who": bad},
        "/admin/coops": {"name": bad, "kind": "culinary", "starts_on": bad, "product_name": bad},
        "/admin/coops/1": {"name": bad, "starts_on": bad, "max_sale": bad, "reminder_at": bad},
        "/admin/coops/1/products": {"name": bad, "price": bad, "vat": bad, "aliases": bad},
        "/admin/coops/1/members": {"contact": bad},
        "/admin/workshops": {"title_fr": bad, "starts_at": bad, "place": bad, "langs": bad},
        "/admin/workshops/1": {"title_fr": bad, "starts_at": "2031-01-01T10:00", "place": bad},
        "/admin/workshops/1/attendance": {"came": bad},
        "/admin/media": {"folder": bad},
    }
    for path, data in posts.items():
        response = await admin.post(
            path, content=raw_form({**data, "csrf_token": token}), headers=form
        )
        assert response.status_code < 500, path
    async with panel.services.db.connect() as conn:
        from bot.db.repos import content as content_repo
        from bot.db.repos.content import Item

        draft = (await content_repo.drafts(conn))[Item.text("menu.prompt", "ar")]
    assert "\x00" not in draft.value and "ab" in draft.value  # kept, less what cannot be stored
