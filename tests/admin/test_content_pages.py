"""Flows and texts through the panel: the outline, the YAML editor and its errors by line,
the four-language form, publishing and rolling back, and the audit log of it all."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from admin.outline import ACTIONS, outline
from bot.db.repos import content as repo
from bot.db.repos.content import Item
from bot.db.tables import audit
from content.catalog import load_locale_files
from flows.loader import load_directory
from flows.model import ACTION_TYPES
from tests.admin.conftest import Panel, csrf, post

SHIPPED = load_locale_files()


async def published(panel: Panel, item: Item) -> str | None:
    async with panel.services.db.connect() as conn:
        found = (await repo.current(conn, kind=item.kind, key=item.key)).get(item)
    return found.value if found else None


async def audit_lines(panel: Panel) -> list[tuple[str, str, str]]:
    async with panel.services.db.connect() as conn:
        rows = await conn.execute(select(audit.c.actor, audit.c.action, audit.c.detail))
        return [(r[0], r[1], r[2]) for r in rows]


async def test_the_outline_reads_like_the_flow(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    page = html.unescape((await client.get("/admin/flows/onboarding")).text)
    for node in ("guess", "pick", "confirm", "chosen", "welcome"):
        assert f'id="node-{node}"' in page
    assert "si la langue = und" in page and "sinon" in page
    assert SHIPPED["fr"]["language.confirm"] in page  # the question, in French
    assert "parcours « consent »" in page  # where the welcome leads
    page = html.unescape((await client.get("/admin/flows/consent")).text)
    for node in ("notice", "ask", "given", "refused"):
        assert f'id="node-{node}"' in page
    assert SHIPPED["fr"]["onboarding.consent_question"] in page
    arabic = html.unescape((await client.get("/admin/flows/consent?lang=ar")).text)
    assert SHIPPED["ar"]["onboarding.consent_question"] in arabic
    flows = (await client.get("/admin/flows")).text
    assert "onboarding" in flows and "my_data" in flows


async def test_staff_read_but_do_not_see_edit_controls(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    page = (await client.get("/admin/flows/menu/nodes/main")).text
    assert "readonly" in page and "Enregistrer le brouillon" not in page
    assert "Modifier le YAML" not in (await client.get("/admin/flows/menu")).text


async def test_yaml_errors_are_shown_beside_their_line_and_nothing_is_saved(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    source = await published(panel, Item.flow("learn"))
    assert source is not None
    broken = source.replace("goto: answered", "goto: nowhere_node")
    assert broken != source
    token = await csrf(client, "/admin/flows/learn/yaml")
    response = await client.post(
        "/admin/flows/learn/yaml", data={"source": broken, "action": "save", "csrf_token": token}
    )
    assert response.status_code == 422
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "nowhere_node" in text)
    page = html.unescape(response.text)
    assert f'<li id="L{line}" class="bad">' in page
    assert "unknown destination 'nowhere_node'" in page
    assert f"ligne {line}" in page
    async with panel.services.db.connect() as conn:
        assert await repo.drafts(conn) == {}


async def test_yaml_that_does_not_parse_or_renames_the_flow_is_refused(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/flows/learn/yaml")
    bad_yaml = await client.post(
        "/admin/flows/learn/yaml",
        data={"source": "id: learn\nstart: [oops\n", "action": "check", "csrf_token": token},
    )
    assert bad_yaml.status_code == 422 and "not valid YAML" in bad_yaml.text
    source = await published(panel, Item.flow("learn")) or ""
    renamed = await client.post(
        "/admin/flows/learn/yaml",
        data={"source": source.replace("id: learn", "id: other"), "csrf_token": token},
    )
    assert renamed.status_code == 422 and "doit rester" in html.unescape(renamed.text)


async def test_edit_yaml_publish_and_roll_back_a_flow(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    source = await published(panel, Item.flow("learn"))
    assert source is not None
    edited = source + "# note de Fatou\n"
    token = await csrf(client, "/admin/flows/learn/yaml")
    saved = await client.post(
        "/admin/flows/learn/yaml", data={"source": edited, "action": "save", "csrf_token": token}
    )
    assert saved.status_code == 303 and "draft=1" in saved.headers["location"]
    assert await published(panel, Item.flow("learn")) == source  # a draft is not in service
    versions = await client.get("/admin/versions")
    assert "parcours learn" in versions.text
    publish = await post(
        client,
        "/admin/versions/publish",
        {"item": "flow:learn:", "note": "note ajoutée"},
        page="/admin/versions",
    )
    assert publish.status_code == 303 and "published" in publish.headers["location"]
    assert await published(panel, Item.flow("learn")) == edited
    history = (await client.get("/admin/flows/learn")).text
    assert "v2" in history and "Revenir à cette version" in history
    back = await post(client, "/admin/flows/learn/versions/1/rollback", page="/admin/flows/learn")
    assert back.status_code == 303
    assert await published(panel, Item.flow("learn")) == source
    actions = [a for _, a, _ in await audit_lines(panel)]
    assert {"flow.draft", "content.publish", "flow.rollback"} <= set(actions)
    changes = [(actor, a) for actor, a, _ in await audit_lines(panel) if a != "login"]
    assert changes[0] == ("seed", "content.seed")  # the shipped files, then Fatou's changes
    assert all(actor == "fatou@example.org" for actor, _ in changes[1:])


async def test_node_texts_in_four_languages_publish_and_release_rollback(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    page = (await client.get("/admin/flows/menu/nodes/main")).text
    for lang in ("fr", "ar", "prs", "ti"):
        assert re.search(rf'name="text:menu.prompt:{lang}" dir="auto" lang="{lang}"', page)
    token = await csrf(client, "/admin/flows/menu/nodes/main")
    new_ar = "🏠 ماذا تريدين أن تفعلي؟ اكتبي رقمًا."
    saved = await client.post(
        "/admin/flows/menu/nodes/main",
        data={
            "csrf_token": token,
            "text:menu.prompt:ar": new_ar,
            "status:menu.prompt:ar": "draft",
        },
    )
    assert saved.status_code == 303
    assert await published(panel, Item.text("menu.prompt", "ar")) != new_ar
    texts = (await client.get("/admin/texts?show=draft")).text
    assert "menu.prompt" in texts
    await post(
        client, "/admin/versions/publish", {"item": "text:menu.prompt:ar"}, page="/admin/versions"
    )
    assert await published(panel, Item.text("menu.prompt", "ar")) == new_ar
    release_page = await client.get("/admin/versions/2")
    assert release_page.status_code == 200 and new_ar in release_page.text
    back = await post(client, "/admin/versions/1/rollback", page="/admin/versions")
    assert back.status_code == 303 and "rolled" in back.headers["location"]
    assert await published(panel, Item.text("menu.prompt", "ar")) != new_ar


async def test_a_translation_must_keep_the_french_placeholders(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/texts/mydata.export_header")
    response = await client.post(
        "/admin/texts/mydata.export_header",
        data={
            "csrf_token": token,
            "text:mydata.export_header:ar": "📦 كل بياناتك:",  # {date} forgotten
            "text:mydata.export_header:prs": "📦 همه معلومات شما، {date}:",
        },
    )
    assert response.status_code == 422
    assert "{date}" in html.unescape(response.text)
    async with panel.services.db.connect() as conn:
        assert await repo.drafts(conn) == {}  # all fields or none


@pytest.mark.parametrize("typed", ["À bientôt ! Prix : 5 €}", "Bonjour {prenom", "{"])
async def test_a_brace_alone_is_refused_and_the_edit_kept(panel: Panel, typed: str) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/texts/common.goodbye")
    arabic = "👋 إلى اللقاء!"
    response = await client.post(
        "/admin/texts/common.goodbye",
        data={
            "csrf_token": token,
            "text:common.goodbye:fr": typed,
            "text:common.goodbye:ar": arabic,
        },
    )
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "accolade seule" in page and typed in page and arabic in page  # nothing lost
    async with panel.services.db.connect() as conn:
        assert await repo.drafts(conn) == {}


async def test_a_changed_french_text_flags_its_translations(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/texts/menu.prompt")
    await client.post(
        "/admin/texts/menu.prompt",
        data={"csrf_token": token, "text:menu.prompt:fr": "🏠 Que faisons-nous ? Un numéro."},
    )
    await post(
        client, "/admin/versions/publish", {"item": "text:menu.prompt:fr"}, page="/admin/versions"
    )
    outdated = (await client.get("/admin/texts?show=outdated")).text
    assert "menu.prompt" in outdated and "menu.learn" not in outdated
    home = html.unescape((await client.get("/admin/")).text)
    assert "3</strong><span>traductions à revoir" in home


async def test_pages_of_a_list_are_paginated(panel: Panel) -> None:
    from content.catalog import load_locale_files

    pages = -(-len(load_locale_files()["fr"]) // 50)
    assert pages >= 2
    client = await panel.signed_in("staff")
    first = (await client.get("/admin/texts")).text
    assert f"page 1 / {pages}" in first and "Suivante" in first
    last = (await client.get(f"/admin/texts?page={pages}")).text
    assert f"page {pages} / {pages}" in last and "Suivante" not in last
    assert (await client.get("/admin/texts?page=abc")).status_code == 200
    assert (await client.get("/admin/texts?page=-5")).status_code == 200


async def test_an_unknown_flow_node_or_text_is_404(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    for path in (
        "/admin/flows/nope",
        "/admin/flows/menu/nodes/nope",
        "/admin/texts/nope.nope",
        "/admin/flows/nope/yaml",
        "/admin/versions/99",
    ):
        assert (await client.get(path)).status_code == 404, path
    token = await csrf(client, "/admin/texts/menu.prompt")
    made_up = await client.post(
        "/admin/texts/nope.key", data={"csrf_token": token, "text:nope.key:fr": "x"}
    )
    assert made_up.status_code == 404  # no draft for a text the bot does not have
    async with panel.services.db.connect() as conn:
        assert await repo.drafts(conn) == {}


async def test_the_seed_release_lists_its_items_page_by_page(panel: Panel) -> None:
    from bot.core.content import shipped_items

    total = len(shipped_items())
    pages = -(-total // 50)
    client = await panel.signed_in("staff")
    first = html.unescape((await client.get("/admin/versions/1")).text)
    assert f"Ce qui a changé ({total})" in first and f"page 1 / {pages}" in first
    last = html.unescape((await client.get(f"/admin/versions/1?page={pages}")).text)
    assert f"page {pages} / {pages}" in last


def test_every_action_reads_as_a_sentence_in_the_outline() -> None:
    """No action shows as its Python form, and a question whose text the steps before it
    compose (a module's next message) says so instead of "text missing"."""
    plain = {"send_msg", "set_language", "set_field", "set_consent", "request_handover"}
    assert not ACTION_TYPES - {*ACTIONS, *plain, "data_request"}
    for flow in load_directory().values():
        for node in outline(flow, SHIPPED, "fr"):
            for step in node.steps:
                assert "type=" not in step.what and "{" not in step.what, (flow.id, step)
            if node.question is not None and node.question.prompt.key.startswith("@var."):
                assert node.question.prompt.composed, (flow.id, node.id)


async def test_a_composed_question_is_not_flagged_missing(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    page = html.unescape((await client.get("/admin/flows/learn")).text)
    assert "texte composé par les étapes ci-dessus" in page
    assert "manquant" not in page
    assert "Montre les modules à apprendre" in page and "ListModules" not in page
