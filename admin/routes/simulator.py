"""The simulator page: talk to the bot as a migrant would, in any language, on the
published flows this process serves or on the drafts, without touching real contacts."""

from __future__ import annotations

import logging

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from admin.simulator import SimState, StateCodec, new_state, turn
from bot.core.content import build_environment, content_set
from bot.db.repos import content as repo
from flows.engine import Environment
from flows.loader import FlowError

log = logging.getLogger(__name__)


def _codec(ctx: Ctx) -> StateCodec:
    return StateCodec(ctx.state.services.settings.effective_secret_key())


async def _environment(ctx: Ctx, mode: str) -> Environment:
    """Published: what this very process answers with (reloaded when a version is
    published). Draft: the published content with every draft laid over it."""
    services = ctx.state.services
    if mode != "draft":
        if services.content is not None:
            return services.content.env
        if services.dispatcher is not None:
            return services.dispatcher.env
    async with ctx.db.connect() as conn:
        versions = await repo.current(conn)
        drafts = await repo.drafts(conn)
    return build_environment(content_set(versions, drafts.values()))


def _render(ctx: Ctx, state: SimState, *, error: str | None = None, status: int = 200) -> Response:
    release = ctx.state.services.content.release if ctx.state.services.content else None
    partial = ctx.request.headers.get("x-requested-with") == "fetch"
    return ctx.render(
        "_sim_chat.html" if partial else "simulator.html",
        status=status,
        sim=state,
        encoded=_codec(ctx).dump(state),
        release=release,
        error=error,
    )


@page("/simulator", role=Role.staff)
async def simulator(ctx: Ctx) -> Response:
    mode = "draft" if ctx.query("mode") == "draft" else "published"
    return _render(ctx, new_state(lang=ctx.query("lang", "und"), known=False, mode=mode))


@page("/simulator", role=Role.staff, methods=("POST",))
async def simulator_turn(ctx: Ctx) -> Response:
    if ctx.field("action") == "reset":
        state = new_state(
            lang=ctx.field("lang", "und"),
            known=ctx.field("known") == "1",
            mode=ctx.field("mode", "published"),
        )
        return _render(ctx, state)
    loaded = _codec(ctx).load(ctx.field("state", limit=400_000))
    if loaded is None:
        return _render(
            ctx,
            new_state(lang="und", known=False, mode="published"),
            error="La conversation n'a pas pu être reprise : elle recommence.",
            status=400,
        )
    state = loaded
    text = ctx.field("text", limit=5000).strip()
    payload = ctx.field("payload", limit=64) or None
    if not text and not payload:
        return _render(ctx, state)
    try:
        env = await _environment(ctx, state.mode)
    except FlowError as exc:
        return _render(ctx, state, error=f"Les brouillons ne se chargent pas : {exc}", status=409)
    try:
        state = await turn(state, env, ctx.state.services.nlu, text=text, payload=payload)
    except Exception:  # a draft the engine cannot run: say so, keep the page usable
        log.exception("simulator turn failed")
        return _render(
            ctx, state, error="Le bot n'a pas pu répondre avec ces parcours.", status=409
        )
    return _render(ctx, state)
