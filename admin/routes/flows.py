"""Flows: the list, a readable outline of each, its YAML editor (the loader's errors beside
their lines), the texts of one node in four languages, and rolling back to a version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.responses import Response

from admin.deps import Ctx, Pager, Role, page
from admin.outline import Texts, outline
from admin.text_edit import normalize, save_text_form
from admin.translations import text_rows
from bot.core.content import ContentProblem, check, content_set
from bot.core.publishing import roll_back_item
from bot.db.repos import content as repo
from bot.db.repos.content import Change, Item, Version
from content.catalog import BASE_LANG, LANGS
from flows.loader import FlowError, FlowProblem, load_sources, parse_flow
from flows.model import Flow

NOTICES = {
    "saved": "Brouillon enregistré. Il sera en service une fois publié (page Versions).",
    "texts": "Textes enregistrés en brouillon. Publiez-les depuis la page Versions.",
    "rolled": "Cette version est de nouveau en service.",
    "same": "Rien n'a changé : c'est déjà la version en service.",
    "discarded": "Brouillon abandonné.",
}


@dataclass(frozen=True)
class FlowSummary:
    id: str
    published: Version | None
    has_draft: bool
    nodes: int
    questions: int
    missing: int  # translations missing among the flow's texts
    outdated: int


@page("/flows", role=Role.staff)
async def flow_list(ctx: Ctx) -> Response:
    async with ctx.db.connect() as conn:
        published = await repo.current(conn, kind="flow")
        drafts = await repo.drafts(conn, kind="flow")
        rows = {r.key: r for r in await text_rows(conn)}
    summaries = []
    for flow_id in sorted({i.key for i in published} | {i.key for i in drafts}):
        item = Item.flow(flow_id)
        source = drafts[item].value if item in drafts else published[item].value
        flow = parse_flow(source, flow_id)
        keys = {k for node in flow.nodes.values() for k in node.text_keys()}
        summaries.append(
            FlowSummary(
                flow_id,
                published.get(item),
                item in drafts,
                len(flow.nodes),
                sum(1 for n in flow.nodes.values() if n.ask),
                sum(len(rows[k].missing) for k in keys if k in rows),
                sum(len(rows[k].outdated) for k in keys if k in rows),
            )
        )
    pager = Pager.of(ctx, len(summaries))
    return ctx.render("flows.html", flows=pager.window(summaries), pager=pager)


async def _load(ctx: Ctx, flow_id: str, *, draft: bool) -> tuple[Flow, Texts, bool] | None:
    """The flow (its draft when asked and there is one) and the texts to show with it."""
    async with ctx.db.connect() as conn:
        versions = await repo.current(conn, kind="flow", key=flow_id)
        flow_drafts = await repo.drafts(conn, kind="flow", key=flow_id)
        texts = await repo.current(conn, kind="text")
        text_drafts = await repo.drafts(conn, kind="text") if draft else {}
    item = Item.flow(flow_id)
    if item not in versions and item not in flow_drafts:
        return None
    use_draft = (draft or item not in versions) and item in flow_drafts
    source = flow_drafts[item].value if use_draft else versions[item].value
    shown = content_set(texts, text_drafts.values()).texts
    return parse_flow(source, flow_id), shown, item in flow_drafts


@page("/flows/{flow_id}", role=Role.staff)
async def flow_page(ctx: Ctx) -> Response:
    flow_id = ctx.param("flow_id")
    lang = ctx.query("lang", BASE_LANG)
    lang = lang if lang in LANGS else BASE_LANG
    draft = ctx.query("draft") == "1"
    loaded = await _load(ctx, flow_id, draft=draft)
    if loaded is None:
        return ctx.render("error.html", status=404, code=404, message="Ce parcours n'existe pas.")
    flow, texts, has_draft = loaded
    async with ctx.db.connect() as conn:
        history = await repo.history(conn, Item.flow(flow_id), limit=30)
    return ctx.render(
        "flow.html",
        flow=flow,
        nodes=outline(flow, texts, lang),
        lang=lang,
        draft=draft and has_draft,
        has_draft=has_draft,
        history=history,
        notice=NOTICES.get(ctx.query("notice")),
        error=None,
    )


@page("/flows/{flow_id}/yaml", role=Role.facilitator)
async def yaml_form(ctx: Ctx) -> Response:
    flow_id = ctx.param("flow_id")
    async with ctx.db.connect() as conn:
        versions = await repo.current(conn, kind="flow", key=flow_id)
        drafts = await repo.drafts(conn, kind="flow", key=flow_id)
    item = Item.flow(flow_id)
    if item not in versions and item not in drafts:
        return ctx.render("error.html", status=404, code=404, message="Ce parcours n'existe pas.")
    source = drafts[item].value if item in drafts else versions[item].value
    return ctx.render(
        "flow_yaml.html",
        flow_id=flow_id,
        source=source,
        problems=[],
        by_line={},
        warnings=[],
        has_draft=item in drafts,
        checked=False,
    )


@page("/flows/{flow_id}/yaml", role=Role.facilitator, methods=("POST",))
async def yaml_save(ctx: Ctx) -> Response:
    flow_id = ctx.param("flow_id")
    source = normalize(ctx.field("source", limit=200_000)) + "\n"
    item = Item.flow(flow_id)
    async with ctx.db.connect() as conn:
        versions = await repo.current(conn)
        drafts = await repo.drafts(conn)
    if item not in versions and item not in drafts:
        return ctx.render("error.html", status=404, code=404, message="Ce parcours n'existe pas.")
    problems = _problems(flow_id, source, content_set(versions, drafts.values()).flows)
    warnings = []
    if not problems:
        warnings = check(content_set(versions, drafts.values(), [Change(item, source)]))
    if problems or ctx.field("action") == "check":
        return ctx.render(
            "flow_yaml.html",
            status=422 if problems else 200,
            flow_id=flow_id,
            source=source,
            problems=problems,
            by_line=_by_line(problems),
            warnings=warnings,
            has_draft=item in drafts,
            checked=True,
        )
    published = versions.get(item)
    async with ctx.db.begin() as conn:
        if published is not None and published.value == source:
            await repo.discard_draft(conn, item)
        else:
            await repo.save_draft(
                conn,
                item,
                value=source,
                status="reviewed",
                base_version=published.version if published else None,
                actor=ctx.actor,
                now=ctx.now,
            )
        await ctx.audit(conn, "flow.draft", flow_id)
    if warnings:
        return ctx.render(
            "flow_yaml.html",
            flow_id=flow_id,
            source=source,
            problems=[],
            by_line={},
            warnings=warnings,
            has_draft=True,
            checked=True,
        )
    return ctx.redirect(f"/flows/{flow_id}", draft=1, notice="saved")


def _problems(flow_id: str, source: str, flows: Mapping[str, str]) -> list[FlowProblem]:
    """The loader's errors for this source, alone and then with the other flows."""
    try:
        flow = parse_flow(source, f"{flow_id}.yaml")
    except FlowError as exc:
        return list(exc.problems)
    if flow.id != flow_id:
        return [FlowProblem(f"{flow_id}.yaml: l'id doit rester {flow_id!r}", _id_line(source))]
    others = dict(flows)
    others[flow_id] = source
    try:
        load_sources([(f"{fid}.yaml", src) for fid, src in sorted(others.items())])
    except FlowError as exc:
        return list(exc.problems)
    return []


def _by_line(problems: list[FlowProblem]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for p in problems:
        if p.line is not None:
            out.setdefault(p.line, []).append(p.message)
    return out


def _id_line(source: str) -> int:
    for number, line in enumerate(source.splitlines(), 1):
        if line.startswith("id:"):
            return number
    return 1


@page("/flows/{flow_id}/nodes/{node_id}", role=Role.staff)
async def node_texts(ctx: Ctx) -> Response:
    return await _node_form(ctx)


async def _node_form(
    ctx: Ctx,
    *,
    status: int = 200,
    errors: dict[tuple[str, str], str] | None = None,
    submitted: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> Response:
    flow_id, node_id = ctx.param("flow_id"), ctx.param("node_id")
    loaded = await _load(ctx, flow_id, draft=True)
    if loaded is None or node_id not in loaded[0].nodes:
        return ctx.render("error.html", status=404, code=404, message="Ce nœud n'existe pas.")
    flow, texts, _ = loaded
    keys = flow.nodes[node_id].text_keys()
    async with ctx.db.connect() as conn:
        rows = await text_rows(conn, keys)
    order = {k: i for i, k in enumerate(keys)}
    return ctx.render(
        "node_texts.html",
        status=status,
        flow=flow,
        node_id=node_id,
        node=next(n for n in outline(flow, texts, BASE_LANG) if n.id == node_id),
        rows=sorted(rows, key=lambda r: order[r.key]),
        errors=errors or {},
        submitted=submitted or {},
        notice=NOTICES.get(ctx.query("notice")),
    )


@page("/flows/{flow_id}/nodes/{node_id}", role=Role.facilitator, methods=("POST",))
async def node_texts_save(ctx: Ctx) -> Response:
    flow_id, node_id = ctx.param("flow_id"), ctx.param("node_id")
    loaded = await _load(ctx, flow_id, draft=True)
    if loaded is None or node_id not in loaded[0].nodes:
        return ctx.render("error.html", status=404, code=404, message="Ce nœud n'existe pas.")
    result = await save_text_form(ctx, loaded[0].nodes[node_id].text_keys())
    if result.errors:
        return await _node_form(ctx, status=422, errors=result.errors, submitted=result.submitted)
    return ctx.redirect(f"/flows/{flow_id}/nodes/{node_id}", notice="texts")


@page("/flows/{flow_id}/versions/{version:int}/rollback", role=Role.facilitator, methods=("POST",))
async def flow_rollback(ctx: Ctx) -> Response:
    flow_id = ctx.param("flow_id")
    version = int(ctx.request.path_params["version"])
    try:
        async with ctx.db.begin() as conn:
            release = await roll_back_item(
                conn, Item.flow(flow_id), version, actor=ctx.actor, now=ctx.now
            )
            if release is not None:
                await ctx.audit(conn, "flow.rollback", f"{flow_id} v{version} (version {release})")
    except ContentProblem as exc:
        return ctx.render("error.html", status=409, code=409, message=str(exc))
    return ctx.redirect(f"/flows/{flow_id}", notice="rolled" if release else "same")
