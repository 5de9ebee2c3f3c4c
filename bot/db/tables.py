"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    ActivityDay,
    AdminSession,
    AdminUser,
    AuditEntry,
    ChannelIdentity,
    Contact,
    ContentConflict,
    ContentDraft,
    ContentHead,
    ContentRelease,
    ContentVersion,
    DigestSent,
    ErasedPeople,
    HandoverTicket,
    LoginThrottle,
    MessageLog,
    Misunderstood,
    Outbox,
    ProcessedInbound,
    Sale,
    ShippedContent,
)

contacts = table(Contact)
identities = table(ChannelIdentity)
messages = table(MessageLog)
outbox = table(Outbox)
processed = table(ProcessedInbound)
tickets = table(HandoverTicket)
sales = table(Sale)
content_head = table(ContentHead)
releases = table(ContentRelease)
versions = table(ContentVersion)
drafts = table(ContentDraft)
shipped = table(ShippedContent)
conflicts = table(ContentConflict)
users = table(AdminUser)
sessions = table(AdminSession)
login_throttle = table(LoginThrottle)
audit = table(AuditEntry)
activity = table(ActivityDay)
erased_people = table(ErasedPeople)
misunderstood = table(Misunderstood)
digests_sent = table(DigestSent)
