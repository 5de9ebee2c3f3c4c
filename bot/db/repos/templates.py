"""WhatsApp templates in the database: purpose + language -> ContentSid and its variables.

Outside the 24-hour window WhatsApp delivers only an approved template. Facilitators
manage them (admin, `python -m bot template`); a message carries the filled-in template
in its outbox payload, so the channel never reads the database. TWILIO_TEMPLATES in the
settings remains a fallback for purposes without a row here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from bot.core.messages import TemplateRef
from bot.db.tables import templates
from content.catalog import LANGS

CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
PURPOSE = re.compile(r"[a-z][a-z0-9_]{0,31}")
# With no variables given, placeholder {{1}} is the message's text (as TWILIO_TEMPLATES).
DEFAULT_VARIABLES: Mapping[str, str] = {"1": "text"}


class TemplateError(ValueError):
    """A template that cannot be stored; the message says why."""


@dataclass(frozen=True)
class Template:
    purpose: str
    lang: str
    content_sid: str
    variables: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_VARIABLES))

    def fields(self) -> set[str]:
        return set(self.variables.values())

    def filled(self, values: Mapping[str, str]) -> TemplateRef | None:
        """The template with each placeholder's value, or None when a field is missing
        or empty (Twilio refuses an empty variable)."""
        out = []
        for placeholder, name in sorted(self.variables.items(), key=lambda kv: _key(kv[0])):
            value = values.get(name, "").strip()
            if not value:
                return None
            out.append((placeholder, value))
        return TemplateRef(self.content_sid, tuple(out))


def _key(placeholder: str) -> tuple[int, str]:
    return (int(placeholder), "") if placeholder.isdigit() else (1 << 30, placeholder)


def check(purpose: str, lang: str, content_sid: str, variables: Mapping[str, str]) -> None:
    if lang not in LANGS:
        raise TemplateError(f"unknown language {lang!r} (expected one of {', '.join(LANGS)})")
    if not PURPOSE.fullmatch(purpose):
        raise TemplateError(f"{purpose!r} is not a purpose (lowercase letters, e.g. broadcast)")
    if not CONTENT_SID.fullmatch(content_sid):
        raise TemplateError(f"{content_sid!r} is not a Twilio ContentSid (HX and 32 hex digits)")
    for placeholder, name in variables.items():
        if not placeholder.isdigit() or not PURPOSE.fullmatch(name):
            raise TemplateError(f"{placeholder}={name}: expected NUMBER=FIELD (e.g. 1=text)")


def set_template(
    conn: Connection,
    *,
    purpose: str,
    lang: str,
    content_sid: str,
    variables: Mapping[str, str] | None,
    by: str,
    now: datetime,
) -> bool:
    """Create or replace the template of (purpose, lang); True when created."""
    variables = dict(variables or DEFAULT_VARIABLES)
    check(purpose, lang, content_sid, variables)
    values = {
        "content_sid": content_sid,
        "variables": variables,
        "updated_by": by,
        "updated_at": now,
    }
    found = conn.execute(
        update(templates)
        .where(templates.c.purpose == purpose, templates.c.lang == lang)
        .values(**values)
    ).rowcount
    if found:
        return False
    conn.execute(insert(templates).values(purpose=purpose, lang=lang, **values))
    return True


def remove_template(conn: Connection, *, purpose: str, lang: str) -> bool:
    result = conn.execute(
        delete(templates).where(templates.c.purpose == purpose, templates.c.lang == lang)
    )
    return bool(result.rowcount)


def list_templates(conn: Connection) -> list[Template]:
    rows = conn.execute(select(templates).order_by(templates.c.purpose, templates.c.lang))
    return [_template(r) for r in rows]


def templates_for(conn: Connection, purpose: str, langs: Iterable[str]) -> dict[str, Template]:
    """The templates of `purpose` in `langs`, by language."""
    rows = conn.execute(
        select(templates).where(templates.c.purpose == purpose, templates.c.lang.in_(list(langs)))
    )
    return {r.lang: _template(r) for r in rows}


def _template(row: object) -> Template:
    return Template(
        row.purpose,  # type: ignore[attr-defined]
        row.lang,  # type: ignore[attr-defined]
        row.content_sid,  # type: ignore[attr-defined]
        dict(row.variables or DEFAULT_VARIABLES),  # type: ignore[attr-defined]
    )
