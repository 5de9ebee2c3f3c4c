"""All tables. Money is integer cents; times are UTC."""

from bot.db.models.admin import AdminSession, AdminUser, AuditEntry, LoginThrottle
from bot.db.models.broadcasts import (
    Broadcast,
    BroadcastRecipient,
    BroadcastStop,
    BroadcastText,
    WhatsAppTemplate,
)
from bot.db.models.contacts import ChannelIdentity, Contact, HandoverTicket, MessageLog
from bot.db.models.content import (
    ContentConflict,
    ContentDraft,
    ContentHead,
    ContentRelease,
    ContentVersion,
    ShippedContent,
)
from bot.db.models.coops import Coop, Member, Product
from bot.db.models.delivery import Outbox, ProcessedInbound
from bot.db.models.sales import DayTotal, LedgerHead, Sale

__all__ = [
    "AdminSession",
    "AdminUser",
    "AuditEntry",
    "Broadcast",
    "BroadcastRecipient",
    "BroadcastStop",
    "BroadcastText",
    "ChannelIdentity",
    "Contact",
    "ContentConflict",
    "ContentDraft",
    "ContentHead",
    "ContentRelease",
    "ContentVersion",
    "Coop",
    "DayTotal",
    "HandoverTicket",
    "LedgerHead",
    "LoginThrottle",
    "Member",
    "MessageLog",
    "Outbox",
    "ProcessedInbound",
    "Product",
    "Sale",
    "ShippedContent",
    "WhatsAppTemplate",
]
