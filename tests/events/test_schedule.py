"""The schedule through the pages: the scheduler, moves by hand, outcomes, matches, printouts."""

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from crm.accounts.models import Role
from crm.audit.models import AuditEvent
from crm.events.models import Attendance, B2BMeeting, MeetingRequest
from crm.extensions import db
from crm.matching.models import Match, Stage


def meeting_of(app, request_id):
    with app.app_context():
        meeting = db.session.scalars(
            select(B2BMeeting).where(B2BMeeting.request_id == request_id)
        ).one()
        db.session.expunge(meeting)
        return meeting


def test_the_scheduler_places_accepted_requests_without_double_booking(
    app, client, login, build, grid
):
    user = login(Role.MANAGER)
    event = build(user, n=8, tables=2)  # 7 requests in a chain: neighbours share a firm
    response = client.post(f"/events/{event.id}/schedule", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "7 meetings placed" in page
    placed = grid(event.id)
    assert sorted(r for r, _, _ in placed) == sorted(event.requests)
    assert max(Counter((slot, table) for _, slot, table in placed).values()) == 1
    with app.app_context():
        parties = {
            r.id: r.party_ids
            for r in db.session.scalars(
                select(MeetingRequest).where(MeetingRequest.event_id == event.id)
            )
        }
    busy = Counter((slot, p) for r, slot, _ in placed for p in parties[r])
    assert max(busy.values()) == 1
    # Each meeting is in the grid, by local time (Asia/Tokyo) and table
    assert "Basque Firm 0 ↔ Mie Firm 1" in page
    assert re.search(r"<th scope=\"row\"[^>]*>10:00\W*(AM)?</th>", page)
    # Running it again places nothing new and keeps what is there
    client.post(f"/events/{event.id}/schedule")
    assert grid(event.id) == placed


def test_requests_that_do_not_fit_are_reported(client, login, build, grid):
    user = login(Role.MANAGER)
    # one table, four slots: seven chained requests cannot all fit
    event = build(user, n=8, tables=1)
    page = client.post(f"/events/{event.id}/schedule", follow_redirects=True).get_data(as_text=True)
    assert "4 meetings placed" in page and "3 accepted requests did not fit" in page
    assert len(grid(event.id)) == 4


def test_a_move_that_double_books_an_organization_is_refused_and_nothing_saved(
    app, client, login, build, grid, rows
):
    user = login()
    event = build(user, n=3, schedule=True)  # firm 1 meets firm 0, then firm 2
    before, audit = grid(event.id), rows(AuditEvent)
    first, second = (meeting_of(app, r) for r in event.requests)
    assert first.slot_start != second.slot_start
    response = client.post(
        f"/events/b2b/{second.id}/move",
        data={"move-slot": first.slot_start.isoformat(), "move-table": "3"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Mie Firm 1 already has a meeting at" in page and "Nothing was changed" in page
    assert "10:00" in page  # the slot, in the event's local time
    assert grid(event.id) == before and rows(AuditEvent) == audit


def test_a_move_to_a_taken_table_is_refused_and_nothing_saved(
    app, client, login, build, grid, records
):
    user = login()
    event = build(user, n=4, schedule=True)
    first, _, third = (meeting_of(app, r) for r in event.requests)
    assert first.slot_start == third.slot_start  # firms 0-1 and 2-3 meet at once
    before = grid(event.id)
    response = client.post(
        f"/events/b2b/{third.id}/move",
        data={"move-slot": first.slot_start.isoformat(), "move-table": str(first.table_number)},
        follow_redirects=True,
    )
    assert f"Table {first.table_number} is already taken" in response.get_data(as_text=True)
    assert grid(event.id) == before


def test_a_move_by_hand_is_kept_by_the_next_run(app, client, login, build, grid):
    user = login()
    event = build(user, n=2, schedule=True)
    (meeting,) = (meeting_of(app, r) for r in event.requests)
    later = datetime(2026, 11, 10, 2, 30, tzinfo=UTC)  # 11:30 in Tsu
    response = client.post(
        f"/events/b2b/{meeting.id}/move",
        data={"move-slot": later.isoformat(), "move-table": "4"},
        follow_redirects=True,
    )
    assert "Moved to" in response.get_data(as_text=True)
    client.post(f"/events/{event.id}/schedule")
    assert grid(event.id) == [(meeting.request_id, later, 4)]
    outside = client.post(
        f"/events/b2b/{meeting.id}/move",
        data={"move-slot": "2026-11-10T03:00:00+00:00", "move-table": "1"},  # 12:00: after
    )
    assert outside.status_code == 200 and "Not a valid choice" in outside.get_data(as_text=True)
    assert grid(event.id) == [(meeting.request_id, later, 4)]


def test_attendance_and_outcome_are_recorded(app, client, login, build):
    user = login()
    event = build(user, n=2, schedule=True)
    (meeting,) = (meeting_of(app, r) for r in event.requests)
    client.post(
        f"/events/b2b/{meeting.id}/outcome",
        data={"outcome-attendance": "held", "outcome-outcome": "Samples to be sent."},
    )
    meeting = meeting_of(app, meeting.request_id)
    assert (meeting.attendance, meeting.outcome) == (Attendance.HELD, "Samples to be sent.")
    bad = client.post(f"/events/b2b/{meeting.id}/outcome", data={"outcome-attendance": "maybe"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)


def test_an_outcome_opens_a_match_between_the_two_sides(app, client, login, build):
    user = login()
    event = build(user, n=3, schedule=True)  # Basque 0 ↔ Mie 1, Mie 1 ↔ Basque 2
    first, _ = (meeting_of(app, r) for r in event.requests)
    response = client.post(f"/events/b2b/{first.id}/match")
    assert response.status_code == 302 and "/matching/" in response.headers["Location"]
    with app.app_context():
        (match,) = db.session.scalars(select(Match)).all()
        assert (match.basque_id, match.mie_id, match.stage) == (
            event.orgs[0],
            event.orgs[1],
            Stage.SUGGESTED,
        )
    assert meeting_of(app, first.request_id).match_id == match.id
    again = client.post(f"/events/b2b/{first.id}/match", follow_redirects=True)
    assert "already belongs to a match" in again.get_data(as_text=True)
    page = client.get(f"/events/b2b/{first.id}").get_data(as_text=True)
    assert f"/matching/{match.id}" in page


def test_a_match_between_two_organizations_of_one_side_is_refused(
    app, client, login, make_user, build
):
    from crm.events import services
    from crm.events.models import Event, Participant
    from tests.events.factories import join, new_org

    user = login()
    event = build(user, n=1)
    with app.test_request_context():
        actor = db.session.get(type(user), user.id)
        found = db.session.get(Event, event.id)
        basque = db.session.get(Participant, event.participants[0])
        other = join(found, actor, new_org(actor, "Another Basque Firm"))
        request = services.request_meeting(found, basque, other, actor=actor)
        services.decide_request(request, True, actor=actor)
        services.schedule(found, actor=actor)
        db.session.commit()
        request_id = request.id
    meeting = meeting_of(app, request_id)
    response = client.post(f"/events/b2b/{meeting.id}/match", follow_redirects=True)
    assert "one organization of each side of the bridge" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Match)).all() == []
    assert meeting_of(app, request_id).match_id is None


def test_an_existing_match_is_linked_rather_than_duplicated(app, client, login, build):
    user = login()
    event = build(user, n=2, schedule=True)
    with app.app_context():
        db.session.add(Match(basque_id=event.orgs[0], mie_id=event.orgs[1], reasons={}))
        db.session.commit()
    (meeting,) = (meeting_of(app, r) for r in event.requests)
    page = client.post(f"/events/b2b/{meeting.id}/match", follow_redirects=True)
    assert "already had a match" in page.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(Match)).all()) == 1


def test_the_printable_schedule_lists_one_participants_meetings_in_time_order(
    app, client, login, build
):
    event = build(login(), n=3, schedule=True)
    page = client.get(f"/events/participants/{event.participants[1]}/schedule").get_data(
        as_text=True
    )
    # Grouped by day: one day heading, then time, table and counterpart of each meeting.
    assert len(re.findall(r'<th colspan="4" scope="colgroup">', page)) == 1
    rows = re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>\s*<td>(\d+)</td>\s*<td>(.*?)</td>", page, re.S)
    times = [re.sub(r"[^0-9:–]", "", time) for time, _, _ in rows]  # "10:00 AM–10:30 AM"
    assert times == ["10:00–10:30", "10:30–11:00"]
    assert [name for _, _, name in rows] == ["Basque Firm 0", "Basque Firm 2"]
    assert all(table == "1" for _, table, _ in rows)
    assert "Asia/Tokyo" in page and "Mie Firm 1" in page
    empty = client.get(f"/events/participants/{event.participants[0]}/schedule")
    assert empty.status_code == 200


@pytest.mark.parametrize("page", ["detail", "print"])
def test_queries_do_not_grow_with_the_participants(client, login, build, count_queries, page):
    user = login()
    few, many = build(user, n=3, schedule=True), build(user, n=30, schedule=True)

    def url(event):
        if page == "detail":
            return f"/events/{event.id}"
        return f"/events/participants/{event.participants[1]}/schedule"

    with count_queries() as small:
        assert client.get(url(few)).status_code == 200
    with count_queries() as large:
        html = client.get(url(many)).get_data(as_text=True)
    assert "Mie Firm 1" in html
    assert len(large) == len(small), large.statements


def test_the_database_refuses_two_meetings_at_one_table_in_one_slot(app, make_user, build):
    from sqlalchemy.exc import IntegrityError

    event = build(make_user(), n=3, schedule=True)
    first, second = (meeting_of(app, r) for r in event.requests)
    with app.app_context():
        moved = db.session.get(B2BMeeting, second.id)
        moved.slot_start, moved.table_number = first.slot_start, first.table_number
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
