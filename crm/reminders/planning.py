"""Deciding which reminders are due: facts in the database, not jobs in a scheduler.

A pass at instant ``now`` looks at each person's local date and time. A reminder is due once
their local time has reached their reminder time on one of their days, and it is keyed by
their local date (or week, or the fact it reports): a pass after downtime sends today's digest
once, not one per missed day, and DST nights neither skip nor double it. Each decision is an
outbox row under a unique key, inserted in the transaction that made it (SCH-2, SCH-4, SCH-5).
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime, and_, exists, func, literal, or_, select, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.database import insert_for
from crm.extensions import db
from crm.meetings.models import Meeting, meeting_attendees, meeting_organizations
from crm.organizations.models import Organization
from crm.reminders.headers import message_id  # fixed when the row is written (MAIL-4)
from crm.reminders.models import Delivery, Kind, OutboxMessage

LOOKAHEAD_DAYS = 7
VISIT_DAYS = 3  # a visit the reader travels on shows in the digest from 3 days before
MONDAY = 1


def morning_reached(local, minute, weekdays):
    """Pure: has the person's reminder time come, on a day they chose?"""
    return local.isoweekday() in weekdays and local.hour * 60 + local.minute >= minute


def due_digests(now, users):
    """Pure: ``(user, local date)`` of each digest due at ``now``, before deduplication."""
    due = []
    for user in users:
        local = now.astimezone(ZoneInfo(user.timezone))
        if user.digest_enabled and morning_reached(local, user.digest_minute, user.digest_weekdays):
            due.append((user, local.date()))
    return due


def enqueue(rows, now):
    """Insert outbox rows; a row whose key exists is skipped (INSERT ... ON CONFLICT DO NOTHING)."""
    if not rows:
        return 0
    for row in rows:
        row.setdefault("status", Delivery.PENDING.value)
        row.setdefault("payload", {})
        row.update(message_id=message_id(row["dedupe_key"]), next_attempt_at=now, created_at=now)
    table = OutboxMessage.__table__
    statement = (
        insert_for(db.session, table)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(table.c.id)
    )
    return len(db.session.execute(statement, rows).all())  # only the rows really inserted


def new_keys(candidates, kind, since):
    """The candidate keys that no outbox row holds yet.

    One query, whatever the number of candidates: rows of ``kind`` (None: any) written since
    ``since`` (the oldest moment a row for any of these candidates could have been written).
    """
    if not candidates:
        return []
    recent = select(OutboxMessage.dedupe_key).where(OutboxMessage.created_at >= since)
    if kind is not None:
        recent = recent.where(OutboxMessage.kind == kind)
    found = set(db.session.scalars(recent))
    return [key for key in candidates if key not in found]


def plan(now):
    """Write every reminder due at ``now`` to the outbox; return how many rows were added."""
    users = db.session.scalars(select(User).where(User.active)).all()
    return (
        plan_digests(now, users)
        + plan_nudges(now, users)
        + plan_summaries(now, users)
        + plan_programme(now, users)
    )


def plan_digests(now, users):
    candidates = {
        f"digest:{user.id}:{day.isoformat()}": (user, day) for user, day in due_digests(now, users)
    }
    # A digest for a local date is written within two days of that date's start in UTC.
    recent = now - timedelta(days=2)
    wanted = {key: candidates[key] for key in new_keys(candidates, Kind.DIGEST, recent)}
    if not wanted:
        return 0
    contents = digest_contents(now, list(wanted.values()))
    rows = []
    for key, (user, day) in wanted.items():
        content = contents[user.id]
        rows.append(
            {
                "dedupe_key": key,
                "kind": Kind.DIGEST.value,
                "recipient_id": user.id,
                "payload": {"date": day.isoformat(), **content},
                # Deciding that there is nothing to say is a decision too: no email, once.
                "status": (Delivery.PENDING if any(content.values()) else Delivery.SKIPPED).value,
            }
        )
    return enqueue(rows, now)


def digest_contents(now, due):
    """What each digest holds, for every recipient at once, in a fixed number of queries."""
    users = {user.id: (user, day) for user, day in due}
    ids = list(users)
    contents = {uid: {"actions": [], "meetings": [], "visits": [], "quiet": []} for uid in ids}
    horizon = max(day for _, day in due) + timedelta(days=LOOKAHEAD_DAYS)
    for owner_id, action_id, due_date in db.session.execute(
        select(Action.owner_id, Action.id, Action.due_date)
        .where(
            Action.owner_id.in_(ids),
            Action.status == Status.OPEN,
            Action.deleted_at.is_(None),
            Action.due_date <= horizon,
        )
        .order_by(Action.due_date, Action.id)
    ):
        if due_date <= users[owner_id][1] + timedelta(days=LOOKAHEAD_DAYS):
            contents[owner_id]["actions"].append(action_id)
    for user_id, meeting_id, starts_at in db.session.execute(readers_meetings(now, ids)):
        user, day = users[user_id]
        local_day = starts_at.astimezone(ZoneInfo(user.timezone)).date()
        if local_day in (day, day + timedelta(days=1)):
            contents[user_id]["meetings"].append(meeting_id)
    for user_id, visit_id, start, end in db.session.execute(travellers_visits(ids, horizon)):
        day = users[user_id][1]
        if start <= day + timedelta(days=VISIT_DAYS) and end >= day:
            contents[user_id]["visits"].append(visit_id)
    for owner_id, quiet in quiet_by_owner(now, ids).items():
        contents[owner_id].update(quiet)
    return contents


def readers_meetings(now, ids):
    """(user, meeting, start) of the meetings around ``now`` each user logged or attends."""
    people = union(
        select(meeting_attendees.c.user_id, meeting_attendees.c.meeting_id).where(
            meeting_attendees.c.user_id.in_(ids)
        ),
        select(Meeting.owner_id, Meeting.id).where(Meeting.owner_id.in_(ids)),
    ).subquery()
    return (
        select(people.c.user_id, Meeting.id, Meeting.starts_at)
        .join(Meeting, Meeting.id == people.c.meeting_id)
        .where(
            Meeting.deleted_at.is_(None),
            Meeting.starts_at.between(now - timedelta(days=2), now + timedelta(days=3)),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )


def travellers_visits(ids, horizon):
    from crm.visits.models import Visit, visit_users

    return (
        select(visit_users.c.user_id, Visit.id, Visit.start_date, Visit.end_date)
        .join(Visit, Visit.id == visit_users.c.visit_id)
        .where(
            visit_users.c.user_id.in_(ids),
            Visit.deleted_at.is_(None),
            Visit.start_date <= horizon,
            Visit.end_date >= horizon - timedelta(days=LOOKAHEAD_DAYS + 2),
        )
        .order_by(Visit.start_date, Visit.id)
    )


# Quiet relationships: the one rule, used by the digest, the nudge, the summary and the lists.


class plus_days(FunctionElement):
    """``instant + days`` (a column of days) in SQL, on SQLite and PostgreSQL."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(plus_days)
def _plus_days(element, compiler, **kw):
    instant, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"datetime({instant}, '+' || {days} || ' days')"


@compiles(plus_days, "postgresql")
def _plus_days_pg(element, compiler, **kw):
    instant, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"({instant} + make_interval(days => {days}))"


def contact_due():
    """When a relationship goes quiet: its cadence after the last contact or, never contacted,
    after the organization was added to Zubia."""
    return func.coalesce(
        Organization.contact_due_at, plus_days(Organization.created_at, Organization.cadence_days)
    )


def quiet_clauses(now):
    """WHERE clauses of the live organizations that went quiet at ``now``.

    Quiet: past its cadence since the last contact (or, never contacted, since it was added),
    with no meeting planned with it and no open action on it that is not overdue yet (an
    action's due date is a local day: not overdue while it is today or later anywhere, UTC).
    """
    # The organizations of the meetings still to come, found from the few future meetings
    # (an index on live meetings by start) rather than by reading every quiet candidate's
    # whole history of meetings: 320 → 80 ms for 20,000 organizations and 500,000 meetings.
    planned = (
        select(meeting_organizations.c.organization_id)
        .join(Meeting, Meeting.id == meeting_organizations.c.meeting_id)
        .where(Meeting.deleted_at.is_(None), Meeting.starts_at > now)
    )
    waiting = exists().where(
        Action.organization_id == Organization.id,
        Action.deleted_at.is_(None),
        Action.status == Status.OPEN,
        Action.due_date >= now.date(),
    )
    return (
        Organization.deleted_at.is_(None),
        or_(
            Organization.contact_due_at < now,
            and_(
                Organization.contact_due_at.is_(None),
                plus_days(Organization.created_at, Organization.cadence_days) < now,
            ),
        ),
        Organization.id.not_in(planned),
        ~waiting,
    )


def quiet_cap():
    return current_app.config["DIGEST_QUIET_CAP"]


def quiet_by_owner(now, owner_ids):
    """{owner: {"quiet": the first ids (the cap), "quiet_total": how many}}, in one query."""
    if not owner_ids:
        return {}
    order = (contact_due(), Organization.id)
    ranked = (
        select(
            Organization.owner_id,
            Organization.id,
            func.row_number().over(partition_by=Organization.owner_id, order_by=order).label("n"),
            func.count().over(partition_by=Organization.owner_id).label("total"),
        )
        .where(Organization.owner_id.in_(owner_ids), *quiet_clauses(now))
        .subquery()
    )
    found = {}
    for owner_id, org_id, total in db.session.execute(
        select(ranked.c.owner_id, ranked.c.id, ranked.c.total)
        .where(ranked.c.n <= quiet_cap())
        .order_by(ranked.c.owner_id, ranked.c.n)
    ):
        entry = found.setdefault(owner_id, {"quiet": [], "quiet_total": total})
        entry["quiet"].append(org_id)
    return found


def in_morning(now, users, weekdays=None):
    for user in users:
        local = now.astimezone(ZoneInfo(user.timezone))
        if morning_reached(local, user.digest_minute, weekdays or user.digest_weekdays):
            yield user, local


def plan_nudges(now, users):
    """For people who turned the digest off and want nudges: one email a day listing all their
    quiet relationships (the digest lists them for everyone else)."""
    candidates = {
        f"nudge:{user.id}:{local.date().isoformat()}": (user, local.date())
        for user, local in in_morning(now, users)
        if user.nudges_enabled and not user.digest_enabled
    }
    wanted = new_keys(candidates, Kind.NUDGE, now - timedelta(days=2))
    if not wanted:
        return 0
    quiet = quiet_by_owner(now, [candidates[key][0].id for key in wanted])
    rows = []
    for key in wanted:
        user, day = candidates[key]
        found = quiet.get(user.id)
        rows.append(
            {
                "dedupe_key": key,
                "kind": Kind.NUDGE.value,
                "recipient_id": user.id,
                "payload": {"date": day.isoformat(), **(found or {})},
                "status": (Delivery.PENDING if found else Delivery.SKIPPED).value,
            }
        )
    return enqueue(rows, now)


def plan_summaries(now, users):
    """The managers' weekly summary, on Monday at their reminder time, once per ISO week."""
    managers = [(u, local) for u, local in in_morning(now, users, {MONDAY}) if u.is_manager]
    candidates = {}
    for user, local in managers:
        year, week, _ = local.isocalendar()
        candidates[f"summary:{user.id}:{year}-W{week:02d}"] = user
    rows = [
        {
            "dedupe_key": key,
            "kind": Kind.MANAGER_SUMMARY.value,
            "recipient_id": candidates[key].id,
            "payload": {"week": key.rsplit(":", 1)[-1]},
        }
        for key in new_keys(candidates, Kind.MANAGER_SUMMARY, now - timedelta(days=8))
    ]
    return enqueue(rows, now)


# Visits and B2B events: a reminder 7 days and 1 day before, at each participant's morning.
# A pass that missed the exact day still sends it later in the window: never lost, once.
WINDOWS = (("d7", 7, 2), ("d1", 1, 1))  # (name, from days before, to days before)


def programme_participants():
    """(kind, record id, start date, user id) of upcoming visits and events, in two queries."""
    from crm.events.models import Event, Participant
    from crm.visits.models import Visit, visit_users

    visits = (
        select(literal(Kind.VISIT.value), Visit.id, Visit.start_date, visit_users.c.user_id)
        .join(visit_users, visit_users.c.visit_id == Visit.id)
        .where(Visit.deleted_at.is_(None))
    )
    owners = (
        select(literal(Kind.EVENT.value), Event.id, Event.start_date, Organization.owner_id)
        .join(Participant, Participant.event_id == Event.id)
        .join(Organization, Organization.id == Participant.organization_id)
        .where(Event.deleted_at.is_(None), Organization.owner_id.is_not(None))
    )
    organizers = select(
        literal(Kind.EVENT.value), Event.id, Event.start_date, Event.owner_id
    ).where(Event.deleted_at.is_(None), Event.owner_id.is_not(None))
    return db.session.execute(union(visits, owners, organizers)).all()


def plan_programme(now, users):
    mornings = dict(((user.id, local) for user, local in in_morning(now, users, set(range(1, 8)))))
    candidates = {}
    for kind, record_id, start, user_id in programme_participants():
        local = mornings.get(user_id)
        if local is None:
            continue
        days_before = (start - local.date()).days
        for name, first, last in WINDOWS:
            if last <= days_before <= first:
                key = f"{kind}:{record_id}:{user_id}:{name}"
                candidates[key] = {"recipient_id": user_id, "kind": kind, "id": record_id}
    rows = [
        {
            "dedupe_key": key,
            "kind": candidates[key]["kind"],
            "recipient_id": candidates[key]["recipient_id"],
            "payload": {"record": candidates[key]["id"]},
        }
        for key in new_keys(candidates, None, now - timedelta(days=8))
    ]
    return enqueue(rows, now)
