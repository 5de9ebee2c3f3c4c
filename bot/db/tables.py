"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    AdminUser,
    AuditEntry,
    ChannelIdentity,
    ChecklistProgress,
    Contact,
    ContactPreferences,
    ContentText,
    EligibilityFigure,
    EligibilityResult,
    FlowDefinition,
    HandoverReply,
    HandoverTicket,
    MessageLog,
    ModuleProgress,
    Outbox,
    ProcessedInbound,
    Sale,
    ScheduledJob,
    Workshop,
    WorkshopRsvp,
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
replies = table(HandoverReply)
workshops = table(Workshop)
rsvps = table(WorkshopRsvp)
module_progress = table(ModuleProgress)
eligibility_results = table(EligibilityResult)
eligibility_figures = table(EligibilityFigure)
checklist_progress = table(ChecklistProgress)
preferences = table(ContactPreferences)
jobs = table(ScheduledJob)
