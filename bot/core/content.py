"""The conversation's content: flows and texts with versions in the database.

`seed` brings the shipped files in as new versions (never over a facilitator's edit:
that is listed as a conflict); the admin panel publishes and rolls back (publishing.py); every
process polls the release number and swaps in the new content (`ContentReloader`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from bot.db.repos import content as repo
from bot.db.repos.admin import add_audit
from bot.db.repos.content import Change, Conflict, Draft, Item, Version
from bot.db.session import Database
from content.catalog import BASE_LANG, Catalog, load_locale_files, placeholders
from flows import loader
from flows.engine import GLOBAL_INTENTS, SLASH_COMMANDS, Environment
from flows.loader import FlowError
from flows.model import Flow

log = logging.getLogger(__name__)

RELOAD_EVERY = 1.0  # seconds between two looks at the release number (promise: within 5 s)


def required_flows() -> frozenset[str]:
    """Flows the engine enters by name: a content set without one of them is refused."""
    env = Environment(flows={}, catalog=Catalog({}))
    return frozenset(
        {env.entry_flow, env.onboarding_flow, env.misunderstood_flow}
        | set(SLASH_COMMANDS.values())
        | set(GLOBAL_INTENTS.values())
    )


class ContentProblem(ValueError):
    """Content that cannot be published; `problems` are lines a facilitator can act on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ContentSet:
    """Flow sources by id, and texts by language then key."""

    flows: Mapping[str, str]
    texts: Mapping[str, Mapping[str, str]]


def content_set(
    versions: Mapping[Item, Version], drafts: Iterable[Draft] = (), extra: Iterable[Change] = ()
) -> ContentSet:
    """The published values, with drafts and then `extra` changes laid over them."""
    values = {item: v.value for item, v in versions.items()}
    values.update({d.item: d.value for d in drafts})
    values.update({c.item: c.value for c in extra})
    flows = {item.key: value for item, value in values.items() if item.kind == "flow"}
    texts: dict[str, dict[str, str]] = {}
    for item, value in values.items():
        if item.kind == "text":
            texts.setdefault(item.lang, {})[item.key] = value
    return ContentSet(flows, texts)


def build_environment(content: ContentSet) -> Environment:
    flows = loader.load_sources([(fid, src) for fid, src in sorted(content.flows.items())])
    return Environment(flows=flows, catalog=Catalog(content.texts))


def check(content: ContentSet) -> list[str]:
    """What would break the bot: invalid flows, a needed flow missing, a text without French."""
    try:
        flows = loader.load_sources(sorted(content.flows.items()))
    except FlowError as exc:
        return str(exc).splitlines()
    problems = [
        f"le parcours {fid!r} est nécessaire au bot et manque"
        for fid in sorted(required_flows() - set(flows))
    ]
    french = content.texts.get(BASE_LANG, {})
    for flow in flows.values():
        for node_id, node in flow.nodes.items():
            problems += [
                f"{flow.id}: nœud {node_id!r}: le texte {key!r} n'existe pas en français"
                for key in node.text_keys()
                if not french.get(key, "").strip()
            ]
    return problems


def check_text(value: str, *, lang: str, french: str | None) -> str | None:
    """Why a text cannot be saved, or None. Its {placeholders} are those of the French text
    (the code fills them in); a French text keeps those it had."""
    if not value.strip():
        return "le texte est vide"
    fields = _fields(value)
    if fields is None:  # "5 €}", "Bonjour {prenom": a brace alone
        return "une accolade seule : les champs s'écrivent entre { et }, comme {coop}"
    wanted = _fields(french) if french is not None else None
    if wanted is not None and fields != wanted:
        want = ", ".join(f"{{{p}}}" for p in sorted(wanted)) or "aucun"
        return f"les champs entre accolades doivent être ceux du français : {want}"
    return None


def _fields(text: str) -> set[str] | None:
    """The {placeholders} of a text, or None when its braces do not pair up."""
    try:
        return placeholders(text)
    except ValueError:
        return None


# --- loading and reloading ----------------------------------------------------------------


@dataclass(frozen=True)
class LoadedContent:
    release: int
    env: Environment


async def load_content(db: Database) -> LoadedContent:
    """The newest release's flows and texts, built into the engine's environment."""
    async with db.connect() as conn:
        release = await repo.head_release(conn)
        versions = await repo.current(conn, at_release=release)
    env = await asyncio.to_thread(build_environment, content_set(versions))
    return LoadedContent(release, env)


async def load_environment(db: Database) -> Environment:
    return (await load_content(db)).env


class ContentReloader:
    """Polls the release number; when it moved, loads that release and hands it on.

    A conversation waiting on a node that changed is answered by the new node; one
    waiting on a node that disappeared goes back to the menu (the engine's rule for an
    unknown session node), so a publish never strands anyone.
    """

    def __init__(
        self,
        db: Database,
        loaded: LoadedContent,
        on_change: Callable[[Environment], None],
        *,
        every: float = RELOAD_EVERY,
    ) -> None:
        self.db, self.on_change, self.every = db, on_change, every
        self.release, self.env = loaded.release, loaded.env

    async def check(self) -> bool:
        """Reload when a newer release was published; True when it did."""
        async with self.db.connect() as conn:
            head = await repo.head_release(conn)
        if head == self.release:
            return False
        loaded = await load_content(self.db)
        self.release, self.env = loaded.release, loaded.env
        self.on_change(loaded.env)
        log.info("content release %d loaded", loaded.release)
        return True

    async def run_forever(self) -> None:
        while True:
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep serving the content already loaded
                log.exception("content reload failed; keeping release %d", self.release)
            await asyncio.sleep(self.every)


# --- the shipped files --------------------------------------------------------------------


def shipped_items() -> dict[Item, str]:
    """Every flow and text in the shipped files (flows/definitions, content/locales)."""
    flows: dict[str, Flow] = {}
    items: dict[Item, str] = {}
    for name, source in loader.shipped_sources():
        flow = loader.parse_flow(source, name)  # refuse to bring in invalid flows
        flows[flow.id] = flow
        items[Item.flow(flow.id)] = source
    loader.check_references(flows)
    for lang, by_key in load_locale_files().items():
        for key, text in by_key.items():
            items[Item.text(key, lang)] = text
    return items


@dataclass(frozen=True)
class SeedReport:
    release: int | None  # the release holding the shipped changes, None when none
    changed: tuple[Item, ...] = ()
    conflicts: tuple[Conflict, ...] = ()  # every open conflict after this run
    new_conflicts: tuple[Item, ...] = field(default=())


async def sync_shipped(
    db: Database, *, shipped: Mapping[Item, str] | None = None, now: datetime | None = None
) -> SeedReport:
    """Bring changed shipped flows and texts in as new versions.

    Per item, against the digest of the shipped value last seen: unchanged files do
    nothing; a changed file becomes a new version when the item is as last shipped (or
    new); when a facilitator edited it since, the edit is kept and the shipped value is
    listed as a conflict (printed by `seed`, resolved in the admin panel).
    """
    shipped = shipped_items() if shipped is None else shipped
    now = now or datetime.now(UTC)
    async with db.begin() as conn:
        await repo.lock_head(conn)
        versions = await repo.current(conn)
        seen = await repo.shipped_digests(conn)
        changes: list[Change] = []
        acknowledged: dict[Item, str] = {}
        new_conflicts: list[Item] = []
        for item, value in sorted(shipped.items()):
            value_digest = repo.digest(value)
            if seen.get(item) == value_digest:
                continue
            cur = versions.get(item)
            if cur is not None and repo.digest(cur.value) == value_digest:
                acknowledged[item] = value_digest  # already the same (edited to match)
            elif cur is None or (item in seen and repo.digest(cur.value) == seen[item]):
                changes.append(Change(item, value, "reviewed"))
                acknowledged[item] = value_digest
            elif await repo.record_conflict(conn, item, value, now):
                new_conflicts.append(item)
        problems = check(content_set(versions, extra=changes))
        if problems:
            raise ContentProblem(problems)
        release = await repo.publish(
            conn,
            changes,
            kind="seed",
            origin="shipped",
            actor="seed",
            note=_seed_note(changes),
            now=now,
        )
        await repo.set_shipped(conn, acknowledged, now)
        open_conflicts = await repo.open_conflicts(conn)
        if release is not None or new_conflicts:
            kept = ", ".join(_name(i) for i in new_conflicts)
            detail = f"version {release}: " if release is not None else ""
            detail += _seed_note(changes) + (f"; modifications gardées : {kept}" if kept else "")
            await add_audit(conn, "seed", "content.seed", detail, now)
    return SeedReport(
        release, tuple(c.item for c in changes), tuple(open_conflicts), tuple(new_conflicts)
    )


def _seed_note(changes: list[Change]) -> str:
    flows = sum(1 for c in changes if c.item.kind == "flow")
    return f"fichiers livrés : {flows} parcours, {len(changes) - flows} textes"


def _name(item: Item) -> str:
    return f"flow {item.key}" if item.kind == "flow" else f"text {item.key} [{item.lang}]"


async def seed_shipped(db: Database, out: TextIO) -> bool:
    """`python -m bot seed`: sync, then say what changed and which edits were kept.
    False (one line per problem) when the shipped content cannot be loaded."""
    try:
        report = await sync_shipped(db)
    except (ContentProblem, FlowError) as exc:
        print(f"seed: the shipped content was not loaded:\n{exc}", file=out)
        return False
    if report.release is not None:
        flows = sum(1 for i in report.changed if i.kind == "flow")
        print(
            f"content version {report.release}: {flows} flows and "
            f"{len(report.changed) - flows} texts brought in from the shipped files",
            file=out,
        )
    else:
        print("content: the shipped files bring nothing new", file=out)
    for c in report.conflicts:
        print(
            f"conflict: {_name(c.item)} was edited in the admin panel and the shipped file "
            "changed too; the edit is kept (see /admin/versions)",
            file=out,
        )
    return True


async def seed_if_empty(db: Database) -> bool:
    """Load the shipped flows and texts into a database that has none; True when it did."""
    async with db.connect() as conn:
        if await repo.head_release(conn) > 0:
            return False
    await sync_shipped(db)
    return True


def file_environment() -> Environment:
    """The shipped flows and texts straight from the files (tests and tools)."""
    return Environment(flows=loader.load_directory(), catalog=Catalog(load_locale_files()))
