"""All tables. Money is integer cents; times are UTC."""

from bot.db.models.admin import AdminUser, AuditEntry
from bot.db.models.contacts import (
    ChannelIdentity,
    Contact,
    HandoverReply,
    HandoverTicket,
    MessageLog,
)
from bot.db.models.content import ContentText, FlowDefinition
from bot.db.models.delivery import Outbox, ProcessedInbound
from bot.db.models.journeys import (
    ChecklistProgress,
    ContactPreferences,
    EligibilityFigure,
    EligibilityResult,
    ModuleProgress,
)
from bot.db.models.sales import Sale
from bot.db.models.schedule import ScheduledJob
from bot.db.models.workshops import Workshop, WorkshopRsvp

__all__ = [
    "AdminUser",
    "AuditEntry",
    "ChannelIdentity",
    "ChecklistProgress",
    "Contact",
    "ContactPreferences",
    "ContentText",
    "EligibilityFigure",
    "EligibilityResult",
    "FlowDefinition",
    "HandoverReply",
    "HandoverTicket",
    "MessageLog",
    "ModuleProgress",
    "Outbox",
    "ProcessedInbound",
    "Sale",
    "ScheduledJob",
    "Workshop",
    "WorkshopRsvp",
]
