"""/admin/broadcasts through the whole app: compose for an audience, machine drafts from a
real (tiny) Argos model shown beside the texts and marked as such, the review gate,
scheduling, progress per status, cancelling — and texts shown as text, never as markup."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import create_app
from bot.core.content import seed_if_empty
from bot.db.repos import admin as users_repo
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings
from tests.admin.conftest import EMAILS, Clock, Panel, password_hash, post
from tests.broadcasts.conftest import Person, add_people, daytime_zone, rows
from tests.content.conftest import Installer


@pytest.fixture
async def panel(db: Database, install: Installer, models_dir: Path) -> AsyncIterator[Panel]:
    """The admin panel with French → Arabic and French → Persian (Dari) models installed,
    none for Tigrinya."""
    install("fr_ar", "fr_fa")
    await seed_if_empty(db)
    clock = Clock()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=db.url,
        secret_key="test-secret-key",
        timezone=daytime_zone(),
        translation_backend="argos",
        translation_models_dir=models_dir,
    )
    services = Services(settings, db=db, clock=clock)
    app = create_app(settings, services)
    await services.open()
    async with db.begin() as conn:
        for role, email in EMAILS.items():
            await users_repo.create_user(conn, email, password_hash(), role, clock.now)
    yield Panel(app, services, clock)
    if services.dispatcher is not None:
        await services.dispatcher.close()


def broadcast_id(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/admin/broadcasts/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


async def test_compose_review_schedule_follow_cancel(panel: Panel) -> None:
    db = panel.services.db
    await db.run(
        add_people,
        [Person("fr"), Person("ar"), Person("ar", channel="whatsapp"), Person("prs"), Person("ti")],
    )
    client = await panel.signed_in("facilitator")
    listing = await client.get("/admin/broadcasts")
    assert listing.status_code == 200 and "5 personnes en tout" in listing.text

    bid = broadcast_id(await post(client, "/admin/broadcasts", {"lang": ["ar", "prs", "ti"]}))
    page = (await client.get(f"/admin/broadcasts/{bid}")).text
    assert "<strong>4</strong> personnes" in page
    assert "✓ modèle installé" in page and "✗ pas de modèle" in page  # which have a model

    # French first (nobody here reads French, but drafts come from it), then drafts.
    saved = await post(client, f"/admin/broadcasts/{bid}/texts/fr", {"text": "bonjour merci"})
    assert saved.status_code == 303
    made = await post(client, f"/admin/broadcasts/{bid}/drafts")
    assert made.headers["location"].endswith("notice=drafts")
    page = (await client.get(f"/admin/broadcasts/{bid}")).text
    assert "أهلا شكرا" in page and "سلام تشکر" in page
    assert page.count("Traduction machine, pas encore relue") == 2
    assert "traduction machine pas encore relue" in page  # the gate says why, per language

    refused = await post(client, f"/admin/broadcasts/{bid}/schedule", {"when": "now"})
    assert refused.status_code == 409
    assert "ar : traduction machine pas encore relue" in refused.text
    assert "ti : pas de texte" in refused.text

    # Arabic accepted as it is, Dari corrected by a person, Tigrinya gets the French.
    assert (await post(client, f"/admin/broadcasts/{bid}/texts/ar/review")).status_code == 303
    corrected = await post(client, f"/admin/broadcasts/{bid}/texts/prs", {"text": "سلام، تشکر"})
    assert corrected.status_code == 303
    assert (await post(client, f"/admin/broadcasts/{bid}/texts/ti/french")).status_code == 303
    page = (await client.get(f"/admin/broadcasts/{bid}")).text
    assert "Traduction machine d'origine" in page  # the Dari draft kept beside its correction
    assert f"Relu par {EMAILS['facilitator']}" in page

    scheduled = await post(client, f"/admin/broadcasts/{bid}/schedule", {"when": "now"})
    assert scheduled.status_code == 303, scheduled.text
    assert scheduled.headers["location"].endswith("notice=started")  # not "programmée"
    page = (await client.get(f"/admin/broadcasts/{bid}")).text
    assert "programmée" in page and "en attente" in page
    [(state, created_by)] = await rows(
        db, "SELECT state, created_by FROM broadcasts WHERE id = :b", b=bid
    )
    assert (state, created_by) == ("scheduled", EMAILS["facilitator"])
    statuses = await rows(
        db, "SELECT lang, status FROM broadcast_recipients WHERE broadcast_id = :b", b=bid
    )
    assert sorted(statuses) == [
        ("ar", "waiting"),
        ("ar", "waiting"),
        ("prs", "waiting"),
        ("ti", "waiting"),
    ]

    # Texts are frozen once scheduled; cancelling stops everything.
    late = await post(client, f"/admin/broadcasts/{bid}/texts/ar", {"text": "autre"})
    assert late.status_code == 422
    cancelled = await post(client, f"/admin/broadcasts/{bid}/cancel")
    assert cancelled.headers["location"].endswith("notice=cancelled")
    page = (await client.get(f"/admin/broadcasts/{bid}")).text
    assert "annulée" in page and "Annuler la diffusion" not in page
    actions = [a for (a,) in await rows(db, "SELECT action FROM audit_log ORDER BY id")]
    assert actions[-2:] == ["broadcast.scheduled", "broadcast.cancelled"]


async def test_the_gate_refuses_a_language_without_text(panel: Panel) -> None:
    await panel.services.db.run(add_people, [Person("fr"), Person("ti")])
    client = await panel.signed_in("admin")
    bid = broadcast_id(await post(client, "/admin/broadcasts", {}))
    await post(client, f"/admin/broadcasts/{bid}/texts/fr", {"text": "Atelier demain"})
    refused = await post(client, f"/admin/broadcasts/{bid}/schedule", {"when": "now"})
    assert refused.status_code == 409 and "ti : pas de texte" in refused.text
    assert await rows(panel.services.db, "SELECT * FROM broadcast_recipients") == []


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("/texts/fr", {"text": ""}, 422),
        ("/texts/fr", {"text": "x" * 4001}, 422),
        ("/texts/fr", {"text": "ok", "media_ref": "javascript:alert(1)"}, 422),
        (
            "/texts/fr",
            {"text": "ok", "media_ref": "https://x.org/a.png", "media_kind": "video"},
            422,
        ),
        ("/texts/xx", {"text": "ok"}, 404),
        ("/texts/fr/review", {}, 409),
        ("/texts/fr/french", {}, 409),
        ("/schedule", {"when": "at", "at": "demain"}, 422),
        ("/schedule", {"when": "at", "at": "2001-01-01T10:00"}, 422),
    ],
)
async def test_bad_forms_get_4xx(
    panel: Panel, path: str, data: dict[str, str], status: int
) -> None:
    client = await panel.signed_in("facilitator")
    bid = broadcast_id(await post(client, "/admin/broadcasts", {}))
    response = await post(client, f"/admin/broadcasts/{bid}{path}", data)
    assert response.status_code == status, response.text
    nowhere = await post(client, f"/admin/broadcasts/9999{path}", data)
    assert nowhere.status_code in (404, status)
    refused = await post(client, "/admin/broadcasts", {"lang": "en"})
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("path", "data", "said"),
    [
        ("/texts/fr", {"text": ""}, "Le texte en français est vide."),
        ("/texts/ar", {"text": "x" * 4001}, "Le texte en arabe a 4001 caractères : 4000 au plus."),
        ("/schedule", {"when": "at", "at": "2001-01-01T10:00"}, "Cette heure est déjà passée."),
        ("/schedule", {"when": "at", "at": "0001-01-01T10:00"}, "entre 2000 et 2099"),
    ],
)
async def test_refusals_are_said_in_french(
    panel: Panel, path: str, data: dict[str, str], said: str
) -> None:
    client = await panel.signed_in("facilitator")
    bid = broadcast_id(await post(client, "/admin/broadcasts", {}))
    if path == "/schedule":
        await post(client, f"/admin/broadcasts/{bid}/texts/fr", {"text": "Atelier demain"})
    response = await post(client, f"/admin/broadcasts/{bid}{path}", data)
    assert 400 <= response.status_code < 500
    assert said in html.unescape(response.text)
    page = html.unescape((await client.get(f"/admin/broadcasts/{bid}")).text)
    assert "Public : tout le monde" in page and "everyone" not in page


async def test_texts_are_shown_as_text(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    bid = broadcast_id(await post(client, "/admin/broadcasts", {}))
    script = "<script>alert(1)</script> & <b>gras</b>"
    await post(client, f"/admin/broadcasts/{bid}/texts/fr", {"text": script})
    page = (await client.get(f"/admin/broadcasts/{bid}")).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


async def test_staff_cannot_broadcast(panel: Panel) -> None:
    client = await panel.signed_in("staff")
    assert (await client.get("/admin/broadcasts")).status_code == 403
    assert (await post(client, "/admin/broadcasts", {})).status_code == 403


async def test_audience_by_journey_stage_and_workshop_answer(panel: Panel) -> None:
    """The list offers the outcomes of "can I join?", pending steps and the upcoming
    workshops' answers; the count follows what is ticked."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from bot.db.repos.journeys import record_step
    from bot.db.repos.workshops import add_workshop, answer

    db = panel.services.db
    coming, stuck, _ = await db.run(add_people, [Person("fr"), Person("ar"), Person("ti")])
    now = panel.clock.now

    def journeys(conn: object) -> int:
        wid = add_workshop(
            conn,  # type: ignore[arg-type]
            titles={"fr": "Budget <b>fête</b>"},
            starts_at=now + timedelta(days=2),
            place="Maison des associations",
            langs=["fr"],
            now=now,
        )
        tz = ZoneInfo("Europe/Paris")
        assert answer(conn, workshop_id=wid, contact_id=coming, coming=True, now=now, tz=tz)  # type: ignore[arg-type]
        record_step(conn, stuck, "bank_account", "help", now)  # type: ignore[arg-type]
        return wid

    wid = await db.run(journeys)
    client = await panel.signed_in("facilitator")
    listing = (await client.get("/admin/broadcasts")).text
    assert f'name="workshop" value="{wid}"' in listing
    assert f'name="workshop" value="{wid}:no"' in listing
    assert "Budget &lt;b&gt;fête&lt;/b&gt;" in listing  # a title is text, never markup
    assert 'name="eligibility" value="cae"' in listing
    assert 'name="steps" value="pending"' in listing

    bid = broadcast_id(await post(client, "/admin/broadcasts", {"workshop": [str(wid)]}))
    assert "<strong>1</strong> personne" in (await client.get(f"/admin/broadcasts/{bid}")).text
    bid = broadcast_id(await post(client, "/admin/broadcasts", {"steps": ["help"]}))
    [(audience,)] = await rows(db, "SELECT audience FROM broadcasts WHERE id = :b", b=bid)
    assert "help" in str(audience)
    bad = await post(client, "/admin/broadcasts", {"workshop": ["999999"]})
    assert bad.status_code == 422
    assert "Aucun groupe ne s'appelle ainsi : workshop=999999" in html.unescape(bad.text)
