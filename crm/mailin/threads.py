"""A thread's replies on a timeline: shown under its first message, where that one is shown."""

from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from crm import timeline
from crm.extensions import db
from crm.mailin.models import LoggedEmail
from crm.meetings.models import Meeting, meeting_contacts, meeting_organizations


@dataclass(frozen=True)
class Threads:
    def hidden(self, entity_type, entity_id, meeting_id):
        """A reply whose thread's first message is live on the same timeline."""
        if entity_type == "organization":
            link = aliased(meeting_organizations)
            linked = link.c.organization_id == entity_id
        else:
            link = aliased(meeting_contacts)
            linked = link.c.contact_id == entity_id
        root = aliased(Meeting)
        return exists(
            select(LoggedEmail.meeting_id)
            .join(link, link.c.meeting_id == LoggedEmail.thread_root_id)
            .join(root, root.id == LoggedEmail.thread_root_id)
            .where(LoggedEmail.meeting_id == meeting_id, linked, root.deleted_at.is_(None))
        )

    def counts(self, ids):
        rows = db.session.execute(
            select(LoggedEmail.thread_root_id, func.count())
            .join(Meeting, Meeting.id == LoggedEmail.meeting_id)
            .where(LoggedEmail.thread_root_id.in_(ids), Meeting.deleted_at.is_(None))
            .group_by(LoggedEmail.thread_root_id)
        )
        return dict(rows.all())


timeline.GROUPINGS.append(Threads())
