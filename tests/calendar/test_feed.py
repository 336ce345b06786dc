"""Calendar feeds (issue #7 item 4): what a subscribed Outlook, Google or Apple Calendar reads,
parsed with the ``icalendar`` library, with the times checked in Europe/Madrid and Asia/Tokyo
across the 2026 DST switches."""

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from crm.accounts.models import User
from crm.actions.models import Action, Status
from crm.audit.models import AuditEvent
from crm.events import services as event_services
from crm.events.models import Event, Host
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organizations.models import Organization, Region
from crm.trash.services import move_to_trash
from crm.visits.models import Direction, Visit
from tests.calendar.conftest import events
from tests.events.factories import join, new_event, new_org
from tests.visits.factories import make_stop, make_visit

MADRID, TOKYO = ZoneInfo("Europe/Madrid"), ZoneInfo("Asia/Tokyo")
MARCH = "2026-03-01T09:00:00+00:00"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def trash(app, model, record_id, user):
    with app.test_request_context():
        move_to_trash(db.session.get(model, record_id), actor=db.session.get(User, user.id))
        db.session.commit()


def start_in(event, zones):
    """DTSTART read the way a client reads it: wall clock plus the feed's own VTIMEZONE."""
    wall = event["DTSTART"].dt.replace(tzinfo=None)
    return wall.replace(tzinfo=zones[event["DTSTART"].params["TZID"]]).astimezone(UTC)


# Turning the feed on, off and regenerating it


def test_turning_the_feed_on_shows_the_address_once_and_stores_only_its_hash(app, client, login):
    user = login()
    response = client.post("/calendar/feed")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account#calendar-feed")

    page = client.get("/account").get_data(as_text=True)
    assert "Copy this address now" in page
    url = re.search(r'value="(http://zubia\.example/calendar/([\w-]{43})\.ics)"', page)
    assert url, page
    token = url.group(2)
    assert "Copy this address now" not in client.get("/account").get_data(as_text=True)

    with app.app_context():
        stored = db.session.get(User, user.id).calendar_token_hash
        assert stored == hashlib.sha256(token.encode()).hexdigest()
        assert token not in stored
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "calendar_feed_on" in actions
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 200


def test_regenerating_gives_a_new_address_and_the_old_one_answers_404(app, client, login, fetch):
    login()
    client.post("/calendar/feed")
    old = re.search(r"/calendar/[\w-]+\.ics", client.get("/account").get_data(as_text=True))[0]
    assert "Your calendar feed is on" in client.get("/account").get_data(as_text=True)
    client.post("/calendar/feed")
    new = re.search(r"/calendar/[\w-]+\.ics", client.get("/account").get_data(as_text=True))[0]
    assert new != old
    fetch(new)
    assert app.test_client().get(old).status_code == 404


def test_a_revoked_feed_answers_404(app, client, login):
    login()
    client.post("/calendar/feed")
    path = re.search(r"/calendar/[\w-]+\.ics", client.get("/account").get_data(as_text=True))[0]
    response = client.post("/calendar/feed/off", follow_redirects=True)
    assert "Your calendar feed is off" in response.get_data(as_text=True)
    revoked = app.test_client().get(path)
    assert revoked.status_code == 404
    assert "Set-Cookie" not in revoked.headers


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 500, "%00", "..%2F..%2Fetc"])
def test_unknown_tokens_answer_404(app, token):
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404


def test_an_inactive_users_feed_answers_404(app, make_user, issue):
    user = make_user()
    path = issue(user)
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_turning_the_feed_on_needs_the_csrf_token(make_app, make_user):
    from tests.conftest import sign_in

    app = make_app(WTF_CSRF_ENABLED=True)
    user = make_user()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    sign_in(client, user.email, csrf_token=csrf)
    assert client.post("/calendar/feed").status_code == 400
    profile = client.get("/account").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', profile)[1]
    assert client.post("/calendar/feed", data={"csrf_token": csrf}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).calendar_token_hash is not None


def test_the_feed_is_rate_limited(make_app, make_user, issue):
    app = make_app(CALENDAR_FEED_LIMIT="2 per minute")
    path = issue(make_user())
    client = app.test_client()
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 429]


# The feed itself


def test_the_feed_is_a_private_calendar_without_a_session(app, make_user, issue, at):
    at(MARCH)
    user = make_user(name="Ane Etxeberria", timezone="Europe/Madrid")
    response = app.test_client().get(issue(user))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"].startswith("private")
    assert "Set-Cookie" not in response.headers
    calendar = Calendar.from_ical(response.data)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Zubia//")
    assert str(calendar["X-WR-CALNAME"]) == "Zubia – Ane Etxeberria"
    assert all(len(line) <= 75 for line in response.data.split(b"\r\n"))


def test_meetings_keep_their_zone_across_both_dst_switches(
    app, make_user, records, issue, fetch, at
):
    at(MARCH)
    madrid = make_user(timezone="Europe/Madrid")
    tokyo = make_user(timezone="Asia/Tokyo")
    org = records.org(madrid)
    # 01:30 on the night Madrid springs forward, for two hours: ends 04:30 on the wall clock.
    spring = records.meeting(madrid, [org], starts_at=utc(2026, 3, 29, 0, 30), duration_minutes=120)
    # 02:30 the second time round, on the night Madrid falls back (01:30 UTC).
    autumn = records.meeting(madrid, [org], starts_at=utc(2026, 10, 25, 1, 30))
    # Logged in Tsu at 10:00 Tokyo time, with the Madrid colleague attending.
    tsu = records.meeting(
        tokyo, [org], starts_at=utc(2026, 3, 29, 1, 0), attendee_ids=[tokyo.id, madrid.id]
    )
    calendar = fetch(issue(madrid))
    found = events(calendar)
    expected = {
        spring: (MADRID, datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 4, 30)),
        tsu: (TOKYO, datetime(2026, 3, 29, 10, 0), datetime(2026, 3, 29, 11, 0)),
    }
    instants = {spring: utc(2026, 3, 29, 0, 30), tsu: utc(2026, 3, 29, 1, 0)}
    zones = {tz.tz_name: tz.to_tz() for tz in calendar.timezones}
    assert set(zones) == {"Europe/Madrid", "Asia/Tokyo"}
    for meeting_id, (zone, start, end) in expected.items():
        event = found[f"meeting-{meeting_id}@zubia.example"]
        dtstart, dtend = event["DTSTART"], event["DTEND"]
        assert dtstart.params["TZID"] == zone.key
        assert dtstart.dt.replace(tzinfo=None) == start
        assert dtend.dt.replace(tzinfo=None) == end
        assert dtstart.dt.astimezone(UTC) == instants[meeting_id]
        # The VTIMEZONE shipped in the feed gives the same instant as the tz database.
        assert start_in(event, zones) == instants[meeting_id]
    # "02:30 Europe/Madrid" on 25 October would mean the first 02:30 (RFC 5545 3.3.5), an hour
    # early: the second one is written in UTC.
    autumn_event = found[f"meeting-{autumn}@zubia.example"]
    assert autumn_event["DTSTART"].dt == utc(2026, 10, 25, 1, 30)
    assert autumn_event["DTEND"].dt == utc(2026, 10, 25, 2, 30)
    assert "TZID" not in autumn_event["DTSTART"].params
    first_time = records.meeting(madrid, [org], starts_at=utc(2026, 10, 25, 0, 30))
    event = events(fetch(issue(madrid)))[f"meeting-{first_time}@zubia.example"]
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 10, 25, 2, 30)
    assert start_in(event, zones) == utc(2026, 10, 25, 0, 30)
    assert event["DTEND"].dt == utc(2026, 10, 25, 1, 30)  # the second 02:30
    assert calendar["X-WR-TIMEZONE"] == "Europe/Madrid"


def test_a_meeting_carries_a_stable_uid_version_and_links_to_base_url(
    app, make_user, records, issue, at
):
    at(MARCH)
    user = make_user()
    org = records.org(user, name="Mie University")
    meeting_id = records.meeting(user, [org], starts_at=utc(2026, 4, 1, 8), location="Tsu")
    path = issue(user)
    response = app.test_client().get(path, headers={"Host": "evil.example"})
    first = events(Calendar.from_ical(response.data))[f"meeting-{meeting_id}@zubia.example"]
    assert first["SEQUENCE"] == 0
    assert str(first["LOCATION"]) == "Tsu"
    assert f"http://zubia.example/meetings/{meeting_id}" in str(first["DESCRIPTION"])
    assert "Mie University" in str(first["DESCRIPTION"])
    assert "evil.example" not in response.get_data(as_text=True)
    with app.app_context():
        db.session.get(Meeting, meeting_id).title = "Second call"
        db.session.commit()
    second = events(Calendar.from_ical(app.test_client().get(path).data))
    second = second[f"meeting-{meeting_id}@zubia.example"]
    assert second["SEQUENCE"] == 1
    assert str(second["SUMMARY"]) == "Second call"
    assert second["LAST-MODIFIED"].dt >= first["LAST-MODIFIED"].dt


def test_text_is_escaped_and_survives_the_round_trip(app, make_user, records, issue, fetch, at):
    at(MARCH)
    user = make_user()
    org = records.org(user)
    title = "Reunión, Bilbao; 三重県庁との打ち合わせ"
    summary = "一行目、三重県。\nSecond line, with; punctuation\\ and a backslash"
    location = "Tsu, Mie; 2F 会議室"
    meeting_id = records.meeting(
        user, [org], title=title, summary=summary, location=location, starts_at=utc(2026, 4, 2)
    )
    path = issue(user)
    raw = app.test_client().get(path).data
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert "SUMMARY:Reunión\\, Bilbao\\; 三重県庁との打ち合わせ" in unfolded
    assert "LOCATION:Tsu\\, Mie\\; 2F 会議室" in unfolded
    assert "一行目、三重県。\\nSecond line\\, with\\; punctuation\\\\ and" in unfolded
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    event = events(fetch(path))[f"meeting-{meeting_id}@zubia.example"]
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == location
    assert summary in str(event["DESCRIPTION"])


def test_visits_and_their_stops_in_the_destinations_time(app, make_user, records, issue, fetch, at):
    at(MARCH)
    user = make_user(timezone="Europe/Madrid")
    org = records.org(user, name="Mie Industry Support Centre")
    planner = make_user()
    visit_id = make_visit(app, planner, org, user_ids=[user.id], direction=Direction.TO_MIE)
    stop_id = make_stop(app, planner, org, visit_id=visit_id, place="Tsu; 3F")
    found = events(fetch(issue(user)))
    visit = found[f"visit-{visit_id}@zubia.example"]
    assert visit["DTSTART"].dt == date(2026, 11, 2)
    assert visit["DTSTART"].params["VALUE"] == "DATE"
    assert visit["DTEND"].dt == date(2026, 11, 7)  # exclusive: the visit ends on the 6th
    stop = found[f"visit-stop-{stop_id}@zubia.example"]
    assert stop["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert stop["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 11, 3, 10, 0)
    assert stop["DTEND"].dt.replace(tzinfo=None) == datetime(2026, 11, 3, 11, 30)
    assert str(stop["LOCATION"]) == "Mie Industry Support Centre, Tsu; 3F"
    assert f"/visits/{visit_id}" in str(stop["DESCRIPTION"])


def test_b2b_slots_reach_the_organizer_and_the_owners_of_both_organizations(
    app, make_user, issue, fetch, at
):
    at(MARCH)
    organizer, basque_owner, mie_owner, stranger = (make_user() for _ in range(4))
    with app.test_request_context():
        actor = db.session.get(User, organizer.id)
        event = new_event(actor, None, country=Host.BASQUE_COUNTRY, city="Bilbao")
        event.start_date = event.end_date = date(2026, 10, 26)  # the Monday after the switch
        event.session_start, event.session_end = time(9, 0), time(10, 0)
        basque = new_org(actor, "Ikerlan, S. Coop.", owner_id=basque_owner.id)
        mie = new_org(actor, "三重精機", Region.MIE, owner_id=mie_owner.id)
        request = event_services.request_meeting(
            event, join(event, actor, basque), join(event, actor, mie), actor=actor
        )
        event_services.decide_request(request, True, actor=actor)
        event_services.schedule(event, actor=actor)
        db.session.commit()
        event_id = event.id
    for user in (organizer, basque_owner, mie_owner):
        (slot,) = [e for uid, e in events(fetch(issue(user))).items() if uid.startswith("b2b-")]
        assert slot["DTSTART"].params["TZID"] == "Europe/Madrid"
        assert slot["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 10, 26, 9, 0)
        assert slot["DTSTART"].dt.astimezone(UTC) == utc(2026, 10, 26, 8, 0)  # CET again
        assert slot["DTEND"].dt - slot["DTSTART"].dt == timedelta(minutes=30)
        assert str(slot["SUMMARY"]) == "B2B: Ikerlan, S. Coop. – 三重精機"
        assert str(slot["LOCATION"]).startswith("Bilbao, table 1")
    assert not [u for u in events(fetch(issue(stranger))) if u.startswith("b2b-")]
    trash(app, Event, event_id, organizer)
    assert not [u for u in events(fetch(issue(organizer))) if u.startswith("b2b-")]


def test_open_actions_are_all_day_entries_on_their_due_date(
    app, make_user, records, issue, fetch, at
):
    at(MARCH)
    user = make_user(timezone="Asia/Tokyo", language="ja")
    other = make_user()
    due = records.action(user, title="Send the MoU draft", due_date=date(2026, 3, 29))
    done = records.action(user, title="Done already", due_date=date(2026, 3, 30))
    theirs = records.action(other, title="Not mine", due_date=date(2026, 3, 30))
    with app.app_context():
        db.session.get(Action, done).status = Status.DONE
        db.session.commit()
    found = events(fetch(issue(user)))
    action = found[f"action-{due}@zubia.example"]
    assert action["DTSTART"].params["VALUE"] == "DATE"
    assert action["DTSTART"].dt == date(2026, 3, 29)
    assert action["DTEND"].dt == date(2026, 3, 30)
    assert str(action["TRANSP"]) == "TRANSPARENT"
    assert str(action["SUMMARY"]) == "期限: Send the MoU draft"  # in the user's language
    assert f"action-{done}@zubia.example" not in found
    assert f"action-{theirs}@zubia.example" not in found


def test_another_users_feed_never_shows_your_records(app, make_user, records, issue, fetch, at):
    at(MARCH)
    mine, theirs = make_user(), make_user()
    org = records.org(mine)
    meeting = records.meeting(mine, [org], starts_at=utc(2026, 4, 1, 8))
    action = records.action(mine, due_date=date(2026, 4, 1))
    visit = make_visit(app, mine, org)
    mine_path = issue(mine)
    assert len(events(fetch(mine_path))) == 3  # the meeting, the action, the visit
    assert events(fetch(issue(theirs))) == {}
    for uid in (f"meeting-{meeting}", f"action-{action}", f"visit-{visit}"):
        assert f"{uid}@zubia.example" in events(fetch(mine_path))


def test_trashed_records_disappear_from_the_feed(app, make_user, records, issue, fetch, at):
    at(MARCH)
    user = make_user()
    org = records.org(user)
    meeting = records.meeting(user, [org], starts_at=utc(2026, 4, 1, 8))
    action = records.action(user, due_date=date(2026, 4, 1))
    visit = make_visit(app, user, org)
    make_stop(app, user, org, visit_id=visit)
    path = issue(user)
    assert len(events(fetch(path))) == 4
    trash(app, Meeting, meeting, user)
    trash(app, Action, action, user)
    trash(app, Visit, visit, user)
    assert events(fetch(path)) == {}


def test_the_feed_covers_90_days_back_to_400_days_ahead(app, make_user, records, issue, fetch, at):
    now = utc(2026, 3, 1, 9)
    at(now)
    user = make_user()
    org = records.org(user)
    inside = [now - timedelta(days=89), now + timedelta(days=399)]
    outside = [now - timedelta(days=91), now + timedelta(days=401)]
    ids = {when: records.meeting(user, [org], starts_at=when) for when in inside + outside}
    found = events(fetch(issue(user)))
    for when in inside:
        assert f"meeting-{ids[when]}@zubia.example" in found
    for when in outside:
        assert f"meeting-{ids[when]}@zubia.example" not in found


def test_the_feed_runs_a_constant_number_of_queries(
    app, make_user, records, issue, count_queries, at
):
    at(MARCH)
    user = make_user()
    path = issue(user)

    def add_one_of_each(n):
        org = records.org(user, name=f"Org {n}")
        records.meeting(user, [org], starts_at=utc(2026, 4, 1 + n, 8))
        records.action(user, due_date=date(2026, 4, 1 + n), organization_id=org)
        make_stop(app, user, org, starts_at=utc(2026, 11, 3 + n, 1))
        with app.app_context():
            db.session.get(Organization, org).owner_id = user.id
            db.session.commit()

    def queries():
        with count_queries() as counted:
            assert app.test_client().get(path).status_code == 200
        return len(counted)

    add_one_of_each(0)
    one = queries()
    for n in range(1, 6):
        add_one_of_each(n)
    assert queries() == one
    assert one <= 10


# One meeting as a file


def test_a_meeting_page_offers_its_ics_file(app, client, login, records, at):
    at(MARCH)
    user = login(timezone="Asia/Tokyo")
    org = records.org(user)
    meeting_id = records.meeting(user, [org], starts_at=utc(2026, 10, 25, 1, 30))
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f'href="/calendar/meetings/{meeting_id}.ics"' in page
    response = client.get(f"/calendar/meetings/{meeting_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="meeting-{meeting_id}.ics"'
    )
    calendar = Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 10, 25, 10, 30)
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Tokyo"]
    trash(app, Meeting, meeting_id, user)
    assert client.get(f"/calendar/meetings/{meeting_id}.ics").status_code == 404
