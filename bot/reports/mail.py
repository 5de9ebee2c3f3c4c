"""The daily digest by e-mail through the SMTP settings (optional), sent once per day by
whichever process gets there first (the day is claimed in `digests_sent`)."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from bot.db.session import Database
from bot.db.tables import digests_sent
from bot.reports.digest import Digest, read_digest
from bot.settings import Settings

log = logging.getLogger(__name__)
TIMEOUT = 30.0


class MailError(Exception):
    """The digest could not be sent; the message says why (no address in it)."""


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host and settings.digest_recipients)


def message(settings: Settings, digest: Digest) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = digest.title
    mail["From"] = settings.smtp_from or settings.smtp_username or "migracoop@localhost"
    mail["To"] = ", ".join(settings.digest_recipients)
    mail.set_content(digest.text())
    return mail


def _send(settings: Settings, mail: EmailMessage) -> None:
    assert settings.smtp_host
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from exc


async def send(settings: Settings, digest: Digest) -> None:
    """Send one digest now (in a thread: smtplib blocks)."""
    if not configured(settings):
        raise MailError("SMTP_HOST and DIGEST_TO are not set")
    await asyncio.to_thread(_send, settings, message(settings, digest))


async def send_due(db: Database, settings: Settings, now: datetime) -> date | None:
    """Yesterday's digest, if it is past DIGEST_HOUR and no process sent it yet; returns the
    day sent. The day is claimed first (a concurrent process fails to insert it), and given
    back when the send fails: at most once a day, tried again at the next check."""
    if not configured(settings):
        return None
    tz = ZoneInfo(settings.timezone)
    local = now.astimezone(tz)
    if local.hour < settings.digest_hour:
        return None
    day = local.date() - timedelta(days=1)
    async with db.connect() as conn:
        claimed = select(digests_sent.c.day).where(digests_sent.c.day == day)
        if (await conn.execute(claimed)).first():
            return None
    try:
        async with db.begin() as conn:
            await conn.execute(
                insert(digests_sent).values(
                    day=day, sent_at=now, recipients=len(settings.digest_recipients)
                )
            )
    except IntegrityError:
        return None
    try:
        async with db.connect() as conn:
            digest = await read_digest(conn, day, tz)
        await send(settings, digest)
    except BaseException:
        async with db.begin() as conn:
            await conn.execute(delete(digests_sent).where(digests_sent.c.day == day))
        raise
    return day


async def run_forever(
    db: Database, settings: Settings, clock: Callable[[], datetime], every: float = 600
) -> None:
    """Check every ten minutes; a failure is logged and tried again at the next check."""
    while True:
        try:
            day = await send_due(db, settings, clock())
            if day is not None:
                log.info("daily digest of %s sent", day)
        except MailError as exc:
            log.warning("daily digest not sent: %s", exc)
        except Exception:
            log.exception("daily digest failed")
        await asyncio.sleep(every)
