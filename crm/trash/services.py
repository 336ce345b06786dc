"""The trash: deleting hides a record everywhere until a manager restores it (DATA-4)."""

from sqlalchemy import select

from crm.actions.models import Action
from crm.audit.services import record
from crm.clock import now_utc
from crm.contacts.models import Contact
from crm.events.models import Event
from crm.extensions import db
from crm.guide.models import GuidePage
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.organizations.services import refresh_last_contact
from crm.programme.models import Agreement, SuccessStory
from crm.visits.models import Visit

KINDS = {
    "organization": Organization,
    "contact": Contact,
    "meeting": Meeting,
    "action": Action,
    "visit": Visit,
    "event": Event,
    "agreement": Agreement,
    "story": SuccessStory,
    "guide_page": GuidePage,
}
# Matches are closed with a reason rather than deleted: their history is the programme's record.
ENTITY_TYPES = {model: name for name, model in KINDS.items()}


class RestoreRefused(Exception):
    """The record cannot come back on its own (its organization is still in the trash)."""


def _dependents(organization, deleted_at):
    """An organization's contacts and actions that share its fate in the trash."""
    for model in (Contact, Action):
        yield from db.session.scalars(
            select(model).where(
                model.organization_id == organization.id,
                model.deleted_at.is_(None)
                if deleted_at is None
                else model.deleted_at == deleted_at,
            )
        )


def move_to_trash(item, *, actor):
    """Delete softly. An organization takes its live contacts and actions along, at once."""
    instant = now_utc()
    if isinstance(item, Organization):
        for dependent in list(_dependents(item, None)):
            _trash(dependent, instant, actor)
    _trash(item, instant, actor)
    if isinstance(item, Meeting):
        db.session.flush()
        refresh_last_contact([org.id for org in _organizations_of(item)])


def restore(item, *, actor):
    organization = getattr(item, "organization_id", None)
    if organization and db.session.get(Organization, organization).is_deleted:
        raise RestoreRefused
    if isinstance(item, Organization):
        for dependent in list(_dependents(item, item.deleted_at)):
            _restore(dependent, actor)
    _restore(item, actor)
    if isinstance(item, Meeting):
        db.session.flush()
        refresh_last_contact([org.id for org in _organizations_of(item)])


def purge(item, *, actor):
    """Delete for good (admins only); the history keeps the fact."""
    record(
        "purge", ENTITY_TYPES[type(item)], item.id, actor=actor, changes={"name": [str(item), None]}
    )
    db.session.delete(item)


def _trash(item, instant, actor):
    item.deleted_at = instant
    item.deleted_by_id = actor.id
    record("delete", ENTITY_TYPES[type(item)], item.id, actor=actor)


def _restore(item, actor):
    item.deleted_at = None
    item.deleted_by_id = None
    record("restore", ENTITY_TYPES[type(item)], item.id, actor=actor)


def _organizations_of(meeting):
    from crm.meetings.models import meeting_organizations

    return db.session.scalars(
        select(Organization)
        .join(meeting_organizations, meeting_organizations.c.organization_id == Organization.id)
        .where(meeting_organizations.c.meeting_id == meeting.id)
    ).all()
