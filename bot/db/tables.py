"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    AdminSession,
    AdminUser,
    AuditEntry,
    ChannelIdentity,
    ChecklistProgress,
    Contact,
    ContactPreferences,
    ContentConflict,
    ContentDraft,
    ContentHead,
    ContentRelease,
    ContentVersion,
    EligibilityFigure,
    EligibilityResult,
    HandoverReply,
    HandoverTicket,
    LoginThrottle,
    MessageLog,
    ModuleProgress,
    Outbox,
    ProcessedInbound,
    Sale,
    ScheduledJob,
    ShippedContent,
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
content_head = table(ContentHead)
releases = table(ContentRelease)
versions = table(ContentVersion)
drafts = table(ContentDraft)
shipped = table(ShippedContent)
conflicts = table(ContentConflict)
users = table(AdminUser)
sessions = table(AdminSession)
login_throttle = table(LoginThrottle)
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
