"""The pipeline's figures, each read in a fixed number of queries whatever the data's size.

Counts and medians are computed by the database (GROUP BY, window functions); Python only
arranges the few rows that come back. Every function takes the page's ``Filters``.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.actions.filters import BUCKETS, bucket_clauses, due_conditions
from crm.actions.models import Action, Status
from crm.extensions import db
from crm.matching.models import PIPELINE, Match, Stage
from crm.meetings.models import Meeting, meeting_organizations
from crm.organizations.models import Organization
from crm.reminders import planning

QUIET_SHOWN = 25
MIN_WEEKS = 8
UNMATCHED = "unmatched"  # the stage row of organizations that are in no match yet


@dataclass
class Spread:
    """One group of a ``spread``: its rows, those with a value, the oldest and the median."""

    count: int
    dated: int
    oldest: datetime | None
    median: datetime | None


def spread(statement):
    """{key: Spread} for a select of ``key`` and ``value`` (a datetime or NULL) columns.

    One pass of window functions numbers each group's values, oldest first and NULLs last;
    only the first row and the one or two middle rows of the dated ones come back.
    """
    rows = statement.subquery()
    group = {"partition_by": rows.c.key}
    ranked = select(
        rows.c.key,
        rows.c.value,
        func.row_number().over(**group, order_by=(rows.c.value.is_(None), rows.c.value)).label("n"),
        func.count().over(**group).label("size"),
        func.count(rows.c.value).over(**group).label("dated"),
    ).subquery()
    c = ranked.c
    picked = select(c.key, c.value, c.n, c.size, c.dated).where(
        or_(c.n == 1, c.n == (c.dated + 1) // 2, c.n == (c.dated + 2) // 2)
    )
    found = {}
    for key, value, n, size, dated in db.session.execute(picked):
        group_ = found.setdefault(key, {"size": size, "dated": dated, "oldest": None, "middle": []})
        if n == 1 and dated:
            group_["oldest"] = value
        if dated and n in ((dated + 1) // 2, (dated + 2) // 2):
            group_["middle"].append(value)
    return {
        key: Spread(g["size"], g["dated"], g["oldest"], midpoint(g["middle"]))
        for key, g in found.items()
    }


def midpoint(values):
    if not values:
        return None
    low, high = min(values), max(values)
    return low + (high - low) / 2


def days_since(instant, now):
    return None if instant is None else max((now - instant).days, 0)


def users_named(ids):
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


# Workload: open actions by owner and bucket, and those done in the period.


@dataclass
class Load:
    owner_id: int
    name: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))


def workload(filters, today):
    """One ``Load`` per person with open or recently done actions, most overdue first."""
    scope = (Action.deleted_at.is_(None), *filters.owned(Action.owner_id))
    bucket = case(*((due, key) for key, due in due_conditions(today).items())).label("bucket")
    # Open actions are a quarter of all: reading a sector's through the organization index is
    # faster here than testing each one (Filters.about_each).
    rows = db.session.execute(
        select(Action.owner_id, bucket, func.count())
        .where(Action.status == Status.OPEN, *scope, *filters.about(Action.organization_id))
        .group_by(Action.owner_id, bucket)
    ).all()
    # Done in the period: read by completion date, each tested against the region and sector.
    done = db.session.execute(
        select(Action.owner_id, literal("done"), func.count())
        .where(*bucket_clauses("done", today, filters.since), *scope)
        .where(*filters.about_each(Action.organization_id))
        .group_by(Action.owner_id)
    ).all()
    names = users_named({owner for owner, _, _ in rows + done})
    loads = {}
    for owner, key, count in rows + done:
        loads.setdefault(owner, Load(owner, names.get(owner, "?"))).counts[key] = count
    return sorted(loads.values(), key=lambda load: (-load.counts["overdue"], load.name))


def totals(loads):
    return {key: sum(load.counts[key] for load in loads) for key in BUCKETS}


# Stages: matches, and organizations by the furthest stage of their matches.


@dataclass
class StageRow:
    """Matches in a stage, and organizations whose furthest match is in it: how many, and
    the median and longest days they have spent in it."""

    stage: Stage | str
    matches: int = 0
    median_days: int | None = None
    longest_days: int | None = None
    organizations: int = 0
    org_median_days: int | None = None
    org_longest_days: int | None = None


def stages(filters, now):
    """A row per stage (and one for organizations in no match) with the time spent in it."""
    match_scope = (
        Match.deleted_at.is_(None),
        *filters.about(Match.basque_id, Match.mie_id),
        *filters.owned(Match.owner_id),
    )
    matches = spread(
        select(Match.stage.label("key"), Match.stage_since.label("value")).where(*match_scope)
    )
    rows = {stage: StageRow(stage) for stage in [*PIPELINE, Stage.CLOSED]}
    rows[UNMATCHED] = StageRow(UNMATCHED)
    for stage, found in matches.items():
        row = rows[stage]
        row.matches, row.longest_days = found.count, days_since(found.oldest, now)
        row.median_days = days_since(found.median, now)
    for rank, found in spread(organization_stages(filters)).items():
        row = rows[STAGE_OF_RANK[rank]]
        row.organizations, row.org_longest_days = found.count, days_since(found.oldest, now)
        row.org_median_days = days_since(found.median, now)
    unmatched, oldest = unmatched_organizations(filters)
    rows[UNMATCHED].organizations = unmatched
    rows[UNMATCHED].org_longest_days = days_since(oldest, now)
    return list(rows.values())


# An organization's rank: 0 when all its matches are closed, 1 to 6 along the way.
STAGE_OF_RANK = {0: Stage.CLOSED} | {n + 1: s for n, s in enumerate(PIPELINE)}


def organization_stages(filters):
    """The live organizations in the filters that are in a match: (rank of their furthest
    stage, since when).

    An organization's stage is the furthest one its live matches reached, since the day the
    earliest of them reached it; closed counts only when every match of it is closed.
    """
    sides = match_sides()
    rank = case(*((sides.c.stage == stage, n + 1) for n, stage in enumerate(PIPELINE)), else_=0)
    ranked = select(
        sides.c.org,
        rank.label("rank"),
        sides.c.since,
        func.row_number()
        .over(partition_by=sides.c.org, order_by=(rank.desc(), sides.c.since))
        .label("n"),
    ).subquery()
    return (
        select(ranked.c.rank.label("key"), ranked.c.since.label("value"))
        .join(Organization, Organization.id == ranked.c.org)
        .where(ranked.c.n == 1, *organization_scope(filters))
    )


def unmatched_organizations(filters):
    """How many live organizations in the filters are in no match, and the oldest's creation."""
    return db.session.execute(
        select(func.count(), func.min(Organization.created_at)).where(
            *organization_scope(filters), Organization.id.not_in(select(match_sides().c.org))
        )
    ).one()


def match_sides():
    """Each live match twice, once per organization: (org, stage, since)."""
    live = Match.deleted_at.is_(None)
    return union_all(
        *(
            select(
                side.label("org"), Match.stage.label("stage"), Match.stage_since.label("since")
            ).where(live)
            for side in (Match.basque_id, Match.mie_id)
        )
    ).subquery()


def organization_scope(filters):
    """WHERE clauses on live organizations in the filters (the region is their own column)."""
    clauses = [Organization.deleted_at.is_(None), *filters.owned(Organization.owner_id)]
    if filters.region:
        clauses.append(Organization.region == filters.region)
    return (*clauses, *replace(filters, region=None).about(Organization.id))


# Quiet relationships: no logged contact beyond the cadence.


def quiet_clauses(filters, now):
    """Live organizations in the filters that went quiet (crm.reminders.planning's rule)."""
    return (*organization_scope(filters), *planning.quiet_clauses(now))


def quiet_statement(filters, now):
    """The quiet organizations, the quietest first: one never contacted counts from the day
    it was added to Zubia."""
    due = planning.contact_due()
    return select(Organization).where(*quiet_clauses(filters, now)).order_by(due, Organization.id)


def days_past_cadence(org, now):
    return days_since(org.contact_due_at or org.created_at + timedelta(days=org.cadence_days), now)


def quiet(filters, now, limit=QUIET_SHOWN):
    """The first ``limit`` quiet organizations (owners loaded) and how many there are."""
    statement = quiet_statement(filters, now)
    total = db.session.scalar(
        select(func.count(Organization.id)).where(*quiet_clauses(filters, now))
    )
    shown = db.session.scalars(statement.limit(limit).options(selectinload(Organization.owner)))
    return shown.all(), total


# Coordination health per point of contact.


@dataclass
class Health:
    user_id: int
    name: str
    overdue: int = 0
    organizations: int = 0
    never_contacted: int = 0
    median_days_since_contact: int | None = None
    completed: int = 0
    meetings: int = 0


def health(filters, today, now, only=None, loads=None, meetings=None):
    """A ``Health`` row per active person (or only the user ``only``), by name.

    ``loads`` (the ``workload``) and ``meetings`` (held in the period per owner) are what the
    page has already read, if anything.
    """
    if loads is None:
        loads = workload(filters, today)
    loads = {load.owner_id: load for load in loads}
    owned = spread(
        select(
            Organization.owner_id.label("key"), Organization.last_contact_at.label("value")
        ).where(*organization_scope(filters), Organization.owner_id.is_not(None))
    )
    if meetings is None:
        meetings = meetings_held(filters, now, [filters.since])[1]
    people = select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)
    if filters.owner or only:
        people = people.where(User.id == (only or filters.owner))
    rows = []
    for user_id, name in db.session.execute(people):
        row = Health(user_id, name, meetings=meetings.get(user_id, 0))
        if load := loads.get(user_id):
            row.overdue, row.completed = load.counts["overdue"], load.counts["done"]
        if found := owned.get(user_id):
            row.organizations, row.never_contacted = found.count, found.count - found.dated
            row.median_days_since_contact = days_since(found.median, now)
        rows.append(row)
    return rows


def meeting_scope(filters):
    """WHERE clauses on live meetings: about an organization in the filters, by the owner."""
    clauses = [Meeting.deleted_at.is_(None), *filters.owned(Meeting.owner_id)]
    linked = meeting_organizations.c
    about = filters.about_each(linked.organization_id)
    if about:
        # Tested on each meeting of the period (see Filters.about_each).
        clauses.append(exists().where(linked.meeting_id == Meeting.id, *about))
    return clauses


# Trends: per week, actions created and completed, meetings held.


@dataclass
class Trends:
    weeks: list  # the Monday of each week, in the reader's time zone
    created: list
    completed: list
    meetings: list
    meetings_by_owner: dict  # held in the period (not the weeks), for the health table


def week_starts(now, zone, period_days):
    """The local Mondays (as aware instants) of the weeks that cover the period, oldest first.

    Each is midnight on a Monday in ``zone``, so a week keeps its days across a DST change.
    """
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    count = max(MIN_WEEKS, ceil(period_days / 7))
    days = [monday - timedelta(weeks=n) for n in reversed(range(count))]
    return [datetime(d.year, d.month, d.day, tzinfo=tz) for d in days]


def week_of(column, starts):
    """The index in ``starts`` of the week ``column`` falls in; -1 before the first."""
    return case(
        *((column < start, n - 1) for n, start in enumerate(starts)), else_=len(starts) - 1
    ).label("week")


def per_week(column, starts, *where):
    """Rows of ``column`` (a UTC datetime) counted in each week that starts at ``starts``."""
    week = week_of(column, starts)
    counts = [0] * len(starts)
    rows = db.session.execute(
        select(week, func.count()).where(column >= starts[0], *where).group_by(week)
    )
    for index, count in rows:
        counts[index] = count
    return counts


def meetings_held(filters, now, starts):
    """Meetings held until ``now``: per week of ``starts``, and per owner within the period.

    One query for both: with a region or sector chosen, each meeting is tested against it,
    and a period's meetings are many.
    """
    in_period = case((Meeting.starts_at >= filters.since, 1), else_=0).label("in_period")
    week = week_of(Meeting.starts_at, starts)
    rows = db.session.execute(
        select(Meeting.owner_id, week, in_period, func.count())
        .where(*meeting_scope(filters), Meeting.starts_at <= now)
        .where(Meeting.starts_at >= min(starts[0], filters.since))
        .group_by(Meeting.owner_id, week, in_period)
    )
    weekly, by_owner = [0] * len(starts), defaultdict(int)
    for owner, index, counted, count in rows:
        if index >= 0:
            weekly[index] += count
        if counted:
            by_owner[owner] += count
    return weekly, dict(by_owner)


def trends(filters, now, zone):
    starts = week_starts(now, zone, filters.period)
    actions = (
        Action.deleted_at.is_(None),
        *filters.about_each(Action.organization_id),
        *filters.owned(Action.owner_id),
    )
    weekly, by_owner = meetings_held(filters, now, starts)
    return Trends(
        weeks=[start.date() for start in starts],
        created=per_week(Action.created_at, starts, *actions),
        completed=per_week(Action.completed_at, starts, Action.status == Status.DONE, *actions),
        meetings=weekly,
        meetings_by_owner=by_owner,
    )
