"""The demo's B2B events: two matchmaking days in Mie and a forum in Bilbao.

Each runs as events do: the organizer invites some forty organizations six weeks ahead, most
register (saying what they seek there), participants ask the partners the matching engine
ranks best for a meeting, most requests are accepted, the scheduler fills the grid two days
before, and after the day the organizer records who came and what each meeting gave. The
best conversations between companies open matches, which ``pipeline`` then moves along.

Every choice comes from the builder's ``plan_rng``, drawn in a fixed order that no date
changes, so who took part is the same whatever day the demo is loaded.
"""

from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from crm import clock
from crm.demo.delegations import DELEGATION_WEEK, MISSION_WEEK, SUPPORT_CENTRE
from crm.demo.programme import STORY_PAIR
from crm.demo.stories import MILESTONES, TOPICS
from crm.events import services
from crm.events.models import Attendance, B2BMeeting, Host, Registration
from crm.extensions import db
from crm.matching import engine
from crm.organizations.models import Kind


class DemoEvent(NamedTuple):
    weeks_ago: int
    name: str
    city: str
    country: Host
    organizer: str  # catalogue name
    days: int  # from the Wednesday of that week
    session: tuple[tuple[int, int], tuple[int, int]]  # local start and end of each day
    slot_minutes: int
    tables: int
    places: dict  # side: how many organizations of that side are invited
    matches: int  # how many conversations open a match
    looking_for: dict  # side: what participants of that side seek there, beyond their profile


EVENTS = (
    DemoEvent(
        MISSION_WEEK, "Mie–Basque Country B2B Matchmaking Day", "Tsu", Host.JAPAN,
        SUPPORT_CENTRE, 1, ((13, 0), (17, 0)), 20, 14, {"eu": 16, "jp": 26}, 8,
        {"eu": "Mie partners to visit during the mission week",
         "jp": "Basque partners for a first joint project"},
    ),
    DemoEvent(
        DELEGATION_WEEK, "Euskadi–Mie B2B Forum", "Bilbao", Host.BASQUE_COUNTRY, "SPRI", 1,
        ((9, 30), (13, 30)), 20, 14, {"eu": 26, "jp": 16}, 8,
        {"eu": "Mie partners for joint offers in Japan",
         "jp": "Basque suppliers and technology partners"},
    ),
    DemoEvent(
        MILESTONES[3].weeks_ago, "Mie Monozukuri Business Fair: international B2B meetings",
        "Yokkaichi", Host.JAPAN, "Mie Prefectural Government", 2, ((10, 0), (16, 0)), 30, 12,
        {"eu": 16, "jp": 24}, 7,
        {"eu": "Mie customers met at the Monozukuri fair",
         "jp": "European partners for our products"},
    ),
)  # fmt: skip

POSITIVE = (
    "Strong fit on {topic}: NDA and drawings to be exchanged.",
    "Both want to go further on {topic}; a plant visit is being arranged.",
    "Samples requested; a quotation is expected within a month.",
    "Clear complementarity in {topic}; a follow-up video call is booked.",
)
NEUTRAL = (
    "Interesting exchange on {topic}; catalogues swapped, no project yet.",
    "Useful market information; both keep in touch by e-mail.",
)
NEGATIVE = (
    "No fit for now: their volumes are too small for us.",
    "Different priorities; no follow-up planned.",
)
MOST_REQUESTS = 7  # that a participant makes or receives: the day has twelve slots


def first_day(builder, event):
    """The Wednesday of the event's week, as a calendar day where it is held."""
    today = builder.now.astimezone(ZoneInfo(event.country.timezone)).date()
    return today - timedelta(days=today.weekday() + 7 * event.weeks_ago - 2)


def create_events(builder):
    """Run the three events; return their counts and the matches their meetings opened."""
    by_name = {org.entry.name: org for org in builder.orgs}
    rng = builder.plan_rng
    lists = assign(builder, rng, by_name)
    ranked = preferences(builder)
    totals = {"b2b events": 0, "event participants": 0, "b2b meetings": 0}
    opened = []
    for event, (participants, statuses) in zip(EVENTS, lists, strict=True):
        run = EventRun(builder, rng, event, by_name, ranked)
        run.invite(participants, statuses)
        run.request_meetings()
        run.hold()
        opened += run.record_outcomes()
        totals["b2b events"] += 1
        totals["event participants"] += len(participants)
        totals["b2b meetings"] += run.placed
    return totals, opened


def preferences(builder):
    """Each demo organization's partners on the other side, best first, as the matching
    engine scores them: one product for every pair, not one proposal list per participant."""
    eu, jp = engine.both_sides()
    table = engine.scores(eu, jp)
    by_id = {org.record.id: org for org in builder.orgs}
    ranked = {}
    for own, other, rows in ((eu, jp, table), (jp, eu, table.T)):
        for org_id, row in zip(own.ids, rows, strict=True):
            order = np.argsort(-row, kind="stable")
            partners = [by_id.get(other.ids[n]) for n in order if row[n] > 0]
            ranked[by_id.get(org_id)] = [partner for partner in partners if partner]
    return ranked


def assign(builder, rng, by_name):
    """Who is invited to each event, and what became of each invitation.

    Every business-side organization (governments organize, they do not take part) has one
    event it surely comes to; the places left are filled at random, and of those extra
    invitations some are never answered and some registered but did not come.
    """
    story = {by_name[name] for name in STORY_PAIR}
    lists = [([], {}) for _ in EVENTS]
    for side in ("eu", "jp"):
        eligible = [o for o in builder.side(side) if o.entry.kind is not Kind.GOVERNMENT]
        left = [event.places[side] for event in EVENTS]
        for org in sorted(eligible, key=lambda o: (o not in story, rng.random())):
            n = 0 if org in story else max(range(len(EVENTS)), key=lambda i: left[i])
            left[n] -= 1
            lists[n][0].append(org)
            lists[n][1][org] = Registration.NO_SHOW if rng.random() < 0.04 else None
        for n, (participants, statuses) in enumerate(lists):
            others = [org for org in eligible if org not in statuses]
            for org in rng.sample(others, max(0, min(left[n], len(others)))):
                participants.append(org)
                roll = rng.random()
                statuses[org] = (
                    Registration.INVITED
                    if roll < 0.08
                    else Registration.NO_SHOW
                    if roll < 0.16
                    else None
                )
    order = {org: n for n, org in enumerate(builder.orgs)}
    return [(sorted(p, key=order.__getitem__), s) for p, s in lists]


class EventRun:
    """One event, from the invitations to the outcomes."""

    def __init__(self, builder, rng, event, by_name, ranked):
        self.builder, self.rng, self.spec, self.by_name = builder, rng, event, by_name
        self.ranked = ranked
        self.day = first_day(builder, event)
        self.zone = event.country.timezone
        organizer = by_name[event.organizer]
        self.owner = organizer.owner  # the point of contact who looks after the organizer
        self.travel = builder.travel
        self.travel(self.local(self.day - timedelta(days=60), (10, 0)))
        start, end = (time(*t) for t in event.session)
        self.event = services.create_event(
            {
                "name": event.name,
                "city": event.city,
                "country": event.country,
                "start_date": self.day,
                "end_date": self.day + timedelta(days=event.days - 1),
                "organizer_id": organizer.record.id,
                "slot_minutes": event.slot_minutes,
                "tables": event.tables,
                "session_start": start,
                "session_end": end,
            },
            actor=self.owner,
        )
        self.participants = {}  # Org: Participant
        self.final = {}  # Org: the registration status it ends with
        self.requests = {}  # request id: (requester Org, requested Org)
        self.placed = 0

    def local(self, day, hour_minute):
        return datetime.combine(day, time(*hour_minute), ZoneInfo(self.zone))

    def invite(self, orgs, statuses):
        self.travel(self.local(self.day - timedelta(days=42), (9, 30)))
        for org in orgs:
            self.participants[org] = services.add_participant(
                self.event, org.record, {"status": Registration.INVITED}, actor=self.owner
            )
        self.final = {org: statuses[org] or Registration.ATTENDED for org in orgs}
        answers = sorted(
            (self.rng.randint(8, 35), n, org)
            for n, org in enumerate(orgs)
            if self.final[org] is not Registration.INVITED
        )
        for days_before, _, org in answers:
            self.travel(self.builder.at(self.day - timedelta(days=days_before), (11, 0), org.owner))
            wish = self.spec.looking_for[org.side]
            services.update_participant(
                self.participants[org],
                {
                    "status": Registration.REGISTERED,
                    "seeks": f"{org.record.interests} At this event: {wish}.",
                },
                actor=org.owner,
            )

    def request_meetings(self):
        rng = self.rng
        came = [org for org, status in self.final.items() if status is not Registration.INVITED]
        load = dict.fromkeys(came, 0)
        pairs, asked = set(), []
        story = tuple(self.by_name[name] for name in STORY_PAIR)
        if all(org in load for org in story):
            asked.append(story)
            pairs.add(frozenset(story))
        for org in rng.sample(came, len(came)):
            partners = [p for p in self.ranked[org] if p in load][:6]
            for partner in rng.sample(partners, min(rng.choice((1, 2, 2, 3)), len(partners))):
                busy = max(load[org], load[partner]) >= MOST_REQUESTS
                if busy or frozenset((org, partner)) in pairs:
                    continue
                pairs.add(frozenset((org, partner)))
                load[org] += 1
                load[partner] += 1
                asked.append((org, partner))
        timed = sorted(
            (self.rng.randint(6, 20), n, pair) for n, pair in enumerate(asked)
        )  # days before the event
        made = []
        for days_before, n, (requester, requested) in timed:
            self.travel(self.builder.at(self.day - timedelta(days=days_before), (10, 0),
                                        requester.owner))  # fmt: skip
            request = services.request_meeting(
                self.event,
                self.participants[requester],
                self.participants[requested],
                actor=requester.owner,
            )
            self.requests[request.id] = (requester, requested)
            made.append((days_before - rng.randint(1, min(4, days_before - 3)), n, request))
        for days_before, _, request in sorted(made, key=lambda row: (-row[0], row[1])):
            requester, requested = self.requests[request.id]
            self.travel(self.builder.at(self.day - timedelta(days=days_before), (16, 0),
                                        requested.owner))  # fmt: skip
            accept = story == (requester, requested) or rng.random() < 0.85
            services.decide_request(request, accept, actor=requested.owner)

    def hold(self):
        """The scheduler runs two days before; on the day the organizer ticks who came."""
        self.travel(self.local(self.day - timedelta(days=2), (10, 0)))
        plan = services.schedule(self.event, actor=self.owner)
        self.placed = len(plan.placed)
        last = self.event.end_date
        self.travel(self.local(last, self.spec.session[1]) + timedelta(minutes=30))
        for org, participant in self.participants.items():
            if self.final[org] is not Registration.INVITED:
                data = {"status": self.final[org]}
                services.update_participant(participant, data, actor=self.owner)

    def record_outcomes(self):
        """The day after: attendance and outcome of each meeting; the best open matches."""
        rng, builder = self.rng, self.builder
        self.travel(self.local(self.event.end_date + timedelta(days=1), (10, 0)))
        story = tuple(self.by_name[name] for name in STORY_PAIR)
        meetings = list(event_meetings(self.event.id))
        # The pair of the success story first: this is the meeting that opened its match.
        meetings.sort(key=lambda meeting: self.requests[meeting.request_id] != story)
        matched, opened = builder.matched, []
        for meeting in meetings:
            one, two = self.requests[meeting.request_id]
            absent = Registration.NO_SHOW in (self.final[one], self.final[two])
            if absent or rng.random() < 0.03:
                services.record_outcome(
                    meeting, {"attendance": Attendance.NO_SHOW, "outcome": None}, actor=self.owner
                )
                continue
            roll = rng.random()
            pool = POSITIVE if roll < 0.45 else NEUTRAL if roll < 0.8 else NEGATIVE
            if (one, two) == story:
                pool = POSITIVE
            topic = TOPICS[next((s for s in one.entry.sectors if s in two.entry.sectors),
                                one.entry.sectors[0])]  # fmt: skip
            outcome = rng.choice(pool).format(topic=topic)
            services.record_outcome(
                meeting, {"attendance": Attendance.HELD, "outcome": outcome}, actor=self.owner
            )
            companies = one.entry.kind is Kind.COMPANY and two.entry.kind is Kind.COMPANY
            wanted = pool is POSITIVE and companies and len(opened) < self.spec.matches
            if not ({one, two} & matched) and ((one, two) == story or wanted):
                ids = [one.record.id, two.record.id]
                match, _ = services.open_match(meeting, ids, actor=self.owner)
                matched.update((one, two))
                opened.append((match, clock.now_utc(), self.owner))
        return opened


def event_meetings(event_id):
    return db.session.scalars(
        select(B2BMeeting)
        .where(B2BMeeting.event_id == event_id)
        .order_by(B2BMeeting.slot_start, B2BMeeting.table_number)
    ).all()
