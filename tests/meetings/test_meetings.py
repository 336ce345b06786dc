"""Meetings: local time in, UTC stored, DST gaps and overlaps, next actions in one
transaction (DATA-2), the counterpart's local time and the organization's last contact."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Role, User
from crm.actions import services as action_services
from crm.actions.models import Action
from crm.audit.models import AuditEvent
from crm.extensions import db
from crm.meetings import services as meeting_services
from crm.meetings.models import Meeting, MeetingKind
from crm.organizations.models import Kind, Organization, Region


def meeting_form(user, organization_ids, **changes):
    data = {
        "kind": "video",
        "title": "Kick-off call",
        "date": "2026-11-02",
        "time": "10:00",
        "occurrence": "",
        "duration_minutes": "60",
        "location": "",
        "organization_ids": [str(i) for i in organization_ids],
        "attendee_ids": [str(user.id)],
        "summary": "",
        "outcomes": "",
        "actions-0-title": "",
        "actions-0-owner_id": str(user.id),
        "actions-0-due_date": "",
        "actions-1-title": "",
        "actions-1-owner_id": str(user.id),
        "actions-1-due_date": "",
    }
    data.update(changes)
    return data


def meetings_in(app):
    with app.app_context():
        rows = db.session.scalars(select(Meeting).order_by(Meeting.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def mie(records, make_user):
    return records.org(
        make_user(),
        name="Mie Prefectural Government",
        native_name="三重県庁",
        kind=Kind.GOVERNMENT,
        region=Region.MIE,
        country="JP",
    )


@pytest.mark.parametrize(
    ("zone", "date", "time", "expected"),
    [
        ("Europe/Madrid", "2026-11-02", "10:00", datetime(2026, 11, 2, 9, 0, tzinfo=UTC)),
        ("Europe/Madrid", "2026-07-01", "10:00", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
        ("Asia/Tokyo", "2026-11-02", "18:00", datetime(2026, 11, 2, 9, 0, tzinfo=UTC)),
        ("Asia/Tokyo", "2026-07-01", "08:30", datetime(2026, 6, 30, 23, 30, tzinfo=UTC)),
        ("UTC", "2026-03-29", "02:30", datetime(2026, 3, 29, 2, 30, tzinfo=UTC)),
        ("Europe/Madrid", "2028-02-29", "09:00", datetime(2028, 2, 29, 8, 0, tzinfo=UTC)),
        ("Europe/Madrid", "2026-03-29", "03:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ],
)
def test_meeting_is_stored_in_utc_from_the_users_local_time(
    app, client, login, mie, zone, date, time, expected
):
    user = login(timezone=zone)
    response = client.post("/meetings/new", data=meeting_form(user, [mie], date=date, time=time))
    assert response.status_code == 302, response.get_data(as_text=True)
    (meeting,) = meetings_in(app)
    assert meeting.starts_at == expected


def test_meeting_page_and_edit_form_show_the_readers_local_time(app, client, login, records, mie):
    user = login(timezone="Asia/Tokyo")
    meeting_id = records.meeting(user, [mie], starts_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    form = client.get(f"/meetings/{meeting_id}/edit").get_data(as_text=True)
    assert re.search(r'name="date"[^>]*value="2026-11-02"', form)
    assert re.search(r'name="time"[^>]*value="18:00"', form)


def test_nonexistent_local_time_is_refused_next_to_the_field(app, client, login, mie):
    user = login(timezone="Europe/Madrid")
    response = client.post(
        "/meetings/new", data=meeting_form(user, [mie], date="2026-03-29", time="02:30")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = re.search(r'id="time-error"[^>]*>([^<]*)<', html)
    assert error and "does not exist in Europe/Madrid" in error.group(1)
    assert meetings_in(app) == []


def test_ambiguous_local_time_asks_which_occurrence(app, client, login, mie):
    user = login(timezone="Europe/Madrid")
    response = client.post(
        "/meetings/new", data=meeting_form(user, [mie], date="2026-10-25", time="02:30")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="time-error"' in html
    assert re.search(r'<select[^>]*name="occurrence"', html)
    assert 'id="occurrence-error"' in html
    assert meetings_in(app) == []


def test_ambiguous_local_time_is_refused_without_an_occurrence(app, client, login, mie):
    user = login(timezone="Europe/Madrid")
    for occurrence in ("", "2", "x"):
        response = client.post(
            "/meetings/new",
            data=meeting_form(user, [mie], date="2026-10-25", time="02:30", occurrence=occurrence),
        )
        assert response.status_code == 200
    assert meetings_in(app) == []


@pytest.mark.parametrize(
    ("occurrence", "expected"),
    [
        ("0", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("1", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ],
)
def test_ambiguous_local_time_with_the_chosen_occurrence(
    app, client, login, mie, occurrence, expected
):
    user = login(timezone="Europe/Madrid")
    data = meeting_form(user, [mie], date="2026-10-25", time="02:30", occurrence=occurrence)
    assert client.post("/meetings/new", data=data).status_code == 302
    (meeting,) = meetings_in(app)
    assert meeting.starts_at == expected


@pytest.mark.parametrize(
    ("date", "time"),
    [
        ("2027-02-29", "10:00"),
        ("03/04/2026", "10:00"),
        ("2026-13-01", "10:00"),
        ("", "10:00"),
        ("2026-11-02", "25:00"),
        ("2026-11-02", ""),
        ("2026-11-02", "10:00:00\x00"),
    ],
)
def test_invalid_dates_and_times_are_refused(app, client, login, mie, date, time):
    user = login()
    response = client.post("/meetings/new", data=meeting_form(user, [mie], date=date, time=time))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="date-error"' in html or 'id="time-error"' in html
    assert meetings_in(app) == []


@pytest.mark.parametrize("duration", ["0", "-1", "1441", "2147483648", "１２", "1e3", "NaN"])
def test_invalid_durations_are_refused(app, client, login, mie, duration):
    user = login()
    response = client.post(
        "/meetings/new", data=meeting_form(user, [mie], duration_minutes=duration)
    )
    assert response.status_code == 200
    assert 'id="duration_minutes-error"' in response.get_data(as_text=True)
    assert meetings_in(app) == []


def test_meeting_with_next_actions_saves_them_together(app, client, login, make_user, records, mie):
    user = login()
    colleague = make_user()
    contact = records.contact(user, mie, given_name="Taro", family_name="Yamada")
    data = meeting_form(
        user,
        [mie],
        contact_ids=[str(contact)],
        **{
            "actions-0-title": "Send the brochure",
            "actions-0-due_date": "2026-11-10",
            "actions-1-title": "Book the visit",
            "actions-1-owner_id": str(colleague.id),
            "actions-1-due_date": "2026-12-01",
        },
    )
    assert client.post("/meetings/new", data=data).status_code == 302
    (meeting,) = meetings_in(app)
    with app.app_context():
        rows = db.session.scalars(select(Action).order_by(Action.id)).all()
        assert [(a.title, a.owner_id, a.due_date.isoformat()) for a in rows] == [
            ("Send the brochure", user.id, "2026-11-10"),
            ("Book the visit", colleague.id, "2026-12-01"),
        ]
        assert {(a.meeting_id, a.organization_id, a.contact_id) for a in rows} == {
            (meeting.id, mie, contact)
        }
        assert {a.created_by_id for a in rows} == {user.id}


def one_row_without_a_due_date(user, mie):
    return meeting_form(
        user,
        [mie],
        **{
            "actions-0-title": "Send the brochure",
            "actions-0-due_date": "2026-11-10",
            "actions-1-title": "Book the visit",  # no due date
        },
    )


def test_data2_one_invalid_next_action_row_saves_nothing(app, client, login, mie):
    user = login()
    client.post("/meetings/new", data=one_row_without_a_due_date(user, mie))
    assert (count(app, Meeting), count(app, Action)) == (0, 0)


def test_data2_next_action_without_a_due_date_is_refused_next_to_the_field(app, client, login, mie):
    user = login()
    response = client.post("/meetings/new", data=one_row_without_a_due_date(user, mie))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'id="actions-1-due_date-error"[^>]*>When should it be done\?', html)


def test_data2_a_failure_after_the_first_write_leaves_no_partial_rows(
    app, client, login, mie, monkeypatch
):
    user = login()
    real = action_services.create_action
    calls = []

    def fail_on_second(data, *, actor):
        calls.append(data["title"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(data, actor=actor)

    monkeypatch.setattr(action_services, "create_action", fail_on_second)
    data = meeting_form(
        user,
        [mie],
        **{
            "actions-0-title": "Send the brochure",
            "actions-0-due_date": "2026-11-10",
            "actions-1-title": "Book the visit",
            "actions-1-due_date": "2026-12-01",
        },
    )
    response = client.post("/meetings/new", data=data)
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert calls == ["Send the brochure", "Book the visit"]
    assert (count(app, Meeting), count(app, Action)) == (0, 0)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).where(AuditEvent.entity_type.in_(["meeting", "action"]))
            )
            == 0
        )
        assert db.session.get(Organization, mie).last_contact_at is None


@pytest.mark.parametrize("target", ["trashed", "missing"])
def test_organizations_and_contacts_must_be_live_and_chosen(
    app, client, login, records, mie, target
):
    user = login(Role.MANAGER)
    other = records.org(user, name="Fundación Tecnalia")
    stranger = records.contact(user, other, given_name="Ane")
    if target == "trashed":
        client.post(f"/organizations/{other}/delete")
        data = meeting_form(user, [other])
    else:
        data = meeting_form(user, [99999999])
    assert client.post("/meetings/new", data=data).status_code == 200
    # a contact of an organization that is not in the meeting is not a valid choice either
    data = meeting_form(user, [mie], contact_ids=[str(stranger)])
    assert client.post("/meetings/new", data=data).status_code == 200
    assert meetings_in(app) == []


def test_meeting_page_shows_the_counterparts_local_time(app, client, login, records, mie):
    user = login(timezone="Europe/Madrid")
    contact = records.contact(user, mie, given_name="Taro", family_name="Yamada")
    meeting_id = records.meeting(
        user, [mie], contact_ids=[contact], starts_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    )
    html = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert re.search(r"In Asia/Tokyo: 6:00\s?PM, Monday, November 2, 2026", html)
    assert "In Europe/Madrid" not in html  # the reader's own zone is not repeated


def test_meeting_page_uses_the_contacts_own_zone(app, client, login, records, make_user):
    user = login(timezone="Asia/Tokyo")
    tecnalia = records.org(user, name="Fundación Tecnalia")
    ane = records.contact(user, tecnalia, given_name="Ane", timezone="America/New_York")
    meeting_id = records.meeting(
        user, [tecnalia], contact_ids=[ane], starts_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    )
    html = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert re.search(r"In America/New_York: 4:00\s?AM", html)
    assert re.search(r"In Europe/Madrid: 10:00\s?AM", html)


def test_last_contact_follows_logging_and_the_trash(app, client, login, mie, at):
    at("2026-11-20T12:00:00+00:00")
    user = login(Role.MANAGER, timezone="Europe/Madrid")

    def last_contact():
        with app.app_context():
            org = db.session.get(Organization, mie)
            return org.last_contact_at, org.contact_due_at

    assert last_contact() == (None, None)
    client.post("/meetings/new", data=meeting_form(user, [mie], date="2026-11-02", time="10:00"))
    first = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert last_contact() == (first, first + timedelta(days=60))

    client.post("/meetings/new", data=meeting_form(user, [mie], date="2026-11-10", time="10:00"))
    later = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    assert last_contact()[0] == later

    # a meeting planned for next week is not a contact yet
    client.post("/meetings/new", data=meeting_form(user, [mie], date="2026-11-27", time="10:00"))
    assert last_contact()[0] == later

    second_id = meetings_in(app)[1].id
    assert client.post(f"/meetings/{second_id}/delete").status_code == 302
    assert last_contact()[0] == first
    assert client.post(f"/trash/meeting/{second_id}/restore").status_code == 302
    assert last_contact()[0] == later

    for meeting in meetings_in(app)[:2]:
        client.post(f"/meetings/{meeting.id}/delete")
    assert last_contact() == (None, None)


def test_moving_a_meeting_to_another_organization_updates_both(
    app, client, login, records, mie, at
):
    at("2026-11-20T12:00:00+00:00")
    user = login(Role.MANAGER)
    tecnalia = records.org(user, name="Fundación Tecnalia")
    meeting_id = records.meeting(user, [mie], starts_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
    (meeting,) = meetings_in(app)
    data = meeting_form(
        user, [tecnalia], date="2026-11-02", time="10:00", version=str(meeting.version)
    )
    assert client.post(f"/meetings/{meeting_id}/edit", data=data).status_code == 302
    assert records.get(Organization, mie).last_contact_at is None
    assert records.get(Organization, tecnalia).last_contact_at == datetime(
        2026, 11, 2, 9, tzinfo=UTC
    )


def test_sec5_point_of_contact_who_was_not_there_cannot_edit(
    app, client, login, make_user, records, mie
):
    owner = make_user()
    meeting_id = records.meeting(owner, [mie])
    user = login()
    (meeting,) = meetings_in(app)
    data = meeting_form(user, [mie], title="Rewritten", version=str(meeting.version))
    assert client.post(f"/meetings/{meeting_id}/edit", data=data).status_code == 403
    assert client.post(f"/meetings/{meeting_id}/delete").status_code == 403
    assert meetings_in(app)[0].title == "Screening call"
    assert client.get(f"/meetings/{meeting_id}").status_code == 200


def test_data1_meeting_edit_with_a_stale_version_is_a_conflict(app, client, login, records, mie):
    user = login()
    meeting_id = records.meeting(user, [mie])
    (meeting,) = meetings_in(app)
    stale = str(meeting.version)
    ok = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form(user, [mie], title="First title", version=stale),
    )
    assert ok.status_code == 302
    clash = client.post(
        f"/meetings/{meeting_id}/edit",
        data=meeting_form(user, [mie], title="Second title", version=stale),
    )
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "First title" in html and "Second title" in html
    assert meetings_in(app)[0].title == "First title"


def test_meeting_list_query_count_does_not_grow_with_rows(
    app, client, login, make_user, mie, count_queries
):
    login()
    users = [make_user() for _ in range(3)]

    def add(start, stop):
        with app.test_request_context():
            actors = [db.session.get(User, u.id) for u in users]
            other = db.session.scalar(select(Organization.id).where(Organization.id != mie))
            for i in range(start, stop):
                meeting_services.create_meeting(
                    {
                        "kind": MeetingKind.IN_PERSON,
                        "title": f"Visit {i}",
                        "starts_at": datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=i),
                        "organization_ids": [mie] + ([other] if other else []),
                        "attendee_ids": [a.id for a in actors[: 1 + i % 3]],
                    },
                    actor=actors[i % 3],
                )
            db.session.commit()

    add(0, 3)
    client.get("/meetings/")
    with count_queries() as few:
        assert client.get("/meetings/").status_code == 200
    add(3, 30)
    with count_queries() as many:
        html = client.get("/meetings/").get_data(as_text=True)
    assert "Visit 29" in html
    assert len(many) == len(few), many.statements


def test_meeting_list_survives_hostile_args(client, login, records, mie):
    user = login()
    records.meeting(user, [mie])
    for args in (
        "page=abc",
        f"page={10**9}",
        f"per_page={10**6}",
        "kind=x",
        "organization=-1",
        "q=%25",
        "q=_",
        "mine=1&mine=0",
    ):
        assert client.get(f"/meetings/?{args}").status_code == 200, args


def test_trashed_meeting_url_gives_404(client, login, records, mie):
    user = login()
    meeting_id = records.meeting(user, [mie])
    client.post(f"/meetings/{meeting_id}/delete")
    assert client.get(f"/meetings/{meeting_id}").status_code == 404
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 404
    assert client.get("/meetings/99999999").status_code == 404
