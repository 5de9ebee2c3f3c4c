"""Coops: create and edit them, their products and members; the invite code with its links
and QR codes to print; the sales exports (CSV, XLSX, FEC) from the ledger's own writers."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from urllib.parse import quote

import segno
from sqlalchemy import Connection
from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from bot.db.repos import coops as repo
from bot.db.repos.coops import CoopRow, MemberRow, ProductRow
from bot.db.repos.reach import Reach, reach
from bot.delivery import coop_jobs
from bot.delivery.timing import QUIET_FROM, QUIET_UNTIL
from bot.ledger.calendar import month_bounds
from bot.ledger.coops import KINDS, CoopSpec, ProductSpec, add_member, create_coop
from bot.ledger.export import Selection, write_csv
from bot.ledger.fec import write_fec
from bot.ledger.money import MoneyError, cents, euros, vat_bp, vat_percent
from bot.ledger.rows import member_ref
from bot.ledger.workbook import write_xlsx
from bot.settings import Settings
from content.catalog import LANGS

KIND_LABELS = {"culinary": "cuisine", "textile": "textile"}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
EUROS = re.compile(r"\d{1,9}(?:[.,]\d{1,2})?")
MAX_FORM_CENTS = 10_000_000  # 100 000 € : a price or a limit beyond is a typo
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "fec": ("text/plain; charset=utf-8", "txt"),
}
NOTICES = {
    "created": "Coopérative créée. Imprimez son code d'invitation pour les membres.",
    "saved": "Modifications enregistrées.",
    "product": "Produit enregistré.",
    "member": "Membre ajouté.",
    "already": "Cette personne est déjà membre.",
}


class FormError(ValueError):
    pass


@dataclass(frozen=True)
class Member:
    row: MemberRow
    who: Reach | None
    sales: int  # money rows
    total_cents: int

    @property
    def ref(self) -> str:
        return member_ref(self.row.id)


@dataclass(frozen=True)
class CoopPage:
    coop: CoopRow
    products: list[ProductRow]
    members: list[Member]


def _money(value: str, what: str) -> int:
    """Euros as a person writes them ("8", "8,50", "8.5"); not "1e3" nor a typo's millions."""
    if not EUROS.fullmatch(value.strip()):
        raise FormError(f"{what} : « {value} » n'est pas un montant en euros (ex. : 8,50).")
    amount = cents(value.strip())
    if amount <= 0:
        raise FormError(f"{what} : le montant doit être plus grand que zéro.")
    if amount > MAX_FORM_CENTS:
        raise FormError(f"{what} : {euros(MAX_FORM_CENTS, decimal=',')} € au plus.")
    return amount


def _rate(value: str) -> int:
    try:
        return vat_bp(value.strip())
    except MoneyError:
        raise FormError(f"TVA : « {value} » n'est pas un taux en pourcentage.") from None


def _day(value: str, what: str, *, required: bool = False) -> date | None:
    if not value.strip():
        if required:
            raise FormError(f"{what} : donnez une date.")
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FormError(f"{what} : « {value} » n'est pas une date.") from None


def _clock(value: str) -> time:
    try:
        at = time.fromisoformat(value.strip())
    except ValueError:
        raise FormError(f"Rappel : « {value} » n'est pas une heure (HH:MM).") from None
    if at >= QUIET_FROM or at < QUIET_UNTIL:  # as `coop add --reminder`
        raise FormError(
            f"Rappel : entre {QUIET_UNTIL:%H:%M} et {QUIET_FROM:%H:%M} (rien ne part la nuit)."
        )
    return at


def _name(value: str, limit: int, what: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > limit:
        raise FormError(f"{what} : de 1 à {limit} caractères.")
    return name


def _aliases(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for a in (" ".join(p.split()) for p in value.split(",")) if a))


async def _list(ctx: Ctx, *, status: int = 200, error: str | None = None) -> Response:
    def read(conn: Connection) -> list[tuple[CoopRow, int, int]]:
        counts = repo.member_counts(conn)
        return [
            (c, counts.get(c.id, 0), len(repo.products_of(conn, c.id)))
            for c in repo.all_coops(conn)
        ]

    async with ctx.db.connect() as conn:
        rows = await conn.run_sync(read)
    today = ctx.now.astimezone(ctx.state.services.settings.tz).date()
    pager = Pager.of(ctx, len(rows))
    return ctx.render(
        "coops.html",
        status=status,
        rows=pager.window(rows),
        every=[c for c, _, _ in rows],
        pager=pager,
        kinds=KIND_LABELS,
        error=error,
        form=ctx.form,
        this_month=today.strftime("%Y-%m"),
        today=today.isoformat(),
    )


@page("/coops", role=Role.staff)
async def coop_list(ctx: Ctx) -> Response:
    return await _list(ctx)


@page("/coops", role=Role.facilitator, methods=("POST",))
async def coop_create(ctx: Ctx) -> Response:
    kind = ctx.field("kind")
    try:
        name = _name(ctx.field("name", limit=200), 64, "Nom")
        if kind not in KINDS:
            raise FormError("Choisissez le type : cuisine ou textile.")
        starts = _day(ctx.field("starts_on"), "Début")
        ends = _day(ctx.field("ends_on"), "Fin")
        if starts and ends and ends < starts:
            raise FormError("La fin est avant le début.")
        products = []
        if ctx.field("product_name").strip():
            products.append(
                ProductSpec(
                    _name(ctx.field("product_name"), 80, "Produit"),
                    _money(ctx.field("product_price"), "Prix"),
                    _rate(ctx.field("product_vat", "10")),
                )
            )
    except FormError as exc:
        return await _list(ctx, status=422, error=str(exc))
    spec = CoopSpec(name=name, kind=kind, products=tuple(products), starts_on=starts, ends_on=ends)  # type: ignore[arg-type]
    tz = ctx.state.services.settings.tz

    try:
        async with ctx.db.begin() as conn:
            created = await conn.run_sync(lambda c: create_coop(c, spec, now=ctx.now, tz=tz))
            await ctx.audit(conn, "coop.create", f"{name} ({kind})")
    except ValueError:
        return await _list(ctx, status=409, error="Une coopérative porte déjà ce nom.")
    return ctx.redirect(f"/coops/{created.coop.id}", notice="created")


def _read(conn: Connection, coop_id: int) -> CoopPage | None:
    coop = repo.coop_by_id(conn, coop_id)
    if coop is None:
        return None
    rows = repo.members_of(conn, coop_id)
    people = reach(conn, [m.contact_id for m in rows if m.contact_id is not None])
    sales = repo.member_sales(conn, coop_id)
    members = [
        Member(m, people.get(m.contact_id) if m.contact_id else None, *sales.get(m.id, (0, 0)))
        for m in rows
    ]
    return CoopPage(coop, repo.products_of(conn, coop_id), members)


def _coop_id(ctx: Ctx) -> int:
    return int(ctx.request.path_params["coop_id"])


def _not_found(ctx: Ctx) -> Response:
    return ctx.render("error.html", status=404, code=404, message="Cette coopérative n'existe pas.")


async def _coop_page(ctx: Ctx, *, status: int = 200, error: str | None = None) -> Response:
    coop_id = _coop_id(ctx)
    async with ctx.db.connect() as conn:
        found = await conn.run_sync(lambda c: _read(c, coop_id))
    if found is None:
        return _not_found(ctx)
    return ctx.render(
        "coop.html",
        status=status,
        p=found,
        kinds=KIND_LABELS,
        euros=euros,
        vat_percent=vat_percent,
        notice=NOTICES.get(ctx.query("notice")),
        error=error,
    )


@page("/coops/{coop_id:int}", role=Role.staff)
async def coop_view(ctx: Ctx) -> Response:
    return await _coop_page(ctx)


@page("/coops/{coop_id:int}", role=Role.facilitator, methods=("POST",))
async def coop_edit(ctx: Ctx) -> Response:
    coop_id = _coop_id(ctx)
    try:
        values: dict[str, Any] = {
            "name": _name(ctx.field("name", limit=200), 64, "Nom"),
            "starts_on": _day(ctx.field("starts_on"), "Début", required=True),
            "ends_on": _day(ctx.field("ends_on"), "Fin"),
            "max_sale_cents": _money(ctx.field("max_sale"), "Vente la plus haute sans question"),
            "default_vat_bp": _rate(ctx.field("default_vat")),
            "reminder_at": _clock(ctx.field("reminder_at")),
        }
        if values["ends_on"] and values["ends_on"] < values["starts_on"]:
            raise FormError("La fin est avant le début.")
    except FormError as exc:
        return await _coop_page(ctx, status=422, error=str(exc))

    def write(conn: Connection) -> str | None:
        coop = repo.coop_by_id(conn, coop_id)
        if coop is None:
            return None
        other = repo.coop_by_name(conn, values["name"])
        if other is not None and other.id != coop_id:
            raise FormError("Une autre coopérative porte déjà ce nom.")
        repo.update_coop(conn, coop_id, **values)
        coop_jobs.reschedule(conn, coop_id, ctx.now, ctx.state.services.settings.tz)
        return coop.name

    try:
        async with ctx.db.begin() as conn:
            before = await conn.run_sync(write)
            if before is not None:
                await ctx.audit(conn, "coop.edit", f"{before} -> {values['name']}")
    except FormError as exc:
        return await _coop_page(ctx, status=409, error=str(exc))
    if before is None:
        return _not_found(ctx)
    return ctx.redirect(f"/coops/{coop_id}", notice="saved")


@page("/coops/{coop_id:int}/products", role=Role.facilitator, methods=("POST",))
async def product_add(ctx: Ctx) -> Response:
    return await _save_product(ctx, None)


@page("/coops/{coop_id:int}/products/{product_id:int}", role=Role.facilitator, methods=("POST",))
async def product_edit(ctx: Ctx) -> Response:
    return await _save_product(ctx, int(ctx.request.path_params["product_id"]))


async def _save_product(ctx: Ctx, product_id: int | None) -> Response:
    coop_id = _coop_id(ctx)
    try:
        name = _name(ctx.field("name", limit=200), 80, "Produit")
        price = _money(ctx.field("price"), "Prix")
        rate = _rate(ctx.field("vat"))
    except FormError as exc:
        return await _coop_page(ctx, status=422, error=str(exc))
    aliases = list(_aliases(ctx.field("aliases", limit=1000)))

    def write(conn: Connection) -> bool:
        if repo.coop_by_id(conn, coop_id) is None:
            return False
        same = [p for p in repo.products_of(conn, coop_id) if p.name.casefold() == name.casefold()]
        if any(p.id != product_id for p in same):
            raise FormError("Cette coopérative a déjà un produit de ce nom.")
        values = {
            "name": name,
            "default_price_cents": price,
            "vat_rate_bp": rate,
            "aliases": aliases,
        }
        if product_id is None:
            repo.insert_product(conn, coop_id=coop_id, created_at=ctx.now, **values)
            return True
        product = repo.product_by_id(conn, product_id)
        if product is None or product.coop_id != coop_id:
            return False
        repo.update_product(conn, product_id, **values)
        return True

    try:
        async with ctx.db.begin() as conn:
            done = await conn.run_sync(write)
            if done:
                detail = f"coop {coop_id}: {name} {euros(price)} EUR, TVA {vat_percent(rate)} %"
                await ctx.audit(conn, "coop.product", detail)
    except FormError as exc:
        return await _coop_page(ctx, status=409, error=str(exc))
    if not done:
        return ctx.render("error.html", status=404, code=404, message="Ce produit n'existe pas.")
    return ctx.redirect(f"/coops/{coop_id}", notice="product")


@page("/coops/{coop_id:int}/members", role=Role.facilitator, methods=("POST",))
async def member_add(ctx: Ctx) -> Response:
    coop_id = _coop_id(ctx)
    raw = ctx.field("contact").strip().removeprefix("contact").strip()
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        return await _coop_page(ctx, status=422, error="Donnez le numéro du contact (ex. 42).")
    contact_id = int(raw)
    by = f"facilitator:{ctx.actor}"[:64]

    def write(conn: Connection) -> bool | None:
        coop = repo.coop_by_id(conn, coop_id)
        if coop is None or not repo.contact_exists(conn, contact_id):
            return None
        return add_member(conn, coop, contact_id, added_by=by, now=ctx.now).new

    async with ctx.db.begin() as conn:
        new = await conn.run_sync(write)
        if new:
            await ctx.audit(conn, "coop.member", f"coop {coop_id}: contact {contact_id}")
    if new is None:
        return await _coop_page(ctx, status=404, error=f"Aucun contact n° {contact_id}.")
    return ctx.redirect(f"/coops/{coop_id}", notice="member" if new else "already")


@dataclass(frozen=True)
class Invite:
    label: str
    how: str  # what a member does
    link: str | None
    qr: str  # an SVG data URI


def _qr(content: str) -> str:
    return segno.make(content, error="m").svg_data_uri(scale=6, border=2)


def invites(code: str, settings: Settings) -> list[Invite]:
    """How to join, per channel: a link (and its QR code) that opens the chat with the code
    already written, where the channel allows it."""
    out = []
    sender = (settings.twilio_whatsapp_from or "").removeprefix("whatsapp:").lstrip("+")
    if sender.isdigit():
        link = f"https://wa.me/{sender}?text={quote('JOIN ' + code)}"
        out.append(Invite("WhatsApp", f"Envoyer « JOIN {code} »", link, _qr(link)))
    username = (settings.telegram_bot_username or "").lstrip("@")
    if username:
        link = f"https://t.me/{username}?start={code}"
        out.append(Invite("Telegram", f"Envoyer « /start {code} »", link, _qr(link)))
    if not out:
        out.append(Invite("Message", f"Envoyer « JOIN {code} » au bot", None, _qr(f"JOIN {code}")))
    return out


@page("/coops/{coop_id:int}/invite", role=Role.facilitator)
async def coop_invite(ctx: Ctx) -> Response:
    coop_id = _coop_id(ctx)
    async with ctx.db.connect() as conn:
        coop = await conn.run_sync(lambda c: repo.coop_by_id(c, coop_id))
    if coop is None:
        return _not_found(ctx)
    catalog = ctx.state.services.catalog()
    return ctx.render(
        "coop_invite.html",
        coop=coop,
        invites=invites(coop.invite_code, ctx.state.services.settings),
        # What to do, in each language of the people who scan it (a text of the bot's).
        how={
            lang: catalog.text("sales.invite_print", lang, coop=coop.name, code=coop.invite_code)
            for lang in LANGS
        },
    )


@page("/coops/export", role=Role.staff)
async def coop_export(ctx: Ctx) -> Response:
    """The month's sales, as the `export-sales` command writes them."""
    tz = ctx.state.services.settings.tz
    this_month = ctx.now.astimezone(tz).strftime("%Y-%m")
    month = ctx.query("month") or this_month
    fmt, coop = ctx.query("format") or "csv", ctx.query("coop")
    try:
        if not MONTH.match(month) or fmt not in FORMATS or (coop and not coop.isdigit()):
            raise ValueError(month)
        start, end = month_bounds(month)
    except ValueError:
        return await _list(ctx, status=422, error="Choisissez un mois (AAAA-MM) et un format.")
    coop_id = int(coop) if coop else None
    if coop_id is not None and not 0 < coop_id < 2**31:
        return _not_found(ctx)

    def export(conn: Connection) -> tuple[bytes, str] | None:
        name = "toutes"
        if coop_id is not None:
            found = repo.coop_by_id(conn, coop_id)
            if found is None:
                return None
            name = re.sub(r"[^A-Za-z0-9_-]+", "-", found.name).strip("-") or str(coop_id)
        selection = Selection(start, end, coop_id)
        if fmt == "xlsx":
            binary = io.BytesIO()
            write_xlsx(conn, binary, selection)
            return binary.getvalue(), name
        text = io.StringIO(newline="")
        if fmt == "fec":
            write_fec(conn, text, selection, tz)
        else:
            write_csv(conn, text, selection)
        return text.getvalue().encode("utf-8"), name

    async with ctx.db.connect() as conn:
        made = await conn.run_sync(export)
    if made is None:
        return _not_found(ctx)
    body, name = made
    media_type, suffix = FORMATS[fmt]
    filename = f"ventes-{month}-{name}.{suffix}"
    async with ctx.db.begin() as conn:
        await ctx.audit(conn, "sales.export", filename)
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
