"""Recording sales, and correcting them with new rows: "undo last" adds a reversal, a
correction adds a reversal and a replacement. Each names the row it corrects, who added
it and when; nothing is updated or deleted. A channel message adds its rows once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.db.repos import coops as coops_repo
from bot.db.repos import sales as repo
from bot.ledger.calendar import ONE_DAY, business_date
from bot.ledger.journal import OpenChain, append, open_chain
from bot.ledger.rows import PAYMENTS, Head, LedgerRow
from bot.ledger.rules import (
    Actor,
    AlreadyCorrected,
    AmountNotAllowed,
    NotAllowed,
    NotFound,
    NothingToUndo,
    check_amount,
    dating,
)


@dataclass(frozen=True, slots=True)
class SaleEntry:
    coop_id: int
    member_id: int
    product: str  # the listed name, or as the member wrote it
    quantity: int
    amount_cents: int  # the total, VAT included
    payment: str = "cash"
    product_id: int | None = None  # a listed product (else found by name): its VAT rate applies
    day: date | None = None  # None: today
    source_message_id: str | None = None  # "<channel>:<message id>": recorded once


@dataclass(frozen=True, slots=True)
class Correction:
    """New values for a sale; None keeps the old one."""

    quantity: int | None = None
    amount_cents: int | None = None
    payment: str | None = None
    product: str | None = None
    product_id: int | None = None
    day: date | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    rows: tuple[LedgerRow, ...]  # the rows added, or those a repeated message had added
    duplicate: bool = False


def _repeat(conn: Connection, source: str | None) -> Recorded | None:
    if source is None:
        return None
    first = repo.row_by_source(conn, source)
    if first is None:
        return None
    rows = [first]
    second = repo.row_by_source(conn, f"{source}/2")
    if second is not None:
        rows.append(second)
    return Recorded(tuple(rows), duplicate=True)


def _sale_values(
    conn: Connection, chain: OpenChain, actor: Actor, values: dict[str, Any], *, today: date
) -> dict[str, Any]:
    """Check a sale's values (amount, member, product, payment, day) and date it."""
    coop = chain.coop
    if values["payment"] not in PAYMENTS:
        raise AmountNotAllowed(f"unknown payment {values['payment']!r}")
    member = coops_repo.member_by_id(conn, values["member_id"])
    if member is None or member.coop_id != coop.id:
        raise NotFound("no such member in this coop")
    if actor.role == "member" and actor.member_id != member.id:
        raise NotAllowed("a member records only their own sales")
    check_amount(actor, values["amount_cents"], values["quantity"], coop.max_sale_cents)
    vat = coop.default_vat_bp
    if values["product_id"] is not None:
        product = coops_repo.product_by_id(conn, values["product_id"])
        if product is None or product.coop_id != coop.id:
            raise NotFound("no such product in this coop")
    else:  # a listed product named as listed (or by an alias) is that product
        product = coops_repo.product_named(conn, coop.id, values["product"])
    if product is not None:
        values["product_id"], values["product"] = product.id, product.name
        vat = product.vat_rate_bp
    dated = dating(
        actor,
        values.pop("day") or today,
        today=today,
        closed_through=chain.head.closed_through,
        starts_on=coop.starts_on,
        ends_on=coop.ends_on,
    )
    name = " ".join(str(values["product"]).split())[:80]  # no tabs, newlines or runs of spaces
    return {
        **values,
        "product": name,
        "vat_rate_bp": vat,
        "business_date": dated.business_date,
        "corrects_date": dated.corrects_date,
    }


def record_sale(
    conn: Connection, entry: SaleEntry, actor: Actor, *, now: datetime, tz: ZoneInfo
) -> Recorded:
    chain = open_chain(conn, entry.coop_id, now=now, tz=tz)
    repeat = _repeat(conn, entry.source_message_id)
    if repeat is not None:
        return repeat
    values = _sale_values(
        conn,
        chain,
        actor,
        {
            "member_id": entry.member_id,
            "product": entry.product,
            "product_id": entry.product_id,
            "quantity": entry.quantity,
            "amount_cents": entry.amount_cents,
            "payment": entry.payment,
            "day": entry.day,
        },
        today=business_date(now, tz),
    )
    row, _ = append(
        conn,
        chain.head,
        now=now,
        kind="sale",
        corrects_id=None,
        source_message_id=entry.source_message_id,
        recorded_by=actor.recorded_by,
        sealed_cents=None,
        sealed_rows=None,
        **values,
    )
    return Recorded((row,))


def _correctable(conn: Connection, row: LedgerRow, actor: Actor) -> None:
    """Checked with the coop's chain locked, so that two corrections cannot both pass."""
    if row.kind not in ("sale", "replacement"):
        raise NotAllowed(f"row {row.id} is a {row.kind}, not a sale")
    if actor.role == "member" and actor.member_id != row.member_id:
        raise NotAllowed("a member corrects only their own sales")
    if actor.role == "member" and row.recorded_by != actor.recorded_by:
        raise NotAllowed("what a facilitator wrote, a facilitator changes")
    if repo.is_corrected(conn, row.id):
        raise AlreadyCorrected(f"sale {row.id} was already undone or corrected")


def _row(conn: Connection, row_id: int) -> LedgerRow:
    row = repo.row_by_id(conn, row_id)
    if row is None:
        raise NotFound(f"no sale {row_id}")
    return row


def _reversal(
    conn: Connection,
    chain: OpenChain,
    old: LedgerRow,
    actor: Actor,
    *,
    now: datetime,
    today: date,
    source: str | None,
) -> tuple[LedgerRow, Head]:
    dated = dating(
        actor,
        old.business_date,
        today=today,
        closed_through=chain.head.closed_through,
        starts_on=chain.coop.starts_on,
        ends_on=chain.coop.ends_on,
    )
    return append(
        conn,
        chain.head,
        now=now,
        kind="reversal",
        business_date=dated.business_date,
        member_id=old.member_id,
        product_id=old.product_id,
        product=old.product,
        quantity=-old.quantity,
        vat_rate_bp=old.vat_rate_bp,
        payment=old.payment,
        amount_cents=-old.amount_cents,
        corrects_id=old.id,
        # Cancelling a late correction names the same closed day it did.
        corrects_date=dated.corrects_date or old.corrects_date,
        source_message_id=source,
        recorded_by=actor.recorded_by,
        sealed_cents=None,
        sealed_rows=None,
    )


def reverse(
    conn: Connection,
    row_id: int,
    actor: Actor,
    *,
    now: datetime,
    tz: ZoneInfo,
    source_message_id: str | None = None,
) -> Recorded:
    """Cancel one sale with a reversal row (its amount and quantity negated)."""
    old = _row(conn, row_id)
    chain = open_chain(conn, old.coop_id, now=now, tz=tz)
    repeat = _repeat(conn, source_message_id)
    if repeat is not None:
        return repeat
    _correctable(conn, old, actor)
    row, _ = _reversal(
        conn,
        chain,
        old,
        actor,
        now=now,
        today=business_date(now, tz),
        source=source_message_id,
    )
    return Recorded((row,))


def last_sale(conn: Connection, member_id: int, *, now: datetime, tz: ZoneInfo) -> LedgerRow | None:
    """What "undo last" would cancel: the member's latest sale of today or yesterday that
    they wrote themselves (a facilitator's entry is a facilitator's to change) and that
    nothing has undone or corrected yet (to show it before asking for confirmation)."""
    since = business_date(now, tz) - ONE_DAY
    return repo.last_uncorrected_sale(conn, member_id, since, Actor.member(member_id).recorded_by)


def undo_last(
    conn: Connection,
    member_id: int,
    actor: Actor,
    *,
    now: datetime,
    tz: ZoneInfo,
    source_message_id: str | None = None,
) -> Recorded:
    """Reverse the member's latest sale of today or yesterday (NothingToUndo if none)."""
    member = coops_repo.member_by_id(conn, member_id)
    if member is None:
        raise NotFound(f"no member {member_id}")
    open_chain(conn, member.coop_id, now=now, tz=tz)
    repeat = _repeat(conn, source_message_id)
    if repeat is not None:
        return repeat
    last = last_sale(conn, member_id, now=now, tz=tz)
    if last is None:
        raise NothingToUndo("no sale of today or yesterday to undo")
    return reverse(conn, last.id, actor, now=now, tz=tz, source_message_id=source_message_id)


def correct(
    conn: Connection,
    row_id: int,
    change: Correction,
    actor: Actor,
    *,
    now: datetime,
    tz: ZoneInfo,
    source_message_id: str | None = None,
) -> Recorded:
    """Replace a sale: a reversal of it, then a replacement row with the new values, both
    naming it. A closed day's correction (facilitators only) is dated today and names it."""
    old = _row(conn, row_id)
    chain = open_chain(conn, old.coop_id, now=now, tz=tz)
    repeat = _repeat(conn, source_message_id)
    if repeat is not None:
        return repeat
    _correctable(conn, old, actor)
    today = business_date(now, tz)
    new_product = change.product is not None
    assert old.member_id is not None  # sales and replacements always name their member
    values = _sale_values(
        conn,
        chain,
        actor,
        {
            "member_id": old.member_id,
            "product": change.product if new_product else old.product,
            "product_id": change.product_id if new_product else old.product_id,
            "quantity": change.quantity if change.quantity is not None else old.quantity,
            "amount_cents": (
                change.amount_cents if change.amount_cents is not None else old.amount_cents
            ),
            "payment": change.payment or old.payment,
            "day": change.day or old.corrects_date or old.business_date,
        },
        today=today,
    )
    reversal, head = _reversal(
        conn, chain, old, actor, now=now, today=today, source=source_message_id
    )
    replacement, _ = append(
        conn,
        head,
        now=now,
        kind="replacement",
        corrects_id=old.id,
        source_message_id=f"{source_message_id}/2" if source_message_id else None,
        recorded_by=actor.recorded_by,
        sealed_cents=None,
        sealed_rows=None,
        **values,
    )
    return Recorded((reversal, replacement))
