"""Saving the four-language text form (a node's texts, or one text) as drafts: all fields
or none, each checked like the shipped files are (not empty; French {placeholders})."""

from __future__ import annotations

import re
from dataclasses import dataclass

from admin.deps import Ctx
from admin.translations import text_rows
from bot.core.content import check_text
from bot.db.repos import content as repo
from bot.db.repos.content import TEXT_STATUSES, Item
from content.catalog import BASE_LANG, LANGS

KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


def value_field(key: str, lang: str) -> str:
    return f"text:{key}:{lang}"


def status_field(key: str, lang: str) -> str:
    return f"status:{key}:{lang}"


def normalize(value: str) -> str:
    """Browsers send CRLF; the catalog strips texts loaded from files: do the same."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class FormResult:
    saved: list[Item]
    errors: dict[tuple[str, str], str]  # (key, lang) -> why
    submitted: dict[tuple[str, str], tuple[str, str]]  # (key, lang) -> (value, status)


async def save_text_form(ctx: Ctx, keys: list[str]) -> FormResult:
    submitted: dict[tuple[str, str], tuple[str, str]] = {}
    for key in keys:
        for lang in LANGS:
            if ctx.form is None or value_field(key, lang) not in ctx.form:
                continue
            status = ctx.field(status_field(key, lang), "reviewed")
            submitted[(key, lang)] = (
                normalize(ctx.field(value_field(key, lang))),
                status if status in TEXT_STATUSES else "reviewed",
            )
    errors: dict[tuple[str, str], str] = {}
    changes: list[tuple[Item, str, str, int | None]] = []
    discards: list[Item] = []
    async with ctx.db.begin() as conn:
        rows = {r.key: r for r in await text_rows(conn, keys)}
        for (key, lang), (value, status) in submitted.items():
            if not KEY.match(key):
                errors[(key, lang)] = "nom de texte invalide"
                continue
            cell = rows[key].cell(lang)
            if not value:
                if not cell.missing:
                    errors[(key, lang)] = "un texte ne peut pas être vidé"
                continue
            if (value, status) == (cell.value, cell.status) and not cell.missing:
                continue
            published = cell.published
            if published is not None and (value, status) == (published.value, published.status):
                discards.append(Item.text(key, lang))  # back to what is published
                continue
            french_cell = rows[key].cell(BASE_LANG)
            if lang == BASE_LANG:
                french = french_cell.published.value if french_cell.published else None
            else:
                french = submitted.get((key, BASE_LANG), (french_cell.value, ""))[0] or None
            problem = check_text(value, lang=lang, french=french)
            if problem:
                errors[(key, lang)] = problem
                continue
            changes.append(
                (Item.text(key, lang), value, status, published.version if published else None)
            )
        if errors:
            return FormResult([], errors, submitted)
        for item in discards:
            await repo.discard_draft(conn, item)
        for item, value, status, base in changes:
            await repo.save_draft(
                conn,
                item,
                value=value,
                status=status,
                base_version=base,
                actor=ctx.actor,
                now=ctx.now,
            )
        touched = [i for i, *_ in changes] + discards
        if touched:
            await ctx.audit(conn, "text.draft", ", ".join(f"{i.key} [{i.lang}]" for i in touched))
    return FormResult([i for i, *_ in changes], {}, submitted)
