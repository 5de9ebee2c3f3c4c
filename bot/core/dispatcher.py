"""From inbound message to committed state and outbox rows.

Messages queue up; one writer task takes a batch (at most one message per contact, so
each contact's messages run in order, one at a time), runs NLU and the engine, and
commits dedupe keys, state, message log, outbox rows and side effects in one
transaction. A crash before the commit leaves nothing; after it, the outbox delivers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.core import handlers
from bot.core.lookup import BatchLookup, settings_facts
from bot.core.messages import AttachmentKind, InboundMessage
from bot.core.programme import Programme
from bot.core.scene import Batch, Scene
from bot.db.repos import conversations as repo
from bot.db.session import Database
from bot.ledger.money import nlu_cents
from bot.settings import Settings
from content.catalog import BASE_LANG, LANGS, lang_from_locale
from flows import engine
from flows.events import Event, HandoverRequested, MsgCreated
from nlu.backend import NluBackend
from nlu.types import ParseResult

log = logging.getLogger(__name__)

MAX_BATCH = 64
MAX_TEXT = 20_000  # longer texts are cut before storage; webhooks also limit body size
LANG_CACHE_SIZE = 50_000
VOICE_KINDS: set[AttachmentKind] = {"voice", "audio"}


@dataclass(frozen=True, slots=True)
class HandleResult:
    duplicate: bool
    outbox_ids: tuple[int, ...] = ()
    lang: str | None = None  # the contact's language after this message


@dataclass
class _Item:
    message: InboundMessage
    future: asyncio.Future[HandleResult]
    parse: ParseResult | None = None

    @property
    def address(self) -> tuple[str, str]:
        return (self.message.channel, self.message.address)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        env: engine.Environment,
        nlu: NluBackend,
        *,
        on_commit: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        facts: Mapping[str, str] | None = None,
        programme: Programme | None = None,
    ) -> None:
        self.db, self.env, self.nlu = db, env, nlu
        self.on_commit, self.clock = on_commit, clock
        # What the engine may read without a query (bot.core.lookup.settings_facts).
        if facts is None:  # a host that gives none: the settings' defaults
            facts = settings_facts(Settings.model_fields["retention_days"].default)
        self.facts = dict(facts)
        self.programme = programme or Programme()  # time zone, office hours
        self._pending: deque[_Item] = deque()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._langs: OrderedDict[tuple[str, str], str] = OrderedDict()

    async def handle(self, message: InboundMessage) -> HandleResult:
        """Queue one message; returns once its effects are committed (or it was a duplicate)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="dispatcher")
        item = _Item(message, asyncio.get_running_loop().create_future())
        self._pending.append(item)
        self._wakeup.set()
        return await item.future

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            if not self._pending:
                self._wakeup.clear()
                await self._wakeup.wait()
            batch = self._take_batch()
            try:
                await self._process(batch)
            except asyncio.CancelledError:
                for item in batch:
                    if not item.future.done():
                        item.future.cancel()
                raise
            except Exception as exc:  # the batch failed as a whole: nothing was committed
                log.exception("dispatcher batch failed")
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)

    def _take_batch(self) -> list[_Item]:
        """The oldest message of up to MAX_BATCH distinct contacts, keeping the rest in order."""
        batch: list[_Item] = []
        seen: set[tuple[str, str]] = set()
        rest: deque[_Item] = deque()
        while self._pending:
            item = self._pending.popleft()
            if item.address in seen or len(batch) >= MAX_BATCH:
                rest.append(item)
            else:
                seen.add(item.address)
                batch.append(item)
        self._pending = rest
        return batch

    async def _process(self, items: list[_Item]) -> None:
        todo = [i for i in items if i.parse is None and i.message.text]
        # Concurrently: a remote backend (Rasa) answers a batch in one round trip's time.
        parses = await asyncio.gather(
            *(
                self.nlu.parse(i.message.text[:1000], known_lang=self._langs.get(i.address))
                for i in todo
            )
        )
        for item, parse in zip(todo, parses, strict=True):
            item.parse = parse
        for attempt in range(3):
            try:
                results = await self.db.run(self._transaction, items, self.clock())
                break
            except (IntegrityError, DBAPIError) as exc:
                # A concurrent process created the same contact or deadlocked: run again,
                # the dedupe keys make the retry safe.
                if attempt == 2 or not _retryable(exc):
                    raise
                log.warning("dispatcher batch retried after %s", type(exc).__name__)
        for item, result in zip(items, results, strict=True):
            if result.lang:
                self._remember_lang(item.address, result.lang)
            if not item.future.done():
                item.future.set_result(result)
        if self.on_commit is not None and any(r.outbox_ids for r in results):
            self.on_commit()

    def _transaction(
        self, conn: Connection, items: list[_Item], now: datetime
    ) -> list[HandleResult]:
        """One batch, synchronously, inside the transaction `Database.run` opened."""
        batch = Batch(now, self.programme)
        keys = [(i.message.channel, i.message.external_id) for i in items]
        fresh = repo.claim_inbound(conn, list(dict.fromkeys(keys)), now)
        todo = [i for i in items if (i.message.channel, i.message.external_id) in fresh]
        known = repo.load_contacts(conn, [i.address for i in todo]) if todo else {}
        missing = [
            (i.message.channel, i.message.address, lang_from_locale(i.message.locale_hint))
            for i in todo
            if i.address not in known
        ]
        known.update(repo.create_contacts(conn, missing, now))
        fresh_items = {id(i) for i in todo}
        for index, item in enumerate(items):
            if id(item) in fresh_items:
                self._converse(conn, item, known[item.address], batch).finish(index)
        ids = batch.flush(conn)
        out: dict[int, list[int]] = {}
        for owner, outbox_id in zip(batch.owners, ids, strict=True):
            out.setdefault(owner, []).append(outbox_id)
        return [
            HandleResult(False, tuple(out.get(n, ())), known[i.address].lang)
            if id(i) in fresh_items
            else HandleResult(True)
            for n, i in enumerate(items)
        ]

    def _converse(
        self, conn: Connection, item: _Item, contact: repo.ContactRow, batch: Batch
    ) -> Scene:
        """The engine's events for one message, each applied by its handler."""
        msg, parse = item.message, item.parse
        scene = Scene(conn, batch, self.env, contact, msg, _storable(msg.text[:MAX_TEXT]), parse)
        session = engine.Session.from_json(contact.session) if contact.session else None
        kinds = {a.kind for a in msg.attachments}
        known_lang = contact.lang in LANGS
        if not scene.text.strip() and kinds and not contact.is_new and known_lang:
            events: tuple[Event, ...] = _media_reply(kinds, contact.lang, self.env)
        else:
            # Without a language yet (a voice note before any text), the engine asks which
            # language in all four; a person still gets the voice note to listen to.
            heard: tuple[Event, ...] = ()
            if not scene.text.strip() and kinds & VOICE_KINDS:
                heard = (HandoverRequested("voice_message"),)
            lookup = BatchLookup(
                conn, contact.id, self.facts, now=batch.now, programme=self.programme
            )
            env = replace(self.env, lookup=lookup)
            cents = nlu_cents(parse.entities) if parse else {}
            result = engine.resume(
                env,
                engine.Contact(contact.lang, contact.consent, contact.fields, contact.is_new),
                session,
                engine.Input(scene.text, msg.payload, parse, cents),
            )
            events, session = heard + result.events, result.session
        handlers.apply(scene, events)
        contact.session = session.to_json() if session else None
        return scene

    def _remember_lang(self, address: tuple[str, str], lang: str) -> None:
        self._langs[address] = lang
        self._langs.move_to_end(address)
        if len(self._langs) > LANG_CACHE_SIZE:
            self._langs.popitem(last=False)


def _storable(text: str) -> str:
    """Text every database accepts: no NUL (PostgreSQL refuses it), no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _media_reply(
    kinds: set[AttachmentKind], lang: str, env: engine.Environment
) -> tuple[Event, ...]:
    lang = lang if lang in LANGS else BASE_LANG
    if kinds & VOICE_KINDS:
        return (
            HandoverRequested("voice_message"),
            MsgCreated(env.catalog.text("media.voice", lang), lang),
        )
    return (MsgCreated(env.catalog.text("media.unsupported", lang), lang),)


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True  # the server dropped the connection (restarted): a new one is taken
    text = str(getattr(exc, "orig", exc)).lower()
    return "deadlock" in text or "could not serialize" in text or "database is locked" in text
