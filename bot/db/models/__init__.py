"""All tables. Money is integer cents; times are UTC."""

from bot.db.models.admin import AdminUser, AuditEntry
from bot.db.models.contacts import ChannelIdentity, Contact, HandoverTicket, MessageLog
from bot.db.models.content import ContentText, FlowDefinition
from bot.db.models.coops import Coop, Member, Product
from bot.db.models.delivery import Outbox, ProcessedInbound
from bot.db.models.sales import DayTotal, LedgerHead, Sale

__all__ = [
    "AdminUser",
    "AuditEntry",
    "ChannelIdentity",
    "Contact",
    "ContentText",
    "Coop",
    "DayTotal",
    "FlowDefinition",
    "HandoverTicket",
    "LedgerHead",
    "Member",
    "MessageLog",
    "Outbox",
    "ProcessedInbound",
    "Product",
    "Sale",
]
