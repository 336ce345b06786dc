"""Events, participants and requests: forms, refusals, permissions and the trash."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.audit.models import AuditEvent
from crm.events import services
from crm.events.models import (
    B2BMeeting,
    Event,
    MeetingRequest,
    Participant,
    Registration,
    RequestStatus,
)
from crm.extensions import db
from crm.organizations.models import Organization, Region
from tests.conftest import sign_in
from tests.events.factories import EVENT, new_org


def event_form(organizer_id, **changes):
    data = {
        "name": "Basque–Mie B2B Day",
        "country": "ES",
        "city": "Bilbao",
        "start_date": "2026-10-20",
        "end_date": "2026-10-21",
        "organizer_name": f"Whatever #{organizer_id}",
        "session_start": "09:30",
        "session_end": "13:30",
        "slot_minutes": "20",
        "tables": "12",
    }
    return {**data, **changes}


def test_an_event_is_created_through_its_form(app, client, login, records, at):
    at("2026-09-01T09:00:00+00:00")
    user = login()
    organizer = records.org(user, name="SPRI")
    response = client.post("/events/new", data=event_form(organizer))
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert (event.owner_id, event.organizer_id, event.timezone) == (
            user.id,
            organizer,
            "Europe/Madrid",
        )
        assert (event.slot_minutes, event.tables, event.session_start.hour) == (20, 12, 9)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Basque–Mie B2B Day" in page and "Europe/Madrid" in page
    assert "Basque–Mie B2B Day" in client.get("/events/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "2026-10-19"}, "cannot be before the first"),
        ({"end_date": "2026-12-31"}, "14 days at most"),
        ({"session_end": "09:00"}, "must end after it starts"),
        ({"session_end": "09:40"}, "shorter than one slot"),
        ({"slot_minutes": "0"}, "between 5 and 240"),
        ({"tables": "１２"}, "whole number"),
        ({"organizer_name": "Nobody at all"}, "No organization matches"),
        ({"country": "FR"}, "Not a valid choice"),
        ({"name": "a\x00b"}, "control characters"),
    ],
)
def test_bad_event_input_is_refused_and_nothing_saved(
    client, login, records, rows, changes, message
):
    user = login()
    organizer = records.org(user, name="SPRI")
    response = client.post("/events/new", data=event_form(organizer, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert rows(Event) == 0


def test_the_service_refuses_an_end_before_the_start(app, make_user, records, rows):
    owner = make_user()
    organizer = records.org(owner)
    with app.test_request_context(), pytest.raises(services.Refused) as refused:
        data = {**EVENT, "organizer_id": organizer, "end_date": date(2026, 11, 9)}
        services.create_event(data, actor=db.session.get(User, owner.id))
    assert refused.value.reason == "dates"
    assert rows(Event) == 0


def test_participants_are_added_with_the_picker_and_only_once(app, client, login, build, records):
    user = login()
    event = build(user, n=0)
    org = records.org(user, name="Fagor Arrasate", capabilities="Presses")
    data = {"organization": f"Fagor Arrasate #{org}", "status": "registered"}
    assert client.post(f"/events/{event.id}/participants", data=data).status_code == 302
    again = client.post(f"/events/{event.id}/participants", data=data)
    assert "already takes part" in again.get_data(as_text=True)
    with app.app_context():
        (participant,) = db.session.scalars(select(Participant)).all()
        # what it offers defaults to the organization's screening profile
        assert (participant.status, participant.offers) == (Registration.REGISTERED, "Presses")
    suggestions = client.get("/organizations/suggest?format=json&q=fagor")
    assert suggestions.json == [{"id": org, "label": "Fagor Arrasate"}]


def test_the_organizer_sets_registration_status_and_offers(app, client, login, build):
    user = login()
    event = build(user, n=2)
    first = event.participants[0]
    client.post(f"/events/participants/{first}/status", data={"status": "attended"})
    client.post(
        f"/events/participants/{first}/edit",
        data={
            "status": "no_show",
            "offers": "Gear hobbing",
            "seeks": "Tier-1 buyers",
            "version": "2",
        },
    )
    with app.app_context():
        participant = db.session.get(Participant, first)
        assert (participant.status, participant.offers, participant.seeks) == (
            Registration.NO_SHOW,
            "Gear hobbing",
            "Tier-1 buyers",
        )
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Gear hobbing" in page and "Tier-1 buyers" in page


def test_a_request_to_oneself_is_refused(app, client, login, build, rows):
    user = login()
    event = build(user, n=2)
    before = rows(MeetingRequest)
    one = event.participants[0]
    response = client.post(
        f"/events/{event.id}/requests/new", data={"requester_id": one, "requested_id": one}
    )
    assert "cannot request a meeting with itself" in response.get_data(as_text=True)
    assert rows(MeetingRequest) == before
    with app.test_request_context():
        participant = db.session.get(Participant, one)
        with pytest.raises(services.Refused, match="oneself"):
            services.request_meeting(
                db.session.get(Event, event.id),
                participant,
                participant,
                actor=db.session.get(User, user.id),
            )


def test_a_request_is_made_once_in_either_direction(client, login, build, rows):
    user = login()
    event = build(user, n=3)
    one, two, three = event.participants
    before = rows(MeetingRequest)
    again = client.post(
        f"/events/{event.id}/requests/new", data={"requester_id": one, "requested_id": two}
    )
    assert "already been requested" in again.get_data(as_text=True)
    back = client.post(
        f"/events/{event.id}/requests/new", data={"requester_id": two, "requested_id": one}
    )
    assert "already asked for this meeting" in back.get_data(as_text=True)
    new = client.post(
        f"/events/{event.id}/requests/new", data={"requester_id": one, "requested_id": three}
    )
    assert new.status_code == 302 and rows(MeetingRequest) == before + 1


def test_a_point_of_contact_requests_for_their_own_organizations_only(
    app, client, login, make_user, build
):
    organizer = make_user(Role.MANAGER)
    event = build(organizer, n=3)
    poc = login()
    with app.app_context():  # the point of contact looks after the first participant
        db.session.get(Organization, event.orgs[0]).owner_id = poc.id
        db.session.commit()
    page = client.get(f"/events/{event.id}/requests/new").get_data(as_text=True)
    assert page.count('name="requester_id"') == 1 and "Basque Firm 0" in page
    foreign = client.post(
        f"/events/{event.id}/requests/new",
        data={"requester_id": event.participants[1], "requested_id": event.participants[2]},
    )
    assert "Not a valid choice" in foreign.get_data(as_text=True)


def test_the_invitee_organizer_or_manager_decides_and_others_get_403(
    app, client, login, make_user, build
):
    organizer = make_user()
    event = build(organizer, n=3)
    with app.test_request_context():  # a fresh request from the third to the first
        first, third = (db.session.get(Participant, event.participants[i]) for i in (0, 2))
        request = services.request_meeting(
            db.session.get(Event, event.id), third, first, actor=db.session.get(User, organizer.id)
        )
        db.session.commit()
        request_id = request.id
        stranger, invitee = make_user(), make_user()
        db.session.get(Organization, first.organization_id).owner_id = invitee.id
        db.session.commit()
    sign_in(client, stranger.email)
    url = f"/events/requests/{request_id}/decide"
    assert client.post(url, data={"decision": "accept"}).status_code == 403
    client = app.test_client()
    sign_in(client, invitee.email)
    assert client.post(url, data={"decision": "accept"}).status_code == 302
    with app.app_context():
        request = db.session.get(MeetingRequest, request_id)
        assert (request.status, request.decided_by_id) == (RequestStatus.ACCEPTED, invitee.id)
    answered = client.post(url, data={"decision": "decline"}, follow_redirects=True)
    assert "already been answered" in answered.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/events/{id}/edit"),
        ("post", "/events/{id}/delete"),
        ("get", "/events/{id}/participants"),
        ("post", "/events/{id}/schedule"),
        ("post", "/events/participants/{participant}/status"),
        ("get", "/events/participants/{participant}/edit"),
        ("post", "/events/requests/{request}/decide"),
    ],
)
def test_another_point_of_contact_gets_403_and_nothing_is_written(
    app, client, login, make_user, build, rows, method, path
):
    event = build(make_user(), n=2)
    login()
    before = rows(AuditEvent)
    url = path.format(id=event.id, participant=event.participants[0], request=event.requests[0])
    response = getattr(client, method)(url, data={"decision": "accept", "status": "attended"})
    assert response.status_code == 403
    assert rows(AuditEvent) == before
    assert client.get(f"/events/{event.id}").status_code == 200  # reading is for everyone


def test_a_trashed_event_is_404_everywhere(app, client, login, build, grid):
    user = login(Role.MANAGER)
    event = build(user, n=2, schedule=True)
    ((request_id, _, _),) = grid(event.id)
    with app.app_context():
        b2b = db.session.scalars(select(B2BMeeting.id)).one()
    assert client.post(f"/events/{event.id}/delete").status_code == 302
    for url in (
        f"/events/{event.id}",
        f"/events/{event.id}/edit",
        f"/events/{event.id}/requests/new",
        f"/events/participants/{event.participants[0]}/schedule",
        f"/events/participants/{event.participants[0]}/edit",
        f"/events/b2b/{b2b}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/events/requests/{request_id}/decide").status_code == 404
    assert "Mie–Basque B2B" not in client.get("/events/").get_data(as_text=True)


def test_upcoming_and_past_lists(app, client, login, build, at):
    at("2026-12-01T09:00:00+00:00")
    user = login()
    build(user, n=0, name="Tsu 2026")
    build(user, n=0, name="Bilbao 2027", start_date=date(2027, 5, 4), end_date=date(2027, 5, 5))
    upcoming = client.get("/events/").get_data(as_text=True)
    past = client.get("/events/?when=past").get_data(as_text=True)
    assert "Bilbao 2027" in upcoming and "Tsu 2026" not in upcoming
    assert "Tsu 2026" in past and "Bilbao 2027" not in past


def test_an_edit_that_would_strand_scheduled_meetings_is_refused(app, client, login, build, grid):
    user = login()
    event = build(user, n=4, schedule=True)
    before = grid(event.id)
    with app.app_context():
        version = db.session.get(Event, event.id).version
    form = event_form(
        event.orgs[0],
        country="JP",
        start_date="2026-11-10",
        end_date="2026-11-10",
        session_start="10:00",
        session_end="12:00",
        slot_minutes="30",
        tables="1",
        version=str(version),
    )
    response = client.post(f"/events/{event.id}/edit", data=form)
    assert "Move them first" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, event.id).tables == 4
    assert grid(event.id) == before
    stale = client.post(f"/events/{event.id}/edit", data={**form, "tables": "6", "version": "0"})
    assert stale.status_code == 409
    more = client.post(f"/events/{event.id}/edit", data={**form, "tables": "6", "name": "Tsu Day"})
    assert more.status_code == 302
    with app.app_context():
        edited = db.session.get(Event, event.id)
        assert (edited.tables, edited.name) == (6, "Tsu Day")
    assert grid(event.id) == before


def test_the_organizer_picker_suggests_in_either_script(app, client, login, make_user):
    user = login()
    with app.test_request_context():
        actor = db.session.get(User, user.id)
        new_org(actor, "Suzuka Precision", Region.MIE, native_name="鈴鹿精密")
        db.session.commit()
    found = client.get("/organizations/suggest?format=json&q=鈴鹿").json
    assert [o["label"] for o in found] == ["鈴鹿精密 (Suzuka Precision)"]
    assert client.get("/organizations/suggest?format=json").json == []
