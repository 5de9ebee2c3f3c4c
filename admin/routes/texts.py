"""Texts: every key in four languages side by side, flagged when a translation is missing or
was written from an older French text; one text's form and its history."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from admin.text_edit import KEY, save_text_form
from admin.translations import TextRow, text_rows
from bot.core.content import ContentProblem
from bot.core.publishing import roll_back_item
from bot.db.repos import content as repo
from bot.db.repos.content import Item
from content.catalog import LANGS

FILTERS = {
    "": "tous",
    "missing": "traduction manquante",
    "outdated": "français changé depuis",
    "draft": "brouillon en cours",
    "machine": "traduction machine",
}
NOTICES = {
    "texts": "Textes enregistrés en brouillon. Publiez-les depuis la page Versions.",
    "rolled": "Cette version est de nouveau en service.",
    "same": "Rien n'a changé : c'est déjà la version en service.",
}


def _keep(row: TextRow, show: str, q: str) -> bool:
    if q and q not in row.key.lower() and not any(q in c.value.lower() for c in row.cells):
        return False
    if show == "missing":
        return bool(row.missing)
    if show == "outdated":
        return bool(row.outdated)
    if show == "draft":
        return row.has_draft
    if show == "machine":
        return bool(row.machine)
    return True


@page("/texts", role=Role.staff)
async def text_list(ctx: Ctx) -> Response:
    show = ctx.query("show")
    show = show if show in FILTERS else ""
    q = ctx.query("q").strip().lower()[:100]
    async with ctx.db.connect() as conn:
        rows = await text_rows(conn)
    counts = {f: sum(1 for r in rows if _keep(r, f, "")) for f in FILTERS}
    kept = [r for r in rows if _keep(r, show, q)]
    pager = Pager.of(ctx, len(kept))
    return ctx.render(
        "texts.html",
        rows=pager.window(kept),
        pager=pager,
        show=show,
        q=q,
        filters=FILTERS,
        counts=counts,
    )


async def _text_form(
    ctx: Ctx,
    key: str,
    *,
    status: int = 200,
    errors: dict[tuple[str, str], str] | None = None,
    submitted: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> Response:
    async with ctx.db.connect() as conn:
        rows = await text_rows(conn, [key])
        histories = {
            lang: await repo.history(conn, Item.text(key, lang), limit=20) for lang in LANGS
        }
    row = rows[0]
    if not KEY.match(key) or all(c.missing for c in row.cells):
        return ctx.render("error.html", status=404, code=404, message="Ce texte n'existe pas.")
    return ctx.render(
        "text.html",
        status=status,
        row=row,
        histories=histories,
        errors=errors or {},
        submitted=submitted or {},
        notice=NOTICES.get(ctx.query("notice")),
    )


@page("/texts/{key}", role=Role.staff)
async def text_page(ctx: Ctx) -> Response:
    return await _text_form(ctx, ctx.param("key"))


@page("/texts/{key}", role=Role.facilitator, methods=("POST",))
async def text_save(ctx: Ctx) -> Response:
    key = ctx.param("key")
    known = False
    if KEY.match(key):  # a text the bot has: a new key comes with a flow, not from here
        async with ctx.db.connect() as conn:
            (row,) = await text_rows(conn, [key])
        known = not all(c.missing for c in row.cells)
    if not known:
        return ctx.render("error.html", status=404, code=404, message="Ce texte n'existe pas.")
    result = await save_text_form(ctx, [key])
    if result.errors:
        return await _text_form(
            ctx, key, status=422, errors=result.errors, submitted=result.submitted
        )
    return ctx.redirect(f"/texts/{key}", notice="texts")


@page(
    "/texts/{key}/{lang}/versions/{version:int}/rollback", role=Role.facilitator, methods=("POST",)
)
async def text_rollback(ctx: Ctx) -> Response:
    key, lang = ctx.param("key"), ctx.param("lang")
    version = int(ctx.request.path_params["version"])
    if lang not in LANGS or not KEY.match(key):
        return ctx.render("error.html", status=404, code=404, message="Ce texte n'existe pas.")
    try:
        async with ctx.db.begin() as conn:
            release = await roll_back_item(
                conn, Item.text(key, lang), version, actor=ctx.actor, now=ctx.now
            )
            if release is not None:
                await ctx.audit(
                    conn, "text.rollback", f"{key} [{lang}] v{version} (version {release})"
                )
    except ContentProblem as exc:
        return ctx.render("error.html", status=409, code=409, message=str(exc))
    return ctx.redirect(f"/texts/{key}", notice="rolled" if release else "same")
