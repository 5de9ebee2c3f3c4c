"""Coops and workshops in the panel: create and edit, products, members, the invite code
with its QR codes, the sales exports (the ledger's own writers), attendance, cancelling."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime, timedelta

import openpyxl
from sqlalchemy import select

from bot.db.repos import coops as coops_repo
from bot.db.repos import workshops as workshops_repo
from bot.db.tables import jobs, rsvps
from bot.delivery.scheduler import Scheduler
from tests.admin.conftest import Panel, csrf
from tests.admin.people import person

SCRIPT = "<script>alert(1)</script>"


async def test_create_a_coop_edit_it_add_products_and_members(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/coops")
    created = await client.post(
        "/admin/coops",
        data={
            "csrf_token": token,
            "name": f"Saveurs {SCRIPT}",
            "kind": "culinary",
            "starts_on": "2026-12-01",
            "ends_on": "",
            "product_name": "repas",
            "product_price": "8,50",
            "product_vat": "10",
        },
    )
    assert created.status_code == 303, created.text
    coop_path = created.headers["location"].split("?")[0]
    coop_id = int(coop_path.rsplit("/", 1)[1])
    page = (await client.get(created.headers["location"])).text
    assert "&lt;script&gt;" in page and SCRIPT not in page
    async with panel.services.db.connect() as conn:
        coop = await conn.run_sync(lambda c: coops_repo.coop_by_id(c, coop_id))
        (product,) = await conn.run_sync(lambda c: coops_repo.products_of(c, coop_id))
    assert coop is not None and coop.invite_code in page
    assert product.default_price_cents == 850 and product.vat_rate_bp == 1000
    # Edit the coop, a product, add one; a price that is not money is refused.
    saved = await client.post(
        coop_path,
        data={
            "csrf_token": token,
            "name": "Saveurs",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "max_sale": "500",
            "default_vat": "5,5",
            "reminder_at": "19:30",
        },
    )
    assert saved.status_code == 303
    await client.post(
        f"{coop_path}/products/{product.id}",
        data={
            "csrf_token": token,
            "name": "repas",
            "price": "9",
            "vat": "10",
            "aliases": "plat, وجبة",
        },
    )
    await client.post(
        f"{coop_path}/products",
        data={"csrf_token": token, "name": "jus", "price": "2.50", "vat": "5.5", "aliases": ""},
    )
    bad = await client.post(
        f"{coop_path}/products",
        data={"csrf_token": token, "name": "thé", "price": "beaucoup", "vat": "5.5"},
    )
    assert bad.status_code == 422 and "n&#39;est pas un montant" in bad.text
    for typo in ("1e3", "99999999999", "200000"):  # not money as written, or a typo's millions
        refused = await client.post(
            f"{coop_path}/products",
            data={"csrf_token": token, "name": "thé", "price": typo, "vat": "5.5"},
        )
        assert refused.status_code == 422, typo
    for night in ("22:30", "07:59", "21:00"):  # nothing is sent at night (as the CLI says)
        late = await client.post(
            coop_path,
            data={
                "csrf_token": token,
                "name": "Saveurs",
                "starts_on": "2026-12-01",
                "max_sale": "500",
                "default_vat": "5,5",
                "reminder_at": night,
            },
        )
        assert late.status_code == 422 and "rien ne part la nuit" in html.unescape(late.text)
    twice = await client.post(
        f"{coop_path}/products",
        data={"csrf_token": token, "name": "Repas", "price": "3", "vat": "10"},
    )
    assert twice.status_code == 409
    async with panel.services.db.connect() as conn:
        coop = await conn.run_sync(lambda c: coops_repo.coop_by_id(c, coop_id))
        products = await conn.run_sync(lambda c: coops_repo.products_of(c, coop_id))
    assert coop is not None and coop.name == "Saveurs" and coop.default_vat_bp == 550
    assert str(coop.ends_on) == "2026-12-31" and coop.max_sale_cents == 50000
    assert [(p.name, p.default_price_cents, p.aliases) for p in products] == [
        ("repas", 900, ("plat", "وجبة")),
        ("jus", 250, ()),
    ]
    # A member added by contact number; shown masked to staff.
    contact_id, _ = await person(panel, channel="whatsapp", address="+33612345644", request=False)
    added = await client.post(
        f"{coop_path}/members", data={"csrf_token": token, "contact": str(contact_id)}
    )
    assert added.headers["location"].endswith("notice=member")
    again = await client.post(
        f"{coop_path}/members", data={"csrf_token": token, "contact": str(contact_id)}
    )
    assert again.headers["location"].endswith("notice=already")
    missing = await client.post(
        f"{coop_path}/members", data={"csrf_token": token, "contact": "999"}
    )
    assert missing.status_code == 404
    assert "WA +33612345644" in (await client.get(coop_path)).text
    staff = await panel.signed_in("staff")
    page = (await staff.get(coop_path)).text
    assert "WA •••• 44" in page and "612345644" not in page
    assert coop.invite_code not in page  # staff read; the code lets people in


async def test_the_invite_page_has_qr_codes_and_links(panel: Panel) -> None:
    panel.services.settings.twilio_whatsapp_from = "whatsapp:+14155238886"
    panel.services.settings.telegram_bot_username = "migracoop_bot"
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/coops")
    created = await client.post(
        "/admin/coops", data={"csrf_token": token, "name": "Fils", "kind": "textile"}
    )
    path = created.headers["location"].split("?")[0]
    async with panel.services.db.connect() as conn:
        coop = await conn.run_sync(lambda c: coops_repo.coop_by_name(c, "Fils"))
    assert coop is not None
    page = (await client.get(path + "/invite")).text
    assert f"https://wa.me/14155238886?text=JOIN%20{coop.invite_code}" in page
    assert f"https://t.me/migracoop_bot?start={coop.invite_code}" in page
    assert page.count('src="data:image/svg+xml') == 2
    # What to do, in the four languages of the people who scan it.
    catalog = panel.services.catalog()
    for lang in ("fr", "ar", "prs", "ti"):
        said = catalog.text("sales.invite_print", lang, coop="Fils", code=coop.invite_code)
        assert html.escape(said) in page, lang
    assert '<li lang="ar" dir="rtl">' in page


async def test_sales_exports_download(panel: Panel) -> None:
    from bot.ledger.coops import CoopSpec, ProductSpec, add_member, create_coop
    from bot.ledger.recording import SaleEntry, record_sale
    from bot.ledger.rules import Actor

    contact_id, _ = await person(panel, request=False)
    tz = panel.services.settings.tz
    now = panel.clock.now

    def sell(conn):  # type: ignore[no-untyped-def]
        coop = create_coop(
            conn,
            CoopSpec("Saveurs", "culinary", (ProductSpec("repas", 850, 1000),)),
            now=now,
            tz=tz,
        ).coop
        member = add_member(conn, coop, contact_id, added_by="invite", now=now).member
        record_sale(
            conn,
            SaleEntry(coop.id, member.id, "repas", 2, 1700),
            Actor.member(member.id),
            now=now,
            tz=tz,
        )
        return coop.id

    coop_id = await panel.services.db.run(sell)
    client = await panel.signed_in("staff")
    month = now.astimezone(tz).strftime("%Y-%m")
    csv = await client.get(f"/admin/coops/export?month={month}&format=csv&coop={coop_id}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("id,business_date,coop,member,product,quantity")
    assert len(lines) == 2 and ",Saveurs," in lines[1] and ",repas,2,cash,10,17.00," in lines[1]
    assert "ventes-" + month + "-Saveurs.csv" in csv.headers["content-disposition"]
    assert "attachment" in csv.headers["content-disposition"]
    xlsx = await client.get(f"/admin/coops/export?month={month}&format=xlsx")
    assert xlsx.status_code == 200
    openpyxl.load_workbook(io.BytesIO(xlsx.content))  # a real workbook
    fec = await client.get(f"/admin/coops/export?month={month}&format=fec")
    assert fec.status_code == 200 and fec.text.startswith("JournalCode") and "17" in fec.text
    for bad in ("month=2026-13", "month=x&format=csv", "format=pdf", "coop=abc"):
        assert (await client.get(f"/admin/coops/export?{bad}")).status_code == 422, bad
    assert (await client.get("/admin/coops/export?coop=999")).status_code == 404


async def test_workshops_create_edit_attendance_cancel(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/workshops")
    when = (panel.clock.now + timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    created = await client.post(
        "/admin/workshops",
        data={
            "csrf_token": token,
            "title_fr": f"Compter ses ventes {SCRIPT}",
            "title_ar": "حساب المبيعات",
            "starts_at": when,
            "place": "Maison des associations",
            "langs": ["fr", "ar"],
        },
    )
    assert created.status_code == 303, created.text
    path = created.headers["location"].split("?")[0]
    workshop_id = int(path.rsplit("/", 1)[1])
    page = (await client.get(path)).text
    assert "&lt;script&gt;" in page and SCRIPT not in page and "حساب المبيعات" in page
    # Two people answer; one is coming and gets reminders.
    coming, _ = await person(panel, request=False)
    not_coming, _ = await person(panel, address="555000777", request=False)
    tz = panel.services.settings.tz

    def answer(conn, contact_id: int, yes: bool) -> None:  # type: ignore[no-untyped-def]
        workshops_repo.answer(
            conn,
            workshop_id=workshop_id,
            contact_id=contact_id,
            coming=yes,
            now=panel.clock.now,
            tz=tz,
        )

    await panel.services.db.run(answer, coming, True)
    await panel.services.db.run(answer, not_coming, False)

    async def reminders() -> list[object]:
        async with panel.services.db.connect() as conn:
            rows = await conn.execute(
                select(jobs.c.due_at).where(jobs.c.kind == "reminder", jobs.c.status == "pending")
            )
            return sorted(r.due_at for r in rows)

    before = await reminders()
    assert before
    # Moved a day later: the reminders move too.
    later = (panel.clock.now + timedelta(days=6)).strftime("%Y-%m-%dT10:00")
    moved = await client.post(
        path,
        data={
            "csrf_token": token,
            "title_fr": "Compter ses ventes",
            "starts_at": later,
            "place": "Salle 2",
            "langs": ["fr"],
        },
    )
    assert moved.status_code == 303
    after = await reminders()
    assert len(after) == len(before) and all(a > b for a, b in zip(after, before, strict=True))
    # Attendance: not before the workshop; after it, one came.
    early = await client.post(
        f"{path}/attendance", data={"csrf_token": token, "came": [str(coming)]}
    )
    assert early.status_code == 409 and "pas encore eu lieu" in html.unescape(early.text)
    panel.clock.advance(timedelta(days=7))
    client = await panel.signed_in("facilitator")  # a new day, a new session
    token = await csrf(client, path)
    marked = await client.post(
        f"{path}/attendance", data={"csrf_token": token, "came": [str(coming)]}
    )
    assert marked.status_code == 303
    async with panel.services.db.connect() as conn:
        rows = await conn.execute(select(rsvps.c.contact_id, rsvps.c.attended))
        attended = dict(rows.all())
    assert attended == {coming: True, not_coming: False}
    staff = await panel.signed_in("staff")
    page = (await staff.get(path)).text
    assert "555000144" not in page and "TG •••• 44" in page
    assert 'data-label="Présent·e">oui<' in page and 'name="came"' not in page
    # Cancelled: reminders stop, the person coming will be told.
    cancelled = await client.post(f"{path}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 303 and await reminders() == []
    assert cancelled.headers["location"].endswith("notice=cancelled")
    said = html.unescape((await client.get(cancelled.headers["location"])).text)
    assert "Atelier annulé : les personnes qui venaient sont prévenues" in said
    again = await client.post(f"{path}/cancel", data={"csrf_token": token})
    assert again.status_code == 409


async def test_a_workshop_form_is_checked(panel: Panel) -> None:
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/workshops")
    past = (panel.clock.now - timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    future = (panel.clock.now + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    cases = [
        {"title_fr": "", "starts_at": future, "place": "ici"},
        {"title_fr": "Atelier", "starts_at": past, "place": "ici"},
        {"title_fr": "Atelier", "starts_at": "demain", "place": "ici"},
        {"title_fr": "Atelier", "starts_at": future, "place": ""},
    ]
    for data in cases:
        response = await client.post("/admin/workshops", data={"csrf_token": token, **data})
        assert response.status_code == 422, data


async def test_the_coop_list_has_pages(panel: Panel) -> None:
    from bot.ledger.coops import CoopSpec, create_coop

    tz = panel.services.settings.tz

    def many(conn):  # type: ignore[no-untyped-def]
        for n in range(55):
            create_coop(conn, CoopSpec(f"Coop {n:02d}", "textile"), now=panel.clock.now, tz=tz)

    await panel.services.db.run(many)
    client = await panel.signed_in("staff")
    first = (await client.get("/admin/coops")).text
    assert 'dir="auto">Coop 00</a>' in first and 'dir="auto">Coop 54</a>' not in first
    assert "page 1 / 2" in first
    second = (await client.get("/admin/coops?page=2")).text
    assert 'dir="auto">Coop 54</a>' in second and 'dir="auto">Coop 00</a>' not in second
    assert '<option value="1">Coop 00</option>' in second  # every coop can be exported


async def test_extending_a_coop_brings_its_daily_jobs_back(panel: Panel) -> None:
    """A coop's jobs end with it (its last day closed); extended in the panel, they are due
    again: the closing at once, the evening reminder at the new time."""
    tz = panel.services.settings.tz
    panel.clock.now = datetime(2026, 12, 2, 9, 0, tzinfo=tz).astimezone(UTC)
    client = await panel.signed_in("facilitator")
    token = await csrf(client, "/admin/coops")
    fields = {"csrf_token": token, "name": "Fil d'or", "starts_on": "2026-11-02"}
    created = await client.post(
        "/admin/coops",
        data={**fields, "kind": "textile", "ends_on": "2026-11-27", "product_name": "sac"}
        | {"product_price": "20", "product_vat": "20"},
    )
    assert created.status_code == 303, created.text
    coop_id = int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])
    scheduler = Scheduler(panel.services.db, panel.services.catalog, tz, clock=panel.clock)
    await scheduler.drain()

    async def job_states() -> dict[str, tuple[str, datetime]]:
        async with panel.services.db.connect() as conn:
            rows = await conn.execute(
                select(jobs.c.kind, jobs.c.status, jobs.c.due_at).where(
                    jobs.c.key.like(f"%:{coop_id}")
                )
            )
            return {r.kind: (r.status, r.due_at) for r in rows}

    assert (await job_states())["sales_close"][0] == "done"  # closed through its last day
    saved = await client.post(
        f"/admin/coops/{coop_id}",
        data={**fields, "ends_on": "2027-01-31", "max_sale": "500", "default_vat": "20"}
        | {"reminder_at": "19:30"},
    )
    assert saved.status_code == 303, saved.text
    states = await job_states()
    assert states["sales_close"] == ("pending", panel.clock.now)
    assert states["sales_remind"] == (
        "pending",
        datetime(2026, 12, 2, 19, 30, tzinfo=tz).astimezone(UTC),
    )
    await scheduler.drain()  # the closing runs again, and waits for the next midnight
    status, due = (await job_states())["sales_close"]
    assert status == "pending" and due == datetime(2026, 12, 3, 0, 0, tzinfo=tz).astimezone(UTC)
