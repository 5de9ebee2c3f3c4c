"""The host's own replies about the ledger, in the member's language: what was written
(with the day's new total), or why nothing was. Used by the sales events' handlers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from bot.core.scene import Scene
from bot.db.repos.coops import CoopRow, MemberRow
from bot.ledger import facts
from bot.ledger.calendar import business_date
from bot.ledger.rows import LedgerRow
from bot.ledger.rules import LedgerError
from content.amounts import euros_text
from flows.sale_text import day_text, sale_line, sale_params

# LedgerError.reason -> what the member is told (nothing was written).
REFUSALS = {
    "day_not_allowed": "sales.refused.day",
    "amount_not_allowed": "sales.refused.amount",
    "nothing_to_undo": "sales.refused.done",
    "already_corrected": "sales.refused.done",
    "not_allowed": "sales.refused.done",
    "not_found": "sales.refused.done",
    "unknown_code": "sales.refused.join",
    "coop_over": "sales.refused.join",
}


def member_of(scene: Scene) -> tuple[CoopRow, MemberRow] | None:
    """The coop the contact's sales go to now (bot.ledger.facts.current_member)."""
    today = business_date(scene.now, scene.programme.tz)
    return facts.current_member(scene.conn, scene.contact.id, today)


def refused(scene: Scene, error: LedgerError | None = None) -> None:
    key = REFUSALS.get(error.reason, "sales.refused.other") if error else "sales.refused.member"
    scene.say(key)


def written(scene: Scene, key: str, row: LedgerRow, member_id: int) -> None:
    """ "✅ C'est noté : 5 assiettes, 40 €, espèces, aujourd'hui." and the day's new total; a
    reversal is shown as the sale it cancels."""
    conn: Connection = scene.conn
    catalog, lang = scene.env.catalog, scene.lang
    today = business_date(scene.now, scene.programme.tz)
    day = row.corrects_date or row.business_date
    params = sale_params(
        catalog,
        lang,
        product=row.product,
        quantity=abs(row.quantity),
        cents=abs(row.amount_cents),
        payment=row.payment,
        day=day,
        today=today,
    )
    scene.say(
        key,
        sale=sale_line(catalog, lang, params),
        day=day_text(catalog, lang, row.business_date, today),
        total=euros_text(facts.day_total(conn, member_id, row.business_date), lang),
    )


def write_as_member(
    scene: Scene, key: str, write: Callable[[CoopRow, MemberRow], LedgerRow]
) -> None:
    """Write to the ledger as the contact's current coop member and tell them what was
    written (`key`, shown as `write`'s returned row), or why nothing was: no membership, or
    the ledger's refusal (a LedgerError writes nothing)."""
    found = member_of(scene)
    if found is None:
        refused(scene)
        return
    coop, member = found
    try:
        row = write(coop, member)
    except LedgerError as error:
        refused(scene, error)
        return
    written(scene, key, row, member.id)
