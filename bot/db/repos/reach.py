"""How to reach contacts outside a conversation (reminders, nudges, a person's answer): the
identity they wrote from last, their language and consent."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select

from bot.db.tables import contacts, identities


@dataclass(frozen=True, slots=True)
class Reach:
    contact_id: int
    channel: str
    address: str
    lang: str
    consent: bool | None
    last_inbound_at: datetime | None


def reach(conn: Connection, contact_ids: Collection[int] | Select[Any]) -> dict[int, Reach]:
    """Contact id -> the reachable identity they last wrote from (none when all are
    unreachable or the contact was erased). `contact_ids` may be a subquery."""
    if not isinstance(contact_ids, Select) and not contact_ids:
        return {}
    wanted = contact_ids if isinstance(contact_ids, Select) else list(contact_ids)
    rows = conn.execute(
        select(
            contacts.c.id,
            contacts.c.lang,
            contacts.c.consent,
            identities.c.channel,
            identities.c.address,
            identities.c.last_inbound_at,
        )
        .join(identities, identities.c.contact_id == contacts.c.id)
        .where(contacts.c.id.in_(wanted), identities.c.unreachable.is_(False))
    )
    out: dict[int, Reach] = {}
    for r in rows:
        best = out.get(r.id)
        newer = r.last_inbound_at is not None and (
            best is None or best.last_inbound_at is None or r.last_inbound_at > best.last_inbound_at
        )
        if best is None or newer:
            out[r.id] = Reach(r.id, r.channel, r.address, r.lang, r.consent, r.last_inbound_at)
    return out
