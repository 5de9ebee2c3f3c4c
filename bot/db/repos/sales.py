"""The ledger's SQL: chain heads (locked while a coop's row is added), rows, and the
streams and sums that verification, exports and summaries read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    String,
    and_,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.sql import ColumnElement

from bot.db.models.sales import SALE_IDS
from bot.db.tables import coops, ledger_heads, sales, sales_day_totals
from bot.ledger.chain import GENESIS, HASHED, VERSION
from bot.ledger.rows import MONEY_KINDS, Head, LedgerRow

STREAM = {"stream_results": True, "yield_per": 2000}


def create_head(conn: Connection, coop_id: int) -> None:
    conn.execute(
        insert(ledger_heads).values(coop_id=coop_id, last_seq=0, last_id=None, last_hash=GENESIS)
    )


def lock_head(conn: Connection, coop_id: int) -> Head | None:
    """The coop's head, locked until the transaction ends (PostgreSQL; SQLite has one
    writer): a coop's rows are chained one at a time."""
    row = (
        conn.execute(
            select(ledger_heads).where(ledger_heads.c.coop_id == coop_id).with_for_update()
        )
        .mappings()
        .first()
    )
    return Head(**row) if row else None


def move_head(conn: Connection, head: Head) -> None:
    conn.execute(
        update(ledger_heads)
        .where(ledger_heads.c.coop_id == head.coop_id)
        .values(
            last_seq=head.last_seq,
            last_id=head.last_id,
            last_hash=head.last_hash,
            closed_through=head.closed_through,
        )
    )


def next_id(conn: Connection) -> int:
    """The next row id, taken before the insert because the id is hashed."""
    if conn.dialect.name == "postgresql":
        return int(conn.execute(select(SALE_IDS.next_value())).scalar_one())
    return int(conn.execute(select(func.coalesce(func.max(sales.c.id), 0) + 1)).scalar_one())


def insert_row(conn: Connection, row: LedgerRow) -> None:
    conn.execute(insert(sales).values(row.values()))


def row_by_id(conn: Connection, row_id: int) -> LedgerRow | None:
    found = conn.execute(select(sales).where(sales.c.id == row_id)).mappings().first()
    return LedgerRow.of(found) if found else None


def row_by_source(conn: Connection, source_message_id: str) -> LedgerRow | None:
    found = (
        conn.execute(select(sales).where(sales.c.source_message_id == source_message_id))
        .mappings()
        .first()
    )
    return LedgerRow.of(found) if found else None


def _uncorrected() -> ColumnElement[bool]:
    later = sales.alias("later")
    return ~exists().where(later.c.corrects_id == sales.c.id)


def is_corrected(conn: Connection, row_id: int) -> bool:
    return bool(conn.execute(select(exists().where(sales.c.corrects_id == row_id))).scalar_one())


def last_uncorrected_sale(
    conn: Connection, member_id: int, since: date, recorded_by: str
) -> LedgerRow | None:
    """The member's latest sale (or replacement) dated `since` or later, written by
    `recorded_by`, that nothing has reversed or replaced yet."""
    found = (
        conn.execute(
            select(sales)
            .where(
                sales.c.member_id == member_id,
                sales.c.business_date >= since,
                sales.c.kind.in_(("sale", "replacement")),
                sales.c.recorded_by == recorded_by,
                _uncorrected(),
            )
            .order_by(sales.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return LedgerRow.of(found) if found else None


# What a closed day is summed by, and each one's key as text.
DIMENSIONS: Final = {
    "day": literal(""),
    "member": cast(sales.c.member_id, String),
    "product": sales.c.product,
    "payment": sales.c.payment,
    "vat": cast(sales.c.vat_rate_bp, String),
}


def summarize_days(conn: Connection, coop_id: int, *, after: date | None, through: date) -> None:
    """Write the sums of the coop's days in (after, through], which are being closed."""
    cond = [sales.c.coop_id == coop_id, sales.c.business_date <= through]
    cond.append(sales.c.kind.in_(MONEY_KINDS))
    if after is not None:
        cond.append(sales.c.business_date > after)
    t = sales_day_totals
    for name, key in DIMENSIONS.items():
        conn.execute(
            insert(t).from_select(
                ["coop_id", "dimension", "business_date", "key", "rows", "quantity", "cents"],
                select(
                    literal(coop_id),
                    literal(name),
                    sales.c.business_date,
                    key,
                    func.count(),
                    func.sum(sales.c.quantity),
                    func.sum(sales.c.amount_cents),
                )
                .where(*cond)
                # (PostgreSQL refuses a constant in GROUP BY: the day's key is "".)
                .group_by(sales.c.business_date, *([] if name == "day" else [key])),
            )
        )


def closed_through(conn: Connection, coop_id: int) -> date | None:
    found = conn.execute(
        select(ledger_heads.c.closed_through).where(ledger_heads.c.coop_id == coop_id)
    ).scalar_one_or_none()
    return found if isinstance(found, date) else None


@dataclass(frozen=True, slots=True)
class DaySum:
    day: date
    cents: int
    rows: int


def day_totals(
    conn: Connection, coop_id: int, *, after: date | None, through: date
) -> list[DaySum]:
    """Per business day in (after, through]: the total and number of money rows."""
    cond = [
        sales.c.coop_id == coop_id,
        sales.c.business_date <= through,
        sales.c.kind.in_(MONEY_KINDS),
    ]
    if after is not None:
        cond.append(sales.c.business_date > after)
    result = conn.execute(
        select(sales.c.business_date, func.sum(sales.c.amount_cents), func.count())
        .where(*cond)
        .group_by(sales.c.business_date)
        .order_by(sales.c.business_date)
    )
    return [DaySum(d, int(c), int(n)) for d, c, n in result]


# What `chain` yields, in this order: a row's place, its day (ISO text), what the closings
# check, its links, `check` (below), and its coop's head.
CHAIN_FIELDS = (
    "id",
    "coop_id",
    "seq",
    "kind",
    "business_date",
    "amount_cents",
    "sealed_cents",
    "sealed_rows",
    "prev_hash",
    "hash",
    "check",
    "head_seq",
    "head_hash",
    "closed_through",
)


_INTEGERS: Final = frozenset(
    c.name for c in sales.columns if isinstance(c.type, Integer | BigInteger)
)


def _canonical_sql(dialect: str) -> str:
    """The row's canonical JSON (bot.ledger.chain) computed by the database, so that a
    million rows need not cross into Python value by value. PostgreSQL also hashes it:
    `check` is then whether the stored hash matches; on SQLite it is the JSON text. The
    database's JSON is an accelerator only: a row it rejects is checked again in Python
    (bot.ledger.verify), which alone defines the hash."""
    if dialect == "sqlite":
        parts = [f"'{VERSION}'", "s.prev_hash"]
        for name in HASHED:
            created = name == "created_at"
            parts.append("replace(s.created_at, ' ', 'T') || 'Z'" if created else f"s.{name}")
        return f"json_array({', '.join(parts)})"
    # PostgreSQL: the JSON written piece by piece (to_json only where text needs escaping;
    # dates as text under DateStyle ISO, set by `chain`), ten seconds faster a million rows.
    parts = [f"'\"{VERSION}\"'", "'\"' || s.prev_hash || '\"'"]
    for name in HASHED:
        col = f"s.{name}"
        if name in _INTEGERS:
            parts.append(f"coalesce({col}::text, 'null')")
        elif name in ("business_date", "corrects_date"):
            parts.append(f"coalesce('\"' || {col}::text || '\"', 'null')")
        elif name == "created_at":
            stamp = "to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
            parts.append(f"'\"' || {stamp} || '\"'")
        else:
            parts.append(f"coalesce(to_json({col})::text, 'null')")
    text_ = "'[' || " + " || ',' || ".join(parts) + " || ']'"
    return f"encode(pg_catalog.sha256(convert_to({text_}, 'UTF8')), 'hex') = s.hash"


def chain(conn: Connection) -> Iterator[Sequence[Any]]:
    """Every row with its coop's head, in chain order, read in one statement (one snapshot:
    rows added meanwhile are either all seen, with their head, or not at all)."""
    dialect = conn.dialect.name
    day = "s.business_date" if dialect == "sqlite" else "to_char(s.business_date, 'YYYY-MM-DD')"
    closed = (
        "h.closed_through" if dialect == "sqlite" else "to_char(h.closed_through, 'YYYY-MM-DD')"
    )
    sql = (
        f"SELECT s.id, s.coop_id, s.seq, s.kind, {day}, s.amount_cents, s.sealed_cents, "
        f"s.sealed_rows, s.prev_hash, s.hash, {_canonical_sql(dialect)}, h.last_seq, "
        f"h.last_hash, {closed} FROM sales s JOIN ledger_heads h ON h.coop_id = s.coop_id "
        "ORDER BY s.coop_id, s.seq"
    )
    result = conn.execution_options(**STREAM).exec_driver_sql(sql)
    yield from result


def headless_row(conn: Connection) -> tuple[int, int] | None:
    """A row (id, coop id) whose coop has no chain head (one was deleted), if any."""
    found = conn.execute(
        select(sales.c.id, sales.c.coop_id)
        .where(~exists().where(ledger_heads.c.coop_id == sales.c.coop_id))
        .order_by(sales.c.id)
        .limit(1)
    ).first()
    return (int(found[0]), int(found[1])) if found is not None else None


def empty_heads(conn: Connection) -> list[Head]:
    """Heads that name rows when their coop has none left."""
    result = conn.execute(
        select(ledger_heads).where(
            ledger_heads.c.last_seq > 0,
            ~exists().where(sales.c.coop_id == ledger_heads.c.coop_id),
        )
    )
    return [Head(**m) for m in result.mappings()]


def heads(conn: Connection) -> list[tuple[str, Head]]:
    result = conn.execute(
        select(coops.c.name, ledger_heads)
        .join(coops, coops.c.id == ledger_heads.c.coop_id)
        .order_by(coops.c.name)
    )
    return [
        (m["name"], Head(**{k: m[k] for k in Head.__dataclass_fields__})) for m in result.mappings()
    ]


def period(start: date | None, end: date | None, coop_id: int | None) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = [sales.c.kind.in_(MONEY_KINDS)]
    if coop_id is not None:
        cond.append(sales.c.coop_id == coop_id)
    if start is not None:
        cond.append(sales.c.business_date >= start)
    if end is not None:
        cond.append(sales.c.business_date < end)
    return cond


def money_rows(
    conn: Connection, *, start: date | None, end: date | None, coop_id: int | None
) -> Iterator[tuple[LedgerRow, str, str]]:
    """Money rows (no closings) of a period, by business day then order of recording, with
    their coop's name and analytic code; streamed."""
    result = conn.execution_options(**STREAM).execute(
        select(sales, coops.c.name.label("coop_name"), coops.c.analytic_code)
        .join(coops, coops.c.id == sales.c.coop_id)
        .where(and_(*period(start, end, coop_id)))
        .order_by(sales.c.business_date, sales.c.id)
    )
    for m in result.mappings():
        yield LedgerRow.of(m), m["coop_name"], m["analytic_code"]
