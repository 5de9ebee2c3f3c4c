"""A contact's summary in French: identities masked for staff, open requests, and the
questions not understood with a French machine translation marked as such (the tiny real
Argos packages the translation tests build), or the original with its language named."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, insert

from bot.db.repos import activity, journeys, workshops
from bot.db.repos.privacy import erase_contact
from bot.db.tables import tickets
from bot.ledger.rules import Actor
from tests.content.conftest import Installer
from tests.ledger.conftest import make_shop, paris
from tests.reports.conftest import PARIS, Panel, People, at


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


async def test_the_journey_in_the_summary(panel: Panel, people: People) -> None:
    """Modules, the eligibility outcome, steps (by their French titles), the coop and its
    sales total, the workshop answer; and nothing of it once the contact is erased."""
    db = panel.services.db
    shop = await make_shop(db, "Cuisine du monde", n_members=2)
    cid = shop.contacts[0]
    await shop.sell(0, 1250, now=paris("2026-11-04 12:00"), quantity=2)
    big = Actor.facilitator("nadia@migracoop.example")  # above a member's limit for one sale
    await shop.sell(0, 123400, now=paris("2026-11-04 13:00"), quantity=150, actor=big)
    await shop.sell(1, 9900, now=paris("2026-11-04 13:00"))  # someone else's
    now = paris("2026-11-04 14:00")

    def journey(conn: Connection) -> None:
        journeys.record_module(conn, cid, "cooperative", now=now, done=True)
        journeys.record_module(conn, cid, "cae", now=now, position=2)
        journeys.record_eligibility(conn, cid, "cae", {}, now)
        journeys.record_step(conn, cid, "domiciliation", "done", now)
        journeys.record_step(conn, cid, "social_security", "help", now)
        ws = workshops.add_workshop(
            conn,
            titles={"fr": "Vendre au marché", "ar": "البيع"},
            starts_at=paris("2026-11-20 14:00"),
            place="Paris",
            langs=("fr",),
            now=now,
        )
        workshops.answer(conn, workshop_id=ws, contact_id=cid, coming=True, now=now, tz=PARIS)

    await db.run(journey)
    staff = await panel.signed_in("staff")
    html = (await staff.get(f"/admin/contacts/{cid}")).text
    assert "🤝 La coopérative" in html  # finished
    assert "🏢 Entrepreneur salarié (2 messages lus)" in html  # started
    assert "Coopérative d&#39;activité et d&#39;emploi (CAE), le" in html
    assert "Domiciliation : fait" in html and "demande de l&#39;aide" in html
    # 12,50 + 1 234,00 by this member; the other member's 99,00 is not theirs.
    assert "Cuisine du monde, depuis le" in html and "2 ventes, 1\u202f246,50 € TTC" in html
    assert "Vendre au marché, le" in html and ": vient" in html

    await db.run(lambda c: erase_contact(c, cid, tz=PARIS))
    assert (await staff.get(f"/admin/contacts/{cid}")).status_code == 404


async def test_a_contact_with_no_journey_yet(panel: Panel, people: People) -> None:
    cid = await people.add("u9", channel="telegram", lang="fr", when="2026-03-02 10:00")
    html = (await (await panel.signed_in("staff")).get(f"/admin/contacts/{cid}")).text
    assert "Rien encore : ni module" in html
