"""Which reminders are due when: local time for everyone, once per local date (SCH-4, SCH-5)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.accounts.models import Role
from crm.extensions import db
from crm.reminders.models import Delivery, Kind, OutboxMessage
from crm.reminders.planning import due_digests, plan


@dataclass
class Person:
    id: int
    timezone: str
    digest_minute: int
    digest_enabled: bool = True
    digest_weekdays: set = field(default_factory=lambda: {1, 2, 3, 4, 5, 6, 7})


PEOPLE = [
    Person(1, "Europe/Madrid", 2 * 60 + 30),
    Person(2, "Europe/Madrid", 8 * 60),
    Person(3, "Asia/Tokyo", 8 * 60),
    Person(4, "UTC", 8 * 60),
]


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    ("start", "local_days"),
    [
        ("2026-03-28T20:00:00+00:00", ["2026-03-29"]),
        ("2026-10-24T20:00:00+00:00", ["2026-10-25"]),
        ("2027-03-27T20:00:00+00:00", ["2027-03-28"]),
        ("2027-10-30T20:00:00+00:00", ["2027-10-31"]),
    ],
)
def test_sch5_exactly_one_digest_per_local_date_across_dst(start, local_days):
    """5-minute passes over 32 hours around a DST switch, with the outbox's unique key."""
    now, end = datetime.fromisoformat(start), datetime.fromisoformat(start) + timedelta(hours=32)
    sent = []
    keys = set()
    while now <= end:
        for person, day in due_digests(now, PEOPLE):
            if (person.id, day) not in keys:
                keys.add((person.id, day))
                sent.append((person.id, day, now))
        now += timedelta(minutes=5)
    for person in PEOPLE:
        days = [day for pid, day, _ in sent if pid == person.id]
        assert len(days) == len(set(days)), f"{person.timezone} got a day twice"
        for local_day in local_days:
            assert date.fromisoformat(local_day) in days, f"{person} missed {local_day}"


def test_sch5_the_nonexistent_0230_sends_at_0300_summer_time():
    person = Person(1, "Europe/Madrid", 2 * 60 + 30)
    before = datetime(2027, 3, 28, 0, 55, tzinfo=UTC)  # 01:55 CET
    after = datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 03:00 CEST: 02:00-03:00 does not exist
    assert due_digests(before, [person]) == []
    assert due_digests(after, [person]) == [(person, date(2027, 3, 28))]


def test_sch5_the_repeated_0230_is_due_from_its_first_occurrence():
    person = Person(1, "Europe/Madrid", 2 * 60 + 30)
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert due_digests(first, [person]) == [(person, date(2027, 10, 31))]


@pytest.fixture
def people(make_user, records):
    """A Tokyo and a Madrid point of contact, each with an overdue action."""
    tokyo = make_user(timezone="Asia/Tokyo", language="ja", name="山田 遥")
    madrid = make_user(timezone="Europe/Madrid", name="Ane")
    for user in (tokyo, madrid):
        records.action(user, due_date=date(2026, 11, 20), title="Send the brochure")
    return tokyo, madrid


def digests(app, kind=Kind.DIGEST):
    with app.app_context():
        return db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        ).all()


def pass_at(app, instant):
    with app.app_context():
        added = plan(datetime.fromisoformat(instant))
        db.session.commit()
        return added


def test_only_the_user_whose_morning_it_is_gets_a_digest(app, people):
    tokyo, madrid = people
    # Thursday 08:30 in Tsu is Wednesday 00:30 in Bilbao.
    pass_at(app, "2026-11-25T23:30:00+00:00")
    rows = digests(app)
    assert [(r.recipient_id, r.payload["date"]) for r in rows] == [(tokyo.id, "2026-11-26")]
    pass_at(app, "2026-11-26T07:00:00+00:00")  # 08:00 in Bilbao
    assert [r.recipient_id for r in digests(app)] == [tokyo.id, madrid.id]


def test_sch4_after_downtime_one_digest_for_today_only(app, people):
    tokyo, _ = people
    # Down from Monday to Thursday 11:00 in Tsu: only Thursday's digest goes out.
    assert pass_at(app, "2026-11-26T02:00:00+00:00") >= 1
    assert pass_at(app, "2026-11-26T02:05:00+00:00") == 0
    assert [r.payload["date"] for r in digests(app) if r.recipient_id == tokyo.id] == ["2026-11-26"]


def test_a_second_pass_for_the_same_instant_adds_nothing(app, people):
    assert pass_at(app, "2026-11-26T07:30:00+00:00") == 2
    assert pass_at(app, "2026-11-26T07:30:00+00:00") == 0


def test_no_email_when_there_is_nothing_to_say(app, make_user):
    quiet_person = make_user(timezone="Europe/Madrid")
    pass_at(app, "2026-11-26T08:00:00+00:00")
    (row,) = [r for r in digests(app) if r.recipient_id == quiet_person.id]
    assert row.status is Delivery.SKIPPED


def test_weekends_and_disabled_digests_are_respected(app, people, make_user):
    _tokyo, madrid = people
    pass_at(app, "2026-11-28T23:30:00+00:00")  # Sunday 08:30 in Tsu
    assert digests(app) == []
    with app.app_context():
        from crm.accounts.models import User

        db.session.get(User, madrid.id).digest_enabled = False
        db.session.commit()
    pass_at(app, "2026-11-30T08:00:00+00:00")  # Monday 09:00 in Bilbao
    assert madrid.id not in [r.recipient_id for r in digests(app)]


def test_a_deactivated_user_gets_nothing(app, people):
    tokyo, madrid = people
    with app.app_context():
        from crm.accounts.models import User

        db.session.get(User, tokyo.id).active = False
        db.session.commit()
    pass_at(app, "2026-11-26T08:00:00+00:00")
    assert [r.recipient_id for r in digests(app)] == [madrid.id]


def test_the_digest_lists_overdue_meetings_and_quiet_relationships(app, make_user, records, at):
    user = make_user(timezone="Europe/Madrid")
    at("2026-08-01T10:00:00+00:00")
    org = records.org(user, name="Mie University")  # never contacted, added 117 days ago: quiet
    at(None)
    overdue = records.action(user, due_date=date(2026, 11, 20))
    later = records.action(user, due_date=date(2026, 12, 20))
    meeting = records.meeting(
        user, [records.org(user, name="Ideko")], starts_at=datetime(2026, 11, 27, 9, tzinfo=UTC)
    )
    pass_at(app, "2026-11-26T08:00:00+00:00")
    (row,) = digests(app)
    assert row.payload["actions"] == [overdue] and later not in row.payload["actions"]
    assert row.payload["meetings"] == [meeting]
    assert row.payload["quiet"] == [org] and row.payload["quiet_total"] == 1


NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def quiet_ids(app, now=NOW):
    from crm.organizations.models import Organization
    from crm.reminders.planning import quiet_clauses

    with app.app_context():
        return set(db.session.scalars(select(Organization.id).where(*quiet_clauses(now))))


def test_quiet_only_once_the_cadence_has_passed_since_it_was_added(app, make_user, records, at):
    user = make_user()
    at("2026-11-25T10:00:00+00:00")
    new = records.org(user, name="Added yesterday", cadence_days=90)
    at("2026-08-01T10:00:00+00:00")
    old = records.org(user, name="Added in August", cadence_days=90)
    at(None)
    assert quiet_ids(app) == {old}
    with app.app_context():
        from crm.organizations.models import Organization

        assert db.session.get(Organization, old).is_quiet(NOW)
        assert not db.session.get(Organization, new).is_quiet(NOW)


def test_a_planned_meeting_or_an_open_action_not_overdue_keeps_it_from_quiet(
    app, make_user, records, at
):
    user = make_user()
    at("2026-08-01T10:00:00+00:00")
    planned, waiting, late, quiet = (
        records.org(user, name=n, cadence_days=30) for n in ("Planned", "Waiting", "Late", "Quiet")
    )
    at(None)
    records.meeting(user, [planned], starts_at=datetime(2026, 12, 3, 9, tzinfo=UTC))
    records.action(user, organization_id=waiting, due_date=date(2026, 12, 1))
    records.action(user, organization_id=late, due_date=date(2026, 11, 20))  # overdue
    assert quiet_ids(app) == {late, quiet}


def test_the_digest_lists_quiet_relationships_up_to_the_cap(app, make_user, records, at):
    user = make_user(timezone="Europe/Madrid")
    at("2026-08-01T10:00:00+00:00")
    orgs = [records.org(user, name=f"Org {n}") for n in range(12)]
    at(None)
    app.config["DIGEST_QUIET_CAP"] = 5
    pass_at(app, "2026-11-26T08:00:00+00:00")
    (row,) = digests(app)
    assert row.payload["quiet"] == orgs[:5] and row.payload["quiet_total"] == 12


def test_a_nudge_only_with_the_digest_off_once_a_day_for_all(app, make_user, records, at):
    user = make_user(timezone="Europe/Madrid", digest_enabled=False)
    other = make_user(timezone="Europe/Madrid")  # the digest on: no nudge for them
    at("2026-08-01T10:00:00+00:00")
    orgs = [records.org(user, name=f"Org {n}", cadence_days=30) for n in range(3)]
    records.org(other, name="Theirs", cadence_days=30)
    at(None)
    pass_at(app, "2026-11-26T08:00:00+00:00")
    pass_at(app, "2026-11-26T09:00:00+00:00")
    (nudge,) = digests(app, Kind.NUDGE)
    assert nudge.recipient_id == user.id and nudge.payload["quiet"] == orgs
    assert nudge.dedupe_key == f"nudge:{user.id}:2026-11-26"
    pass_at(app, "2026-11-27T08:00:00+00:00")
    assert len(digests(app, Kind.NUDGE)) == 2


def test_managers_get_a_summary_on_monday_once_a_week(app, make_user):
    manager = make_user(Role.MANAGER, timezone="Europe/Madrid")
    make_user(timezone="Europe/Madrid")  # a point of contact gets no summary
    pass_at(app, "2026-11-29T09:00:00+00:00")  # Sunday
    assert digests(app, Kind.MANAGER_SUMMARY) == []
    pass_at(app, "2026-11-30T07:00:00+00:00")  # Monday 08:00 in Bilbao
    pass_at(app, "2026-11-30T15:00:00+00:00")
    rows = digests(app, Kind.MANAGER_SUMMARY)
    assert [(r.recipient_id, r.payload["week"]) for r in rows] == [(manager.id, "2026-W49")]


def test_mail1_an_assignment_notice_is_written_with_the_action_and_only_then(app, make_user):
    from crm.accounts.models import User
    from crm.actions.services import create_action

    giver, owner = make_user(), make_user()
    with app.test_request_context():
        create_action(
            {"title": "Call Yamada-san", "owner_id": owner.id, "due_date": date(2026, 12, 1)},
            actor=db.session.get(User, giver.id),
        )
        db.session.rollback()  # the view failed before its commit
    assert digests(app, Kind.NOTIFICATION) == []
    with app.test_request_context():
        create_action(
            {"title": "Call Yamada-san", "owner_id": owner.id, "due_date": date(2026, 12, 1)},
            actor=db.session.get(User, giver.id),
        )
        create_action(
            {"title": "My own note", "owner_id": giver.id, "due_date": date(2026, 12, 1)},
            actor=db.session.get(User, giver.id),
        )
        db.session.commit()
    assert [r.recipient_id for r in digests(app, Kind.NOTIFICATION)] == [owner.id]


@pytest.mark.parametrize(
    ("start", "day"),
    [("2027-03-27T18:00:00+00:00", "2027-03-28"), ("2027-10-30T18:00:00+00:00", "2027-10-31")],
)
def test_sch5_through_the_database_a_madrid_night_gives_one_digest(
    app, make_user, records, start, day
):
    early = make_user(timezone="Europe/Madrid", digest_minute=150, digest_days="1,2,3,4,5,6,7")
    records.action(early, due_date=date(2027, 3, 1))
    now = datetime.fromisoformat(start)
    while now < datetime.fromisoformat(start) + timedelta(hours=14):
        pass_at(app, now.isoformat())
        now += timedelta(minutes=15)
    dates = [r.payload["date"] for r in digests(app)]
    assert dates.count(day) == 1


def test_the_planner_runs_the_same_number_of_queries_for_more_people_and_records(
    app, make_user, records, at, count_queries
):
    """Digests, nudges (digest off) and quiet lists for everyone in a fixed number of queries."""

    def add(n, day):
        at("2026-08-01T10:00:00+00:00")
        for k in range(n):
            person = make_user(timezone=("Europe/Madrid", "Asia/Tokyo")[k % 2])
            quiet = make_user(digest_enabled=False)
            for owner in (person, quiet):
                for m in range(3):
                    org = records.org(owner, name=f"Org {day} {k} {m}", cadence_days=30)
                records.action(owner, organization_id=org, due_date=date(2026, 11, 20))
            records.meeting(person, [org], starts_at=datetime(2026, day, 1, 9, tzinfo=UTC))
        at(None)

    def queries(instant):
        with count_queries() as counted:
            pass_at(app, instant)
        return len(counted)

    add(2, 9)
    few = queries("2026-11-26T08:00:00+00:00")
    add(6, 10)
    assert queries("2026-11-27T08:00:00+00:00") == few
