"""All tables. Money is integer cents; times are UTC."""

from bot.db.models.admin import AdminSession, AdminUser, AuditEntry, LoginThrottle
from bot.db.models.contacts import ChannelIdentity, Contact, HandoverTicket, MessageLog
from bot.db.models.content import (
    ContentConflict,
    ContentDraft,
    ContentHead,
    ContentRelease,
    ContentVersion,
    ShippedContent,
)
from bot.db.models.delivery import Outbox, ProcessedInbound
from bot.db.models.reports import ActivityDay, DigestSent, ErasedPeople, Misunderstood
from bot.db.models.sales import Sale

__all__ = [
    "ActivityDay",
    "AdminSession",
    "AdminUser",
    "AuditEntry",
    "ChannelIdentity",
    "Contact",
    "ContentConflict",
    "ContentDraft",
    "ContentHead",
    "ContentRelease",
    "ContentVersion",
    "DigestSent",
    "ErasedPeople",
    "HandoverTicket",
    "LoginThrottle",
    "MessageLog",
    "Misunderstood",
    "Outbox",
    "ProcessedInbound",
    "Sale",
    "ShippedContent",
]
