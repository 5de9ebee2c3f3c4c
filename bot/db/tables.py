"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    AdminSession,
    AdminUser,
    AuditEntry,
    Broadcast,
    BroadcastRecipient,
    BroadcastStop,
    BroadcastText,
    ChannelIdentity,
    Contact,
    ContentConflict,
    ContentDraft,
    ContentHead,
    ContentRelease,
    ContentVersion,
    Coop,
    DayTotal,
    HandoverTicket,
    LedgerHead,
    LoginThrottle,
    Member,
    MessageLog,
    Outbox,
    ProcessedInbound,
    Product,
    Sale,
    ShippedContent,
    WhatsAppTemplate,
)

contacts = table(Contact)
identities = table(ChannelIdentity)
messages = table(MessageLog)
outbox = table(Outbox)
processed = table(ProcessedInbound)
tickets = table(HandoverTicket)
sales = table(Sale)
ledger_heads = table(LedgerHead)
sales_day_totals = table(DayTotal)
coops = table(Coop)
products = table(Product)
members = table(Member)
conflicts = table(ContentConflict)
content_head = table(ContentHead)
drafts = table(ContentDraft)
releases = table(ContentRelease)
shipped = table(ShippedContent)
versions = table(ContentVersion)
users = table(AdminUser)
sessions = table(AdminSession)
login_throttle = table(LoginThrottle)
audit = table(AuditEntry)
broadcasts = table(Broadcast)
broadcast_texts = table(BroadcastText)
recipients = table(BroadcastRecipient)
broadcast_stops = table(BroadcastStop)
templates = table(WhatsAppTemplate)
