"""All tables. Money is integer cents; times are UTC."""

from bot.db.models.admin import AdminUser, AuditEntry
from bot.db.models.broadcasts import (
    Broadcast,
    BroadcastRecipient,
    BroadcastStop,
    BroadcastText,
    WhatsAppTemplate,
)
from bot.db.models.contacts import ChannelIdentity, Contact, HandoverTicket, MessageLog
from bot.db.models.content import ContentText, FlowDefinition
from bot.db.models.delivery import Outbox, ProcessedInbound
from bot.db.models.sales import Sale

__all__ = [
    "AdminUser",
    "AuditEntry",
    "Broadcast",
    "BroadcastRecipient",
    "BroadcastStop",
    "BroadcastText",
    "ChannelIdentity",
    "Contact",
    "ContentText",
    "FlowDefinition",
    "HandoverTicket",
    "MessageLog",
    "Outbox",
    "ProcessedInbound",
    "Sale",
    "WhatsAppTemplate",
]
