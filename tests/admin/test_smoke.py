from __future__ import annotations

from tests.admin.conftest import Panel


async def test_pages_render(panel: Panel) -> None:
    client = await panel.signed_in("admin")
    for path in [
        "/admin/",
        "/admin/flows",
        "/admin/flows/menu",
        "/admin/flows/onboarding",
        "/admin/flows/menu/yaml",
        "/admin/flows/menu/nodes/main",
        "/admin/texts",
        "/admin/texts/menu.prompt",
        "/admin/versions",
        "/admin/versions/1",
        "/admin/simulator",
        "/admin/users",
        "/admin/audit",
        "/admin/account",
    ]:
        r = await client.get(path)
        assert r.status_code == 200, (path, r.text[:3000])
