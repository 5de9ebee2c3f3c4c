"""Learning from misunderstandings: messages the bot did not understand or only guessed at
(from contacts who consented), where a facilitator names the intent meant, or marks it out
of scope or to ignore. `python -m bot nlu-export` turns the reviews into training data."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from admin.figures import download, zone
from admin.masking import masked
from bot.db.repos import misunderstood as repo
from bot.reports.counts import LANG_NAMES_FR
from bot.reports.tables import TextTable

INTENT_LABELS = {
    "greet": "salutation",
    "goodbye": "au revoir",
    "thanks": "merci",
    "menu": "menu",
    "change_language": "changer de langue",
    "learn_coop": "apprendre (coopérative)",
    "check_eligibility": "puis-je participer ?",
    "admin_steps": "démarches",
    "log_sale": "noter une vente",
    "sales_summary": "bilan des ventes",
    "workshop_info": "ateliers",
    "talk_to_human": "parler à une personne",
    "affirm": "oui",
    "deny": "non",
    "privacy": "mes données",
    "out_of_scope": "hors sujet",
    repo.IGNORE: "à ignorer (pas pour l'apprentissage)",
}
KINDS = {"not_understood": "non compris", "low_confidence": "compris à moitié"}
STATUSES = {"todo": "à revoir", "done": "revus", "all": "tous"}
NOTICES = {"saved": "Enregistré.", "cleared": "Revue effacée."}


def _status(ctx: Ctx) -> str:
    status = ctx.query("status", "todo")
    return status if status in STATUSES else "todo"


def _lang(ctx: Ctx) -> str | None:
    lang = ctx.query("lang")
    return lang if lang in LANG_NAMES_FR else None


@page("/misunderstood", role=Role.staff)
async def misunderstood(ctx: Ctx) -> Response:
    status, lang = _status(ctx), _lang(ctx)
    async with ctx.db.connect() as conn:
        pager = Pager.of(ctx, await repo.count(conn, status=status, lang=lang))
        misses = await repo.listing(
            conn, status=status, lang=lang, limit=pager.per_page, offset=pager.offset
        )
    return ctx.render(
        "misunderstood.html",
        misses=misses,
        pager=pager,
        which=status,
        lang=lang,
        statuses=STATUSES,
        kinds=KINDS,
        intents=INTENT_LABELS,
        lang_names=LANG_NAMES_FR,
        notice=NOTICES.get(ctx.query("notice")),
    )


@page("/misunderstood/{miss_id:int}", role=Role.facilitator, methods=("POST",))
async def review(ctx: Ctx) -> Response:
    value = ctx.field("review")
    if value and value not in repo.REVIEWS:
        return ctx.render("error.html", status=422, code=422, message="Choisissez une intention.")
    miss_id = int(ctx.request.path_params["miss_id"])
    async with ctx.db.begin() as conn:
        done = await repo.review(conn, miss_id, value or None, ctx.actor, ctx.now)
        if done:
            await ctx.audit(conn, "nlu.review", f"message {miss_id}: {value or '-'}")
    if not done:
        return ctx.render("error.html", status=404, code=404, message="Ce message n'existe pas.")
    back = {k: v for k in ("status", "lang", "page") if (v := ctx.field(k))}
    return ctx.redirect("/misunderstood", notice="saved" if value else "cleared", **back)


@page("/misunderstood/export", role=Role.facilitator)
async def export(ctx: Ctx) -> Response:
    """The listed messages (senders masked), as CSV or XLSX."""
    status, lang, tz = _status(ctx), _lang(ctx), zone(ctx)
    async with ctx.db.connect() as conn:
        misses = await repo.listing(conn, status=status, lang=lang, limit=10_000)
    table = TextTable(
        "misunderstood",
        "Messages non compris",
        ("Reçu le", "Personne", "Langue", "Texte", "Type", "Deviné", "Confiance", "Revue"),
        tuple(
            (
                m.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),  # as on the page
                masked(m.channel, m.address),
                m.lang,
                m.text,
                KINDS.get(m.kind, m.kind),
                m.guess or "",
                f"{m.confidence:.2f}" if m.confidence is not None else "",
                m.review or "",
            )
            for m in misses
        ),
    )
    fmt = "xlsx" if ctx.query("format") == "xlsx" else "csv"
    return download([table], f"messages_non_compris_{status}", fmt)
