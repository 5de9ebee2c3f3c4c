"""A migrant's message, a text or a flow can hold `<script>alert(1)</script>`: it is data,
escaped wherever it appears (Jinja2 autoescape), and the CSP would stop it anyway."""

from __future__ import annotations

import re

from starlette.routing import Mount

from admin.app import AdminState
from admin.deps import Ctx
from bot.db.repos import content as repo
from bot.db.repos.content import Item
from tests.admin.conftest import Panel, csrf, post

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def escaped_only(page: str) -> bool:
    return ESCAPED in page and SCRIPT not in page


async def test_a_text_with_a_script_is_shown_escaped_everywhere(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/texts/menu.prompt")
    saved = await client.post(
        "/admin/texts/menu.prompt",
        data={"csrf_token": token, "text:menu.prompt:ar": f"🏠 {SCRIPT} ماذا؟"},
    )
    assert saved.status_code == 303
    for path in ("/admin/texts/menu.prompt", "/admin/texts?show=draft", "/admin/versions"):
        assert escaped_only((await client.get(path)).text), path
    await post(
        client,
        "/admin/versions/publish",
        {"item": "text:menu.prompt:ar", "note": SCRIPT},
        page="/admin/versions",
    )
    for path in (
        "/admin/flows/menu?lang=ar",
        "/admin/flows/menu/nodes/main",
        "/admin/versions",
        "/admin/versions/2",
        "/admin/texts?q=menu.prompt",
    ):
        assert escaped_only((await client.get(path)).text), path


async def test_a_message_in_the_simulator_is_shown_escaped(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    token = await csrf(client, "/admin/simulator")
    state = await client.post(
        "/admin/simulator", data={"csrf_token": token, "action": "reset", "known": "1"}
    )
    encoded = re.search(r'name="state" value="([^"]+)"', state.text)
    assert encoded is not None
    response = await client.post(
        "/admin/simulator",
        data={"csrf_token": token, "state": encoded.group(1), "text": SCRIPT},
    )
    assert response.status_code == 200 and escaped_only(response.text)


async def test_a_flow_source_with_a_script_is_shown_escaped(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    async with panel.services.db.connect() as conn:
        source = (await repo.current(conn, kind="flow", key="learn"))[Item.flow("learn")].value
    token = await csrf(client, "/admin/flows/learn/yaml")
    bad = source.replace("start: soon", f"start: '{SCRIPT}'")
    response = await client.post(
        "/admin/flows/learn/yaml", data={"csrf_token": token, "source": bad, "action": "check"}
    )
    assert response.status_code == 422 and escaped_only(response.text)
    ok = await client.post(
        "/admin/flows/learn/yaml",
        data={"csrf_token": token, "source": source + f"# {SCRIPT}\n", "action": "save"},
    )
    assert ok.status_code == 303
    assert escaped_only((await client.get("/admin/flows/learn/yaml")).text)


async def test_identities_are_masked_for_staff_and_escaped(panel: Panel) -> None:
    from admin.masking import mask_identity, masked
    from bot.db.repos.admin import StaffUser

    assert masked("whatsapp", "+33 6 12 34 56 44") == "WA •••• 44"
    assert masked("telegram", "123456721") == "TG •••• 21"
    assert masked("whatsapp", "7") == "WA ••••"
    state = admin_state(panel)
    for role, expected in (("staff", "WA •••• 44"), ("facilitator", "WA +33612345644")):
        user = StaffUser(1, f"{role}@example.org", role, False, panel.clock.now)
        ctx = Ctx(request=None, state=state, user=user, csrf="")  # type: ignore[arg-type]
        assert mask_identity(ctx, "whatsapp", "+33612345644") == expected
        page = state.templates.from_string("{{ ctx|mask('whatsapp', address) }}")
        rendered = page.render(ctx=ctx, address="+3361234<script>")
        assert "<script>" not in rendered


def admin_state(panel: Panel) -> AdminState:
    mount = next(r for r in panel.app.routes if isinstance(r, Mount) and r.path == "/admin")
    state: AdminState = mount.app.state.admin  # type: ignore[attr-defined]
    return state
