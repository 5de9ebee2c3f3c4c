"""The four languages of each text side by side: published value, pending draft, status,
and the flags a facilitator acts on (missing; outdated: the French changed since)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.repos import content as repo
from bot.db.repos.content import Draft, Item, Version
from content.catalog import BASE_LANG, LANGS

STATUS_LABELS = {"reviewed": "relu", "draft": "à relire", "machine": "traduction machine"}


@dataclass(frozen=True)
class Cell:
    """One language of one text."""

    key: str
    lang: str
    published: Version | None
    draft: Draft | None
    outdated: bool  # a translation written from a French text that has changed since

    @property
    def value(self) -> str:
        """What the form shows: the draft when there is one."""
        if self.draft is not None:
            return self.draft.value
        return self.published.value if self.published else ""

    @property
    def status(self) -> str:
        if self.draft is not None:
            return self.draft.status
        return self.published.status if self.published else "draft"

    @property
    def missing(self) -> bool:
        return self.published is None and self.draft is None


@dataclass(frozen=True)
class TextRow:
    key: str
    cells: tuple[Cell, ...]  # in LANGS order

    @property
    def missing(self) -> list[str]:
        return [c.lang for c in self.cells if c.missing]

    @property
    def outdated(self) -> list[str]:
        return [c.lang for c in self.cells if c.outdated]

    @property
    def has_draft(self) -> bool:
        return any(c.draft is not None for c in self.cells)

    @property
    def machine(self) -> list[str]:
        return [c.lang for c in self.cells if not c.missing and c.status == "machine"]

    def cell(self, lang: str) -> Cell:
        return next(c for c in self.cells if c.lang == lang)


async def text_rows(conn: AsyncConnection, keys: Iterable[str] | None = None) -> list[TextRow]:
    """Rows for `keys` (every text known, published or drafted, when None), sorted by key."""
    published = await repo.current(conn, kind="text")
    drafts = await repo.drafts(conn, kind="text")
    wanted = (
        sorted(set(keys))
        if keys is not None
        else sorted({i.key for i in published} | {i.key for i in drafts})
    )
    sources = {
        (v.item.key, v.fr_version)
        for v in published.values()
        if v.item.lang != BASE_LANG and v.fr_version is not None
    }
    french_then = await repo.french_values(conn, ((k, n) for k, n in sources if n is not None))
    rows = []
    for key in wanted:
        french = published.get(Item.text(key, BASE_LANG))
        cells = []
        for lang in LANGS:
            item = Item.text(key, lang)
            version = published.get(item)
            outdated = False
            if lang != BASE_LANG and version is not None and french is not None:
                written_from = (
                    french_then.get((key, version.fr_version)) if version.fr_version else None
                )
                outdated = written_from != french.value
            cells.append(Cell(key, lang, version, drafts.get(item), outdated))
        rows.append(TextRow(key, tuple(cells)))
    return rows
