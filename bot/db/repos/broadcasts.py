"""Broadcasts in the database: audiences, texts, recipients, and handing them to the outbox.

Exactly once: a recipient is one row, unique per (broadcast, contact). A batch of waiting
recipients is claimed (`UPDATE … WHERE status = 'waiting' … RETURNING`, the rows picked
with `FOR UPDATE SKIP LOCKED` on PostgreSQL so that several workers take disjoint
batches) and their outbox rows are queued in the same transaction: a worker killed
mid-batch leaves the batch waiting, never half-queued. Statuses then follow the outbox
(and through it Telegram's answers and Twilio's status callbacks): `sync_statuses`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from bot.broadcasts.audience import Audience
from bot.broadcasts.composition import Composition, LangText, Media, Refusal, signed
from bot.broadcasts.status import FAILURE_RANK, IN_FLIGHT, RANK, WINDOW_ERROR
from bot.db.base import utcnow
from bot.db.repos.templates import templates_for
from bot.db.tables import (
    audit,
    broadcast_stops,
    broadcast_texts,
    broadcasts,
    checklist_progress,
    contacts,
    coops,
    eligibility_results,
    identities,
    members,
    outbox,
    recipients,
    rsvps,
    workshops,
)
from bot.delivery.claims import claim
from bot.delivery.outbox import OutboxRow, Priority, enqueue
from bot.delivery.payload import Payload
from content.catalog import BASE_LANG, LANGS

WHATSAPP = "whatsapp"
WINDOW = timedelta(hours=24)  # WhatsApp's customer-service window
SYNC_FOR = timedelta(days=7)  # delivery and read reports still arrive after the last send
UNFINISHED_OUTBOX = ("pending", "sending")


class BroadcastError(Exception):
    """An operation the broadcast's state does not allow; the message says why."""


class Refused(BroadcastError):
    """Sending refused by the review gate: the languages without a text to send."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        self.refusals = tuple(refusals)
        super().__init__("no text to send in " + "; ".join(str(r) for r in refusals))


@dataclass(frozen=True)
class BroadcastRow:
    id: int
    state: str
    audience: Audience
    purpose: str
    created_by: str
    created_at: datetime
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True)
class AudienceCount:
    total: int
    by_lang: Mapping[str, int]
    by_channel: Mapping[str, int]


@dataclass(frozen=True)
class Batch:
    """One materialising transaction: recipients handed to the outbox, and the others."""

    queued: int = 0
    other: int = 0  # skipped, needs_template, failed at once
    finished: bool = False  # nothing waits any more: the broadcast is `sent`
    contacts: tuple[int, ...] = ()  # the contact ids queued (tests and benchmarks)


@dataclass(frozen=True)
class Cancelled:
    stopped: int  # recipients who will not get it
    already_gone: int  # sent or being sent when the cancel came


# --- audiences ----------------------------------------------------------------------------


def _lang() -> ColumnElement[str]:
    """The language a contact is written to: theirs, or French while unknown."""
    return case((contacts.c.lang.in_(LANGS), contacts.c.lang), else_=literal(BASE_LANG))


# The condition on `contacts` of each audience key beyond lang and channel (which choose
# the language and the identity): KEY -> its values -> a condition.
def _in_coops(names: frozenset[str]) -> ColumnElement[bool]:
    """Members of the coops named (any case, as `coop members NAME` reads it)."""
    return exists().where(
        members.c.contact_id == contacts.c.id,
        members.c.coop_id == coops.c.id,
        func.lower(coops.c.name).in_(sorted(n.lower() for n in names)),
    )


def _eligibility(outcomes: frozenset[str]) -> ColumnElement[bool]:
    return exists().where(
        eligibility_results.c.contact_id == contacts.c.id,
        eligibility_results.c.outcome.in_(sorted(outcomes)),
    )


def _steps(stages: frozenset[str]) -> ColumnElement[bool]:
    """pending: a checklist step marked "not yet" or "help"; help: one marked "help"."""
    statuses = {"help"} | ({"not_yet"} if "pending" in stages else set())
    return exists().where(
        checklist_progress.c.contact_id == contacts.c.id,
        checklist_progress.c.status.in_(sorted(statuses)),
    )


def _answered(values: frozenset[str]) -> ColumnElement[bool]:
    """Who answered the workshops named ("12": yes, "12:no": no)."""
    answers = [_rsvp(v) for v in sorted(values)]
    return exists().where(
        rsvps.c.contact_id == contacts.c.id,
        or_(*(and_(rsvps.c.workshop_id == wid, rsvps.c.answer == a) for wid, a in answers)),
    )


def _rsvp(value: str) -> tuple[int, str]:
    wid, _, answer = value.partition(":")
    return int(wid), answer or "yes"


CONDITIONS: dict[str, Callable[[frozenset[str]], ColumnElement[bool]]] = {
    "coop": _in_coops,
    "eligibility": _eligibility,
    "steps": _steps,
    "workshop": _answered,
}
# What each key's values must name, to be told when they name nothing: KEY -> the values
# that exist among those given.
KNOWN: dict[str, Callable[[Connection, frozenset[str]], set[str]]] = {
    "coop": lambda conn, names: {
        n
        for n in names
        if conn.execute(select(coops.c.id).where(func.lower(coops.c.name) == n.lower())).first()
    },
    "workshop": lambda conn, values: {
        v
        for v in values
        if conn.execute(select(workshops.c.id).where(workshops.c.id == _rsvp(v)[0])).first()
    },
}


def unknown_values(conn: Connection, audience: Audience) -> list[str]:
    """ "key=value" for each value that names nothing (a coop that does not exist)."""
    out = []
    for key, values in audience.filters:
        check = KNOWN.get(key)
        if check is not None:
            known = check(conn, frozenset(values))
            out += [f"{key}={v}" for v in values if v not in known]
    return out


def eligible(audience: Audience, channels: Collection[str]) -> Select[Any]:
    """(contact id, channel, lang) of everyone `audience` reaches, one identity each.

    Only contacts who consented and did not stop broadcasts, through an identity that is
    not unreachable; erased contacts have no rows left. Of several identities, the one
    they wrote from last.
    """
    allowed = [c for c in channels if not audience.channels or c in audience.channels]
    ident = identities
    ranked = (
        select(
            ident.c.contact_id,
            ident.c.channel,
            func.row_number()
            .over(
                partition_by=ident.c.contact_id,
                order_by=(
                    func.coalesce(ident.c.last_inbound_at, ident.c.created_at).desc(),
                    ident.c.id.desc(),
                ),
            )
            .label("rank"),
        )
        .where(ident.c.unreachable.is_(False), ident.c.channel.in_(allowed))
        .subquery("ranked")
    )
    lang = _lang()
    query = (
        select(contacts.c.id.label("contact_id"), ranked.c.channel, lang.label("lang"))
        .join(ranked, and_(ranked.c.contact_id == contacts.c.id, ranked.c.rank == 1))
        .where(
            contacts.c.consent.is_(True),
            ~exists().where(broadcast_stops.c.contact_id == contacts.c.id),
        )
    )
    if audience.langs:
        query = query.where(lang.in_(sorted(audience.langs)))
    for key, values in audience.filters:
        if key not in ("lang", "channel"):
            query = query.where(CONDITIONS[key](frozenset(values)))
    return query


def count_audience(
    conn: Connection, audience: Audience, channels: Collection[str]
) -> AudienceCount:
    sub = eligible(audience, channels).subquery()
    rows = conn.execute(
        select(sub.c.lang, sub.c.channel, func.count()).group_by(sub.c.lang, sub.c.channel)
    ).all()
    by_lang: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    for lang, channel, n in rows:
        by_lang[lang] = by_lang.get(lang, 0) + n
        by_channel[channel] = by_channel.get(channel, 0) + n
    ordered = {lang: by_lang[lang] for lang in LANGS if lang in by_lang}
    return AudienceCount(sum(by_lang.values()), ordered, dict(sorted(by_channel.items())))


# --- composing ----------------------------------------------------------------------------


def create(
    conn: Connection, *, audience: Audience, by: str, now: datetime, purpose: str = "broadcast"
) -> int:
    """A new draft broadcast; returns its id."""
    return int(
        conn.execute(
            insert(broadcasts)
            .values(
                state="draft",
                audience=audience.to_json(),
                purpose=purpose,
                created_by=by,
                created_at=now,
            )
            .returning(broadcasts.c.id)
        ).scalar_one()
    )


def put_text(conn: Connection, broadcast_id: int, text: LangText, now: datetime) -> None:
    """Set one language's text (and medium), replacing what was there."""
    _require_state(conn, broadcast_id, ("draft",))
    values = {
        "text": text.text,
        "status": text.status,
        "machine_text": text.machine_text,
        "reviewed_by": text.reviewed_by,
        "reviewed_at": now if text.status != "machine" else None,
        "media_kind": text.media.kind if text.media else None,
        "media_ref": text.media.ref if text.media else None,
        "updated_at": now,
    }
    where = (broadcast_texts.c.broadcast_id == broadcast_id, broadcast_texts.c.lang == text.lang)
    if not conn.execute(update(broadcast_texts).where(*where).values(**values)).rowcount:
        conn.execute(
            insert(broadcast_texts).values(broadcast_id=broadcast_id, lang=text.lang, **values)
        )


def remove_text(conn: Connection, broadcast_id: int, lang: str) -> bool:
    _require_state(conn, broadcast_id, ("draft",))
    result = conn.execute(
        delete(broadcast_texts).where(
            broadcast_texts.c.broadcast_id == broadcast_id, broadcast_texts.c.lang == lang
        )
    )
    return bool(result.rowcount)


def composition(conn: Connection, broadcast_id: int) -> Composition:
    rows = conn.execute(
        select(broadcast_texts).where(broadcast_texts.c.broadcast_id == broadcast_id)
    )
    return Composition(
        {
            r.lang: LangText(
                r.lang,
                r.text,
                r.status,
                r.machine_text,
                r.reviewed_by,
                Media(r.media_kind, r.media_ref) if r.media_kind and r.media_ref else None,
            )
            for r in rows
        }
    )


def get(conn: Connection, broadcast_id: int) -> BroadcastRow | None:
    row = conn.execute(select(broadcasts).where(broadcasts.c.id == broadcast_id)).first()
    return _row(row) if row is not None else None


def latest(conn: Connection, limit: int = 50) -> list[BroadcastRow]:
    rows = conn.execute(select(broadcasts).order_by(broadcasts.c.id.desc()).limit(limit))
    return [_row(r) for r in rows]


def _row(r: Any) -> BroadcastRow:
    return BroadcastRow(
        r.id,
        r.state,
        Audience.from_json(r.audience or {}),
        r.purpose,
        r.created_by,
        r.created_at,
        r.scheduled_at,
        r.started_at,
        r.finished_at,
        r.cancelled_at,
    )


def _require_state(conn: Connection, broadcast_id: int, states: Sequence[str]) -> str:
    query = select(broadcasts.c.state).where(broadcasts.c.id == broadcast_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    state = conn.execute(query).scalar_one_or_none()
    if state is None:
        raise BroadcastError(f"no broadcast {broadcast_id}")
    if state not in states:
        raise BroadcastError(f"broadcast {broadcast_id} is {state}")
    return str(state)


# --- scheduling ---------------------------------------------------------------------------


def schedule(
    conn: Connection,
    broadcast_id: int,
    *,
    at: datetime,
    by: str,
    now: datetime,
    channels: Collection[str],
) -> int:
    """Check the review gate, write the recipients and schedule the broadcast at `at`.

    Returns the number of recipients; raises Refused (nothing written) when a language
    of the audience has no text to send.
    """
    _require_state(conn, broadcast_id, ("draft",))
    row = get(conn, broadcast_id)
    assert row is not None
    sub = eligible(row.audience, channels).subquery()
    conn.execute(
        insert(recipients).from_select(
            ["broadcast_id", "contact_id", "channel", "lang", "status", "updated_at"],
            select(
                literal(broadcast_id),
                sub.c.contact_id,
                sub.c.channel,
                sub.c.lang,
                literal("waiting"),
                literal(now, type_=recipients.c.updated_at.type),
            ).order_by(sub.c.contact_id),
        )
    )
    # The gate looks at the rows written, not at an earlier count: a contact who changed
    # language in between cannot slip through untranslated.
    by_lang: dict[str, int] = {
        lang: int(n)
        for lang, n in conn.execute(
            select(recipients.c.lang, func.count())
            .where(recipients.c.broadcast_id == broadcast_id)
            .group_by(recipients.c.lang)
        )
    }
    refusals = composition(conn, broadcast_id).refusals(by_lang)
    if refusals:
        raise Refused(refusals)  # the caller's transaction rolls back: nothing is written
    written = sum(by_lang.values())
    conn.execute(
        update(broadcasts)
        .where(broadcasts.c.id == broadcast_id)
        .values(state="scheduled", scheduled_at=at)
    )
    _audit(conn, by, "broadcast.scheduled", f"{broadcast_id}: {written} recipients", now)
    return written


def start_due(conn: Connection, now: datetime) -> list[int]:
    """Scheduled broadcasts whose time has come start sending; returns their ids."""
    result = conn.execute(
        update(broadcasts)
        .where(broadcasts.c.state == "scheduled", broadcasts.c.scheduled_at <= now)
        .values(state="sending", started_at=now)
        .returning(broadcasts.c.id)
    )
    return sorted(result.scalars().all())


def sending(conn: Connection) -> list[int]:
    return list(
        conn.execute(
            select(broadcasts.c.id).where(broadcasts.c.state == "sending").order_by(broadcasts.c.id)
        ).scalars()
    )


def next_scheduled(conn: Connection) -> datetime | None:
    at: datetime | None = conn.execute(
        select(func.min(broadcasts.c.scheduled_at)).where(broadcasts.c.state == "scheduled")
    ).scalar_one_or_none()
    return at


# --- materialising ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    address: str
    last_inbound_at: datetime | None
    unreachable: bool


def materialise(
    conn: Connection,
    broadcast_id: int,
    now: datetime,
    *,
    limit: int = 200,
    channel: str | None = None,
    settings_templates: Collection[str] = (),
    stop_lines: Mapping[str, str] | None = None,
) -> Batch:
    """Hand up to `limit` waiting recipients (of one `channel`, or any) to the outbox, in
    this one transaction.

    `settings_templates`: the keys of TWILIO_TEMPLATES ("broadcast.ar", "broadcast"), a
    fallback for languages without a template in the database.
    """
    head = conn.execute(
        select(broadcasts.c.state, broadcasts.c.purpose).where(broadcasts.c.id == broadcast_id)
    ).first()
    if head is None or head.state != "sending":
        return Batch(finished=True)
    pick = (
        select(recipients.c.id)
        .where(recipients.c.broadcast_id == broadcast_id, recipients.c.status == "waiting")
        .order_by(recipients.c.id)
        .limit(limit)
    )
    if channel is not None:
        pick = pick.where(recipients.c.channel == channel)
    # Claimed for this transaction (bot/delivery/claims.py), which hands them to the outbox.
    claimed = claim(
        conn,
        recipients,
        pick,
        None,
        now,
        working="queued",
        guard=recipients.c.status == "waiting",
        returning=(
            recipients.c.id,
            recipients.c.contact_id,
            recipients.c.channel,
            recipients.c.lang,
        ),
        updated_at=now,
    )
    if not claimed:
        return Batch(finished=finish_if_done(conn, broadcast_id, now))

    contact_ids = [r.contact_id for r in claimed if r.contact_id is not None]
    people = {
        r.id: r.consent
        for r in conn.execute(
            select(contacts.c.id, contacts.c.consent).where(contacts.c.id.in_(contact_ids))
        )
    }
    stopped = set(
        conn.execute(
            select(broadcast_stops.c.contact_id).where(
                broadcast_stops.c.contact_id.in_(contact_ids)
            )
        ).scalars()
    )
    targets = {
        (r.contact_id, r.channel): _Target(r.address, r.last_inbound_at, r.unreachable)
        for r in conn.execute(
            select(
                identities.c.contact_id,
                identities.c.channel,
                identities.c.address,
                identities.c.last_inbound_at,
                identities.c.unreachable,
            ).where(identities.c.contact_id.in_(contact_ids))
        )
    }
    texts = composition(conn, broadcast_id)
    purpose = str(head.purpose)
    wa_langs = {r.lang for r in claimed if r.channel == WHATSAPP}
    templates = templates_for(conn, purpose, wa_langs) if wa_langs else {}

    queue: list[tuple[int, OutboxRow]] = []
    other: list[dict[str, Any]] = []
    for r in claimed:
        why, status = None, "skipped"
        target = targets.get((r.contact_id, r.channel))
        outgoing = texts.outgoing(r.lang)
        if r.contact_id is None or r.contact_id not in people:
            why = "erased"
        elif people[r.contact_id] is not True:
            why = "no consent"
        elif r.contact_id in stopped:
            why = "stopped broadcasts"
        elif target is None:
            why = f"no longer on {r.channel}"
        elif target.unreachable:
            why = "unreachable"
        elif outgoing is None:
            why, status = f"no reviewed {r.lang} text", "failed"
        if why is not None or target is None or outgoing is None:
            other.append({"rid": r.id, "v_status": status, "v_error": why, "v_outbox": None})
            continue
        text = signed(outgoing.text, (stop_lines or {}).get(r.lang))
        template = None
        if r.channel == WHATSAPP:
            found = templates.get(r.lang)
            template = found.filled({"text": text}) if found else None
            in_window = target.last_inbound_at is not None and now - target.last_inbound_at < WINDOW
            fallback = f"{purpose}.{r.lang}" in settings_templates or purpose in settings_templates
            if not in_window and template is None and not fallback:
                other.append(
                    {
                        "rid": r.id,
                        "v_status": "needs_template",
                        "v_error": f"outside the 24-hour window; no {purpose} template in {r.lang}",
                        "v_outbox": None,
                    }
                )
                continue
        payload = Payload(text, r.lang, (), outgoing.attachments, template)
        row = OutboxRow(
            r.contact_id,
            r.channel,
            target.address,
            payload,
            created_at=now,
            purpose=purpose,
            priority=Priority.BROADCAST,  # after replies and reminders, whatever the backlog
        )
        queue.append((r.id, row))
    outbox_ids = enqueue(conn, [row for _, row in queue])
    updates = [
        {"rid": rid, "v_status": "queued", "v_error": None, "v_outbox": oid}
        for (rid, _), oid in zip(queue, outbox_ids, strict=True)
    ] + other
    conn.execute(
        update(recipients)
        .where(recipients.c.id == bindparam("rid"))
        .values(
            status=bindparam("v_status"),
            error=bindparam("v_error"),
            outbox_id=bindparam("v_outbox"),
            updated_at=now,
        ),
        updates,
    )
    return Batch(
        queued=len(queue),
        other=len(other),
        contacts=tuple(row.contact_id for _, row in queue if row.contact_id is not None),
    )


def finish_if_done(conn: Connection, broadcast_id: int, now: datetime) -> bool:
    """When no recipient waits (none claimed by another worker either), the broadcast is
    `sent`: every recipient is in the outbox or accounted for. True when it is."""
    waiting = conn.execute(
        select(
            exists().where(
                recipients.c.broadcast_id == broadcast_id, recipients.c.status == "waiting"
            )
        )
    ).scalar_one()
    if waiting:
        return False
    conn.execute(
        update(broadcasts)
        .where(broadcasts.c.id == broadcast_id, broadcasts.c.state == "sending")
        .values(state="sent", finished_at=now)
    )
    return True


def waiting_channels(conn: Connection, broadcast_id: int) -> list[str]:
    """The channels of the recipients still waiting to be handed to the outbox."""
    return sorted(
        conn.execute(
            select(recipients.c.channel)
            .where(recipients.c.broadcast_id == broadcast_id, recipients.c.status == "waiting")
            .distinct()
        ).scalars()
    )


def pending_backlog(conn: Connection, broadcast_id: int) -> dict[str, int]:
    """Per channel, the broadcast's outbox rows no sender has claimed yet."""
    rows = conn.execute(
        select(recipients.c.channel, func.count())
        .select_from(recipients)
        .join(outbox, outbox.c.id == recipients.c.outbox_id)
        .where(
            recipients.c.broadcast_id == broadcast_id,
            recipients.c.status == "queued",
            outbox.c.status == "pending",
        )
        .group_by(recipients.c.channel)
    )
    return {channel: int(n) for channel, n in rows}


# --- statuses -----------------------------------------------------------------------------


def _derived() -> ColumnElement[str]:
    """A recipient's status from its outbox row (and the platform's reports on it)."""
    return case(
        (outbox.c.status.in_(UNFINISHED_OUTBOX), "queued"),
        (outbox.c.status == "held", "needs_template"),
        (
            and_(
                or_(outbox.c.status == "failed", outbox.c.provider_status == "undelivered"),
                outbox.c.last_error.contains(WINDOW_ERROR),
            ),
            "needs_template",
        ),
        (outbox.c.status == "failed", "failed"),
        (outbox.c.provider_status.in_(("failed", "undelivered")), "failed"),
        (outbox.c.provider_status == "read", "read"),
        (outbox.c.provider_status == "delivered", "delivered"),
        else_="sent",
    )


def _rank(status: ColumnElement[str]) -> ColumnElement[int]:
    return case(*((status == name, rank) for name, rank in RANK.items()), else_=FAILURE_RANK)


def sync_statuses(conn: Connection, now: datetime, broadcast_ids: Iterable[int] = ()) -> int:
    """Bring recipients' statuses up to their outbox rows; returns how many changed.

    A status only moves forward (a late "delivered" does not undo "read"). `broadcast_ids`
    empty: every broadcast that sent in the last days.
    """
    ids = list(broadcast_ids)
    if not ids:
        ids = list(
            conn.execute(
                select(broadcasts.c.id).where(
                    broadcasts.c.started_at.is_not(None),
                    or_(
                        broadcasts.c.finished_at.is_(None),
                        broadcasts.c.finished_at > now - SYNC_FOR,
                    ),
                )
            ).scalars()
        )
    if not ids:
        return 0
    derived = _derived()
    changed = conn.execute(
        select(recipients.c.id, derived.label("status"), outbox.c.last_error)
        .join(outbox, outbox.c.id == recipients.c.outbox_id)
        .where(
            recipients.c.broadcast_id.in_(ids),
            recipients.c.status.in_(IN_FLIGHT),
            _rank(derived) > _rank(recipients.c.status),
        )
    ).all()
    if changed:
        conn.execute(
            update(recipients)
            .where(recipients.c.id == bindparam("rid"))
            .values(status=bindparam("v_status"), error=bindparam("v_error"), updated_at=now),
            [
                {
                    "rid": r.id,
                    "v_status": r.status,
                    "v_error": (r.last_error or "")[:200] or None
                    if r.status in ("failed", "needs_template")
                    else None,
                }
                for r in changed
            ],
        )
    return len(changed)


def record_report(conn: Connection, provider_id: str, status: str, error: str | None) -> None:
    """A platform's report on a sent message, applied to its recipient at once (reports
    may come out of order: a status only moves forward; `sync_statuses` catches up the
    rest from the outbox)."""
    new = _REPORTS.get(status)
    if new is None:
        return
    if error and WINDOW_ERROR in error:
        new = "needs_template"
    current = recipients.c.status
    conn.execute(
        update(recipients)
        .where(
            recipients.c.outbox_id.in_(
                select(outbox.c.id).where(outbox.c.provider_id == provider_id).scalar_subquery()
            ),
            current.in_(IN_FLIGHT),
            _rank(current) < _rank(literal(new)),
        )
        .values(status=new, error=error[:200] if error else None, updated_at=utcnow())
    )


# Twilio's MessageStatus values that change a recipient's status.
_REPORTS: Mapping[str, str] = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
    "undelivered": "failed",
}


def counts(conn: Connection, broadcast_id: int) -> dict[str, int]:
    """Recipients by status."""
    rows = conn.execute(
        select(recipients.c.status, func.count())
        .where(recipients.c.broadcast_id == broadcast_id)
        .group_by(recipients.c.status)
    )
    return {status: int(n) for status, n in rows}


def counts_of(conn: Connection, broadcast_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Recipients by status, for several broadcasts (a list page)."""
    out: dict[int, dict[str, int]] = {b: {} for b in broadcast_ids}
    if broadcast_ids:
        rows = conn.execute(
            select(recipients.c.broadcast_id, recipients.c.status, func.count())
            .where(recipients.c.broadcast_id.in_(list(broadcast_ids)))
            .group_by(recipients.c.broadcast_id, recipients.c.status)
        )
        for bid, status, n in rows:
            out[bid][status] = int(n)
    return out


def reasons(conn: Connection, broadcast_id: int) -> list[tuple[str, str, int]]:
    """(status, why, count) of the recipients who did not get it, most frequent first."""
    n = func.count().label("n")
    rows = conn.execute(
        select(recipients.c.status, recipients.c.error, n)
        .where(
            recipients.c.broadcast_id == broadcast_id,
            recipients.c.status.in_(("failed", "needs_template", "skipped", "cancelled")),
        )
        .group_by(recipients.c.status, recipients.c.error)
        .order_by(n.desc(), recipients.c.status)
    )
    return [(status, error or "", int(count)) for status, error, count in rows]


# --- cancelling ---------------------------------------------------------------------------


def cancel(conn: Connection, broadcast_id: int, *, by: str, now: datetime) -> Cancelled:
    """Stop what has not gone: waiting recipients, and outbox rows not yet claimed.

    Messages a sender already holds (`sending`) go out: they may be at the platform.
    """
    state = _require_state(conn, broadcast_id, ("draft", "scheduled", "sending", "sent"))
    if state == "sent" and not pending_backlog(conn, broadcast_id):
        raise BroadcastError(f"broadcast {broadcast_id} is already sent")
    conn.execute(
        update(broadcasts)
        .where(broadcasts.c.id == broadcast_id)
        .values(state="cancelled", cancelled_at=now, cancelled_by=by, finished_at=now)
    )
    waiting = conn.execute(
        update(recipients)
        .where(recipients.c.broadcast_id == broadcast_id, recipients.c.status == "waiting")
        .values(status="cancelled", error="cancelled", updated_at=now)
    ).rowcount
    dropped = _drop_pending(
        conn,
        and_(recipients.c.broadcast_id == broadcast_id, recipients.c.status == "queued"),
        status="cancelled",
        why="cancelled",
        now=now,
    )
    gone = conn.execute(
        select(func.count()).where(
            recipients.c.broadcast_id == broadcast_id, recipients.c.status.in_(IN_FLIGHT)
        )
    ).scalar_one()
    _audit(conn, by, "broadcast.cancelled", f"{broadcast_id}: {waiting + dropped} not sent", now)
    return Cancelled(int(waiting or 0) + dropped, int(gone))


def _drop_pending(
    conn: Connection, which: ColumnElement[bool], *, status: str, why: str, now: datetime
) -> int:
    """Delete the unclaimed outbox rows of the `which` recipients, marking them `status`.

    Only `pending` rows: a row a sender has claimed is already on its way.
    """
    rows = conn.execute(
        select(recipients.c.id, recipients.c.outbox_id).where(
            which, recipients.c.outbox_id.is_not(None)
        )
    ).all()
    if not rows:
        return 0
    by_outbox = {r.outbox_id: r.id for r in rows}
    deleted = (
        conn.execute(
            delete(outbox)
            .where(outbox.c.id.in_(list(by_outbox)), outbox.c.status == "pending")
            .returning(outbox.c.id)
        )
        .scalars()
        .all()
    )
    if deleted:
        conn.execute(
            update(recipients)
            .where(recipients.c.id.in_([by_outbox[oid] for oid in deleted]))
            .values(status=status, error=why, outbox_id=None, updated_at=now)
        )
    return len(deleted)


# --- a contact's choice, and erasure --------------------------------------------------------


def stop_broadcasts(conn: Connection, contact_id: int, now: datetime) -> bool:
    """The contact wants no more broadcasts (from now: waiting ones are dropped too).
    True when this changed something."""
    if broadcasts_stopped(conn, contact_id):
        return False
    conn.execute(insert(broadcast_stops).values(contact_id=contact_id, stopped_at=now))
    leave_broadcasts(conn, contact_id, "stopped broadcasts", now)
    return True


def start_broadcasts(conn: Connection, contact_id: int) -> bool:
    """The contact wants broadcasts again; True when they had stopped them."""
    result = conn.execute(delete(broadcast_stops).where(broadcast_stops.c.contact_id == contact_id))
    return bool(result.rowcount)


def broadcasts_stopped(conn: Connection, contact_id: int) -> bool:
    return bool(
        conn.execute(
            select(exists().where(broadcast_stops.c.contact_id == contact_id))
        ).scalar_one()
    )


def forget_contact(conn: Connection, contact_id: int, now: datetime) -> None:
    """Before a contact is erased (which deletes their outbox rows): no broadcast still
    waiting goes to them, and none of their rows points at an outbox row any more."""
    leave_broadcasts(conn, contact_id, "erased", now)
    # A sender holds the rest: it may have reached the platform, nothing will tell us.
    conn.execute(
        update(recipients)
        .where(recipients.c.contact_id == contact_id, recipients.c.status == "queued")
        .values(status="failed", error="erased while being sent (it may have gone)")
    )
    conn.execute(
        update(recipients)
        .where(recipients.c.contact_id == contact_id, recipients.c.outbox_id.is_not(None))
        .values(outbox_id=None, updated_at=now)
    )


def leave_broadcasts(conn: Connection, contact_id: int, why: str, now: datetime) -> None:
    """The contact leaves every broadcast not yet sent to them (`skipped`, and why)."""
    conn.execute(
        update(recipients)
        .where(recipients.c.contact_id == contact_id, recipients.c.status == "waiting")
        .values(status="skipped", error=why, updated_at=now)
    )
    _drop_pending(
        conn,
        and_(recipients.c.contact_id == contact_id, recipients.c.status == "queued"),
        status="skipped",
        why=why,
        now=now,
    )


def _audit(conn: Connection, actor: str, action: str, detail: str, now: datetime) -> None:
    conn.execute(
        insert(audit).values(actor=actor[:254], action=action, detail=detail, created_at=now)
    )
