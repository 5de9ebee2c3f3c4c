"""Workshops: create and edit them (titles in the four languages, time in TIMEZONE, place,
languages spoken), see who answered, mark who came, cancel (those coming are told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from bot.db.repos import workshops as repo
from bot.db.repos.reach import Reach, reach
from bot.db.repos.workshops import RsvpRow, WorkshopNotFound, WorkshopRow
from bot.delivery.timing import WallTimeError, from_local
from content.catalog import BASE_LANG, LANGS

MAX_TITLE = 200
MAX_PLACE = 200
NOTICES = {
    "created": "Atelier créé : il est proposé dans le bot.",
    "saved": "Atelier modifié.",
    "attendance": "Présences enregistrées.",
    "cancelled": "Atelier annulé : les personnes qui venaient sont prévenues (en journée).",
}


class FormError(ValueError):
    pass


@dataclass(frozen=True)
class Answer:
    rsvp: RsvpRow
    who: Reach | None


@dataclass(frozen=True)
class Fields:
    titles: dict[str, str]
    starts_at: datetime
    place: str
    langs: tuple[str, ...]


def _fields(ctx: Ctx) -> Fields:
    titles = {}
    for lang in LANGS:
        value = " ".join(ctx.field(f"title_{lang}", limit=MAX_TITLE * 2).split())
        if len(value) > MAX_TITLE:
            raise FormError(f"Titre ({lang}) : {MAX_TITLE} caractères au plus.")
        if value:
            titles[lang] = value
    if BASE_LANG not in titles:
        raise FormError("Donnez au moins le titre en français.")
    place = " ".join(ctx.field("place", limit=MAX_PLACE * 2).split())
    if not place or len(place) > MAX_PLACE:
        raise FormError(f"Lieu : de 1 à {MAX_PLACE} caractères.")
    try:
        local = datetime.strptime(ctx.field("starts_at").strip(), "%Y-%m-%dT%H:%M")
        starts_at = from_local(local, ctx.state.services.settings.tz)
    except WallTimeError as exc:
        raise FormError(WALL_TIME_PROBLEMS[exc.reason]) from None
    except ValueError:
        raise FormError("Date et heure : choisissez-les (jj/mm/aaaa hh:mm).") from None
    langs = tuple(lang for lang in LANGS if lang in ctx.fields("langs")) or (BASE_LANG,)
    return Fields(titles, starts_at, place, langs)


WALL_TIME_PROBLEMS = {
    "year": "Date : choisissez une année entre 2000 et 2099.",
    "skipped": "Cette heure n'existe pas ce jour-là (on avance l'heure) : une autre ?",
    "repeated": "Cette heure a lieu deux fois ce jour-là (on recule l'heure) : une autre ?",
}


async def _list(ctx: Ctx, *, status: int = 200, error: str | None = None) -> Response:
    show_all = ctx.query("show") == "all"
    since = None if show_all else ctx.now
    async with ctx.db.connect() as conn:
        rows = await conn.run_sync(lambda c: repo.list_workshops(c, since=since))
    pager = Pager.of(ctx, len(rows), per_page=30)
    return ctx.render(
        "workshops.html",
        status=status,
        rows=pager.window(rows),
        pager=pager,
        show_all=show_all,
        error=error,
        form=ctx.form,
    )


@page("/workshops", role=Role.staff)
async def workshop_list(ctx: Ctx) -> Response:
    return await _list(ctx)


@page("/workshops", role=Role.facilitator, methods=("POST",))
async def workshop_create(ctx: Ctx) -> Response:
    try:
        f = _fields(ctx)
        if f.starts_at <= ctx.now:
            raise FormError("Cet horaire est passé.")
    except FormError as exc:
        return await _list(ctx, status=422, error=str(exc))

    def write(conn: Connection) -> int:
        return repo.add_workshop(
            conn,
            titles=f.titles,
            starts_at=f.starts_at,
            place=f.place,
            langs=f.langs,
            now=ctx.now,
        )

    async with ctx.db.begin() as conn:
        new_id = await conn.run_sync(write)
        await ctx.audit(conn, "workshop.create", f"{new_id}: {f.titles[BASE_LANG]}")
    return ctx.redirect(f"/workshops/{new_id}", notice="created")


def _workshop_id(ctx: Ctx) -> int:
    return int(ctx.request.path_params["workshop_id"])


def _read(conn: Connection, workshop_id: int) -> tuple[WorkshopRow, list[Answer]] | None:
    ws = repo.get_workshop(conn, workshop_id)
    if ws is None:
        return None
    rsvps = repo.rsvps_of(conn, workshop_id)
    people = reach(conn, [r.contact_id for r in rsvps])
    return ws, [Answer(r, people.get(r.contact_id)) for r in rsvps]


async def _detail(ctx: Ctx, *, status: int = 200, error: str | None = None) -> Response:
    workshop_id = _workshop_id(ctx)
    async with ctx.db.connect() as conn:
        found = await conn.run_sync(lambda c: _read(c, workshop_id))
    if found is None:
        return ctx.render("error.html", status=404, code=404, message="Cet atelier n'existe pas.")
    ws, answers = found
    tz = ctx.state.services.settings.tz
    return ctx.render(
        "workshop.html",
        status=status,
        ws=ws,
        answers=answers,
        local=ws.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        past=ws.starts_at <= ctx.now,
        notice=NOTICES.get(ctx.query("notice")),
        error=error,
    )


@page("/workshops/{workshop_id:int}", role=Role.staff)
async def workshop_view(ctx: Ctx) -> Response:
    return await _detail(ctx)


@page("/workshops/{workshop_id:int}", role=Role.facilitator, methods=("POST",))
async def workshop_edit(ctx: Ctx) -> Response:
    workshop_id = _workshop_id(ctx)
    try:
        f = _fields(ctx)
    except FormError as exc:
        return await _detail(ctx, status=422, error=str(exc))
    tz = ctx.state.services.settings.tz

    def write(conn: Connection) -> None:
        current = repo.get_workshop(conn, workshop_id)
        if current is None:
            raise WorkshopNotFound(str(workshop_id))
        if f.starts_at != current.starts_at and f.starts_at <= ctx.now:
            raise FormError("Cet horaire est passé.")
        repo.update_workshop(
            conn,
            workshop_id,
            titles=f.titles,
            starts_at=f.starts_at,
            place=f.place,
            langs=f.langs,
            now=ctx.now,
            tz=tz,
        )

    try:
        async with ctx.db.begin() as conn:
            await conn.run_sync(write)
            await ctx.audit(conn, "workshop.edit", f"{workshop_id}: {f.titles[BASE_LANG]}")
    except FormError as exc:
        return await _detail(ctx, status=422, error=str(exc))
    except WorkshopNotFound:
        return await _detail(ctx, status=409, error="Cet atelier est annulé : il ne change plus.")
    return ctx.redirect(f"/workshops/{workshop_id}", notice="saved")


@page("/workshops/{workshop_id:int}/attendance", role=Role.facilitator, methods=("POST",))
async def workshop_attendance(ctx: Ctx) -> Response:
    workshop_id = _workshop_id(ctx)
    came = {int(v) for v in ctx.fields("came") if v.isdigit() and int(v) < 2**31}

    def write(conn: Connection) -> int | str | None:
        ws = repo.get_workshop(conn, workshop_id)
        if ws is None:
            return None
        if ws.cancelled_at is not None:
            return "Cet atelier est annulé : personne n'y est venu."
        if ws.starts_at > ctx.now:
            return "Cet atelier n'a pas encore eu lieu : les présences se notent après."
        answered = [r.contact_id for r in repo.rsvps_of(conn, workshop_id)]
        repo.set_attendance(conn, workshop_id, {cid: cid in came for cid in answered})
        return len(came.intersection(answered))

    async with ctx.db.begin() as conn:
        present = await conn.run_sync(write)
        if isinstance(present, int):
            await ctx.audit(conn, "workshop.attendance", f"{workshop_id}: {present} présent·es")
    if present is None:
        return ctx.render("error.html", status=404, code=404, message="Cet atelier n'existe pas.")
    if isinstance(present, str):
        return await _detail(ctx, status=409, error=present)
    return ctx.redirect(f"/workshops/{workshop_id}", notice="attendance")


@page("/workshops/{workshop_id:int}/cancel", role=Role.facilitator, methods=("POST",))
async def workshop_cancel(ctx: Ctx) -> Response:
    workshop_id = _workshop_id(ctx)
    tz = ctx.state.services.settings.tz
    try:
        async with ctx.db.begin() as conn:
            told = await conn.run_sync(lambda c: repo.cancel_workshop(c, workshop_id, ctx.now, tz))
            await ctx.audit(conn, "workshop.cancel", f"{workshop_id}: {told} prévenu·es")
    except WorkshopNotFound:
        return await _detail(ctx, status=409, error="Cet atelier est déjà annulé.")
    return ctx.redirect(f"/workshops/{workshop_id}", notice="cancelled")
