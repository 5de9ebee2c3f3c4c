"""Coops, their products and members: the SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from bot.db.tables import contacts, coops, members, products, sales
from bot.ledger.rows import MONEY_KINDS


@dataclass(frozen=True, slots=True)
class CoopRow:
    id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date | None
    analytic_code: str
    invite_code: str
    max_sale_cents: int
    default_vat_bp: int
    reminder_at: time
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: int
    coop_id: int
    name: str
    aliases: tuple[str, ...]
    default_price_cents: int
    vat_rate_bp: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: int
    coop_id: int
    contact_id: int | None  # None once the person erased their data
    reminders: bool
    added_by: str
    joined_at: datetime


def _coop(m: Any) -> CoopRow:
    return CoopRow(**{k: m[k] for k in CoopRow.__dataclass_fields__})


def _product(m: Any) -> ProductRow:
    return ProductRow(
        m["id"],
        m["coop_id"],
        m["name"],
        tuple(m["aliases"] or ()),
        m["default_price_cents"],
        m["vat_rate_bp"],
    )


def _member(m: Any) -> MemberRow:
    return MemberRow(**{k: m[k] for k in MemberRow.__dataclass_fields__})


def insert_coop(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(coops).values(**values).returning(coops.c.id)).scalar_one())


def insert_product(conn: Connection, **values: Any) -> int:
    return int(
        conn.execute(insert(products).values(**values).returning(products.c.id)).scalar_one()
    )


def insert_member(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(members).values(**values).returning(members.c.id)).scalar_one())


def coop_by_id(conn: Connection, coop_id: int) -> CoopRow | None:
    m = conn.execute(select(coops).where(coops.c.id == coop_id)).mappings().first()
    return _coop(m) if m else None


def coop_by_name(conn: Connection, name: str) -> CoopRow | None:
    m = conn.execute(select(coops).where(coops.c.name == name)).mappings().first()
    if m is None:  # a facilitator typing "cuisine" for "Cuisine"
        found = list(
            conn.execute(select(coops).where(func.lower(coops.c.name) == name.lower())).mappings()
        )
        m = found[0] if len(found) == 1 else None
    return _coop(m) if m else None


def coop_by_code(conn: Connection, code: str) -> CoopRow | None:
    m = conn.execute(select(coops).where(coops.c.invite_code == code)).mappings().first()
    return _coop(m) if m else None


def all_coops(conn: Connection) -> list[CoopRow]:
    return [_coop(m) for m in conn.execute(select(coops).order_by(coops.c.name)).mappings()]


def products_of(conn: Connection, coop_id: int) -> list[ProductRow]:
    result = conn.execute(
        select(products).where(products.c.coop_id == coop_id).order_by(products.c.id)
    )
    return [_product(m) for m in result.mappings()]


def product_by_id(conn: Connection, product_id: int) -> ProductRow | None:
    m = conn.execute(select(products).where(products.c.id == product_id)).mappings().first()
    return _product(m) if m else None


def members_of(conn: Connection, coop_id: int) -> list[MemberRow]:
    result = conn.execute(
        select(members).where(members.c.coop_id == coop_id).order_by(members.c.id)
    )
    return [_member(m) for m in result.mappings()]


def member_by_id(conn: Connection, member_id: int) -> MemberRow | None:
    m = conn.execute(select(members).where(members.c.id == member_id)).mappings().first()
    return _member(m) if m else None


def memberships(conn: Connection, contact_id: int) -> list[MemberRow]:
    result = conn.execute(
        select(members).where(members.c.contact_id == contact_id).order_by(members.c.id)
    )
    return [_member(m) for m in result.mappings()]


def set_reminders(conn: Connection, member_id: int, on: bool) -> None:
    conn.execute(update(members).where(members.c.id == member_id).values(reminders=on))


def member_counts(conn: Connection) -> dict[int, int]:
    result = conn.execute(select(members.c.coop_id, func.count()).group_by(members.c.coop_id))
    return {c: int(n) for c, n in result}


def member_sales(conn: Connection, coop_id: int) -> dict[int, tuple[int, int]]:
    """member id -> (money rows, total cents) in the coop."""
    result = conn.execute(
        select(sales.c.member_id, func.count(), func.sum(sales.c.amount_cents))
        .where(sales.c.coop_id == coop_id, sales.c.kind.in_(MONEY_KINDS))
        .group_by(sales.c.member_id)
    )
    return {m: (int(n), int(c)) for m, n, c in result if m is not None}


def contact_exists(conn: Connection, contact_id: int) -> bool:
    return (
        conn.execute(select(contacts.c.id).where(contacts.c.id == contact_id)).first() is not None
    )


def product_named(conn: Connection, coop_id: int, name: str) -> ProductRow | None:
    """The coop's product called `name` or one of its aliases, in any case."""
    wanted = " ".join(name.split()).casefold()
    for p in products_of(conn, coop_id):
        if wanted == p.name.casefold() or wanted in (a.casefold() for a in p.aliases):
            return p
    return None
