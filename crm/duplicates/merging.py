"""Merging two records into one: everything that points at the merged record moves to the
survivor, in the caller's transaction; the merged record goes to the trash.

Collisions are resolved rather than left to crash on a unique constraint: a meeting linked to
both keeps one link, a link or B2B request between the two merged records disappears, a match
that would pair an organization with itself or repeat an existing pair is closed, and there
stays one permanent point of contact per organization. The history is append-only: a "merge"
row on each record says what happened; the survivor's timeline reads the merged record's
history through them (``crm.timeline.merged_ids``). The merged record's ``merged_into_id``
names the survivor for the trash (crm.records.Mergeable).
"""

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import aliased

from crm.actions.models import Action
from crm.audit.services import record
from crm.clock import now_utc
from crm.contacts import services as contacts
from crm.contacts.models import Contact
from crm.events.models import B2BMeeting, MeetingRequest, Participant
from crm.extensions import db
from crm.kinds import EXTRA_REFERENCES, kinds
from crm.matching.models import Decline, Match, Stage
from crm.matching.services import move
from crm.meetings import services as meetings
from crm.meetings.models import Meeting, meeting_contacts, meeting_organizations
from crm.organizations import services as organizations
from crm.organizations.models import OrganizationLink, organization_sectors
from crm.programme.models import SuccessStory, agreement_parties, story_organizations
from crm.trash.services import move_to_trash
from crm.visits.models import visit_contacts

# The columns referring to an organization or a contact where a merge has a collision to
# resolve (a pair that would repeat, a match with itself, one point of contact): moved by hand
# below. Every other such column of a record kind's table (an action's organization, a visit's
# lead, a file's record) is repointed as it is, found in the schema (``plain_references``); a
# test fails when a reference is in neither.
HANDLED = {
    "organizations": {
        "meeting_organizations.organization_id",
        "organization_sectors.organization_id",
        "agreement_parties.organization_id",
        "success_story_organizations.organization_id",
        "organization_links.from_id",
        "organization_links.to_id",
        "matches.basque_id",
        "matches.mie_id",
        "match_declines.basque_id",
        "match_declines.mie_id",
        "b2b_participants.organization_id",
    },
    "contacts": {"meeting_contacts.contact_id", "visit_contacts.contact_id"},
}
LINEAGE = "merged_into_id"  # names the record a merged one went into: stays, like the history


def plain_references(table_name):
    """(kind, column) of every column of a record kind's table that refers to ``table_name``
    and is not in HANDLED."""
    columns = [(kind, column) for kind in kinds() for column in kind.model.__table__.c]
    columns += [(None, column) for column in EXTRA_REFERENCES]
    return [
        (kind, column)
        for kind, column in columns
        if column.name != LINEAGE
        and f"{column.table.name}.{column.name}" not in HANDLED[table_name]
        and any(key.column.table.name == table_name for key in column.foreign_keys)
    ]


def _repoint_plain(table_name, old, new, moved):
    for kind, column in plain_references(table_name):
        name = kind.name if kind else column.table.name
        moved[name] = moved.get(name, 0) + _repoint(column, old, new)


def merge_organizations(survivor, merged, values, *, actor):
    """Merge ``merged`` into ``survivor``; ``values`` are the survivor's fields after the merge."""
    old, new = merged.id, survivor.id
    taken = _taken(survivor, merged, values)
    organizations.update_organization(survivor, values, actor=actor)
    moved = {}
    _one_point_of_contact(old, new)
    _repoint_plain("organizations", old, new, moved)
    moved["meetings"] = _move_pairs(meeting_organizations.c.organization_id, old, new)
    _move_pairs(organization_sectors.c.organization_id, old, new)
    moved["agreements"] = _move_pairs(agreement_parties.c.organization_id, old, new)
    moved["stories"] = _move_pairs(story_organizations.c.organization_id, old, new)
    moved["links"] = _move_pairs(
        OrganizationLink.from_id, old, new, OrganizationLink.to_id, OrganizationLink.kind
    ) + _move_pairs(
        OrganizationLink.to_id, old, new, OrganizationLink.from_id, OrganizationLink.kind
    )
    moved["matches"] = _move_matches(old, new, actor)
    _move_pairs(Decline.basque_id, old, new, Decline.mie_id)
    _move_pairs(Decline.mie_id, old, new, Decline.basque_id)
    moved["participants"] = _move_participants(old, new)
    db.session.flush()
    meetings.refresh_last_contact([new])
    _finish("organization", survivor, merged, taken, moved, actor)


def merge_contacts(survivor, merged, values, *, actor):
    """Merge contact ``merged`` into ``survivor``; ``values`` are the survivor's fields after."""
    old, new = merged.id, survivor.id
    taken = _taken(survivor, merged, values)
    # Becoming the permanent point of contact makes the previous one (maybe ``merged``) step
    # down; the merged record is nobody's point of contact any more, even if restored.
    contacts.update_contact(survivor, values, actor=actor)
    merged.is_primary = False
    moved = {
        "meetings": _move_pairs(meeting_contacts.c.contact_id, old, new),
        "visits": _move_pairs(visit_contacts.c.contact_id, old, new),
    }
    _repoint_plain("contacts", old, new, moved)
    _finish("contact", survivor, merged, taken, moved, actor)


def _taken(survivor, merged, values):
    """The names of the chosen ``values`` that come from the merged record."""
    return sorted(
        name
        for name, value in values.items()
        if value != getattr(survivor, name) and value == getattr(merged, name)
    )


def _finish(entity_type, survivor, merged, taken, moved, actor):
    merged.merged_into_id = survivor.id
    move_to_trash(merged, actor=actor)
    record(
        "merge",
        entity_type,
        survivor.id,
        actor=actor,
        changes={
            "merged_id": merged.id,
            "merged_name": str(merged),
            "fields_taken": taken,
            "moved": {name: count for name, count in moved.items() if count},
        },
    )
    record(
        "merge",
        entity_type,
        merged.id,
        actor=actor,
        changes={"merged_into": survivor.id, "into_name": str(survivor)},
    )
    db.session.flush()


def _repoint(column, old, new):
    """Point ``column`` at ``new`` wherever it points at ``old``; the number of rows moved.

    A versioned record that moves gets a new version, so an edit form opened before the merge
    cannot put the old reference back (DATA-1).
    """
    column = column.expression
    table = column.table
    values = {column.name: new}
    if "version" in table.c:
        values["version"] = table.c.version + 1
    return db.session.execute(update(table).where(column == old).values(values)).rowcount


def _move_pairs(column, old, new, other=None, *same):
    """Re-point a pair table's ``column`` from ``old`` to ``new``, keeping the pairs unique.

    ``other`` is the pair's other end (by default the other key column of an association
    table); ``same`` are columns that must also match for two rows to be the same pair. A row
    the survivor already has is dropped, and so is a pair of the two merged records when
    ``other`` refers to the same kind of record.
    """
    table = column.expression.table
    column = table.c[column.name]
    if other is None:
        [other] = [c for c in table.primary_key.columns if c is not column]
    other = table.c[other.name]
    same = [table.c[c.name] for c in same]
    if _targets(other) == _targets(column):
        db.session.execute(delete(table).where(column == old, other == new))
    twin = table.alias()
    duplicate = exists().where(
        twin.c[column.name] == new,
        twin.c[other.name] == other,
        *(twin.c[c.name] == c for c in same),
    )
    db.session.execute(delete(table).where(column == old, duplicate))
    moved = db.session.execute(update(table).where(column == old).values({column.name: new}))
    return moved.rowcount


def _targets(column):
    return {key.column.table.name for key in column.foreign_keys}


def _one_point_of_contact(old, new):
    """The survivor keeps its permanent point of contact; the merged one's steps down."""
    theirs = aliased(Contact)
    survivor_has_one = exists().where(
        theirs.organization_id == new, theirs.is_primary, theirs.deleted_at.is_(None)
    )
    db.session.execute(
        update(Contact)
        .where(Contact.organization_id == old, Contact.is_primary, survivor_has_one)
        .values(is_primary=False, version=Contact.version + 1)
        .execution_options(synchronize_session="fetch")
    )


def _move_matches(old, new, actor):
    """Matches follow the organization, unless the pair would be itself or repeat a match."""
    moved = 0
    for match in db.session.scalars(
        select(Match).where(or_(Match.basque_id == old, Match.mie_id == old)).order_by(Match.id)
    ).all():
        basque = new if match.basque_id == old else match.basque_id
        mie = new if match.mie_id == old else match.mie_id
        twin = db.session.scalar(
            select(Match).where(Match.basque_id == basque, Match.mie_id == mie)
        )
        if basque == mie or twin is not None:
            _retire_match(match, twin, actor)
            continue
        match.basque_id, match.mie_id = basque, mie
        moved += 1
    return moved


def _retire_match(match, twin, actor):
    """Close a match the merge made pointless; what hung on it goes to its twin, if any."""
    if twin is not None:
        for column in (
            Meeting.match_id,
            Action.match_id,
            SuccessStory.match_id,
            B2BMeeting.match_id,
        ):
            _repoint(column, match.id, twin.id)
    reason = (
        f"Merged into match #{twin.id}" if twin is not None else "Both sides are one organization"
    )
    if match.stage is not Stage.CLOSED:
        move(match, Stage.CLOSED, actor=actor, reason=reason)
    match.deleted_at, match.deleted_by_id = now_utc(), actor.id
    record("delete", match, actor=actor, changes={"reason": [None, reason]})


def _move_participants(old, new):
    """B2B participations follow the organization; where both took part, they become one."""
    kept = aliased(Participant)
    both = db.session.execute(
        select(Participant, kept.id)
        .join(kept, (kept.event_id == Participant.event_id) & (kept.organization_id == new))
        .where(Participant.organization_id == old)
    ).all()
    for gone, kept_id in both:
        _move_pairs(MeetingRequest.requester_id, gone.id, kept_id, MeetingRequest.requested_id)
        _move_pairs(MeetingRequest.requested_id, gone.id, kept_id, MeetingRequest.requester_id)
        kept_row = db.session.get(Participant, kept_id)
        kept_row.offers = kept_row.offers or gone.offers
        kept_row.seeks = kept_row.seeks or gone.seeks
        db.session.delete(gone)
    db.session.flush()
    return len(both) + _repoint(Participant.organization_id, old, new)
