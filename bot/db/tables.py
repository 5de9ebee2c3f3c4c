"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    AdminUser,
    AuditEntry,
    Broadcast,
    BroadcastRecipient,
    BroadcastStop,
    BroadcastText,
    ChannelIdentity,
    Contact,
    ContentText,
    FlowDefinition,
    HandoverTicket,
    MessageLog,
    Outbox,
    ProcessedInbound,
    Sale,
    WhatsAppTemplate,
)

contacts = table(Contact)
identities = table(ChannelIdentity)
messages = table(MessageLog)
outbox = table(Outbox)
processed = table(ProcessedInbound)
tickets = table(HandoverTicket)
sales = table(Sale)
flows = table(FlowDefinition)
texts = table(ContentText)
users = table(AdminUser)
audit = table(AuditEntry)
broadcasts = table(Broadcast)
broadcast_texts = table(BroadcastText)
recipients = table(BroadcastRecipient)
broadcast_stops = table(BroadcastStop)
templates = table(WhatsAppTemplate)
