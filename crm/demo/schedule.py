"""Eighteen months of demo meetings: who met whom, when, where, and what they decided.

Meetings are planned week by week, then created in order. Matchmaking calls across the bridge
are set early in Bilbao and late in Tsu; everything else happens at office hours of whoever
logs it, on a weekday. A few weeks hold a programme event at one end of the bridge.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from crm.accounts.models import User
from crm.actions.models import Priority
from crm.demo import stories
from crm.demo.catalogue import DemoOrganization
from crm.meetings.models import MeetingKind
from crm.organizations.models import Kind, Organization, Region
from crm.timezones import local_to_utc

WEEKS = 78  # 18 months of meetings, up to now
DURATIONS = {
    MeetingKind.VIDEO: (30, 45, 60),
    MeetingKind.CALL: (15, 20, 30),
    MeetingKind.EMAIL: (15,),
    MeetingKind.IN_PERSON: (60, 90),
    MeetingKind.EVENT: (20, 30),
    MeetingKind.VISIT: (90, 120),
}
ACTION_CHANCE = {MeetingKind.EMAIL: 0.2, MeetingKind.CALL: 0.3}  # others: 0.45
# Local start times: a call across the bridge is early in Bilbao and late in Tsu.
ACROSS = {"eu": ((8, 30), (9, 0), (9, 30)), "jp": ((16, 0), (16, 30), (17, 0), (17, 30))}
OFFICE = {
    "eu": ((9, 0), (9, 30), (10, 0), (11, 0), (12, 0), (12, 30), (15, 30), (16, 0), (17, 0)),
    "jp": ((9, 0), (9, 30), (10, 0), (11, 0), (13, 0), (13, 30), (14, 0), (15, 0), (16, 0)),
}
# Nobody meets over Christmas and New Year, Golden Week, or in mid-August (Obon, Aste Nagusia).
HOLIDAYS = (((1, 1), (1, 6)), ((4, 29), (5, 5)), ((8, 8), (8, 20)), ((12, 23), (12, 31)))
BUSINESS = (Kind.COMPANY, Kind.TECHNOLOGY_CENTRE, Kind.UNIVERSITY)  # they do matchmaking
INSTITUTIONS = (Kind.GOVERNMENT, Kind.CLUSTER, Kind.ASSOCIATION, Kind.UNIVERSITY, Kind.OTHER)
FAIR = ((9, 30), (10, 0), (10, 30), (11, 0), (11, 30), (12, 0), (15, 0), (15, 30), (16, 30))


@dataclass(eq=False)
class Org:
    entry: DemoOrganization
    owner: User
    weight: int  # how often it meets: some organizations go quiet
    record: Organization
    created_at: datetime
    contacts: list = field(default_factory=list)

    @property
    def side(self):
        return self.entry.region.side


class Plan(NamedTuple):
    logged_at: datetime
    logger: User
    data: dict  # for meetings.services.create_meeting
    new_actions: list


def on_holiday(day):
    return any(start <= (day.month, day.day) <= end for start, end in HOLIDAYS)


def side_of(user):
    return "jp" if user.timezone == "Asia/Tokyo" else "eu"


def say(template, words):
    """Fill in a story; "Co., Ltd." at the end of a sentence takes no second full stop."""
    return template.format(**words).replace("..", ".")


class Schedule:
    """Plans meetings between ``self.orgs`` for ``self.users``, drawing from ``self.rng``."""

    rng: object
    now: datetime
    users: list
    points: dict  # side: the points of contact there
    orgs: list
    delegation_hosts: dict  # weeks ago: names of the hosts a visit's itinerary calls on

    def today(self, user):
        return self.now.astimezone(ZoneInfo(user.timezone)).date()

    def at(self, day, hour_minute, user):
        return local_to_utc(datetime.combine(day, time(*hour_minute)), user.timezone)

    def weekday(self, weeks_ago, user, days=range(5), *, event=False):
        """A working day of that week where ``user`` lives; None on holidays, but for events."""
        today = self.today(user)
        monday = today - timedelta(days=today.weekday() + 7 * weeks_ago)
        day = monday + timedelta(days=self.rng.choice(days))
        return None if on_holiday(day) and not event else day

    def pick(self, orgs):
        return self.rng.choices(orgs, [org.weight for org in orgs])[0]

    def side(self, side):
        return [org for org in self.orgs if org.side == side]

    def pair(self, kinds=tuple(Kind)):
        """A Basque (or European) organization and a Japanese one, sharing a sector if any."""
        eu = self.pick([org for org in self.side("eu") if org.entry.kind in kinds])
        jps = [org for org in self.side("jp") if org.entry.kind in kinds]
        matching = [org for org in jps if set(org.entry.sectors) & set(eu.entry.sectors)]
        return eu, self.pick(matching or jps)

    def action_title(self, org):
        """What to do next about ``org``: samples and quotations are for companies."""
        trade = org.entry.kind in (Kind.COMPANY, Kind.TECHNOLOGY_CENTRE)
        titles = stories.BUSINESS_ACTIONS if trade else stories.INSTITUTION_ACTIONS
        return self.rng.choice(titles + stories.ACTIONS).format(org=org.entry.name)

    def priority(self):
        return self.rng.choices(list(Priority), (2, 6, 2))[0]

    def government(self, region):
        """The region's government: the first one in the catalogue (三重県庁, Gobierno Vasco)."""
        there = (org for org in self.orgs if org.entry.region is region)
        return next(org for org in there if org.entry.kind is Kind.GOVERNMENT)

    def plan_meetings(self):
        milestones = {m.weeks_ago: m for m in stories.MILESTONES}
        plans = [self.kickoff()]
        for weeks_ago in range(WEEKS - 1, -1, -1):
            plans += [self.regular(weeks_ago) for _ in range(self.rng.randint(1, 3))]
            if weeks_ago in milestones:
                plans += self.milestone(milestones[weeks_ago])
        return sorted((plan for plan in plans if plan), key=lambda plan: plan.data["starts_at"])

    def kickoff(self):
        """The programme's first meeting, 18 months ago: both governments, on video."""
        logger, partner = self.points["eu"][0], self.points["jp"][0]
        orgs = [self.government(Region.BASQUE_COUNTRY), self.government(Region.MIE)]
        day = self.weekday(WEEKS - 1, logger, event=True)
        return self.plan(stories.KICKOFF, orgs, logger, [logger, partner], day, ACROSS["eu"])

    def regular(self, weeks_ago):
        rng = self.rng
        if rng.random() < 0.55:  # across the bridge: matchmaking, or institutions cooperating
            business = rng.random() < 0.65
            eu, jp = self.pair(BUSINESS if business else INSTITUTIONS)
            logger = rng.choice((eu.owner, jp.owner))
            partner = jp.owner if logger is eu.owner else eu.owner
            attendees = [logger, partner] if rng.random() < 0.5 else [logger]
            story = rng.choice(stories.MATCHMAKING if business else stories.PARTNERSHIP)
            slots = (OFFICE if story.kind is MeetingKind.EMAIL else ACROSS)[side_of(logger)]
            day = self.weekday(weeks_ago, logger)
            return self.plan(story, [eu, jp], logger, attendees, day, slots)
        org = self.pick(self.orgs)
        logger, attendees = org.owner, [org.owner]
        if rng.random() < 0.2:  # a colleague from the same office came along
            colleagues = [u for u in self.users if side_of(u) == org.side and u is not logger]
            attendees.append(rng.choice(colleagues))
        story = rng.choice(stories.SINGLE)
        day = self.weekday(weeks_ago, logger)
        return self.plan(story, [org], logger, attendees, day, OFFICE[org.side])

    def milestone(self, milestone):
        """A week of B2B meetings, stand visits and visits at one end of the bridge."""
        rng, host_side = self.rng, milestone.side
        guest_side = "jp" if host_side == "eu" else "eu"
        government = Region.MIE if host_side == "jp" else Region.BASQUE_COUNTRY
        plans = []
        for i in range(rng.randint(7, 10)):
            logger = rng.choice(self.points[host_side])
            attendees = [logger, rng.choice(self.points[guest_side])]
            business = i > 0 and rng.random() < 0.7
            eu, jp = self.pair(BUSINESS if business else tuple(Kind))
            host, guest = (eu, jp) if host_side == "eu" else (jp, eu)
            if i == 0:  # the delegation's official visit opens the week
                host = self.government(government)
                story = stories.INSTITUTIONAL_VISIT
            elif business:
                story = rng.choice((stories.B2B, stories.B2B, stories.STAND))
            elif host.entry.kind is Kind.COMPANY:
                story = stories.PLANT_VISIT
            else:
                story = stories.INSTITUTIONAL_VISIT
            visited = self.delegation_hosts.get(milestone.weeks_ago, ())
            if story.kind is MeetingKind.VISIT and host.entry.name in visited:
                continue  # a stop of the visit's itinerary, logged from there (delegations)
            day = self.weekday(milestone.weeks_ago, logger, days=range(1, 4), event=True)
            plans.append(
                self.plan(story, [host, guest], logger, attendees, day, FAIR,
                          event=milestone.event, venue=milestone.location, host=host, guest=guest)
            )  # fmt: skip
        return plans

    def plan(self, story, orgs, logger, attendees, day, slots, event=None, venue=None, host=None,
             guest=None):  # fmt: skip
        rng = self.rng
        if day is None:
            return None
        starts_at = self.at(day, rng.choice(slots), logger)
        duration = rng.choice(DURATIONS[story.kind])
        if starts_at + timedelta(minutes=duration) > self.now:
            return None  # later this week: not yet held
        present = {org: rng.sample(org.contacts, min(len(org.contacts), rng.choice((1, 1, 2))))
                   for org in orgs}  # fmt: skip
        shared = [s for s in orgs[0].entry.sectors if all(s in o.entry.sectors for o in orgs)]
        first = orgs[0]
        words = {
            "eu": next((o.entry.name for o in orgs if o.side == "eu"), ""),
            "jp": next((o.entry.name for o in orgs if o.side == "jp"), ""),
            "org": first.entry.name,
            "other": "Mie" if first.side == "eu" else "the Basque Country",
            "topic": stories.TOPICS[rng.choice(shared or first.entry.sectors)],
            "person": present[first][0].latin_name,
            "event": event,
            "host": host.entry.name if host else "",
            "guest": guest.entry.name if guest else "",
            "place": (host.entry.native_name or host.entry.name) if host else "",
        }
        location = {
            MeetingKind.VIDEO: rng.choice(("Microsoft Teams", "Zoom")),
            MeetingKind.IN_PERSON: f"{first.entry.name}, {first.entry.city}",
            MeetingKind.EVENT: venue,
            MeetingKind.VISIT: f"{host.entry.name}, {host.entry.city}" if host else None,
        }.get(story.kind)
        data = {
            "kind": story.kind,
            "title": say(story.title, words),
            "starts_at": starts_at,
            "duration_minutes": duration,
            "location": location,
            "summary": say(story.summary, words),
            "outcomes": say(rng.choice(story.outcomes.split(" | ")), words),
            "organization_ids": [org.record.id for org in orgs],
            "contact_ids": [c.id for people_there in present.values() for c in people_there],
            "attendee_ids": [user.id for user in attendees],
        }
        new_actions = []
        if rng.random() < ACTION_CHANCE.get(story.kind, 0.45):
            for _ in range(rng.choice((1, 1, 1, 2))):
                about = rng.choice(orgs)
                new_actions.append({
                    "title": self.action_title(about),
                    "owner_id": logger.id,  # a hand-over would mail its new owner (MAIL-1)
                    "due_date": day + timedelta(days=rng.choice((2, 3, 5, 7, 10, 14, 21, 30))),
                    "priority": self.priority(),
                    "organization_id": about.record.id,
                    "contact_id": present[about][0].id,
                })  # fmt: skip
        logged_at = starts_at + timedelta(minutes=duration + rng.randint(15, 20 * 60))
        return Plan(logged_at, logger, data, new_actions)
