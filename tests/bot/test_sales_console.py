"""The sales conversation through real `python -m bot chat` processes (console channel, real
NLU and database), one per language: a new contact joins with the coop's code written in
their digits, logs a sale in one message and one step by step, undoes one, asks for their
totals. The ledger then holds exactly what was confirmed, its chain verifies, and the
totals the member was told add up, to the cent, with the month's CSV export."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, select

from bot.core.content import seed_if_empty
from bot.db.session import Database
from bot.db.tables import sales
from bot.ledger.calendar import business_date, month_bounds
from bot.ledger.coops import CoopSpec, ProductSpec, create_coop
from bot.ledger.export import Selection, write_csv
from bot.ledger.verify import verify
from content.amounts import euros_text
from content.catalog import FSI, PDI, load_catalog
from content.dates import day_words
from tests.bot.test_chat_cases import opening
from tests.cli import chat

PARIS = ZoneInfo("Europe/Paris")
DIGITS = {"fr": "0123456789", "ar": "٠١٢٣٤٥٦٧٨٩", "prs": "۰۱۲۳۴۵۶۷۸۹", "ti": "0፩፪፫፬፭፮፯፰፱"}
# What each member types, after the code: the first-contact answers (their language in the
# four-language list — a code tells no language —, consent yes), a sale in one message (it
# reads two ways: "in total" chosen) and its confirmation, a sale step by step (a new sale,
# product 2, quantity, amount with a decimal sign), undo the last one, "my sales".
TYPED = {
    "fr": [
        "1",
        "1",
        "5 repas 40",
        "1",
        "1",
        "1",
        "2",
        "3",
        "10,50",
        "1",
        "annuler",
        "1",
        "mes ventes",
    ],
    "ar": [
        "٢",
        "١",
        "بعت ٥ وجبات ٤٠",
        "١",
        "١",
        "١",
        "٢",
        "٣",
        "١٠٫٥٠",
        "١",
        "إلغاء",
        "١",
        "مبيعاتي",
    ],
    "prs": ["۳", "۱", "۵ غذا ۴۰", "۱", "۱", "۱", "۲", "۳", "۱۰٫۵۰", "۱", "لغو", "۱", "فروش من"],
    "ti": ["4", "1", "፭ መግቢ ፵", "1", "1", "1", "2", "፫", "10.50", "1", "ሰርዝ", "1", "መሸጣታተይ"],
}


def in_script(code: str, lang: str) -> str:
    """The code as a member of that language may type it: lower case, their digits."""
    return "".join(DIGITS[lang][int(c)] if c.isdigit() else c.lower() for c in code)


async def join_and_type(
    db: Database,
    spec: CoopSpec,
    typed: Callable[[str], list[str]],
    lang: str,
    who: str,
    now: datetime | None = None,
) -> str:
    """A coop made from `spec`; then `python -m bot chat` fed `typed(its invite code)`:
    what it printed, bidi isolates removed."""
    await seed_if_empty(db)
    at = now or datetime.now(UTC)
    code = await db.run(lambda c: create_coop(c, spec, now=at, tz=PARIS).coop.invite_code)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env.update(DATABASE_URL=db.url, TIMEZONE="Europe/Paris")
    printed = await chat(env, f"{lang}-{who}", typed(code), lang)
    return printed.replace(FSI, "").replace(PDI, "")


@pytest.mark.parametrize("lang", ["fr", "ar", "prs", "ti"])
async def test_a_day_of_sales_through_the_console(db: Database, lang: str) -> None:
    now = datetime.now(UTC)
    spec = CoopSpec(
        name="Cuisine du monde",
        kind="culinary",
        products=(ProductSpec("repas", 800, 1000), ProductSpec("gâteau", 350, 550)),
    )
    stdout = await join_and_type(
        db, spec, lambda code: [f"JOIN {in_script(code, lang)}", *TYPED[lang]], lang, "member", now
    )

    catalog = load_catalog()
    said = [
        opening(catalog, key, lang)
        for key in (
            "sales.joined",
            "sales.which",
            "sales.confirm",
            "sales.recorded",
            "sales.ask_product",
            "sales.ask_quantity",
            "sales.ask_amount",
            "sales.recorded",
            "sales.undo_confirm",
            "sales.undone",
            "sales.home",
        )
    ]
    at = 0
    for start in said:  # in this order
        found = stdout.find(start, at)
        assert found >= 0, f"{start!r} not after position {at} in:\n{stdout}"
        at = found + len(start)

    async with db.connect() as conn:
        rows = (
            await conn.execute(
                select(sales.c.kind, sales.c.product, sales.c.quantity, sales.c.amount_cents)
                .where(sales.c.kind != "closing")
                .order_by(sales.c.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("sale", "repas", 5, 4000),
        ("sale", "gâteau", 3, 1050),
        ("reversal", "gâteau", -3, -1050),
    ]
    total = sum(r.amount_cents for r in rows)
    # The totals said: today, this week and this month are all 40 € here.
    today = business_date(now, PARIS)
    said_total = euros_text(total, lang)
    summary = catalog.text(
        "sales.summary",
        lang,
        coop="Cuisine du monde",
        today=day_words(today, lang),
        mine_today=said_total,
        mine_week=said_total,
        mine_month=said_total,
        coop_today=said_total,
    )
    assert summary.replace(FSI, "").replace(PDI, "") in stdout

    def export(conn: Connection) -> str:
        out = io.StringIO()
        write_csv(conn, out, Selection(*month_bounds(f"{today:%Y-%m}")))
        return out.getvalue()

    exported = list(csv.DictReader(io.StringIO(await db.run(export))))
    assert sum(Decimal(r["amount_eur"]) for r in exported) * 100 == total
    verdict = await db.run(verify)
    assert verdict.ok, verdict


# A textile coop's member: the welcome's example is one of its own products; a sale paid by
# card is its total (not "each"); a product the coop does not list is never recorded.
# (A code says nothing of the language: the member first picks theirs in the list.)
TEXTILE_TYPED = {
    "fr": ["1", "1", "2 robe 60 par carte", "1", "1", "3 megbi 40", "annuler"],
    "ar": ["٢", "١", "بعت 2 robe ب 60 بالبطاقة", "١", "١", "بعت ٣ صاكات ب ٣٦", "إلغاء"],
    "prs": ["۳", "۱", "۲ robe ۶۰ با کارت", "۱", "۱", "۳ چای به ۳۶ فروختم", "لغو"],
    "ti": ["4", "1", "2 robe 60 ብካርድ", "1", "1", "5 megbi 40", "ሰርዝ"],
}


@pytest.mark.parametrize("lang", ["fr", "ar", "prs", "ti"])
async def test_a_textile_coop_s_products_and_payments_through_the_console(
    db: Database, lang: str
) -> None:
    spec = CoopSpec(
        name="Couture",
        kind="textile",
        products=(ProductSpec("robe", 3000, 2000), ProductSpec("sac", 1500, 2000)),
    )
    stdout = await join_and_type(
        db, spec, lambda code: [f"JOIN {code}", *TEXTILE_TYPED[lang]], lang, "tailor"
    )

    catalog = load_catalog()
    example = catalog.text("sales.example", lang, product="robe", price=euros_text(3000, lang))
    assert example.replace(FSI, "").replace(PDI, "") in stdout
    assert catalog.text("sales.product_again", lang) in stdout
    assert opening(catalog, "sales.nothing_written", lang) in stdout
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                select(
                    sales.c.product,
                    sales.c.quantity,
                    sales.c.amount_cents,
                    sales.c.payment,
                    sales.c.vat_rate_bp,
                ).where(sales.c.kind != "closing")
            )
        ).all()
    assert [tuple(r) for r in rows] == [("robe", 2, 6000, "card", 2000)]
