"""What the CLI and the admin pages do with broadcasts: compose, preview, schedule, follow,
cancel. Each operation is one transaction; the sending itself is the runner's."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.broadcasts.audience import BROADCAST_CHANNELS, Audience, AudienceError
from bot.broadcasts.composition import (
    Composition,
    CompositionError,
    LangText,
    Media,
    Refusal,
    check_text,
)
from bot.broadcasts.status import STATUSES
from bot.broadcasts.timing import PAST_GRACE, first_allowed, local_text
from bot.db.repos import broadcasts as repo
from bot.db.repos import coops as coops_repo
from bot.db.repos import workshops as workshops_repo
from bot.db.session import Database
from bot.settings import Settings
from content.catalog import BASE_LANG, LANGS
from content.translate import (
    NoTranslator,
    TranslationError,
    Translator,
    make_translator,
)

log = logging.getLogger(__name__)

# How the admin names the journey stages an audience may pick (facilitators read French).
ELIGIBILITY_LABELS: Final = {
    "cae": "« Puis-je entrer ? » : CAE",
    "ephemeral_culinary": "« Puis-je entrer ? » : coopérative éphémère, cuisine",
    "ephemeral_textile": "« Puis-je entrer ? » : coopérative éphémère, textile",
    "awareness": "« Puis-je entrer ? » : découvrir d'abord",
    "not_yet": "« Puis-je entrer ? » : pas encore",
}
STEP_LABELS: Final = {
    "pending": "Démarches : au moins une « pas encore » ou « aide »",
    "help": "Démarches : au moins une « aide »",
}


@dataclass(frozen=True)
class Created:
    id: int
    recipients: int
    starts_at: datetime  # UTC: the time asked for, or the end of quiet hours


@dataclass(frozen=True)
class Progress:
    broadcast: repo.BroadcastRow
    counts: Mapping[str, int]  # every status, zeros included, in STATUSES order
    reasons: tuple[tuple[str, str, int], ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        """Recipients nothing more will happen to (delivered counts: read may follow)."""
        return self.total - sum(self.counts[s] for s in ("waiting", "queued"))


class BroadcastService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        translator: Translator | None = None,
        channels: Collection[str] = BROADCAST_CHANNELS,
    ) -> None:
        self.db, self.settings, self.clock = db, settings, clock
        self.channels = tuple(channels)
        self.tz = ZoneInfo(settings.timezone)
        self._translator = translator

    # --- machine translation -----------------------------------------------------------

    @property
    def translator(self) -> Translator:
        """The configured backend; with a broken configuration (argos asked for, not
        installed), no model: drafts are a help, their absence never blocks sending."""
        if self._translator is None:
            try:
                self._translator = make_translator(
                    self.settings.effective_translation_backend,
                    self.settings.translation_models_dir,
                )
            except TranslationError as exc:
                log.warning("no machine translation: %s", exc)
                self._translator = NoTranslator()
        return self._translator

    def models(self) -> dict[str, bool]:
        """For each language but French: can a draft be made from French?"""
        return {lang: self.translator.has_model(lang) for lang in LANGS if lang != BASE_LANG}

    async def drafts(self, french: str, langs: Iterable[str]) -> dict[str, str]:
        """Machine drafts of `french` in those of `langs` that have a model."""
        from content.translate import translate_async

        out: dict[str, str] = {}
        for lang in langs:
            if lang == BASE_LANG or not self.translator.has_model(lang):
                continue
            try:
                out[lang] = await translate_async(self.translator, french, BASE_LANG, lang)
            except TranslationError as exc:  # a model removed or broken meanwhile: no draft
                log.warning("no %s draft: %s", lang, exc)
        return out

    # --- composing and sending -----------------------------------------------------------

    async def preview(self, audience: Audience) -> repo.AudienceCount:
        def read(conn: Connection) -> repo.AudienceCount:
            _check_audience(conn, audience)
            return repo.count_audience(conn, audience, self.channels)

        return await self.db.run(read)

    async def audience_choices(self) -> dict[str, list[tuple[str, str]]]:
        """(value, label) a facilitator can pick per key beyond languages and channels:
        coops, journey stages, and the upcoming workshops' answers."""
        tz = self.tz

        def read(conn: Connection) -> dict[str, list[tuple[str, str]]]:
            coming = workshops_repo.upcoming(conn, self.clock())
            return {
                "coop": [(c.name, c.name) for c in coops_repo.all_coops(conn)],
                "eligibility": list(ELIGIBILITY_LABELS.items()),
                "steps": list(STEP_LABELS.items()),
                "workshop": [
                    (value, f"{w.title(BASE_LANG)} ({local_text(w.starts_at, tz)}) : {said}")
                    for w in coming
                    for value, said in ((str(w.id), "oui"), (f"{w.id}:no", "non"))
                ],
            }

        return await self.db.run(read)

    async def new(
        self,
        *,
        texts: Mapping[str, str],
        audience: Audience,
        by: str,
        at: datetime | None = None,
        send_french: Collection[str] = (),
        media: Mapping[str, Media] | None = None,
    ) -> Created:
        """Compose and schedule in one go (the CLI): the texts given count as reviewed by
        `by`. Raises repo.Refused (nothing written) when a language lacks a text."""
        entries = given_texts(texts, by, send_french, media or {})
        starts = self.start_of(at)
        now = self.clock()

        def write(conn: Connection) -> Created:
            _check_audience(conn, audience)
            bid = repo.create(conn, audience=audience, by=by, now=now)
            for entry in entries:
                repo.put_text(conn, bid, entry, now)
            count = repo.schedule(conn, bid, at=starts, by=by, now=now, channels=self.channels)
            return Created(bid, count, starts)

        return await self.db.run(write)

    def start_of(self, at: datetime | None) -> datetime:
        """When a broadcast asked for `at` (None: now) starts: out of quiet hours.
        BroadcastError when `at` is in the past."""
        now = self.clock()
        if at is not None and at < now - PAST_GRACE:
            raise repo.BroadcastError("that time is in the past")
        return first_allowed(max(at or now, now), self.tz)

    async def draft(self, audience: Audience, by: str) -> int:
        def write(conn: Connection) -> int:
            _check_audience(conn, audience)
            return repo.create(conn, audience=audience, by=by, now=self.clock())

        return await self.db.run(write)

    async def set_text(
        self, broadcast_id: int, lang: str, text: str, by: str, *, media: Media | None = None
    ) -> None:
        """A person's text (typed or corrected): reviewed by them. The machine draft it
        replaces, if any, is kept beside it."""
        text = check_text(lang, text)

        def write(conn: Connection) -> None:
            old = repo.composition(conn, broadcast_id).texts.get(lang)
            machine = old.machine_text if old else None
            keep = media if media is not None else (old.media if old else None)
            entry = LangText(lang, text, "reviewed", machine, by, keep)
            repo.put_text(conn, broadcast_id, entry, self.clock())

        await self.db.run(write)

    async def add_drafts(self, broadcast_id: int) -> dict[str, str]:
        """Machine drafts from the French text for every language with a model and no text
        of its own yet; stored as `machine` (never sent before a person reviews them)."""
        comp = await self.composition(broadcast_id)
        french = comp.texts.get(BASE_LANG)
        if french is None or french.status != "reviewed":
            raise CompositionError("a reviewed French text comes first")
        missing = [lang for lang in LANGS if lang != BASE_LANG and lang not in comp.texts]
        made = await self.drafts(french.text, missing)
        now = self.clock()

        def write(conn: Connection) -> None:
            for lang, text in made.items():
                repo.put_text(conn, broadcast_id, LangText(lang, text, "machine", text), now)

        await self.db.run(write)
        return made

    async def review(self, broadcast_id: int, lang: str, by: str) -> None:
        """A person read the machine draft and accepts it as it is."""

        def write(conn: Connection) -> None:
            entry = repo.composition(conn, broadcast_id).texts.get(lang)
            if entry is None or entry.status != "machine":
                raise CompositionError(f"no {lang} draft to review")
            reviewed = LangText(lang, entry.text, "reviewed", entry.machine_text, by, entry.media)
            repo.put_text(conn, broadcast_id, reviewed, self.clock())

        await self.db.run(write)

    async def send_french(self, broadcast_id: int, lang: str, by: str) -> None:
        """The facilitator's explicit choice: `lang` gets the French text."""
        if lang == BASE_LANG or lang not in LANGS:
            raise CompositionError(f"{lang} cannot be sent the French text")
        entry = LangText(lang, "", "french", None, by)
        await self.db.run(repo.put_text, broadcast_id, entry, self.clock())

    async def schedule(self, broadcast_id: int, by: str, at: datetime | None = None) -> Created:
        starts = self.start_of(at)
        count = await self.db.run(
            repo.schedule,
            broadcast_id,
            at=starts,
            by=by,
            now=self.clock(),
            channels=self.channels,
        )
        return Created(broadcast_id, count, starts)

    async def cancel(self, broadcast_id: int, by: str) -> repo.Cancelled:
        return await self.db.run(repo.cancel, broadcast_id, by=by, now=self.clock())

    # --- following ---------------------------------------------------------------------

    async def composition(self, broadcast_id: int) -> Composition:
        return await self.db.run(repo.composition, broadcast_id)

    async def refusals(self, broadcast_id: int) -> list[Refusal]:
        """What the gate would say now, for the audience as it is now."""

        def read(conn: Connection) -> list[Refusal]:
            row = _existing(conn, broadcast_id)
            count = repo.count_audience(conn, row.audience, self.channels)
            return repo.composition(conn, broadcast_id).refusals(count.by_lang)

        return await self.db.run(read)

    async def progress(self, broadcast_id: int, *, with_reasons: bool = False) -> Progress:
        """Counts per status, brought up to date with the outbox first."""

        def read(conn: Connection) -> Progress:
            row = _existing(conn, broadcast_id)
            repo.sync_statuses(conn, self.clock(), [broadcast_id])
            counts = repo.counts(conn, broadcast_id)
            reasons = tuple(repo.reasons(conn, broadcast_id)) if with_reasons else ()
            return Progress(row, {s: counts.get(s, 0) for s in STATUSES}, reasons)

        return await self.db.run(read)

    async def latest(self, limit: int = 50) -> list[repo.BroadcastRow]:
        return await self.db.run(repo.latest, limit)

    async def overview(self, limit: int = 50) -> list[Progress]:
        """The latest broadcasts with their counts (statuses as last synced)."""

        def read(conn: Connection) -> list[Progress]:
            rows = repo.latest(conn, limit)
            counts = repo.counts_of(conn, [r.id for r in rows])
            return [Progress(r, {s: counts[r.id].get(s, 0) for s in STATUSES}) for r in rows]

        return await self.db.run(read)


def given_texts(
    texts: Mapping[str, str],
    by: str,
    send_french: Collection[str],
    media: Mapping[str, Media],
) -> list[LangText]:
    """The texts of a broadcast given in one go (the CLI): reviewed by `by`."""
    for lang in send_french:
        if lang in texts:
            raise CompositionError(f"{lang} has its own text: it cannot also get the French")
        if lang == BASE_LANG:
            raise CompositionError("French cannot be sent the French text")
    for lang in media:
        if lang not in texts and lang not in send_french:
            raise CompositionError(f"a medium for {lang} but no {lang} text")
    entries = [
        LangText(lang, check_text(lang, text), "reviewed", None, by, media.get(lang))
        for lang, text in texts.items()
    ]
    entries += [LangText(lang, "", "french", None, by, media.get(lang)) for lang in send_french]
    return entries


def _check_audience(conn: Connection, audience: Audience) -> None:
    """AudienceError for a filter that names nothing (a coop that does not exist)."""
    unknown = repo.unknown_values(conn, audience)
    if unknown:
        raise AudienceError("nothing is named " + ", ".join(unknown))


def _existing(conn: Connection, broadcast_id: int) -> repo.BroadcastRow:
    row = repo.get(conn, broadcast_id)
    if row is None:
        raise repo.BroadcastError(f"no broadcast {broadcast_id}")
    return row
