"""The simulator: the real engine and NLU, a contact that exists only in the page, the
drafts or the published content of this process; nothing written, nothing sent."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy import func, select

from bot.db.repos import content as repo
from bot.db.repos.content import Item
from bot.db.tables import contacts, messages, outbox, tickets
from content.catalog import load_locale_files
from tests.admin.conftest import Panel, csrf

SHIPPED = load_locale_files()


def unisolated(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


STATE = re.compile(r'name="state" value="([^"]+)"')


class Sim:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client, self.token, self.state = client, token, ""

    async def reset(self, **fields: str) -> str:
        response = await self.client.post(
            "/admin/simulator", data={"csrf_token": self.token, "action": "reset", **fields}
        )
        return self._keep(response)

    async def say(self, text: str = "", payload: str = "") -> str:
        response = await self.client.post(
            "/admin/simulator",
            data={"csrf_token": self.token, "state": self.state, "text": text, "payload": payload},
            headers={"X-Requested-With": "fetch"},
        )
        return self._keep(response)

    def _keep(self, response: httpx.Response) -> str:
        assert response.status_code == 200, response.text[:500]
        found = STATE.search(response.text)
        assert found is not None
        self.state = found.group(1)
        return html.unescape(response.text)


async def sim(panel: Panel, role: str = "staff") -> Sim:
    client = await panel.signed_in(role)
    return Sim(client, await csrf(client, "/admin/simulator"))


async def nothing_written(panel: Panel) -> None:
    async with panel.services.db.connect() as conn:
        for table in (contacts, messages, outbox, tickets):
            count = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            assert count == 0, table.name


async def test_a_new_person_writing_arabic(panel: Panel) -> None:
    s = await sim(panel)
    await s.reset()
    page = await s.say("السلام عليكم")
    assert unisolated(page).count(SHIPPED["ar"]["language.confirm"]) == 1
    assert 'name="payload" value="yes"' in page  # "yes, in Arabic" as a button
    assert 'name="payload" value="other"' in page  # or another language
    assert "<!doctype html>" not in page  # the page's script asked for the conversation only
    page = await s.say(payload="yes")
    assert SHIPPED["ar"]["onboarding.consent_question"] in unisolated(page)
    page = await s.say(payload="agree")
    assert "simulation" not in page
    assert "accord pour garder ses réponses : oui" in page
    await nothing_written(panel)


async def test_data_requests_and_handover_are_notes_not_actions(panel: Panel) -> None:
    s = await sim(panel)
    await s.reset(known="1", lang="fr")
    await s.say("/mydata")
    await s.say(payload="delete")
    page = await s.say(payload="erase")
    assert (
        "simulation : le bot effacerait toutes les données de la personne ; rien n'est fait" in page
    )
    page = await s.say("je veux parler à une personne")
    assert "simulation : une demande" in page and "rien n'est créé" in page
    await nothing_written(panel)


async def test_draft_mode_uses_the_drafts_published_mode_does_not(panel: Panel) -> None:
    async with panel.services.db.begin() as conn:
        await repo.save_draft(
            conn,
            Item.text("menu.prompt", "fr"),
            value="🏠 Texte du brouillon : un numéro ?",
            status="draft",
            base_version=1,
            actor="fatou@example.org",
            now=panel.clock.now,
        )
    s = await sim(panel)
    await s.reset(known="1", lang="fr", mode="draft")
    assert "Texte du brouillon" in await s.say("menu")
    await s.reset(known="1", lang="fr", mode="published")
    page = await s.say("menu")
    assert "Texte du brouillon" not in page and SHIPPED["fr"]["menu.prompt"] in page


async def test_published_mode_is_what_this_process_serves(panel: Panel) -> None:
    async with panel.services.db.begin() as conn:
        await repo.save_draft(
            conn,
            Item.text("menu.prompt", "ar"),
            value="🏠 نسخة منشورة جديدة",
            status="reviewed",
            base_version=1,
            actor="fatou@example.org",
            now=panel.clock.now,
        )
        from bot.core.publishing import publish_drafts

        await publish_drafts(conn, actor="fatou@example.org", note="", now=panel.clock.now)
    s = await sim(panel)
    await s.reset(known="1", lang="ar")
    assert "نسخة منشورة جديدة" not in await s.say("menu")  # not reloaded yet
    assert panel.services.content is not None and await panel.services.content.check()
    assert "نسخة منشورة جديدة" in await s.say("menu")


async def test_a_forged_state_starts_over(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    token = await csrf(client, "/admin/simulator")
    response = await client.post(
        "/admin/simulator",
        data={"csrf_token": token, "state": "eyJmb3JnZWQiOjF9.abc", "text": "salut"},
    )
    assert response.status_code == 400 and "recommence" in html.unescape(response.text)
