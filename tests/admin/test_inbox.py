"""The inbox: open requests with the person's last words, one request's context, a reply
that goes through the outbox into the person's chat (held on WhatsApp outside 24 h without
a template), assign, close; staff read with identities masked and may not answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.repos import handover
from bot.db.tables import outbox
from bot.delivery.payload import Payload
from tests.admin.conftest import Panel, csrf
from tests.admin.people import person

SCRIPT = "<script>alert(1)</script>"


async def outbox_rows(panel: Panel) -> list[tuple[str, str, str]]:
    async with panel.services.db.connect() as conn:
        rows = await conn.execute(select(outbox).order_by(outbox.c.id))
        return [(r.channel, r.status, Payload.from_json(r.payload).text) for r in rows]


async def test_the_list_shows_open_requests_with_the_last_words(panel: Panel) -> None:
    _, first = await person(panel, said=("bonjour", "je veux parler à quelqu'un"), lang="fr")
    _, second = await person(panel, address="555000299", said=("سلام", SCRIPT))
    client = await panel.signed_in("facilitator")
    page = (await client.get("/admin/inbox")).text
    assert f'href="/admin/inbox/{first}"' in page and f'href="/admin/inbox/{second}"' in page
    assert "je veux parler à quelqu&#39;un" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and SCRIPT not in page
    assert "TG 555000144" in page  # a facilitator sees whom to answer
    staff = await panel.signed_in("staff")
    page = (await staff.get("/admin/inbox")).text
    assert "555000144" not in page and "TG •••• 44" in page
    assert "TG •••• 99" in page


async def test_the_list_has_pages(panel: Panel) -> None:
    for n in range(30):
        await person(panel, address=f"7000{n:03d}", said=(f"message {n}",), lang="fr")
    client = await panel.signed_in("staff")
    first = (await client.get("/admin/inbox")).text
    assert "message 0<" in first and "message 29<" not in first and "page 1 / 2" in first
    second = (await client.get("/admin/inbox?page=2")).text
    assert "message 29<" in second and "message 0<" not in second


async def test_a_request_shows_its_context_and_a_reply_reaches_the_outbox(panel: Panel) -> None:
    _, request = await person(panel)
    client = await panel.signed_in("facilitator")
    page = (await client.get(f"/admin/inbox/{request}")).text
    assert "العربية" in page and "أريد التحدث مع شخص" in page
    assert "Dernière question du bot" in page and "ماذا تريدين أن تفعلي اليوم؟" in page
    assert 'href="/admin/flows/menu"' in page  # the flow that led there
    token = await csrf(client, f"/admin/inbox/{request}")
    sent = await client.post(
        f"/admin/inbox/{request}/reply",
        data={"csrf_token": token, "text": f"نعم، سأتصل بك غدًا {SCRIPT}"},
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("notice=replied")
    ((channel, status, text),) = await outbox_rows(panel)
    assert channel == "telegram" and status == "pending"
    assert text.startswith(panel.services.catalog().text("journeys.human_answered", "ar"))
    assert text.endswith(f"نعم، سأتصل بك غدًا {SCRIPT}")
    page = (await client.get(sent.headers["location"])).text
    assert "Réponse envoyée" in page and "fatou@example.org" in page
    assert "&lt;script&gt;" in page and SCRIPT not in page
    listed = await panel.services.db.run(lambda c: handover.get_request(c, request))
    assert listed is not None and listed.status == "answered"
    assert listed.assigned_to == "fatou@example.org"


async def test_whatsapp_outside_the_window_is_held_and_shown_as_held(panel: Panel) -> None:
    _, request = await person(
        panel, channel="whatsapp", address="+33612345644", wrote_ago=timedelta(days=2)
    )
    client = await panel.signed_in("facilitator")
    page = (await client.get(f"/admin/inbox/{request}")).text
    assert "partira dès que la personne écrira" in page  # said before the answer is written
    token = await csrf(client, f"/admin/inbox/{request}")
    sent = await client.post(
        f"/admin/inbox/{request}/reply", data={"csrf_token": token, "text": "Bonjour"}
    )
    assert sent.headers["location"].endswith("notice=held")
    # The sender finds no template: the row is held (as the WhatsApp channel decides it).
    async with panel.services.db.begin() as conn:
        await conn.execute(
            outbox.update().values(status="held", last_error="outside the 24-hour window")
        )
    page = (await client.get(f"/admin/inbox/{request}")).text
    assert "outside the 24-hour window" in page
    held = (await client.get("/admin/inbox?view=held")).text
    assert f'href="/admin/inbox/{request}"' in held and "outside the 24-hour window" in held
    assert "WA +33612345644" in held
    staff = await panel.signed_in("staff")
    held = (await staff.get("/admin/inbox?view=held")).text
    assert "WA •••• 44" in held and "612345644" not in held


async def test_assign_and_close(panel: Panel) -> None:
    _, request = await person(panel)
    client = await panel.signed_in("facilitator")
    home = (await client.get("/admin/")).text  # the first thing a facilitator sees
    assert "<strong>1</strong><span>personne attend une réponse</span>" in home
    token = await csrf(client, f"/admin/inbox/{request}")
    assigned = await client.post(
        f"/admin/inbox/{request}/assign", data={"csrf_token": token, "who": "Nadia"}
    )
    assert assigned.status_code == 303
    assert "Nadia" in (await client.get(f"/admin/inbox/{request}")).text
    closed = await client.post(f"/admin/inbox/{request}/close", data={"csrf_token": token})
    assert closed.status_code == 303
    (row,) = await outbox_rows(panel)  # the person is told
    assert row[2] == panel.services.catalog().text("journeys.request_closed", "ar")
    assert f"/admin/inbox/{request}" not in (await client.get("/admin/inbox")).text
    home = (await client.get("/admin/")).text
    assert "<strong>0</strong><span>personne attend une réponse</span>" in home
    again = await client.post(
        f"/admin/inbox/{request}/reply", data={"csrf_token": token, "text": "encore"}
    )
    assert again.status_code == 409 and len(await outbox_rows(panel)) == 1
    missing = await client.post("/admin/inbox/999/close", data={"csrf_token": token})
    assert missing.status_code == 404


async def test_a_reply_is_checked(panel: Panel) -> None:
    _, request = await person(panel)
    client = await panel.signed_in("facilitator")
    token = await csrf(client, f"/admin/inbox/{request}")
    for text, status in (("   ", 422), ("x" * 1501, 422), ("x" * 20_000, 422)):
        response = await client.post(
            f"/admin/inbox/{request}/reply", data={"csrf_token": token, "text": text}
        )
        assert response.status_code == status
    assert "trop longue : 1500 caractères au plus" in response.text  # not "1501 characters"
    assert await outbox_rows(panel) == []
    long_name = await client.post(
        f"/admin/inbox/{request}/assign", data={"csrf_token": token, "who": "N" * 500}
    )
    assert long_name.status_code == 422 and "80 caractères au plus" in long_name.text


async def test_staff_read_but_may_not_answer(panel: Panel) -> None:
    _, request = await person(panel)
    staff = await panel.signed_in("staff")
    page = (await staff.get(f"/admin/inbox/{request}")).text
    assert "Lecture seule" in page and "/reply" not in page and "555000144" not in page
    token = await csrf(staff, f"/admin/inbox/{request}")
    refused = await staff.post(
        f"/admin/inbox/{request}/reply", data={"csrf_token": token, "text": "bonjour"}
    )
    assert refused.status_code == 403 and await outbox_rows(panel) == []


async def test_whatsapp_outside_the_window_with_a_template_is_not_held(panel: Panel) -> None:
    panel.services.settings.twilio_templates = {"reply.ar": "HXreply"}
    _, request = await person(
        panel, channel="whatsapp", address="+33612345644", wrote_ago=timedelta(days=2)
    )
    client = await panel.signed_in("facilitator")
    page = (await client.get(f"/admin/inbox/{request}")).text
    assert "sera enregistrée mais" not in page
    token = await csrf(client, f"/admin/inbox/{request}")
    sent = await client.post(
        f"/admin/inbox/{request}/reply", data={"csrf_token": token, "text": "Bonjour"}
    )
    assert sent.headers["location"].endswith("notice=replied")
