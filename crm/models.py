"""Every model module, imported so that the metadata (and Alembic) knows every table."""

from crm.accounts.models import User
from crm.actions.models import Action
from crm.attachments.models import Attachment
from crm.audit.models import AuditEvent
from crm.contacts.models import Contact
from crm.events.models import B2BMeeting, Event, MeetingRequest, Participant
from crm.guide.models import GuidePage
from crm.imports.models import ImportChange, ImportRun
from crm.matching.models import Decline, Match, StageChange
from crm.meetings.models import Meeting
from crm.organizations.models import Organization, OrganizationLink, Sector
from crm.programme.models import Agreement, SuccessStory
from crm.reminders.models import OutboxMessage, SchedulerHeartbeat
from crm.visits.models import Visit, VisitStop

__all__ = [
    "Action",
    "Agreement",
    "Attachment",
    "AuditEvent",
    "B2BMeeting",
    "Contact",
    "Decline",
    "Event",
    "GuidePage",
    "ImportChange",
    "ImportRun",
    "Match",
    "Meeting",
    "MeetingRequest",
    "Organization",
    "OrganizationLink",
    "OutboxMessage",
    "Participant",
    "SchedulerHeartbeat",
    "Sector",
    "StageChange",
    "SuccessStory",
    "User",
    "Visit",
    "VisitStop",
]
