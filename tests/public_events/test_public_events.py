"""The public side of a B2B event: registration by mailed links, approval, the directory,
requests with their emails, the scheduler with availability, agendas and follow-ups."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm import clock
from crm.accounts.models import Role
from crm.actions.models import Action
from crm.events.models import B2BMeeting, Event, MeetingRequest, RequestStatus
from crm.extensions import db
from crm.matching.models import Match
from crm.meetings.models import Meeting
from crm.public_events.models import Decision, Registrant
from crm.reminders.jobs import expire_requests, run_pass
from tests.conftest import sign_in
from tests.public_events.factories import (
    links_in,
    mails_to,
    open_event,
    registrant_id,
    registrant_in,
    registration,
)

SLUG = "tsu-b2b-2026"
NOW = datetime(2026, 10, 1, 9, tzinfo=UTC)


@pytest.fixture
def stand(mail_app):
    clock.set_now(NOW)
    yield lambda instant: clock.set_now(instant)
    clock.set_now(None)


@pytest.fixture
def organizer(mail_app, make_user):
    return make_user(Role.POINT_OF_CONTACT, email="ane@zubia.example")


@pytest.fixture
def event_id(mail_app, organizer):
    return open_event(mail_app, organizer, SLUG)


def deliver(app):
    with app.app_context():
        run_pass(clock.now_utc(), worker="test")


def follow(client, smtp, address, index=-1):
    """Open the latest link mailed to ``address`` and press its button."""
    token = links_in(smtp, address)[index]
    page = client.get(f"/e/link/{token}")
    assert page.status_code == 200
    return client.post(f"/e/link/{token}"), token


def page_text(response):
    """What the visitor is told: where they are sent, and the message shown there."""
    assert response.status_code == 302
    return response.headers["Location"]


def register(client, **changes):
    return client.post(f"/e/{SLUG}/register", data=registration(**changes))


def test_the_public_page_shows_the_event_but_not_the_directory_to_visitors(
    mail_app, event_id, stand
):
    registrant_in(mail_app, event_id, organization_name="Tecnalia", email="a@tecnalia.example")
    client = mail_app.test_client()
    page = client.get(f"/e/{SLUG}", headers={"Accept-Language": "ja"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mie–Basque B2B Meetings 2026" in html and "Tsu" in html
    assert "Tecnalia" not in html
    assert 'lang="ja"' in html or "参加" in html or "ja" in html


def test_an_unpublished_event_is_not_found(mail_app, organizer, stand):
    event = open_event(mail_app, organizer, "closed-one")
    with mail_app.app_context():
        db.session.get(Event, event).registration_open = False
        db.session.commit()
    assert mail_app.test_client().get("/e/closed-one").status_code == 404


def test_registering_confirming_and_being_approved(mail_app, smtp, event_id, organizer, stand):
    client = mail_app.test_client()
    page = register(client)
    assert page.status_code == 302
    deliver(mail_app)
    (confirm,) = mails_to(smtp, "hana@suzuki-seiki.example")
    assert "Suzuki Hana" in confirm.get_body(("plain",)).get_content()
    assert confirm["Content-Language"] == "ja"
    response, _token = follow(client, smtp, "hana@suzuki-seiki.example")
    assert response.status_code == 302
    home = client.get(f"/e/{SLUG}/me")
    assert home.status_code == 200
    with mail_app.app_context():
        registrant = db.session.get(
            Registrant, registrant_id(mail_app, "hana@suzuki-seiki.example")
        )
        assert registrant.email_confirmed_at is not None
        assert registrant.status is Decision.PENDING
    # Not approved yet: no requests, no agenda.
    assert client.post(f"/e/{SLUG}/me/requests", data={"requested_id": "1"}).status_code == 403

    staff = mail_app.test_client()
    sign_in(staff, organizer.email)
    manage = staff.get(f"/e/manage/{event_id}")
    assert "Suzuki Seiki" in manage.get_data(as_text=True)
    decided = staff.post(
        f"/e/manage/registrations/{registrant.id}",
        data={"decision": "approve", "organization": "new"},
    )
    assert decided.status_code == 302
    deliver(mail_app)
    approved = mails_to(smtp, "hana@suzuki-seiki.example")[-1]
    assert "Mie–Basque B2B Meetings 2026" in approved["Subject"]
    assert approved["Content-Language"] == "ja"
    assert client.get(f"/e/{SLUG}/me").status_code == 200


def test_a_known_address_registering_again_gets_a_link_and_the_same_answer(
    mail_app, smtp, event_id, stand
):
    client = mail_app.test_client()
    first = page_text(register(client))
    second = page_text(register(client, name="Someone Else"))
    assert first == second
    with mail_app.app_context():
        assert db.session.scalar(select(func.count(Registrant.id))) == 1
    deliver(mail_app)
    assert len(mails_to(smtp, "hana@suzuki-seiki.example")) == 2


def test_the_organizer_is_offered_the_organization_a_registration_matches(
    mail_app, event_id, organizer, stand
):
    from tests.events.factories import new_org

    with mail_app.test_request_context():
        from crm.accounts.models import User
        from crm.organizations.models import Region

        actor = db.session.get(User, organizer.id)
        existing = new_org(
            actor,
            "Suzuki Seiki Co., Ltd.",
            Region.MIE,
            native_name="鈴木精機",
            tax_id="1234567890123",
        )
        db.session.commit()
        existing_id = existing.id
    pending = registrant_in(
        mail_app, event_id, approved=False, organization_name="鈴木精機", tax_id="1234-5678-90123"
    )
    staff = mail_app.test_client()
    sign_in(staff, organizer.email)
    html = staff.get(f"/e/manage/{event_id}").get_data(as_text=True)
    assert f'value="{existing_id}"' in html and "tax_id" in html
    staff.post(
        f"/e/manage/registrations/{pending}",
        data={"decision": "approve", "organization": str(existing_id)},
    )
    with mail_app.app_context():
        registrant = db.session.get(Registrant, pending)
        from crm.events.models import Participant

        assert db.session.get(Participant, registrant.participant_id).organization_id == existing_id


def test_links_are_single_use_expire_and_open_only_their_registration(
    mail_app, smtp, event_id, stand
):
    client = mail_app.test_client()
    register(client)
    deliver(mail_app)
    response, token = follow(client, smtp, "hana@suzuki-seiki.example")
    assert response.status_code == 302
    # Reused: refused.
    again = mail_app.test_client()
    assert again.get(f"/e/link/{token}").status_code == 410
    assert again.post(f"/e/link/{token}").status_code == 410
    assert again.get(f"/e/{SLUG}/me").status_code == 403
    # Expired: a new link, followed after its lifetime.
    again.post(f"/e/{SLUG}/link", data={"email": "hana@suzuki-seiki.example"})
    deliver(mail_app)
    late = links_in(smtp, "hana@suzuki-seiki.example")[-1]
    stand(NOW + timedelta(hours=mail_app.config["PUBLIC_LINK_HOURS"] + 1))
    assert again.post(f"/e/link/{late}").status_code == 410
    # Tampered: refused.
    assert again.get(f"/e/link/{late[:-2]}xx").status_code == 410
    # The first link's session lasts PUBLIC_SESSION_HOURS.
    assert client.get(f"/e/{SLUG}/me").status_code == 403


def test_another_participants_request_cannot_be_answered(mail_app, smtp, event_id, stand):
    one = spanish_registrant(mail_app, event_id)
    two = registrant_in(mail_app, event_id)
    three = registrant_in(
        mail_app,
        event_id,
        organization_name="Ona Robotics",
        side="basque_country",
        email="jon@ona.example",
        language="en",
        timezone="Europe/Madrid",
    )
    client = signed_in_as(mail_app, one)
    with mail_app.app_context():
        parts = {r.id: r.participant_id for r in db.session.scalars(select(Registrant))}
    assert (
        client.post(
            f"/e/{SLUG}/me/requests", data={"requested_id": parts[two], "message": "Hello"}
        ).status_code
        == 302
    )
    with mail_app.app_context():
        request_id = db.session.scalar(select(MeetingRequest.id))
    intruder = signed_in_as(mail_app, three)
    refused = intruder.post(
        f"/e/{SLUG}/me/answer", data={"request_id": request_id, "decision": "accept"}
    )
    assert refused.status_code == 404
    with mail_app.app_context():
        assert db.session.get(MeetingRequest, request_id).status is RequestStatus.PENDING


def spanish_registrant(app, event_id, **changes):
    """An approved Spanish-speaking representative of Tecnalia, in Bilbao's time zone."""
    values = {
        "organization_name": "Tecnalia",
        "side": "basque_country",
        "email": "ane@tecnalia.example",
        "language": "es",
        "timezone": "Europe/Madrid",
        **changes,
    }
    return registrant_in(app, event_id, **values)


def signed_in_as(app, registrant):
    """A browser holding ``registrant``'s session, as after following one of its links."""
    client = app.test_client()
    with app.app_context():
        event_id = db.session.get(Registrant, registrant).event_id
    with client.session_transaction() as session:
        session["b2b"] = {str(event_id): registrant}
    return client


def test_the_directory_is_for_approved_participants_and_zubia_users(
    mail_app, event_id, organizer, stand, make_user
):
    registrant_in(mail_app, event_id, organization_name="Tecnalia", email="a@tecnalia.example")
    pending = registrant_in(mail_app, event_id, approved=False, email="p@pending.example")
    other_event = open_event(mail_app, make_user(), "other-b2b")
    outsider = registrant_in(mail_app, other_event, email="x@outsider.example")
    anonymous = mail_app.test_client().get(f"/e/{SLUG}").get_data(as_text=True)
    assert "Tecnalia" not in anonymous
    waiting = signed_in_as(mail_app, pending)
    assert "Tecnalia" not in waiting.get(f"/e/{SLUG}").get_data(as_text=True)
    assert "Tecnalia" not in waiting.get(f"/e/{SLUG}/me").get_data(as_text=True)
    stranger = signed_in_as(mail_app, outsider)
    assert stranger.get(f"/e/{SLUG}/me").status_code == 403
    assert "Tecnalia" not in stranger.get(f"/e/{SLUG}").get_data(as_text=True)
    approved = signed_in_as(mail_app, registrant_in(mail_app, event_id, email="b@b.example"))
    assert "Tecnalia" in approved.get(f"/e/{SLUG}").get_data(as_text=True)
    staff = mail_app.test_client()
    sign_in(staff, organizer.email)
    assert "Tecnalia" in staff.get(f"/e/{SLUG}").get_data(as_text=True)


def test_links_asked_for_one_address_are_throttled_without_telling(mail_app, smtp, event_id, stand):
    registrant_in(mail_app, event_id, approved=False)
    answers = set()
    for n in range(5):
        client = mail_app.test_client()  # as if from several places: the address counts
        answers.add(
            page_text(
                client.post(
                    f"/e/{SLUG}/link",
                    data={"email": "hana@suzuki-seiki.example"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
                )
            )
        )
    unknown = mail_app.test_client().post(
        f"/e/{SLUG}/link",
        data={"email": "nobody@nowhere.example"},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    answers.add(page_text(unknown))
    assert len(answers) == 1
    deliver(mail_app)
    # The registration's own confirmation, then PUBLIC_LINK_LIMIT_PER_ADDRESS links.
    assert len(mails_to(smtp, "hana@suzuki-seiki.example")) == 1 + 3
    assert mails_to(smtp, "nobody@nowhere.example") == []


def test_public_forms_are_throttled_per_client(make_app, smtp, organizer, stand):
    app = make_app(PUBLIC_FORM_LIMIT="2 per minute", MAIL_PORT=smtp.port)
    open_event(app, organizer, "throttled")
    client = app.test_client()
    codes = [
        client.post("/e/throttled/link", data={"email": f"{n}@x.example"}).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


def test_requests_emails_schedule_agenda_and_follow_ups(mail_app, smtp, event_id, organizer, stand):
    es = spanish_registrant(
        mail_app,
        event_id,
        offers="Robotics integration",
        seeks="Precision machining suppliers",
    )
    ja = registrant_in(mail_app, event_id)
    with mail_app.app_context():
        parts = {r.id: r.participant_id for r in db.session.scalars(select(Registrant))}
    spanish, japanese = signed_in_as(mail_app, es), signed_in_as(mail_app, ja)
    home = spanish.get(f"/e/{SLUG}/me").get_data(as_text=True)
    assert "Suzuki Seiki" in home
    spanish.post(
        f"/e/{SLUG}/me/requests",
        data={"requested_id": parts[ja], "message": "¿Hablamos de mecanizado?"},
    )
    deliver(mail_app)
    asked = mails_to(smtp, "hana@suzuki-seiki.example")[-1]
    assert "¿Hablamos de mecanizado?" in asked.get_body(("plain",)).get_content()
    with mail_app.app_context():
        request_id = db.session.scalar(select(MeetingRequest.id))
    # The Japanese side cannot meet in the first slot (10:00 in Tsu).
    first_slot = datetime(2026, 11, 10, 1, tzinfo=UTC).isoformat()
    japanese.post(f"/e/{SLUG}/me/availability", data={"unavailable": [first_slot]})
    japanese.post(f"/e/{SLUG}/me/answer", data={"request_id": request_id, "decision": "accept"})
    deliver(mail_app)
    accepted = mails_to(smtp, "ane@tecnalia.example")[-1]
    assert accepted["Content-Language"] == "es"

    staff = mail_app.test_client()
    sign_in(staff, organizer.email)
    assert staff.post(f"/events/{event_id}/schedule").status_code == 302
    with mail_app.app_context():
        meeting = db.session.scalars(select(B2BMeeting)).one()
        assert meeting.slot_start == datetime(2026, 11, 10, 1, 30, tzinfo=UTC)
        meeting_id = meeting.id
    deliver(mail_app)
    assert "Europe/Madrid" not in mails_to(smtp, "ane@tecnalia.example")[-1]["Subject"]
    agenda = spanish.get(f"/e/{SLUG}/me").get_data(as_text=True)
    assert "10:30" in agenda and "2:30" in agenda  # Tsu's time, and Madrid's (CET, 02:30)
    assert "Tanaka Ken" in agenda  # who they meet
    ics = spanish.get(f"/e/{SLUG}/me/agenda.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data

    staff.post(f"/e/manage/b2b/{meeting_id}/attendance", data={"attendance": "held"})
    for client, text in ((spanish, "Very good"), (japanese, "とても良かった")):
        page = client.get(f"/e/{SLUG}/me/follow-up")
        assert page.status_code == 200
        client.post(
            f"/e/{SLUG}/me/follow-up",
            data={
                "meeting": meeting_id,
                f"m{meeting_id}-how_it_went": text,
                f"m{meeting_id}-next_step": "Send samples",
                f"m{meeting_id}-wants_to_continue": "y",
            },
        )
    with mail_app.app_context():
        zubia = db.session.scalars(select(Meeting)).one()
        assert "Very good" in zubia.summary and "とても良かった" in zubia.summary
        assert db.session.scalar(select(func.count(Match.id))) == 1
        assert db.session.get(B2BMeeting, meeting_id).match_id is not None
        actions = db.session.scalars(select(Action)).all()
        assert [a.title for a in actions] == ["Send samples", "Send samples"]
        assert {a.organization_id for a in actions} == set(zubia_ids(zubia))


def zubia_ids(meeting):
    from sqlalchemy.orm import selectinload

    found = db.session.scalar(
        select(Meeting).where(Meeting.id == meeting.id).options(selectinload(Meeting.organizations))
    )
    return [org.id for org in found.organizations]


def test_unanswered_requests_expire_at_the_deadline(mail_app, smtp, event_id, stand):
    es = spanish_registrant(mail_app, event_id)
    ja = registrant_in(mail_app, event_id)
    with mail_app.app_context():
        parts = {r.id: r.participant_id for r in db.session.scalars(select(Registrant))}
        db.session.get(Event, event_id).request_deadline = NOW + timedelta(days=1)
        db.session.commit()
    signed_in_as(mail_app, es).post(f"/e/{SLUG}/me/requests", data={"requested_id": parts[ja]})
    assert expire_requests(mail_app, NOW) == 0
    assert expire_requests(mail_app, NOW + timedelta(days=1)) == 1
    with mail_app.app_context():
        assert db.session.scalars(select(MeetingRequest)).one().status is RequestStatus.EXPIRED
    stand(NOW + timedelta(days=1))
    deliver(mail_app)
    # In the Spanish registrant's language.
    body = mails_to(smtp, "ane@tecnalia.example")[-1].get_body(("plain",)).get_content()
    assert "no se respondió a tiempo y ha caducado" in body


def test_the_request_cap(mail_app, event_id, stand):
    with mail_app.app_context():
        db.session.get(Event, event_id).request_cap = 1
        db.session.commit()
    me = registrant_in(
        mail_app,
        event_id,
        organization_name="Tecnalia",
        side="basque_country",
        email="ane@tecnalia.example",
    )
    others = [
        registrant_in(mail_app, event_id, organization_name=f"Firm {n}", email=f"{n}@firm.example")
        for n in range(2)
    ]
    with mail_app.app_context():
        parts = {r.id: r.participant_id for r in db.session.scalars(select(Registrant))}
    client = signed_in_as(mail_app, me)
    for other in others:
        client.post(f"/e/{SLUG}/me/requests", data={"requested_id": parts[other]})
    with mail_app.app_context():
        assert db.session.scalar(select(func.count(MeetingRequest.id))) == 1


def test_a_meeting_the_organizer_moves_is_announced_to_both_sides(
    mail_app, smtp, event_id, organizer, stand
):
    es = spanish_registrant(mail_app, event_id)
    ja = registrant_in(mail_app, event_id)
    with mail_app.app_context():
        parts = {r.id: r.participant_id for r in db.session.scalars(select(Registrant))}
    signed_in_as(mail_app, es).post(f"/e/{SLUG}/me/requests", data={"requested_id": parts[ja]})
    with mail_app.app_context():
        request_id = db.session.scalar(select(MeetingRequest.id))
    signed_in_as(mail_app, ja).post(
        f"/e/{SLUG}/me/answer", data={"request_id": request_id, "decision": "accept"}
    )
    staff = mail_app.test_client()
    sign_in(staff, organizer.email)
    staff.post(f"/events/{event_id}/schedule")  # the events page's own button
    deliver(mail_app)
    for address in ("ane@tecnalia.example", "hana@suzuki-seiki.example"):
        assert any("10:00" in m.get_body(("plain",)).get_content() for m in mails_to(smtp, address))
    with mail_app.app_context():
        meeting_id = db.session.scalar(select(B2BMeeting.id))
    later = datetime(2026, 11, 10, 2, tzinfo=UTC)  # 11:00 in Tsu
    moved = staff.post(
        f"/events/b2b/{meeting_id}/move",
        data={"move-slot": later.isoformat(), "move-table": "2"},
    )
    assert moved.status_code == 302
    deliver(mail_app)
    for address in ("ane@tecnalia.example", "hana@suzuki-seiki.example"):
        text = mails_to(smtp, address)[-1].get_body(("plain",)).get_content()
        assert "11:00" in text and "2" in text
    spanish = mails_to(smtp, "ane@tecnalia.example")[-1].get_body(("plain",)).get_content()
    assert "3:00" in spanish  # 11:00 in Tsu is 03:00 in Madrid


def test_public_forms_need_their_csrf_token(make_app, organizer, stand):
    app = make_app(WTF_CSRF_ENABLED=True)
    open_event(app, organizer, "guarded")
    client = app.test_client()
    refused = client.post("/e/guarded/register", data=registration())
    assert refused.status_code in (200, 400)
    assert client.post("/e/guarded/link", data={"email": "a@b.example"}).status_code in (200, 400)
    with app.app_context():
        assert db.session.scalar(select(func.count(Registrant.id))) == 0
    page = client.get("/e/guarded/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post("/e/guarded/register", data={**registration(), "csrf_token": token})
    assert accepted.status_code == 302


def test_registration_texts_have_size_limits(mail_app, event_id, stand):
    client = mail_app.test_client()
    too_long = register(client, offers="x" * 2001)
    assert too_long.status_code == 200  # the form again, with its error
    assert "2000" in too_long.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalar(select(func.count(Registrant.id))) == 0
    big = client.post(f"/e/{SLUG}/register", data={"offers": "x" * (11 * 1024 * 1024)})
    assert big.status_code == 413
