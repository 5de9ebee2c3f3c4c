"""All tables. Money is integer cents; times are UTC."""

from bot.db.models.admin import AdminSession, AdminUser, AuditEntry, LoginThrottle
from bot.db.models.broadcasts import (
    Broadcast,
    BroadcastRecipient,
    BroadcastStop,
    BroadcastText,
    ReminderNote,
    WhatsAppTemplate,
)
from bot.db.models.contacts import (
    ChannelIdentity,
    Contact,
    HandoverReply,
    HandoverTicket,
    MessageLog,
)
from bot.db.models.content import (
    ContentConflict,
    ContentDraft,
    ContentHead,
    ContentRelease,
    ContentVersion,
    ShippedContent,
)
from bot.db.models.coops import Coop, Member, Product
from bot.db.models.delivery import Outbox, ProcessedInbound, RateLimitState
from bot.db.models.journeys import (
    ChecklistProgress,
    ContactPreferences,
    EligibilityFigure,
    EligibilityResult,
    ModuleProgress,
)
from bot.db.models.reports import (
    ActivityDay,
    DigestSent,
    ErasedAttendance,
    ErasedPeople,
    Misunderstood,
)
from bot.db.models.sales import DayTotal, LedgerHead, Sale
from bot.db.models.schedule import ScheduledJob
from bot.db.models.workshops import Workshop, WorkshopRsvp

__all__ = [
    "ActivityDay",
    "AdminSession",
    "AdminUser",
    "AuditEntry",
    "Broadcast",
    "BroadcastRecipient",
    "BroadcastStop",
    "BroadcastText",
    "ChannelIdentity",
    "ChecklistProgress",
    "Contact",
    "ContactPreferences",
    "ContentConflict",
    "ContentDraft",
    "ContentHead",
    "ContentRelease",
    "ContentVersion",
    "Coop",
    "DayTotal",
    "DigestSent",
    "EligibilityFigure",
    "EligibilityResult",
    "ErasedAttendance",
    "ErasedPeople",
    "HandoverReply",
    "HandoverTicket",
    "LedgerHead",
    "LoginThrottle",
    "Member",
    "MessageLog",
    "Misunderstood",
    "ModuleProgress",
    "Outbox",
    "ProcessedInbound",
    "Product",
    "RateLimitState",
    "ReminderNote",
    "Sale",
    "ScheduledJob",
    "ShippedContent",
    "WhatsAppTemplate",
    "Workshop",
    "WorkshopRsvp",
]
