"""`verify` finds any change to the ledger: a value of any column of any row, a row removed
or inserted, a head moved, a closing that disagrees with its day, a row dated a closed day."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, delete, insert, select, update

from bot.db.migrate import upgrade
from bot.db.session import Database
from bot.db.tables import ledger_heads, sales
from bot.ledger.chain import GENESIS, HASHED, row_hash
from bot.ledger.coops import CoopSpec, create_coop, join
from bot.ledger.recording import Correction, SaleEntry, correct, record_sale, undo_last
from bot.ledger.rows import COLUMNS, LedgerRow
from bot.ledger.rules import Actor
from bot.ledger.verify import Verdict, verify
from tests.ledger.conftest import TZ, Shop, make_shop, new_contact, paris

FACILITATOR = Actor.facilitator("nadia")


@dataclass
class Book:
    shop: Shop
    other_coop: int
    empty_coop: int  # no rows: somewhere to move a row to without a clash of positions
    rows: dict[str, LedgerRow]  # name -> row


async def build(db: Database) -> Book:
    shop = await make_shop(db)
    m = shop.members
    named: dict[str, LedgerRow] = {}

    async def sell(name: str, member: int, cents: int, when: str, **kw: Any) -> None:
        named[name] = (await shop.sell(member, cents, now=paris(when), **kw)).rows[0]

    await sell("s1", 0, 4000, "2026-11-03 12:00")
    await sell("s2", 1, 2400, "2026-11-03 12:05", payment="card", quantity=3)
    await sell("s3", 0, 800, "2026-11-04 12:00", quantity=1)
    (named["r1"],) = (
        await shop.run(
            lambda c: undo_last(c, m[0], Actor.member(m[0]), now=paris("2026-11-04 12:01"), tz=TZ)
        )
    ).rows
    await sell("s4", 2, 1600, "2026-11-05 12:00", quantity=2)  # closes the 3rd first
    named["r2"], named["p1"] = (
        await shop.run(
            lambda c: correct(
                c,
                named["s4"].id,
                Correction(quantity=3),
                Actor.member(m[2]),
                now=paris("2026-11-05 12:02"),
                tz=TZ,
            )
        )
    ).rows
    named["r3"], named["p2"] = (
        await shop.run(
            lambda c: correct(
                c,
                named["s2"].id,
                Correction(amount_cents=2700),
                FACILITATOR,
                now=paris("2026-11-10 09:00"),
                tz=TZ,
            )
        )
    ).rows
    await sell("s5", 0, 1200, "2026-11-10 12:00", product="samoussa maison")

    def second_coop(conn: Connection) -> int:
        now = paris("2026-11-10 10:00")
        coop = create_coop(conn, CoopSpec("Atelier", "textile"), now=now, tz=TZ).coop
        member = join(conn, coop.invite_code, new_contact(conn), now=now, tz=TZ).member
        for cents in (3000, 4500):
            entry = SaleEntry(coop.id, member.id, "robe", 1, cents)
            record_sale(conn, entry, Actor.member(member.id), now=now, tz=TZ)
        return coop.id

    other = await shop.run(second_coop)
    empty = await shop.run(
        lambda c: (
            create_coop(
                c, CoopSpec("Vide", "textile"), now=paris("2026-11-10 10:00"), tz=TZ
            ).coop.id
        )
    )
    closings = await shop.run(
        lambda c: [
            LedgerRow.of(r)
            for r in c.execute(
                select(sales).where(sales.c.kind == "closing").order_by(sales.c.id)
            ).mappings()
        ]
    )
    named["c1"] = closings[0]
    assert [c.business_date for c in closings] == [
        date(2026, 11, 3),
        date(2026, 11, 4),
        date(2026, 11, 5),
    ]
    return Book(shop, other, empty, named)


@pytest.fixture
async def book(db: Database) -> Book:
    return await build(db)


class Undo(Exception):
    """Raised to roll a tampering back once verify has looked at it."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict


async def tampered(db: Database, change: Any) -> Verdict:
    """Run `change(conn)` as someone with write access would, verify, then roll back."""

    def go(conn: Connection) -> None:
        change(conn)
        raise Undo(verify(conn))

    with pytest.raises(Undo) as caught:
        await db.run(go)
    assert (await db.run(verify)).ok  # rolled back
    return caught.value.verdict


def rechain(conn: Connection, coop_id: int) -> None:
    """What someone who knows the algorithm would do after a change: rehash every row of the
    coop in order and move the head."""
    prev = GENESIS
    rows = [
        LedgerRow.of(m)
        for m in conn.execute(
            select(sales).where(sales.c.coop_id == coop_id).order_by(sales.c.seq)
        ).mappings()
    ]
    for r in rows:
        fixed = replace(r, prev_hash=prev)
        fixed = replace(fixed, hash=row_hash(fixed))
        conn.execute(
            update(sales)
            .where(sales.c.id == r.id)
            .values(prev_hash=fixed.prev_hash, hash=fixed.hash)
        )
        prev = fixed.hash
    conn.execute(
        update(ledger_heads).where(ledger_heads.c.coop_id == coop_id).values(last_hash=prev)
    )


def test_the_hash_covers_every_column_but_itself() -> None:
    assert set(COLUMNS) == {c.name for c in sales.columns}
    assert set(HASHED) | {"prev_hash", "hash"} == set(COLUMNS)


async def test_an_untouched_ledger_is_intact(book: Book) -> None:
    verdict = await book.shop.run(verify)
    assert verdict.ok and verdict.coops == 2 and verdict.closings == 3
    assert verdict.rows == 15


def other_value(conn: Connection, book: Book, row: LedgerRow, column: str) -> Any:
    """A different, storable value for `column` of `row` (constraints hold)."""
    v = getattr(row, column)
    ids = [r.id for r in book.rows.values()]
    alternatives: dict[str, Any] = {
        "id": max(ids) + 1000,
        "coop_id": book.empty_coop,
        "seq": row.seq + 1000,
        "kind": "replacement" if row.kind != "replacement" else "sale",
        "payment": "transfer" if row.payment != "transfer" else "cash",
        "member_id": book.shop.members[1]
        if row.member_id != book.shop.members[1]
        else book.shop.members[0],
        "product_id": book.shop.products["tablier"].id
        if row.product_id != book.shop.products["tablier"].id
        else None,
        "corrects_id": book.rows["s1"].id if row.corrects_id != book.rows["s1"].id else None,
    }
    if column in ("hash", "prev_hash"):
        return v[:-1] + ("0" if v[-1] != "0" else "1")
    if column in alternatives:
        return alternatives[column]
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    if isinstance(v, datetime):
        return v + timedelta(microseconds=1)
    if isinstance(v, date):
        return v + timedelta(days=1)
    if isinstance(v, str):
        return v + "x"
    assert v is None, (column, v)
    return {
        "corrects_date": date(2026, 11, 1),
        "source_message_id": "forged",
        "sealed_cents": 0,
        "sealed_rows": 0,
    }[column]


TARGETS = ("s1", "r1", "p1", "c1", "r3", "p2", "s5")


@pytest.mark.parametrize("column", COLUMNS)
async def test_changing_any_column_of_any_row_is_found(book: Book, column: str) -> None:
    for name in TARGETS:
        row = book.rows[name]

        def change(conn: Connection, row: LedgerRow = row) -> None:
            value = other_value(conn, book, row, column)
            conn.execute(update(sales).where(sales.c.id == row.id).values({column: value}))

        verdict = await tampered(book.shop.db, change)
        assert not verdict.ok, (name, column)
        assert verdict.broken is not None
        if column == "id":
            assert verdict.broken.row_id == max(r.id for r in book.rows.values()) + 1000
        elif column in ("seq", "coop_id"):  # the row left its place: the gap is named
            b = verdict.broken
            assert b.row_id == row.id or (b.coop_id, b.seq) in {
                (row.coop_id, row.seq + 1),  # "position … is missing before it"
                (row.coop_id, row.seq - 1),  # it was the last: "removed from the end"
            }, (name, str(b))
        else:
            assert verdict.broken.row_id == row.id, (name, column, str(verdict.broken))


async def test_removing_a_row_is_found(book: Book) -> None:
    s = book.rows
    by_seq = sorted((r for r in s.values() if r.coop_id == s["s1"].coop_id), key=lambda r: r.seq)
    for victim in ("s1", "r1", "c1", "p1"):  # (a row that another names: the FK refuses)
        row = s[victim]
        verdict = await tampered(
            book.shop.db, lambda c, r=row: c.execute(delete(sales).where(sales.c.id == r.id))
        )
        assert verdict.broken is not None
        assert "missing" in verdict.broken.reason or "does not follow" in verdict.broken.reason
        assert verdict.broken.seq == row.seq + 1, victim
    # The last row: its chain is whole, but shorter than its head says.
    last = max(by_seq, key=lambda r: r.seq)
    assert last == s["s5"]
    verdict = await tampered(
        book.shop.db, lambda c: c.execute(delete(sales).where(sales.c.id == last.id))
    )
    assert verdict.broken is not None and "removed from the end" in verdict.broken.reason
    # Every row of a coop.
    verdict = await tampered(
        book.shop.db, lambda c: c.execute(delete(sales).where(sales.c.coop_id == book.other_coop))
    )
    assert verdict.broken is not None and "gone" in verdict.broken.reason


def forged_after(last: LedgerRow, **changes: Any) -> LedgerRow:
    draft = replace(
        last,
        id=last.id + 500,
        seq=last.seq + 1,
        prev_hash=last.hash,
        source_message_id=None,
        **changes,
    )
    return replace(draft, hash=row_hash(draft))


async def test_inserting_a_row_is_found(book: Book) -> None:
    last = book.rows["s5"]
    # A well-forged row at the end, chained and hashed: its head does not know it.
    good = forged_after(last, amount_cents=100)
    verdict = await tampered(book.shop.db, lambda c: c.execute(insert(sales).values(good.values())))
    assert verdict.broken is not None and verdict.broken.row_id == good.id
    assert "beyond the chain's head" in verdict.broken.reason
    # With a wrong hash.
    bad = replace(good, hash="f" * 64)
    verdict = await tampered(book.shop.db, lambda c: c.execute(insert(sales).values(bad.values())))
    assert verdict.broken is not None and verdict.broken.row_id == bad.id
    # In the middle: room made by renumbering the rows after it.
    s3 = book.rows["s3"]

    def squeeze(conn: Connection) -> None:
        later = conn.execute(
            select(sales.c.id, sales.c.seq)
            .where(sales.c.coop_id == s3.coop_id, sales.c.seq > s3.seq)
            .order_by(sales.c.seq.desc())
        ).all()
        for row_id, seq in later:
            conn.execute(update(sales).where(sales.c.id == row_id).values(seq=seq + 1))
        conn.execute(insert(sales).values(forged_after(s3, amount_cents=50).values()))

    verdict = await tampered(book.shop.db, squeeze)
    assert verdict.broken is not None and verdict.broken.seq == s3.seq + 2


async def test_a_moved_or_missing_head_is_found(book: Book) -> None:
    coop = book.rows["s1"].coop_id
    moved = update(ledger_heads).where(ledger_heads.c.coop_id == coop)
    for values in ({"last_hash": "a" * 64}, {"last_seq": 99}):
        verdict = await tampered(book.shop.db, lambda c, v=values: c.execute(moved.values(v)))
        assert verdict.broken is not None and "head" in verdict.broken.reason
    verdict = await tampered(
        book.shop.db,
        lambda c: c.execute(delete(ledger_heads).where(ledger_heads.c.coop_id == coop)),
    )
    assert verdict.broken is not None and "no head" in verdict.broken.reason


async def test_closings_catch_a_rewritten_chain_that_changes_a_closed_day(book: Book) -> None:
    coop = book.rows["s1"].coop_id
    s1 = book.rows["s1"]

    def cheaper(conn: Connection) -> None:
        conn.execute(update(sales).where(sales.c.id == s1.id).values(amount_cents=1000))
        rechain(conn, coop)

    verdict = await tampered(book.shop.db, cheaper)
    assert verdict.broken is not None and verdict.broken.row_id == book.rows["c1"].id
    assert "seals 2026-11-03 at 64.00 €" in verdict.broken.reason

    def backdated(conn: Connection) -> None:
        conn.execute(
            update(sales)
            .where(sales.c.id == book.rows["s5"].id)
            .values(business_date=date(2026, 11, 4))
        )
        rechain(conn, coop)

    verdict = await tampered(book.shop.db, backdated)
    assert verdict.broken is not None and verdict.broken.row_id == book.rows["s5"].id
    assert "a day closed by row" in verdict.broken.reason


async def test_a_rewritten_open_day_shows_against_a_kept_export(book: Book) -> None:
    """The limit of any chain without a secret: someone who rewrites every hash after a
    change of an open day, and the head, passes `verify`. Hashes kept outside (the CSV
    export's `hash` column, `sales verify`'s heads) then disagree with the database."""
    coop = book.rows["s5"].coop_id
    kept = book.rows["s5"].hash

    def rewrite(conn: Connection) -> None:
        conn.execute(update(sales).where(sales.c.id == book.rows["s5"].id).values(amount_cents=100))
        rechain(conn, coop)
        now = conn.execute(
            select(sales.c.hash).where(sales.c.id == book.rows["s5"].id)
        ).scalar_one()
        assert now != kept
        raise Undo(verify(conn))

    with pytest.raises(Undo) as caught:
        await book.shop.db.run(rewrite)
    assert caught.value.verdict.ok


async def test_the_databases_json_agrees_with_the_hash_for_any_text(db: Database) -> None:
    shop = await make_shop(db)
    odd = 'plat "maison" \\ à l\'ail 🍲 كسكس ስጋ\x01\x7f\u2028/<b>'
    (row,) = (await shop.sell(0, 1234, now=paris("2026-11-10 12:00"), product=odd)).rows
    assert row.product == " ".join(odd.split())  # \u2028 is a line break: a space
    verdict = await shop.run(verify)
    assert verdict.ok and verdict.rechecked == 0  # every row passed the fast path


async def test_a_value_stored_in_another_form_is_checked_again_not_condemned(
    migrated_templates: dict[str, str], tmp_path: Path
) -> None:
    """SQLite only (PostgreSQL keeps a timestamp in one form): the same instant written
    without microseconds reads back as the same value, so it is no change."""
    url = f"sqlite+aiosqlite:///{tmp_path}/other-form.db"
    if "sqlite" in migrated_templates:
        template = Path(migrated_templates["sqlite"].removeprefix("sqlite+aiosqlite:///"))
        shutil.copy(template, tmp_path / "other-form.db")
    else:  # a PostgreSQL-only run
        await asyncio.to_thread(upgrade, url)
    db = Database(url)
    try:
        shop = await make_shop(db)
        (row,) = (await shop.sell(0, 800, now=paris("2026-11-10 12:00:00"))).rows
        stamp = row.created_at.strftime("%Y-%m-%d %H:%M:%S")
        sql = f"UPDATE sales SET created_at = '{stamp}' WHERE id = {row.id}"
        verdict = await tampered(db, lambda c: c.exec_driver_sql(sql))
        assert verdict.ok and verdict.rechecked == 1
        moved = f"UPDATE sales SET created_at = '2026-11-10 11:00:01' WHERE id = {row.id}"
        verdict = await tampered(db, lambda c: c.exec_driver_sql(moved))
        assert not verdict.ok and verdict.rechecked == 1  # a real change stays one
    finally:
        await db.dispose()
