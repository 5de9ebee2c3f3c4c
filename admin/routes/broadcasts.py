"""Broadcasts: the list and a new one's audience; one broadcast's four languages side by
side (a person's text, or a machine draft marked as such, or the French text on purpose),
its schedule, and its progress per status with a cancel button. The same service as
`python -m bot broadcast` (bot/broadcasts/service.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.responses import Response

from admin.broadcast_french import in_french
from admin.deps import Ctx, Role, page
from bot.broadcasts.audience import BROADCAST_CHANNELS, KEYS, Audience, AudienceError
from bot.broadcasts.composition import CompositionError, Media, check_media
from bot.broadcasts.service import BroadcastService
from bot.broadcasts.timing import TimingError, in_quiet_hours, parse_local
from bot.db.repos import broadcasts as repo
from bot.db.repos.broadcasts import BroadcastError, Refused
from content.catalog import BASE_LANG, LANGS

STATE_LABELS = {
    "draft": "brouillon",
    "scheduled": "programmée",
    "sending": "envoi en cours",
    "sent": "envoyée",
    "cancelled": "annulée",
}
STATUS_LABELS = {
    "waiting": "en attente",
    "queued": "dans la file d'envoi",
    "sent": "envoyé",
    "delivered": "reçu",
    "read": "lu",
    "failed": "échec",
    "needs_template": "modèle WhatsApp manquant",
    "skipped": "sorti du public",
    "cancelled": "annulé",
}
REFUSALS = {
    "missing": "pas de texte",
    "machine": "traduction machine pas encore relue",
    "no_french": "le texte français à envoyer manque ou n'est pas relu",
}
TEXT_LABELS = {"reviewed": "relu", "machine": "traduction machine", "french": "texte français"}
NOTICES = {
    "saved": "Texte enregistré : il compte comme relu par vous.",
    "reviewed": "Traduction acceptée telle quelle : relue par vous.",
    "french": "Cette langue recevra le texte français.",
    "drafts": "Traductions machine proposées : relisez-les avant d'envoyer.",
    "no-drafts": "Aucune traduction machine possible (pas de modèle, ou textes déjà là).",
    "scheduled": "Diffusion programmée.",
    "started": "Diffusion lancée : elle part maintenant (ou à 8 h si c'est la nuit).",
    "cancelled": "Diffusion annulée : le reste ne partira pas.",
}


def _service(ctx: Ctx) -> BroadcastService:
    return ctx.state.services.broadcast_service


# The audience keys the list page offers beyond languages and channels, as it titles them.
CHOICE_LEGENDS = (
    ("coop", "Coopératives"),
    ("eligibility", "Réponse à « Puis-je entrer dans la coopérative ? »"),
    ("steps", "Démarches"),
    ("workshop", "Ateliers à venir : qui a répondu"),
)


@page("/broadcasts", role=Role.facilitator)
async def broadcast_list(ctx: Ctx) -> Response:
    return await _list(ctx)


async def _list(ctx: Ctx, *, status: int = 200, error: str | None = None) -> Response:
    service = _service(ctx)
    return ctx.render(
        "broadcasts.html",
        status=status,
        error=error,
        items=await service.overview(),
        everyone=await service.preview(Audience()),
        channels=BROADCAST_CHANNELS,
        choices=await service.audience_choices(),
        choice_legends=CHOICE_LEGENDS,
        state_labels=STATE_LABELS,
    )


@page("/broadcasts", role=Role.facilitator, methods=("POST",))
async def broadcast_create(ctx: Ctx) -> Response:
    items = [f"{key}={value}" for key in KEYS for value in ctx.fields(key)]
    try:
        audience = Audience.parse(items)
        broadcast_id = await _service(ctx).draft(audience, ctx.actor)
    except AudienceError as exc:
        return await _list(ctx, status=422, error=in_french(str(exc)))
    return ctx.redirect(f"/broadcasts/{broadcast_id}")


@page("/broadcasts/{broadcast_id:int}", role=Role.facilitator)
async def broadcast_page(ctx: Ctx) -> Response:
    return await _show(ctx, _id(ctx))


def _id(ctx: Ctx) -> int:
    return int(ctx.request.path_params["broadcast_id"])


async def _show(
    ctx: Ctx,
    broadcast_id: int,
    *,
    status: int = 200,
    error: str | None = None,
    submitted: dict[str, str] | None = None,
) -> Response:
    service = _service(ctx)
    try:
        progress = await service.progress(broadcast_id, with_reasons=True)
    except BroadcastError:
        return ctx.render(
            "error.html", status=404, code=404, message="Cette diffusion n'existe pas."
        )
    broadcast = progress.broadcast
    context: dict[str, Any] = {}
    if broadcast.state == "draft":
        try:
            count = await service.preview(broadcast.audience)
        except AudienceError as exc:  # a filter that named something since removed
            count, error = repo.AudienceCount(0, {}, {}), error or in_french(str(exc))
        context = {
            "count": count,
            "refusals": {r.lang: REFUSALS[r.code] for r in await service.refusals(broadcast_id)},
            # Loading the models may take seconds the first time: not on the event loop.
            "models": await asyncio.to_thread(service.models),
            "quiet_now": in_quiet_hours(ctx.now, service.tz),
        }
    counts = progress.counts
    cancellable = broadcast.state in ("scheduled", "sending") or (
        broadcast.state == "sent" and counts["queued"] > 0
    )
    return ctx.render(
        "broadcast.html",
        status=status,
        b=broadcast,
        cancellable=cancellable,
        progress=progress,
        texts=(await service.composition(broadcast_id)).texts,
        error=error,
        submitted=submitted or {},
        notice=NOTICES.get(ctx.query("notice")),
        state_labels=STATE_LABELS,
        status_labels=STATUS_LABELS,
        text_labels=TEXT_LABELS,
        base_lang=BASE_LANG,
        **context,
    )


def _lang(ctx: Ctx) -> str | None:
    lang = ctx.param("lang")
    return lang if lang in LANGS else None


@page("/broadcasts/{broadcast_id:int}/texts/{lang}", role=Role.facilitator, methods=("POST",))
async def broadcast_text(ctx: Ctx) -> Response:
    """A person's text for one language (typed, or a machine draft corrected): reviewed."""
    broadcast_id, lang = _id(ctx), _lang(ctx)
    if lang is None:
        return ctx.render("error.html", status=404, code=404, message="Langue inconnue.")
    text = ctx.field("text", limit=5000)
    media: Media | None = None
    try:
        ref = ctx.field("media_ref", limit=1100).strip()
        if ref:
            media = check_media(ctx.field("media_kind", "image"), ref)
        await _service(ctx).set_text(broadcast_id, lang, text, ctx.actor, media=media)
    except (CompositionError, BroadcastError) as exc:
        return await _show(
            ctx, broadcast_id, status=422, error=in_french(str(exc)), submitted={lang: text}
        )
    return ctx.redirect(f"/broadcasts/{broadcast_id}", notice="saved")


@page(
    "/broadcasts/{broadcast_id:int}/texts/{lang}/review", role=Role.facilitator, methods=("POST",)
)
async def broadcast_review(ctx: Ctx) -> Response:
    """The machine draft, read by a person and accepted as it is."""
    return await _text_choice(ctx, _service(ctx).review, notice="reviewed")


@page(
    "/broadcasts/{broadcast_id:int}/texts/{lang}/french", role=Role.facilitator, methods=("POST",)
)
async def broadcast_french(ctx: Ctx) -> Response:
    """The facilitator's explicit choice: this language gets the French text."""
    return await _text_choice(ctx, _service(ctx).send_french, notice="french")


async def _text_choice(
    ctx: Ctx, choose: Callable[[int, str, str], Awaitable[None]], *, notice: str
) -> Response:
    """What one language of a broadcast gets, chosen by the facilitator (`choose`)."""
    broadcast_id, lang = _id(ctx), _lang(ctx)
    if lang is None:
        return ctx.render("error.html", status=404, code=404, message="Langue inconnue.")
    try:
        await choose(broadcast_id, lang, ctx.actor)
    except (CompositionError, BroadcastError) as exc:
        return await _show(ctx, broadcast_id, status=409, error=in_french(str(exc)))
    return ctx.redirect(f"/broadcasts/{broadcast_id}", notice=notice)


@page("/broadcasts/{broadcast_id:int}/drafts", role=Role.facilitator, methods=("POST",))
async def broadcast_drafts(ctx: Ctx) -> Response:
    broadcast_id = _id(ctx)
    try:
        made = await _service(ctx).add_drafts(broadcast_id)
    except (CompositionError, BroadcastError) as exc:
        return await _show(ctx, broadcast_id, status=409, error=in_french(str(exc)))
    return ctx.redirect(f"/broadcasts/{broadcast_id}", notice="drafts" if made else "no-drafts")


@page("/broadcasts/{broadcast_id:int}/schedule", role=Role.facilitator, methods=("POST",))
async def broadcast_schedule(ctx: Ctx) -> Response:
    broadcast_id = _id(ctx)
    service = _service(ctx)
    at: datetime | None = None
    try:
        when = ctx.field("at", limit=40).strip().replace("T", " ")
        if ctx.field("when") == "at":
            at = parse_local(when[:16], service.tz)
        await service.schedule(broadcast_id, ctx.actor, at)
    except Refused as exc:
        problems = "; ".join(f"{r.lang} : {REFUSALS[r.code]}" for r in exc.refusals)
        message = f"Envoi refusé, il manque un texte relu : {problems}."
        return await _show(ctx, broadcast_id, status=409, error=message)
    except (TimingError, BroadcastError) as exc:
        return await _show(ctx, broadcast_id, status=422, error=in_french(str(exc)))
    return ctx.redirect(f"/broadcasts/{broadcast_id}", notice="scheduled" if at else "started")


@page("/broadcasts/{broadcast_id:int}/cancel", role=Role.facilitator, methods=("POST",))
async def broadcast_cancel(ctx: Ctx) -> Response:
    broadcast_id = _id(ctx)
    try:
        await _service(ctx).cancel(broadcast_id, ctx.actor)
    except BroadcastError as exc:
        return await _show(ctx, broadcast_id, status=409, error=in_french(str(exc)))
    return ctx.redirect(f"/broadcasts/{broadcast_id}", notice="cancelled")
