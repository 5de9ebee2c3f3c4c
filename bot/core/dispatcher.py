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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.core import privacy
from bot.core.messages import AttachmentKind, InboundMessage
from bot.db.repos import conversations as repo
from bot.db.repos import privacy as privacy_repo
from bot.db.session import Database
from content.catalog import BASE_LANG, LANGS
from flows import engine
from flows.events import (
    ConsentChanged,
    ContactFieldChanged,
    ContactLanguageChanged,
    DataRequested,
    HandoverRequested,
    MsgCreated,
)
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


@dataclass
class _Batch:
    now: datetime
    contacts: list[repo.ContactRow] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    owners: list[_Item] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        env: engine.Environment,
        nlu: NluBackend,
        *,
        on_commit: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db, self.env, self.nlu = db, env, nlu
        self.on_commit, self.clock = on_commit, clock
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
        batch = _Batch(now)
        out: dict[int, list[int]] = {}
        keys = [(i.message.channel, i.message.external_id) for i in items]
        fresh = repo.claim_inbound(conn, list(dict.fromkeys(keys)), now)
        todo = [i for i in items if (i.message.channel, i.message.external_id) in fresh]
        known = repo.load_contacts(conn, [i.address for i in todo]) if todo else {}
        missing = [
            (i.message.channel, i.message.address, _initial_lang(i))
            for i in todo
            if i.address not in known
        ]
        known.update(repo.create_contacts(conn, missing, now))
        for item in todo:
            self._converse(conn, item, known[item.address], batch)
        repo.save_contacts(conn, batch.contacts, now)
        repo.add_messages(conn, batch.messages)
        repo.add_tickets(conn, batch.tickets)
        ids = repo.add_outbox(conn, batch.outbox)
        for owner, outbox_id in zip(batch.owners, ids, strict=True):
            out.setdefault(id(owner), []).append(outbox_id)
        langs = {i.address: known[i.address].lang for i in todo}
        return [
            HandleResult(i not in todo, tuple(out.get(id(i), ())), langs.get(i.address))
            for i in items
        ]

    def _converse(
        self, conn: Connection, item: _Item, contact: repo.ContactRow, batch: _Batch
    ) -> None:
        msg = item.message
        text = _storable(msg.text[:MAX_TEXT])
        session = engine.Session.from_json(contact.session) if contact.session else None
        parse = item.parse
        kinds = {a.kind for a in msg.attachments}
        if not text.strip() and kinds and not contact.is_new:
            events: tuple[Any, ...] = _media_reply(kinds, contact.lang, self.env)
            new_session = session
        else:
            result = engine.resume(
                self.env,
                engine.Contact(contact.lang, contact.consent, contact.fields, contact.is_new),
                session,
                engine.Input(text, msg.payload, parse),
            )
            events, new_session = result.events, result.session
        erased = False
        replies: list[MsgCreated] = []
        for ev in events:
            if isinstance(ev, MsgCreated):
                replies.append(ev)
            elif isinstance(ev, ContactLanguageChanged):
                contact.lang = ev.lang
            elif isinstance(ev, ConsentChanged):
                contact.consent, contact.consent_at = ev.given, batch.now
                if not ev.given:
                    contact.fields = {}
            elif isinstance(ev, ContactFieldChanged):
                if contact.consent:
                    contact.fields[ev.field] = ev.value
            elif isinstance(ev, HandoverRequested):
                batch.tickets.append(
                    {
                        "contact_id": contact.id,
                        "reason": ev.reason[:32],
                        "status": "open",
                        "created_at": batch.now,
                    }
                )
            elif isinstance(ev, DataRequested):
                reply, erased = self._data_request(conn, ev.op, contact, batch.now)
                replies.append(reply)
        contact.session = new_session.to_json() if new_session else None
        if not erased:
            batch.contacts.append(contact)
            batch.messages.append(
                {
                    "contact_id": contact.id,
                    "direction": "in",
                    "channel": msg.channel,
                    "text": text,
                    "lang": parse.lang if parse else "und",
                    "intent": parse.intent if parse else None,
                    "attachments": [
                        {"kind": a.kind, "ref": a.ref, "mime": a.mime} for a in msg.attachments
                    ]
                    or None,
                    "created_at": batch.now,
                }
            )
        for reply in replies:
            if not erased:
                batch.messages.append(
                    {
                        "contact_id": contact.id,
                        "direction": "out",
                        "channel": msg.channel,
                        "text": reply.text,
                        "lang": reply.lang,
                        "intent": None,
                        "attachments": None,
                        "created_at": batch.now,
                    }
                )
            batch.outbox.append(_outbox_row(msg, None if erased else contact.id, reply, batch.now))
            batch.owners.append(item)

    def _data_request(
        self, conn: Connection, op: str, contact: repo.ContactRow, now: datetime
    ) -> tuple[MsgCreated, bool]:
        catalog, lang = self.env.catalog, _lang(contact.lang)
        if op == "delete":
            privacy_repo.erase_contact(conn, contact.id)
            return MsgCreated(catalog.text("mydata.deleted", lang), lang), True
        data = privacy_repo.stored_data(conn, contact.id, contact.fields)
        if op == "export":
            history = privacy_repo.message_history(conn, contact.id)
            text = privacy.export_text(catalog, lang, data, contact.consent, history, now)
        else:
            text = privacy.summary_text(catalog, lang, data, contact.consent)
        return MsgCreated(text, lang), False

    def _remember_lang(self, address: tuple[str, str], lang: str) -> None:
        self._langs[address] = lang
        self._langs.move_to_end(address)
        if len(self._langs) > LANG_CACHE_SIZE:
            self._langs.popitem(last=False)


def _storable(text: str) -> str:
    """Text every database accepts: no NUL (PostgreSQL refuses it), no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _lang(lang: str) -> str:
    return lang if lang in LANGS else BASE_LANG


def _initial_lang(item: _Item) -> str:
    hint = (item.message.locale_hint or "").split("-")[0].lower()
    return {"fa": "prs", "prs": "prs", "ar": "ar", "fr": "fr", "ti": "ti"}.get(hint, "und")


def _media_reply(kinds: set[AttachmentKind], lang: str, env: engine.Environment) -> tuple[Any, ...]:
    lang = _lang(lang)
    if kinds & VOICE_KINDS:
        return (
            HandoverRequested("voice_message"),
            MsgCreated(env.catalog.text("media.voice", lang), lang),
        )
    return (MsgCreated(env.catalog.text("media.unsupported", lang), lang),)


def _outbox_row(
    msg: InboundMessage, contact_id: int | None, reply: MsgCreated, now: datetime
) -> dict[str, Any]:
    attachments = [
        {"kind": kind, "ref": ref}
        for kind, ref in (("image", reply.image), ("audio", reply.audio))
        if ref
    ]
    return {
        "contact_id": contact_id,
        "channel": msg.channel,
        "address": msg.address,
        "payload": {
            "text": reply.text,
            "lang": reply.lang,
            "quick_replies": [{"id": c.id, "title": c.title} for c in reply.choices],
            "attachments": attachments,
        },
        "purpose": "reply",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return "deadlock" in text or "could not serialize" in text or "database is locked" in text
