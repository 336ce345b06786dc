import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm import clock
from crm.accounts.models import Role, User
from crm.actions.models import Action, RepeatUnit, Status
from crm.contacts.models import Contact, NameOrder
from crm.dashboard.figures import EXPLORING_OR_BEYOND, series
from crm.demo.catalogue import ORGANIZATIONS
from crm.demo.programme import STORY_PAIR
from crm.demo.smes import SMES
from crm.events.models import (
    Attendance,
    B2BMeeting,
    Event,
    Host,
    MeetingRequest,
    Participant,
    Registration,
    RequestStatus,
)
from crm.extensions import db
from crm.matching.models import PIPELINE, Match, Stage
from crm.meetings.models import Meeting, MeetingKind
from crm.organizations.models import Kind, LinkKind, Organization, OrganizationLink, Region, Sector
from crm.programme.models import Agreement, SuccessStory
from crm.visits.models import Direction, Visit, VisitStop
from tests.conftest import empty_tables


def counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Sector)
        }


def row_counts(app):
    """Rows in every table, association tables and the history included."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_demo_load_creates_people_on_both_sides_and_the_mou_sectors(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        zones = set(db.session.scalars(select(User.timezone)))
        roles = set(db.session.scalars(select(User.role)))
        sectors = set(db.session.scalars(select(Sector.name_en)))
    assert {"Europe/Madrid", "Asia/Tokyo"} <= zones
    assert {Role.POINT_OF_CONTACT, Role.MANAGER} <= roles
    assert {"Aeronautics", "Automotive", "Agri-food", "Industry 4.0"} <= sectors
    assert len(sectors) == 9


def test_demo_load_twice_changes_nothing(app, runner):
    runner.invoke(args=["demo", "load"])
    before = row_counts(app)
    assert before["organizations"] >= 70 and before["meetings"] >= 150
    assert before["b2b_events"] >= 3 and before["visits"] >= 4 and before["matches"] >= 20
    with app.app_context():
        hashes = set(db.session.scalars(select(User.password_hash)))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert row_counts(app) == before
    with app.app_context():
        assert set(db.session.scalars(select(User.password_hash))) == hashes


def test_demo_load_if_empty_leaves_a_used_database_alone(app, runner, make_user):
    make_user()
    runner.invoke(args=["demo", "load", "--if-empty"])
    assert counts(app) == {"User": 1, "Sector": 0}
    assert {name for name, n in row_counts(app).items() if n} == {"users"}


# --- the demo programme: organizations, people, 18 months of meetings, next actions ----------


def load(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_organizations_cover_both_sides_every_kind_and_are_linked(app, runner):
    load(runner)
    stood = clock.now_utc()
    time.sleep(0.01)
    assert clock.now_utc() > stood  # the loader stood the clock in the past, then let it run
    with app.app_context():
        orgs = db.session.scalars(
            select(Organization)
            .where(Organization.deleted_at.is_(None))
            .options(selectinload(Organization.sectors), selectinload(Organization.owner))
        ).all()
        links = db.session.scalars(
            select(OrganizationLink).options(
                selectinload(OrganizationLink.source), selectinload(OrganizationLink.target)
            )
        ).all()
    assert len(orgs) >= 70
    assert {org.kind for org in orgs} == set(Kind)
    regions = Counter(org.region for org in orgs)
    assert regions[Region.BASQUE_COUNTRY] >= 15 and regions[Region.MIE] >= 15
    for org in orgs:
        assert 1 <= len(org.sectors) <= 3
        assert 30 <= org.cadence_days <= 120
        assert org.website.startswith("https://") and org.website.endswith(".example")
        assert org.capabilities and org.interests and org.city
        expected_zone = "Asia/Tokyo" if org.region.side == "jp" else "Europe/Madrid"
        assert org.owner.timezone == expected_zone, org.name
        assert org.owner.role is Role.POINT_OF_CONTACT
    mie = [org for org in orgs if org.region is Region.MIE]
    assert all(org.native_name and org.country == "JP" for org in mie)
    assert len({org.name for org in orgs}) == len(orgs)
    smes = [org for org in orgs if org.name in {entry.name for entry in SMES}]
    assert len(smes) >= 30 and {org.region for org in smes} == {Region.BASQUE_COUNTRY, Region.MIE}
    for org in smes:
        assert org.kind is Kind.COMPANY and org.export_markets
        assert org.languages == ("ja,en" if org.region is Region.MIE else "es,en")
        assert org.region is Region.BASQUE_COUNTRY or org.native_name.endswith("株式会社")
    assert len({org.owner_id for org in smes}) == 4  # every point of contact looks after some
    assert {"三重県庁", "三重大学"} <= {org.native_name for org in mie}
    assert {link.kind for link in links} == set(LinkKind)
    assert any(
        link.kind is LinkKind.MEMBER_OF
        and link.source.region is Region.BASQUE_COUNTRY
        and link.target.region.side == "jp"
        for link in links
    )


def test_demo_contacts_are_named_the_way_each_side_writes_names(app, runner):
    load(runner)
    with app.app_context():
        contacts = db.session.scalars(
            select(Contact).options(selectinload(Contact.organization))
        ).all()
        orgs = db.session.scalar(select(func.count()).select_from(Organization))
    assert len(contacts) >= 80
    japanese = [c for c in contacts if c.name_order is NameOrder.JAPANESE]
    basque = [c for c in contacts if c.organization.region is Region.BASQUE_COUNTRY]
    assert len(japanese) >= 20 and len(basque) >= 20
    for c in japanese:
        assert re.fullmatch(r"[\u3040-\u309f]+ [\u3040-\u309f]+", c.reading), c.reading
        assert c.native_name and " " in c.native_name
        assert (c.language, c.timezone) == ("ja", "Asia/Tokyo")
    assert all(c.second_family_name and c.language in ("es", "en") for c in basque)
    for c in contacts:
        domain = c.organization.website.removeprefix("https://www.")
        assert c.email == c.email.lower() and c.email.endswith("@" + domain)
        for number in filter(None, (c.phone, c.mobile)):
            parsed = phonenumbers.parse(number)
            assert phonenumbers.is_valid_number(parsed), number
            assert number == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    primaries = Counter(c.organization_id for c in contacts if c.is_primary)
    assert set(primaries.values()) == {1}
    assert len(primaries) >= 0.75 * orgs


def test_demo_meetings_span_eighteen_months_and_set_the_last_contact(app, runner, at):
    now = clock.now_utc()
    at(now)
    load(runner)
    with app.app_context():
        meetings = db.session.scalars(
            select(Meeting).options(
                selectinload(Meeting.organizations),
                selectinload(Meeting.contacts),
                selectinload(Meeting.attendees),
                selectinload(Meeting.owner),
            )
        ).all()
        orgs = db.session.scalars(select(Organization)).all()
    assert 150 <= len(meetings) <= 250
    assert {m.kind for m in meetings} == set(MeetingKind)
    starts = [m.starts_at for m in meetings]
    assert min(starts) <= now - timedelta(days=17 * 30.5)
    assert min(starts) >= now - timedelta(days=19 * 31)
    assert max(starts) <= now
    for m in meetings:
        assert 1 <= len(m.organizations) <= 2 and m.contacts and 1 <= len(m.attendees) <= 2
        assert {c.organization_id for c in m.contacts} <= {o.id for o in m.organizations}
    across = [m for m in meetings if {o.region.side for o in m.organizations} == {"eu", "jp"}]
    assert len(across) >= len(meetings) / 3
    latest = {}
    for m in meetings:
        for org in m.organizations:
            latest[org.id] = max(latest.get(org.id, m.starts_at), m.starts_at)
    assert {org.id: org.last_contact_at for org in orgs if org.last_contact_at} == latest
    # at office hours, on a weekday, where whoever logged the meeting lives
    local = [m.starts_at.astimezone(ZoneInfo(m.owner.timezone)) for m in meetings]
    assert all(t.weekday() < 5 and 8 <= t.hour < 18 for t in local)


def test_demo_actions_are_overdue_due_soon_later_done_and_cancelled(app, runner, at):
    at(clock.now_utc())  # no day ends between the load and the checks
    load(runner)
    with app.app_context():
        rows = db.session.execute(select(Action, User.timezone).join(Action.owner)).all()
    today = {zone: clock.now_utc().astimezone(ZoneInfo(zone)).date() for _, zone in rows}
    open_ = [(a, today[zone]) for a, zone in rows if a.status is Status.OPEN]
    assert any(a.due_date < day for a, day in open_)
    assert any(a.due_date == day for a, day in open_)
    assert any(day < a.due_date <= day + timedelta(days=7) for a, day in open_)
    assert any(a.due_date > day + timedelta(days=7) for a, day in open_)
    statuses = Counter(a.status for a, _ in rows)
    assert statuses[Status.DONE] > statuses[Status.CANCELLED] > 0
    assert all(a.completed_at <= clock.now_utc() for a, _ in rows if not a.is_open)
    assert sum(1 for a, _ in rows if a.meeting_id) >= 30
    monthly = [a for a, _ in rows if a.repeat_unit is RepeatUnit.MONTHS]
    assert {a.status for a in monthly} == {Status.DONE, Status.OPEN}


def test_demo_records_depend_only_on_the_clock_and_leave_it_as_found(app, runner, at):
    instant = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # the night Europe moves its clocks

    def snapshot():
        at(instant)
        load(runner)
        assert clock.now_utc() == instant
        with app.app_context():
            meetings = db.session.execute(
                select(Meeting.title, Meeting.starts_at).order_by(Meeting.id)
            ).all()
            contacts = db.session.execute(
                select(Contact.email, Contact.phone).order_by(Contact.id)
            ).all()
            actions = db.session.execute(
                select(Action.title, Action.due_date, Action.status).order_by(Action.id)
            ).all()
            empty_tables()
        return meetings, contacts, actions

    assert snapshot() == snapshot()


def test_demo_load_is_not_put_off_by_a_real_organization_of_the_same_name(app, runner, make_user):
    user = make_user()
    with app.app_context():
        real = Organization(
            name="Ideko",
            kind=Kind.TECHNOLOGY_CENTRE,
            region=Region.BASQUE_COUNTRY,
            country="ES",
            website="https://www.ideko.es",
            owner_id=user.id,
        )
        db.session.add(real)
        db.session.commit()
    load(runner)
    assert row_counts(app)["organizations"] == len(ORGANIZATIONS) + len(SMES) + 1


# --- the programme: visits both ways, B2B events, matches and the success story --------------


def test_demo_b2b_events_in_both_countries_bring_65_organizations(app, runner):
    load(runner)
    today = clock.now_utc().date()
    with app.app_context():
        events = db.session.scalars(select(Event)).all()
        participants = db.session.scalars(select(Participant)).all()
        decided = Counter(db.session.scalars(select(MeetingRequest.status)))
        b2b = db.session.execute(
            select(B2BMeeting, MeetingRequest.requester_id, MeetingRequest.requested_id).join(
                MeetingRequest, MeetingRequest.id == B2BMeeting.request_id
            )
        ).all()
        regions = dict(db.session.execute(select(Organization.id, Organization.region)).all())
    countries = Counter(event.country for event in events)
    assert len(events) >= 3 and countries[Host.JAPAN] and countries[Host.BASQUE_COUNTRY]
    assert all(event.end_date < today for event in events)  # held: the dashboard counts them
    took_part = {
        p.organization_id
        for p in participants
        if p.status in (Registration.REGISTERED, Registration.ATTENDED)
    }
    assert len(took_part) >= 65
    assert {regions[org].side for org in took_part} == {"eu", "jp"}
    statuses = Counter(p.status for p in participants)
    assert statuses[Registration.ATTENDED] > 10 * statuses[Registration.NO_SHOW] > 0
    assert all(p.offers and p.seeks for p in participants)
    accepted, declined = decided[RequestStatus.ACCEPTED], decided[RequestStatus.DECLINED]
    assert accepted > 4 * declined > 0 and not decided[RequestStatus.PENDING]
    assert len(b2b) == accepted  # the scheduler placed every accepted request
    busy = Counter(
        (meeting.event_id, meeting.slot_start, party)
        for meeting, *parties in b2b
        for party in parties
    )
    assert set(busy.values()) == {1}  # nobody at two tables at once
    attendance = Counter(meeting.attendance for meeting, *_ in b2b)
    assert attendance[Attendance.HELD] > attendance[Attendance.NO_SHOW] > 0
    assert not attendance[Attendance.UNKNOWN]
    held = [meeting for meeting, *_ in b2b if meeting.attendance is Attendance.HELD]
    assert all(meeting.outcome for meeting in held)
    assert sum(1 for meeting in held if meeting.match_id) >= 10


def test_demo_visits_go_both_ways_and_their_stops_became_meetings(app, runner):
    load(runner)
    today = clock.now_utc().date()
    with app.app_context():
        visits = db.session.scalars(
            select(Visit).options(
                selectinload(Visit.stops).selectinload(VisitStop.meeting),
                selectinload(Visit.users),
                selectinload(Visit.contacts),
                selectinload(Visit.lead_organization),
            )
        ).all()
    past = [visit for visit in visits if visit.end_date < today]
    for direction in Direction:
        done = [v for v in past if v.direction is direction and any(s.meeting for s in v.stops)]
        assert len(done) >= 2, direction
    for visit in visits:
        assert 2 <= len(visit.stops) <= 4 and len(visit.users) == 2 and visit.contacts
        assert visit.lead_organization.kind in (Kind.GOVERNMENT, Kind.CLUSTER)
        for stop in visit.stops:  # office hours of a working day at the destination
            local = stop.starts_at.astimezone(ZoneInfo(visit.zone))
            assert visit.start_date <= local.date() <= visit.end_date
            assert local.weekday() < 5 and 9 <= local.hour < 17
    assert all(visit.outcomes for visit in past)
    stops = [stop for visit in past for stop in visit.stops]
    logged = [stop.meeting for stop in stops if stop.meeting]
    assert len(logged) >= 0.7 * len(stops)
    assert all(m.kind is MeetingKind.VISIT for m in logged)
    upcoming = [visit for visit in visits if visit.start_date > today]
    assert len(upcoming) == 1 and upcoming[0].start_date <= today + timedelta(days=42)
    assert not upcoming[0].outcomes and not any(stop.meeting for stop in upcoming[0].stops)


def test_demo_matches_bring_35_companies_exploring_and_the_success_story(app, runner):
    load(runner)
    now = clock.now_utc()
    with app.app_context():
        matches = db.session.scalars(
            select(Match).options(
                selectinload(Match.basque), selectinload(Match.mie), selectinload(Match.history)
            )
        ).all()
        story = db.session.scalars(
            select(SuccessStory).options(selectinload(SuccessStory.organizations))
        ).one()
        agreement = db.session.scalars(select(Agreement)).one()
        first_stop = db.session.scalars(select(VisitStop).order_by(VisitStop.starts_at)).first()
        figures = series(now.date())[1]
    assert all(m.basque.region.side == "eu" and m.mie.region.side == "jp" for m in matches)
    onwards = [m for m in matches if m.stage in EXPLORING_OR_BEYOND]
    companies = {org.id for m in onwards for org in (m.basque, m.mie) if org.kind is Kind.COMPANY}
    assert len(companies) >= 35
    assert {m.stage for m in matches} == set(Stage)  # something in every column of the board
    for m in matches:
        times = [change.at for change in m.history]
        assert times == sorted(times) and times[-1] <= now
        assert m.history[0].to_stage is Stage.SUGGESTED and m.history[-1].to_stage is m.stage
    explored = {
        (change.at.year, (change.at.month - 1) // 3)
        for m in matches
        for change in m.history
        if change.to_stage is Stage.EXPLORING
    }
    assert len(explored) >= 4  # the figure grows quarter by quarter
    (match,) = [m for m in matches if (m.basque.name, m.mie.name) == STORY_PAIR]
    assert story.match_id == match.id and match.stage is Stage.SUCCESS_STORY
    assert [change.to_stage for change in match.history] == PIPELINE
    japanese = [org for org in story.organizations if org.region is Region.MIE]
    assert len(japanese) >= 2 and all(org.city == "Suzuka" for org in japanese)
    # The MoU was signed at the first stop of the first mission to Mie.
    assert first_stop.purpose.startswith("Signature of the Memorandum")
    assert agreement.signed_on == first_stop.starts_at.astimezone(ZoneInfo("Asia/Tokyo")).date()
    assert figures["companies_exploring"] >= 35 and figures["events_held"] >= 3
    assert figures["organizations_in_events"] >= 65
