"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    AdminUser,
    AuditEntry,
    ChannelIdentity,
    Contact,
    ContentText,
    FlowDefinition,
    HandoverTicket,
    MessageLog,
    Outbox,
    ProcessedInbound,
    RateLimitState,
    Sale,
)

contacts = table(Contact)
identities = table(ChannelIdentity)
messages = table(MessageLog)
outbox = table(Outbox)
processed = table(ProcessedInbound)
rate_limits = table(RateLimitState)
tickets = table(HandoverTicket)
sales = table(Sale)
flows = table(FlowDefinition)
texts = table(ContentText)
users = table(AdminUser)
audit = table(AuditEntry)
