"""The demo records: organizations, contacts, 18 months of meetings and the next actions.

Deterministic for a given clock: one ``random.Random(SEED)``, the catalogue's order, and no
database id in any choice. Every record goes through the services, created at a plausible moment
of the past (the clock stands there meanwhile), so histories, timelines and completion dates
read true; the clock is given back as it was found.
"""

import itertools
import random
from contextlib import contextmanager
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crm import clock
from crm.accounts.models import Role, User
from crm.actions import services as actions
from crm.actions.models import Action, RepeatUnit, Status
from crm.contacts import services as contacts
from crm.demo import people, stories
from crm.demo.b2b import create_events
from crm.demo.catalogue import LINKS, ORGANIZATIONS
from crm.demo.data import DEMO_USERS
from crm.demo.delegations import DELEGATIONS, create_visits, signing_day
from crm.demo.pipeline import create_matches
from crm.demo.programme import load_programme
from crm.demo.schedule import OFFICE, WEEKS, Org, Schedule, side_of
from crm.demo.smes import SMES
from crm.extensions import db
from crm.meetings import services as meetings
from crm.organizations import services as organizations
from crm.organizations.fields import FIELDS as ORGANIZATION_FIELDS
from crm.organizations.models import Kind, Organization, Sector

SEED = 2026
TOTAL_CONTACTS = 130
CADENCES = {
    Kind.COMPANY: (30, 45, 60),
    Kind.TECHNOLOGY_CENTRE: (45, 60, 90),
    Kind.UNIVERSITY: (60, 90, 120),
    Kind.GOVERNMENT: (60, 90),
    Kind.CLUSTER: (60, 90),
    Kind.ASSOCIATION: (90, 120),
    Kind.OTHER: (90, 120),
}
CONTACT_WEIGHTS = {Kind.COMPANY: 3, Kind.TECHNOLOGY_CENTRE: 3, Kind.UNIVERSITY: 2}
# Stand-alone actions, by days from their owner's today: overdue, today, this week, later,
# and a few already settled.
STANDALONE_DUE = (-23, -12, -6, -3, -1, 0, 0, 0, 1, 2, 4, 6, 9, 15, 22, 35, 50, 75)
SETTLED = ((-45, Status.CANCELLED), (-30, Status.DONE), (-8, Status.DONE), (-2, Status.CANCELLED))
REPEATS = ((2, 4), (1, 12))  # months already completed, days from today of the open one


def website(entry):
    return f"https://www.{entry.domain}"


def demo_records_exist():
    """Whether a demo organization is there (live or in the trash), by name and website.

    The website tells the demo's "Ideko" (https://www.ideko.example) from a real one.
    """
    names = [entry.name for entry in ORGANIZATIONS]
    websites = [website(entry) for entry in ORGANIZATIONS]
    query = select(Organization.id).where(
        Organization.name.in_(names), Organization.website.in_(websites)
    )
    return db.session.scalar(query.limit(1)) is not None


@contextmanager
def standing_clock():
    """Yield (now, travel): ``travel(instant)`` stands the clock there, never past now."""
    now = clock.now_utc()

    def travel(instant):
        db.session.flush()  # defaults (created_at, an audit event's time) are taken at flush
        clock.set_now(min(instant, now))

    with clock.standing(now):
        yield now, travel
        travel(now)


def load_records():
    """Create the demo records; return how many of each kind."""
    with standing_clock() as (now, travel):
        return Builder(now, travel).run()


class Builder(Schedule):
    """Creates the demo records through the services, oldest first."""

    def __init__(self, now, travel):
        self.rng = random.Random(SEED)
        self.now, self.travel = now, travel
        emails = [row[0] for row in DEMO_USERS]
        users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
        self.users = [users[email] for email in emails]
        self.points = {
            side: [u for u in self.users if u.role is Role.POINT_OF_CONTACT and side_of(u) == side]
            for side in ("eu", "jp")
        }
        self.orgs, self.names, self.action_count = [], set(), 0
        # Visits, events and matches draw from their own generator: what they hold does not
        # change with the day the demo is loaded, as the meetings' holidays would make it.
        self.plan_rng = random.Random(SEED + 1)
        self.matched = set()  # organizations in a match, as the events and screening open them
        self.delegation_hosts = {
            d.weeks_ago: frozenset(stop.host for stop in d.stops) for d in DELEGATIONS
        }

    def run(self):
        self.create_organizations()
        self.create_links()
        self.create_contacts()
        plans = self.plan_meetings()
        for plan in plans:
            self.travel(plan.logged_at)
            meetings.create_meeting(plan.data, actor=plan.logger, new_actions=plan.new_actions)
            self.action_count += len(plan.new_actions)
        visits = create_visits(self)  # their logged stops' actions are settled with the rest
        self.settle_meeting_actions()
        self.create_standalone_actions()
        self.create_repeating_actions()
        events, opened = create_events(self)
        matches = create_matches(self, opened)
        manager = next(u for u in self.users if u.role is Role.MANAGER)
        programme = load_programme(self, manager, signing_day(self))
        self.travel(self.now)
        meetings.refresh_last_contact([org.record.id for org in self.orgs])
        return {
            **programme,
            **visits,
            **events,
            "matches": matches,
            "organizations": len(self.orgs),
            "links": len(LINKS),
            "contacts": sum(len(org.contacts) for org in self.orgs),
            "meetings": len(plans) + visits["visit meetings"],
            "actions": self.action_count,
        }

    # --- organizations and people -------------------------------------------------------------

    def create_organizations(self):
        sector_ids = dict(db.session.execute(select(Sector.code, Sector.id)).all())
        owners = {side: itertools.cycle(users) for side, users in self.points.items()}
        start = self.now - timedelta(days=7 * WEEKS + 30)
        for i, entry in enumerate(ORGANIZATIONS + SMES):
            owner = next(owners[entry.region.side])
            created_at = start + timedelta(hours=5 * i)
            self.travel(created_at)
            data = ORGANIZATION_FIELDS.pick(entry._asdict())
            data.update(
                website=website(entry),
                sector_ids=[sector_ids[code] for code in entry.sectors],
                cadence_days=self.rng.choice(CADENCES[entry.kind]),
            )
            record = organizations.create_organization(data, actor=owner)
            weight = self.rng.choice((1, 1, 2, 3, 5))
            if entry.kind is Kind.GOVERNMENT:  # the MoU's institutions are never left quiet
                weight = max(weight, 3)
            self.orgs.append(Org(entry, owner, weight, record, created_at))

    def create_links(self):
        by_name = {org.entry.name: org for org in self.orgs}
        for source, kind, target, since, note in LINKS:
            source = by_name[source]
            data = {"kind": kind, "since": since, "note": note}
            organizations.add_link(source.record, by_name[target].record, data, actor=source.owner)

    def create_contacts(self):
        counts = [1] * len(self.orgs)
        weights = [CONTACT_WEIGHTS.get(org.entry.kind, 1) for org in self.orgs]
        while sum(counts) < TOTAL_CONTACTS:
            i = self.rng.choices(range(len(self.orgs)), weights)[0]
            counts[i] += counts[i] < 4
        for org, count in zip(self.orgs, counts, strict=True):
            self.travel(org.created_at + timedelta(minutes=30))
            has_primary = self.rng.random() < 0.85
            for n in range(count):
                data = people.person(self.rng, org.entry, self.names)
                data.update(organization_id=org.record.id, is_primary=has_primary and n == 0)
                org.contacts.append(contacts.create_contact(data, actor=org.owner))

    # --- next actions -------------------------------------------------------------------------

    def settle_meeting_actions(self):
        """Most actions of past meetings were done (a few cancelled); the recent ones are open."""
        rng, users = self.rng, {user.id: user for user in self.users}
        decided = select(Action).where(Action.meeting_id.is_not(None)).order_by(Action.id)
        for action in db.session.scalars(decided).all():
            owner = users[action.owner_id]
            today = self.today(owner)
            if action.due_date < today:
                late = (today - action.due_date).days
                still_open = 0.3 if late <= 30 else 0.1 if late <= 90 else 0
                roll = rng.random()
                if roll < still_open:
                    continue
                status = Status.CANCELLED if roll < still_open + 0.1 else Status.DONE
            elif rng.random() < 0.15:
                status = Status.DONE
            else:
                continue
            created = action.created_at.astimezone(ZoneInfo(owner.timezone)).date()
            last = min(action.due_date, today)
            day = created + timedelta(days=rng.randint(1, max(1, (last - created).days)))
            done_at = self.at(day, rng.choice(OFFICE[side_of(owner)]), owner)
            self.travel(max(done_at, action.created_at + timedelta(hours=1)))
            actions.set_status(action, status, actor=owner)

    def create_standalone_actions(self):
        owners = itertools.cycle(self.points["eu"] + self.points["jp"])
        for offset, status in [(d, Status.OPEN) for d in STANDALONE_DUE] + list(SETTLED):
            owner = next(owners)
            due = self.today(owner) + timedelta(days=offset)
            created = due - timedelta(days=self.rng.randint(5, 30)) if offset < 0 else None
            created = created or self.today(owner) - timedelta(days=self.rng.randint(1, 14))
            self.travel(self.at(created, self.rng.choice(OFFICE[side_of(owner)]), owner))
            mine = [org for org in self.orgs if org.owner is owner]
            about = self.pick(mine) if self.rng.random() < 0.75 else None
            title = self.action_title(about) if about else self.rng.choice(stories.GENERAL_ACTIONS)
            action = actions.create_action(
                {
                    "title": title,
                    "owner_id": owner.id,
                    "due_date": due,
                    "priority": self.priority(),
                    "organization_id": about.record.id if about else None,
                },
                actor=owner,
            )
            self.action_count += 1
            if status is not Status.OPEN:
                self.travel(self.at(due - timedelta(days=1), (17, 0), owner))
                actions.set_status(action, status, actor=owner)

    def create_repeating_actions(self):
        """Monthly actions, completed for a few months: each completion made the next one."""
        by_name = {org.entry.name: org for org in self.orgs}
        users = {user.email: user for user in self.users}
        for (title, org_name, email), (months, days) in zip(
            stories.REPEATING_ACTIONS, REPEATS, strict=True
        ):
            owner, org = users[email], by_name[org_name]
            due = self.today(owner) - timedelta(days=30 * months - days)
            self.travel(self.at(due - timedelta(days=10), (10, 0), owner))
            action = actions.create_action(
                {
                    "title": title,
                    "owner_id": owner.id,
                    "due_date": due,
                    "organization_id": org.record.id,
                    "repeat_every": 1,
                    "repeat_unit": RepeatUnit.MONTHS,
                },
                actor=owner,
            )
            for _ in range(months):
                self.travel(self.at(action.due_date, (11, 0), owner))
                action = actions.set_status(action, Status.DONE, actor=owner)
            self.action_count += months + 1
