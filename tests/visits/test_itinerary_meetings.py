"""A stop becomes a logged meeting in one click, once; the visit page shows the follow-up and
costs the same number of queries for 3 or 30 stops or visits."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from crm.accounts.models import User
from crm.extensions import db
from crm.meetings.models import Meeting, MeetingKind
from crm.organizations.models import Organization
from crm.visits import services
from crm.visits.models import Visit, VisitStop
from tests.visits.factories import get, make_stop, make_visit


def meeting_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Meeting))


@pytest.fixture
def planned(app, login, make_user, records, orgs):
    """A visit by the signed-in user and a colleague, with people on both sides, and a stop."""
    user = login(timezone="Europe/Madrid")
    colleague = make_user()
    taro = records.contact(user, orgs["mie"], given_name="Taro", family_name="Yamada")
    ane = records.contact(user, orgs["basque"], given_name="Ane", family_name="Etxeberria")
    visit_id = make_visit(
        app, user, orgs["basque"], user_ids=[user.id, colleague.id], contact_ids=[taro, ane]
    )
    stop_id = make_stop(app, user, orgs["mie"], visit_id)
    return {"user": user, "colleague": colleague, "taro": taro, "visit": visit_id, "stop": stop_id}


def test_log_a_stop_as_a_meeting(app, client, orgs, planned):
    visit_id, stop_id = planned["visit"], planned["stop"]
    response = client.post(f"/visits/stops/{stop_id}/meeting")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/visits/{visit_id}#stop-{stop_id}"

    with app.app_context():
        meeting = db.session.scalar(
            select(Meeting).options(
                selectinload(Meeting.organizations),
                selectinload(Meeting.contacts),
                selectinload(Meeting.attendees),
            )
        )
        assert meeting.kind is MeetingKind.VISIT
        assert meeting.title == "Courtesy call — 三重県庁 (Mie Prefectural Government)"
        assert meeting.starts_at == datetime(2026, 11, 3, 1, 0, tzinfo=UTC)
        assert (meeting.duration_minutes, meeting.location) == (90, "Tsu")
        assert {o.id for o in meeting.organizations} == {orgs["mie"], orgs["basque"]}
        assert [c.id for c in meeting.contacts] == [planned["taro"]]  # the people of the host
        assert {u.id for u in meeting.attendees} == {planned["user"].id, planned["colleague"].id}
        assert meeting.owner_id == planned["user"].id
        meeting_id = meeting.id
    assert get(app, VisitStop, stop_id).meeting_id == meeting_id

    html = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting_id}"' in html
    assert "Log as meeting" not in html
    assert client.get(f"/meetings/{meeting_id}").status_code == 200

    again = client.post(f"/visits/stops/{stop_id}/meeting", follow_redirects=True)
    assert again.status_code == 200
    assert "logged as a meeting already" in again.get_data(as_text=True)
    assert meeting_count(app) == 1


def test_a_stop_logged_meanwhile_is_not_logged_twice(app, records, orgs, planned):
    """Two clicks at once: the second finds the link set by the first and saves nothing."""
    other = records.meeting(planned["user"], [orgs["mie"]])  # what the first click logged
    with app.test_request_context():
        stale = db.session.scalar(  # the second request loaded the stop before that commit
            select(VisitStop).options(
                selectinload(VisitStop.visit).options(
                    selectinload(Visit.users), selectinload(Visit.contacts)
                ),
                selectinload(VisitStop.host),
            )
        )
        db.session.execute(
            update(VisitStop).values(meeting_id=other).execution_options(synchronize_session=False)
        )
        assert stale.meeting_id is None
        with pytest.raises(services.AlreadyLogged):
            services.log_stop_as_meeting(stale, actor=db.session.get(User, planned["user"].id))
        db.session.rollback()
    assert meeting_count(app) == 1


def test_a_stop_whose_host_is_in_the_trash_is_not_logged(app, client, orgs, planned):
    with app.app_context():
        db.session.get(Organization, orgs["mie"]).deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
        db.session.commit()
    response = client.post(f"/visits/stops/{planned['stop']}/meeting", follow_redirects=True)
    assert "restore it first" in response.get_data(as_text=True)
    assert meeting_count(app) == 0


def test_visit_page_lists_follow_up_actions(app, client, records, orgs, planned):
    user = planned["user"]
    client.post(f"/visits/stops/{planned['stop']}/meeting")
    meeting_id = get(app, VisitStop, planned["stop"]).meeting_id
    records.action(
        user, title="Send the machining samples", meeting_id=meeting_id, organization_id=orgs["mie"]
    )
    records.action(user, title="Book the return visit", organization_id=orgs["basque"])
    records.action(user, title="Unrelated", organization_id=orgs["mie"])
    html = client.get(f"/visits/{planned['visit']}").get_data(as_text=True)
    assert "Send the machining samples" in html
    assert "Book the return visit" in html  # an open action of the lead organization
    assert "Unrelated" not in html
    assert f'href="/actions/new?organization_id={orgs["basque"]}"' in html


def add_stops(app, client, user, host, visit_id, start, stop):
    for i in range(start, stop):
        stop_id = make_stop(
            app,
            user,
            host,
            visit_id,
            purpose=f"Stop {i}",
            starts_at=datetime(2026, 11, 2, 0, tzinfo=UTC) + timedelta(hours=2 * i),
        )
        if i == 0:  # a logged stop too: its meeting link is loaded with the rest
            assert client.post(f"/visits/stops/{stop_id}/meeting").status_code == 302


def test_visit_page_query_count_does_not_grow_with_stops(
    app, client, login, orgs, count_queries, records
):
    user = login()
    visit_id = make_visit(app, user, orgs["basque"], end_date=date(2026, 11, 6))
    records.action(user, organization_id=orgs["basque"])
    add_stops(app, client, user, orgs["mie"], visit_id, 0, 3)
    client.get(f"/visits/{visit_id}")
    with count_queries() as few:
        assert client.get(f"/visits/{visit_id}").status_code == 200
    add_stops(app, client, user, orgs["mie"], visit_id, 3, 30)
    with count_queries() as many:
        html = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Stop 29" in html
    assert len(many) == len(few), many.statements


def test_visit_list_query_count_does_not_grow_with_visits(
    app, client, login, make_user, orgs, count_queries, at
):
    at("2026-10-01T00:00:00+00:00")
    login()
    users = [make_user() for _ in range(3)]

    def add(start, stop):
        for i in range(start, stop):
            owner = users[i % 3]
            visit_id = make_visit(
                app,
                owner,
                orgs["basque"],
                title=f"Mission {i}",
                user_ids=[u.id for u in users[: 1 + i % 3]],
            )
            make_stop(app, owner, orgs["mie"], visit_id)

    add(0, 3)
    client.get("/visits/")
    with count_queries() as few:
        assert client.get("/visits/").status_code == 200
    add(3, 30)
    with count_queries() as many:
        html = client.get("/visits/").get_data(as_text=True)
    assert "Mission 24" in html
    assert len(many) == len(few), many.statements
