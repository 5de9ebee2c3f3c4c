"""The inbox: requests to talk to a person, each with what led there and the person's last
messages; facilitators answer (through the outbox, in the person's chat), assign and close.
Held WhatsApp messages are listed with why. Staff read, with identities masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from bot.cli.inbox import MAX_REPLY
from bot.db.repos import handover, held
from bot.db.repos.handover import Request, RequestNotFound, Said
from bot.db.repos.reach import Reach, reach

EXCERPT_MESSAGES = 3  # the person's last messages shown in the list
CONTEXT_MESSAGES = 20  # and on the request's page
EXCERPT = 140
# What a request's context says, in words a facilitator reads.
CONTEXT_LABELS = {
    "flow": "Parcours",
    "node": "Question",
    "question": "Question",
    "step": "Étape de la liste",
    "module": "Module",
    "outcome": "Résultat « puis-je rejoindre ? »",
}
REASONS = {
    "user_request": "a demandé à parler à une personne",
    "voice_message": "a envoyé un message vocal",
}
STATUSES = {"open": "ouverte", "answered": "répondue", "closed": "fermée"}
DELIVERY = {
    "pending": "en attente d'envoi",
    "sending": "en cours d'envoi",
    "sent": "envoyée",
    "failed": "échec",
    "held": "retenue",
}
MAX_NAME = 80  # who a request is assigned to: a name, not a paragraph

NOTICES = {
    "replied": "Réponse envoyée : elle part dans la conversation de la personne.",
    "held": (
        "Réponse enregistrée mais retenue : WhatsApp, plus de 24 h depuis le dernier message "
        "de la personne, et aucun modèle « reply » configuré : elle ne partira pas."
    ),
    "assigned": "Demande attribuée.",
    "closed": "Demande fermée : la personne en est informée.",
}


@dataclass(frozen=True)
class Listed:
    request: Request
    who: Reach | None
    said: list[str]  # the person's last messages, shortened


@dataclass(frozen=True)
class Detail:
    request: Request
    who: Reach | None
    words: list[Said]
    question: Said | None  # the bot's last message before the request: what led there
    replies: list[handover.ReplyRow]
    will_be_held: bool


def excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _listed(conn: Connection, *, limit: int, offset: int, closed: bool) -> list[Listed]:
    requests = handover.list_requests(conn, include_closed=closed, limit=limit, offset=offset)
    people = reach(conn, [r.contact_id for r in requests])
    out = []
    for r in requests:
        words = handover.last_words(conn, r.contact_id, 3 * EXCERPT_MESSAGES)
        said = [excerpt(w.text) for w in words if w.direction == "in" and w.text.strip()]
        out.append(Listed(r, people.get(r.contact_id), said[-EXCERPT_MESSAGES:]))
    return out


@page("/inbox", role=Role.staff)
async def inbox(ctx: Ctx) -> Response:
    view = ctx.query("view")
    if view == "held":
        return await _held(ctx)
    closed = view == "all"
    async with ctx.db.connect() as conn:
        total = await conn.run_sync(lambda c: handover.count_requests(c, include_closed=closed))
        held_total = await conn.run_sync(held.count_held)
        pager = Pager.of(ctx, total, per_page=25)
        rows = await conn.run_sync(
            lambda c: _listed(c, limit=pager.per_page, offset=pager.offset, closed=closed)
        )
    return ctx.render(
        "inbox.html",
        rows=rows,
        pager=pager,
        view=view if closed else "",
        held_total=held_total,
        reasons=REASONS,
        statuses=STATUSES,
        delivery=DELIVERY,
    )


async def _held(ctx: Ctx) -> Response:
    async with ctx.db.connect() as conn:
        pager = Pager.of(ctx, await conn.run_sync(held.count_held), per_page=25)
        rows = await conn.run_sync(
            lambda c: held.held_messages(c, limit=pager.per_page, offset=pager.offset)
        )
    return ctx.render("inbox_held.html", rows=rows, pager=pager, excerpt=excerpt)


def _detail(
    conn: Connection, request_id: int, templates: dict[str, str], now: datetime
) -> Detail | None:
    request = handover.get_request(conn, request_id)
    if request is None:
        return None
    words = handover.last_words(conn, request.contact_id, CONTEXT_MESSAGES)
    before = [w for w in words if w.direction == "out" and w.at < request.created_at]
    return Detail(
        request,
        reach(conn, [request.contact_id]).get(request.contact_id),
        words,
        before[-1] if before else None,
        handover.replies_of(conn, request_id),
        request.status != "closed" and handover.will_be_held(conn, request_id, templates, now),
    )


async def _request_page(
    ctx: Ctx, *, status: int = 200, error: str | None = None, draft: str = ""
) -> Response:
    request_id = int(ctx.request.path_params["request_id"])
    templates = ctx.state.services.settings.twilio_templates
    async with ctx.db.connect() as conn:
        detail = await conn.run_sync(lambda c: _detail(c, request_id, templates, ctx.now))
    if detail is None:
        return ctx.render("error.html", status=404, code=404, message="Cette demande n'existe pas.")
    return ctx.render(
        "inbox_request.html",
        status=status,
        d=detail,
        context_labels=CONTEXT_LABELS,
        reasons=REASONS,
        statuses=STATUSES,
        delivery=DELIVERY,
        notice=NOTICES.get(ctx.query("notice")),
        error=error,
        draft=draft,
        max_reply=MAX_REPLY,
    )


@page("/inbox/{request_id:int}", role=Role.staff)
async def inbox_request(ctx: Ctx) -> Response:
    return await _request_page(ctx)


@page("/inbox/{request_id:int}/reply", role=Role.facilitator, methods=("POST",))
async def inbox_reply(ctx: Ctx) -> Response:
    request_id = int(ctx.request.path_params["request_id"])
    text = ctx.field("text", limit=MAX_REPLY + 1).strip()
    if not text:
        return await _request_page(ctx, status=422, error="Écrivez une réponse.")
    if len(text) > MAX_REPLY:
        # (read up to one character past the limit: its length says only "too long")
        message = f"La réponse est trop longue : {MAX_REPLY} caractères au plus."
        return await _request_page(ctx, status=422, error=message, draft=text)
    services = ctx.state.services
    catalog = services.catalog()
    templates = services.settings.twilio_templates
    author = ctx.actor

    def write(conn: Connection) -> bool:
        will_hold = handover.will_be_held(conn, request_id, templates, ctx.now)
        handover.reply(conn, request_id, text, author, ctx.now, catalog)
        return will_hold

    try:
        async with ctx.db.begin() as conn:
            will_hold = await conn.run_sync(write)
            await ctx.audit(conn, "inbox.reply", f"demande {request_id}")
    except RequestNotFound:
        return await _gone(ctx, request_id)
    if services.sender is not None:
        services.sender.wake()
    return ctx.redirect(f"/inbox/{request_id}", notice="held" if will_hold else "replied")


async def _gone(ctx: Ctx, request_id: int) -> Response:
    async with ctx.db.connect() as conn:
        found = await conn.run_sync(lambda c: handover.get_request(c, request_id))
    if found is None:
        return ctx.render("error.html", status=404, code=404, message="Cette demande n'existe pas.")
    return await _request_page(ctx, status=409, error="Cette demande est fermée.")


@page("/inbox/{request_id:int}/assign", role=Role.facilitator, methods=("POST",))
async def inbox_assign(ctx: Ctx) -> Response:
    request_id = int(ctx.request.path_params["request_id"])
    who = " ".join(ctx.field("who", limit=MAX_NAME * 4).split()) or ctx.actor  # empty: me
    if len(who) > MAX_NAME:
        error = f"Attribuer : un nom de {MAX_NAME} caractères au plus."
        return await _request_page(ctx, status=422, error=error)
    try:
        async with ctx.db.begin() as conn:
            await conn.run_sync(lambda c: handover.assign(c, request_id, who))
            await ctx.audit(conn, "inbox.assign", f"demande {request_id} -> {who}")
    except RequestNotFound:
        return await _gone(ctx, request_id)
    return ctx.redirect(f"/inbox/{request_id}", notice="assigned")


@page("/inbox/{request_id:int}/close", role=Role.facilitator, methods=("POST",))
async def inbox_close(ctx: Ctx) -> Response:
    request_id = int(ctx.request.path_params["request_id"])
    services = ctx.state.services
    catalog = services.catalog()
    try:
        async with ctx.db.begin() as conn:
            await conn.run_sync(lambda c: handover.close(c, request_id, ctx.now, catalog))
            await ctx.audit(conn, "inbox.close", f"demande {request_id}")
    except RequestNotFound:
        return await _gone(ctx, request_id)
    if services.sender is not None:
        services.sender.wake()
    return ctx.redirect(f"/inbox/{request_id}", notice="closed")
