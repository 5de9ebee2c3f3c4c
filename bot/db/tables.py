"""Each model's Core table, declared once: the hot-path repos write SQL Core against these."""

from __future__ import annotations

from bot.db.base import table
from bot.db.models import (
    ActivityDay,
    AdminSession,
    AdminUser,
    AuditEntry,
    Broadcast,
    BroadcastRecipient,
    BroadcastStop,
    BroadcastText,
    ChannelIdentity,
    ChecklistProgress,
    Contact,
    ContactPreferences,
    ContentConflict,
    ContentDraft,
    ContentHead,
    ContentRelease,
    ContentVersion,
    Coop,
    DayTotal,
    DigestSent,
    EligibilityFigure,
    EligibilityResult,
    ErasedAttendance,
    ErasedPeople,
    HandoverReply,
    HandoverTicket,
    LedgerHead,
    LoginThrottle,
    Member,
    MessageLog,
    Misunderstood,
    ModuleProgress,
    Outbox,
    ProcessedInbound,
    Product,
    RateLimitState,
    ReminderNote,
    Sale,
    ScheduledJob,
    ShippedContent,
    WhatsAppTemplate,
    Workshop,
    WorkshopRsvp,
)

contacts = table(Contact)
identities = table(ChannelIdentity)
messages = table(MessageLog)
outbox = table(Outbox)
processed = table(ProcessedInbound)
rate_limits = table(RateLimitState)
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
replies = table(HandoverReply)
workshops = table(Workshop)
rsvps = table(WorkshopRsvp)
module_progress = table(ModuleProgress)
eligibility_results = table(EligibilityResult)
eligibility_figures = table(EligibilityFigure)
checklist_progress = table(ChecklistProgress)
preferences = table(ContactPreferences)
jobs = table(ScheduledJob)
activity = table(ActivityDay)
erased_people = table(ErasedPeople)
erased_attendance = table(ErasedAttendance)
misunderstood = table(Misunderstood)
digests_sent = table(DigestSent)
broadcasts = table(Broadcast)
broadcast_texts = table(BroadcastText)
recipients = table(BroadcastRecipient)
broadcast_stops = table(BroadcastStop)
templates = table(WhatsAppTemplate)
reminder_notes = table(ReminderNote)
