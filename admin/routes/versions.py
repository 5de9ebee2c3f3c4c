"""Versions: the drafts waiting to be published, publishing them as a new version, the
history of versions (and going back to any of them), and the shipped changes `seed`
left aside because a facilitator had edited the same flow or text."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from bot.core.content import ContentProblem, check, content_set
from bot.core.publishing import publish_drafts, resolve_conflict, roll_back_release
from bot.db.repos import content as repo
from bot.db.repos.content import Conflict, Draft, Item, Version

NOTICES = {
    "published": "Publié. Le bot l'utilise dans tous ses processus d'ici quelques secondes.",
    "nothing": "Rien à publier : aucun brouillon choisi ne change ce qui est en service.",
    "rolled": "C'est fait : les parcours et textes sont revenus à cette version.",
    "same": "Rien n'a changé : c'est déjà ce qui est en service.",
    "discarded": "Brouillon abandonné.",
    "kept": "Votre modification est gardée ; seed ne la signalera plus.",
    "shipped": "La version livrée est maintenant en service.",
}
KIND_LABELS = {
    "seed": "fichiers livrés",
    "publish": "publication",
    "rollback": "retour en arrière",
    "resolve": "conflit réglé",
}


def item_code(item: Item) -> str:
    return f"{item.kind}:{item.key}:{item.lang}"


def parse_item(code: str) -> Item | None:
    kind, _, rest = code.partition(":")
    key, _, lang = rest.partition(":")
    if kind == "flow" and key and not lang:
        return Item.flow(key)
    if kind == "text" and key and lang:
        return Item.text(key, lang)
    return None


@dataclass(frozen=True)
class PendingDraft:
    draft: Draft
    published: Version | None
    code: str

    @property
    def stale(self) -> bool:
        """Published again since the draft was started (a rollback, a seed, another person)."""
        now = self.published.version if self.published else None
        return now != self.draft.base_version


@dataclass(frozen=True)
class ConflictView:
    conflict: Conflict
    current: Version | None


@page("/versions", role=Role.staff)
async def versions_page(ctx: Ctx) -> Response:
    async with ctx.db.connect() as conn:
        head = await repo.head_release(conn)
        current = await repo.current(conn)
        drafts = await repo.drafts(conn)
        conflicts = await repo.open_conflicts(conn)
        pager = Pager.of(ctx, await repo.count_releases(conn), per_page=20)
        releases = await repo.releases(conn, limit=pager.per_page, offset=pager.offset)
    pending = [PendingDraft(d, current.get(i), item_code(i)) for i, d in drafts.items()]
    problems = check(content_set(current, drafts.values())) if drafts else []
    return ctx.render(
        "versions.html",
        head=head,
        pending=pending,
        problems=problems,
        conflicts=[ConflictView(c, current.get(c.item)) for c in conflicts],
        releases=releases,
        pager=pager,
        kinds=KIND_LABELS,
        notice=NOTICES.get(ctx.query("notice")),
        error=None,
    )


@page("/versions/{release:int}", role=Role.staff)
async def release_page(ctx: Ctx) -> Response:
    release = int(ctx.request.path_params["release"])
    async with ctx.db.connect() as conn:
        info = await repo.release(conn, release)
        head = await repo.head_release(conn)
        items = await repo.release_items(conn, release)
    if info is None:
        return ctx.render("error.html", status=404, code=404, message="Cette version n'existe pas.")
    pager = Pager.of(ctx, len(items))
    return ctx.render(
        "release.html",
        release=info,
        items=pager.window(items),
        pager=pager,
        head=head,
        kinds=KIND_LABELS,
    )


@page("/versions/publish", role=Role.facilitator, methods=("POST",))
async def publish(ctx: Ctx) -> Response:
    chosen = {i for i in map(parse_item, ctx.fields("item")) if i is not None}
    note = ctx.field("note", limit=500).strip()
    try:
        async with ctx.db.begin() as conn:
            release = await publish_drafts(
                conn, actor=ctx.actor, note=note or "publication", now=ctx.now, only=chosen
            )
            if release is not None:
                detail = ", ".join(sorted(_name(i) for i in chosen))
                await ctx.audit(conn, "content.publish", f"version {release}: {detail}")
    except ContentProblem as exc:
        return ctx.render("error.html", status=409, code=409, message=str(exc))
    return ctx.redirect("/versions", notice="published" if release else "nothing")


@page("/versions/{release:int}/rollback", role=Role.facilitator, methods=("POST",))
async def rollback(ctx: Ctx) -> Response:
    target = int(ctx.request.path_params["release"])
    try:
        async with ctx.db.begin() as conn:
            if target < 1 or target > await repo.head_release(conn):
                raise ContentProblem(["cette version n'existe pas"])
            release = await roll_back_release(conn, target, actor=ctx.actor, now=ctx.now)
            if release is not None:
                await ctx.audit(
                    conn, "content.rollback", f"version {release}: retour à la version {target}"
                )
    except ContentProblem as exc:
        return ctx.render("error.html", status=409, code=409, message=str(exc))
    return ctx.redirect("/versions", notice="rolled" if release else "same")


@page("/drafts/discard", role=Role.facilitator, methods=("POST",))
async def discard(ctx: Ctx) -> Response:
    item = parse_item(ctx.field("item", limit=300))
    back = ctx.field("back", limit=300)
    if item is not None:
        async with ctx.db.begin() as conn:
            if await repo.discard_draft(conn, item):
                await ctx.audit(conn, "draft.discard", _name(item))
    target = back if back.startswith("/") and not back.startswith("//") else "/versions"
    return ctx.redirect(target, notice="discarded")


@page("/conflicts/{conflict_id:int}/resolve", role=Role.facilitator, methods=("POST",))
async def resolve(ctx: Ctx) -> Response:
    conflict_id = int(ctx.request.path_params["conflict_id"])
    take = ctx.field("choice") == "shipped"
    try:
        async with ctx.db.begin() as conn:
            found = await repo.conflict(conn, conflict_id)
            await resolve_conflict(
                conn, conflict_id, take_shipped=take, actor=ctx.actor, now=ctx.now
            )
            if found is not None:
                what = "version livrée reprise" if take else "modification gardée"
                await ctx.audit(conn, "conflict.resolve", f"{_name(found.item)}: {what}")
    except ContentProblem as exc:
        return ctx.render("error.html", status=409, code=409, message=str(exc))
    return ctx.redirect("/versions", notice="shipped" if take else "kept")


def _name(item: Item) -> str:
    return f"parcours {item.key}" if item.kind == "flow" else f"{item.key} [{item.lang}]"
