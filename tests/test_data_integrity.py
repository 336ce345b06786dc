"""DATA-1 and DATA-2: no lost updates, and multi-record changes commit together or not at all."""

import threading

import pytest
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from crm.actions.models import Action, Status
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organizations.models import Organization


def test_data1_two_sessions_saving_the_same_version_one_fails(app, records, make_user):
    org_id = records.org(make_user())
    with app.app_context():
        engine = db.engine
    barrier = threading.Barrier(2)
    outcomes = []

    def save(name):
        with Session(engine) as session:
            org = session.get(Organization, org_id)
            barrier.wait()  # both have loaded version 1
            org.city = name
            try:
                session.commit()
                outcomes.append("saved")
            except StaleDataError:
                session.rollback()
                outcomes.append("stale")

    threads = [threading.Thread(target=save, args=(city,)) for city in ("Bilbao", "Tsu")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert records.get(Organization, org_id).version == 2


@pytest.fixture
def open_action(records, login):
    user = login()
    org = records.org(user)
    return user, org, records.action(user, organization_id=org, title="Call Yamada-san")


def meeting_form(org, **extra):
    return {
        "kind": "call",
        "title": "Call with Yamada-san",
        "date": "2026-11-20",
        "time": "10:00",
        "duration_minutes": "30",
        "organization_ids": [str(org)],
        "close_action": "1",
        **extra,
    }


def test_data2_logging_the_meeting_closes_the_action_it_settles(client, records, open_action):
    _user, org, action = open_action
    page = client.get(f"/meetings/new?action_id={action}")
    assert b"Call Yamada-san" in page.data
    response = client.post(f"/meetings/new?action_id={action}", data=meeting_form(org))
    assert response.status_code == 302
    assert records.get(Action, action).status is Status.DONE


def test_data2_an_invalid_meeting_leaves_the_action_open(app, client, records, open_action):
    _user, org, action = open_action
    response = client.post(
        f"/meetings/new?action_id={action}", data=meeting_form(org, time="25:99")
    )
    assert response.status_code == 200
    assert records.get(Action, action).status is Status.OPEN
    with app.app_context():
        assert db.session.query(Meeting).count() == 0


def test_data2_a_failure_while_closing_rolls_the_meeting_back(
    app, client, records, open_action, monkeypatch
):
    _user, org, action = open_action

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("crm.meetings.views.set_status", broken)
    response = client.post(f"/meetings/new?action_id={action}", data=meeting_form(org))
    assert response.status_code == 500
    with app.app_context():
        assert db.session.query(Meeting).count() == 0
    assert records.get(Action, action).status is Status.OPEN


def test_someone_elses_action_cannot_be_closed_through_a_meeting(client, records, login, make_user):
    other = make_user()
    org = records.org(other)
    action = records.action(other, organization_id=org)
    login()
    assert client.get(f"/meetings/new?action_id={action}").status_code == 403
    assert client.get("/meetings/new?action_id=99999").status_code == 404
