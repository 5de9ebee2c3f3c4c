"""Creating coops with their products, invite codes, and members joining or being added."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Final, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.db.repos import coops as repo
from bot.db.repos import sales as ledger_repo
from bot.ledger.calendar import business_date
from bot.ledger.rules import CoopOver, UnknownCode

Kind = Literal["culinary", "textile"]
KINDS: Final = ("culinary", "textile")
# Only the default for products a coop did not list, stored in the coop when it is created
# and changeable there; each product and each ledger row carries its own rate. (Food
# prepared for immediate consumption: 10 %; textiles: 20 %.)
USUAL_VAT_BP: Final = {"culinary": 1000, "textile": 2000}
DEFAULT_MAX_SALE_CENTS: Final = 100_000  # 1,000 € in one sale is worth asking again
DEFAULT_REMINDER: Final = time(20, 0)
# No 0/O, 1/I/L: read aloud or copied by hand, a code stays unambiguous.
CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH: Final = 6


@dataclass(frozen=True, slots=True)
class ProductSpec:
    name: str
    price_cents: int
    vat_bp: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CoopSpec:
    name: str
    kind: Kind
    products: tuple[ProductSpec, ...] = ()
    starts_on: date | None = None  # default: today
    ends_on: date | None = None
    analytic_code: str | None = None  # default: from the kind and the name
    max_sale_cents: int = DEFAULT_MAX_SALE_CENTS
    default_vat_bp: int | None = None  # default: the first product's, else the kind's usual
    reminder_at: time = DEFAULT_REMINDER


@dataclass(frozen=True, slots=True)
class Joined:
    coop: repo.CoopRow
    member: repo.MemberRow
    new: bool  # False: already a member (joining twice changes nothing)


@dataclass(frozen=True, slots=True)
class Created:
    coop: repo.CoopRow
    products: list[repo.ProductRow] = field(default_factory=list)


def normalize_code(text: str) -> str:
    """An invite code as typed -> as stored: any case, spaces or dashes, digits of any
    script (Arabic-Indic, Persian, Ge'ez) -> "K7M4Q2"."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        digit = unicodedata.digit(ch, None)
        if digit is not None:
            out.append(str(digit))
        elif ch.isalnum():
            out.append(ch.upper())
    return "".join(out)


def new_invite_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def default_analytic_code(kind: str, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Z0-9]+", "-", ascii_name.upper()).strip("-")[:24]
    return f"{kind[:3].upper()}-{slug or 'COOP'}"


def create_coop(conn: Connection, spec: CoopSpec, *, now: datetime, tz: ZoneInfo) -> Created:
    """A coop, its products and its (empty) chain; raises ValueError for a taken name."""
    if repo.coop_by_name(conn, spec.name) is not None:
        raise ValueError(f"a coop named {spec.name!r} exists")
    taken = {c.analytic_code for c in repo.all_coops(conn)}
    code = spec.analytic_code or default_analytic_code(spec.kind, spec.name)
    if code in taken:
        if spec.analytic_code:
            raise ValueError(f"the analytic code {code!r} is taken")
        code = next(f"{code}-{n}" for n in range(2, 1000) if f"{code}-{n}" not in taken)
    invite = new_invite_code()
    while repo.coop_by_code(conn, invite) is not None:
        invite = new_invite_code()
    default_vat = spec.default_vat_bp
    if default_vat is None:
        default_vat = spec.products[0].vat_bp if spec.products else USUAL_VAT_BP[spec.kind]
    coop_id = repo.insert_coop(
        conn,
        name=spec.name,
        kind=spec.kind,
        starts_on=spec.starts_on or business_date(now, tz),
        ends_on=spec.ends_on,
        analytic_code=code,
        invite_code=invite,
        max_sale_cents=spec.max_sale_cents,
        default_vat_bp=default_vat,
        reminder_at=spec.reminder_at,
        created_at=now,
    )
    for p in spec.products:
        repo.insert_product(
            conn,
            coop_id=coop_id,
            name=p.name,
            aliases=list(p.aliases),
            default_price_cents=p.price_cents,
            vat_rate_bp=p.vat_bp,
            created_at=now,
        )
    ledger_repo.create_head(conn, coop_id)
    coop = repo.coop_by_id(conn, coop_id)
    assert coop is not None
    return Created(coop, repo.products_of(conn, coop_id))


def add_member(
    conn: Connection, coop: repo.CoopRow, contact_id: int, *, added_by: str, now: datetime
) -> Joined:
    for m in repo.memberships(conn, contact_id):
        if m.coop_id == coop.id:
            return Joined(coop, m, new=False)
    member_id = repo.insert_member(
        conn, coop_id=coop.id, contact_id=contact_id, added_by=added_by, joined_at=now
    )
    member = repo.member_by_id(conn, member_id)
    assert member is not None
    return Joined(coop, member, new=True)


def join(conn: Connection, code: str, contact_id: int, *, now: datetime, tz: ZoneInfo) -> Joined:
    """A contact joins the coop whose invite code they sent (UnknownCode, CoopOver)."""
    coop = repo.coop_by_code(conn, normalize_code(code))
    if coop is None:
        raise UnknownCode("no coop has this code")
    if coop.ends_on is not None and business_date(now, tz) > coop.ends_on:
        raise CoopOver(f"the coop {coop.name} ended on {coop.ends_on}")
    return add_member(conn, coop, contact_id, added_by="invite", now=now)
