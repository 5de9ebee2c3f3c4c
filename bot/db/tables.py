"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    AdminUser,
    AuditEntry,
    ChannelIdentity,
    Contact,
    ContentText,
    Coop,
    DayTotal,
    FlowDefinition,
    HandoverTicket,
    LedgerHead,
    Member,
    MessageLog,
    Outbox,
    ProcessedInbound,
    Product,
    Sale,
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
flows = table(FlowDefinition)
texts = table(ContentText)
users = table(AdminUser)
audit = table(AuditEntry)
