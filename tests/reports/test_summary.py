"""A contact's summary in French: identities masked for staff, open requests, and the
questions not understood with a French machine translation marked as such (the tiny real
Argos packages the translation tests build), or the original with its language named."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert

from bot.db.repos import activity
from bot.db.tables import tickets
from tests.content.conftest import Installer
from tests.reports.conftest import Panel, People, at


async def test_summary_in_french_with_machine_translation(
    panel: Panel, people: People, install: Installer, models_dir: Path
) -> None:
    install("ti_en", "en_fr")  # Tigrinya -> English -> French; nothing from Arabic
    settings = panel.services.settings
    settings.translation_backend, settings.translation_models_dir = "argos", models_dir
    db = panel.services.db
    cid = await people.add(
        "+33612345644", channel="whatsapp", lang="ti", when="2026-03-02 10:00", consent=True
    )
    await db.run(
        activity.add_misses,
        [
            activity.MissRow(
                cid, "whatsapp", "ti", "ሰላም", "not_understood", "greet", 0.3, at("2026-03-02 10:05")
            ),
            activity.MissRow(
                cid,
                "whatsapp",
                "ar",
                "<b>مرحبا</b>",
                "not_understood",
                None,
                None,
                at("2026-03-02 10:06"),
            ),
        ],
    )
    async with db.begin() as conn:
        await conn.execute(
            insert(tickets).values(
                contact_id=cid,
                reason="user_request",
                status="open",
                created_at=at("2026-03-02 10:07"),
            )
        )
    staff = await panel.signed_in("staff")
    page = await staff.get(f"/admin/contacts/{cid}")
    assert page.status_code == 200
    html = page.text
    assert "tigrinya" in html and "WA •••• 44" in html and "+33612345644" not in html
    assert "a demandé à parler à une personne" in html
    assert "traduction automatique" in html and ">bonjour<" in html  # ሰላም -> hello -> bonjour
    assert (
        "Texte original en arabe (pas de modèle de traduction de l&#39;arabe vers le français)"
        in html
    )
    assert "&lt;b&gt;مرحبا&lt;/b&gt;" in html  # a message is text, never markup
    facilitator = await panel.signed_in("facilitator")
    assert "WA +33612345644" in (await facilitator.get(f"/admin/contacts/{cid}")).text
    assert (await staff.get("/admin/contacts/999999")).status_code == 404


async def test_without_a_model_the_original_is_shown_with_its_language(
    panel: Panel, people: People
) -> None:
    panel.services.settings.translation_backend = "none"
    db = panel.services.db
    cid = await people.add(
        "u", channel="telegram", lang="prs", when="2026-03-02 10:00", consent=True
    )
    await db.run(
        activity.add_misses,
        [
            activity.MissRow(
                cid,
                "telegram",
                "prs",
                "سلام، چطور هستید",
                "not_understood",
                None,
                None,
                at("2026-03-02 10:05"),
            )
        ],
    )
    html = (await (await panel.signed_in("staff")).get(f"/admin/contacts/{cid}")).text
    assert "سلام، چطور هستید" in html and "traduction automatique" not in html
    assert "Texte original en dari (pas de modèle de traduction du dari vers le français)" in html
