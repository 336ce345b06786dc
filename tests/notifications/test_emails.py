"""Each notification kind can also come by email, through the outbox and a real SMTP server."""

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from crm.accounts.models import User
from crm.actions.services import create_action
from crm.extensions import db
from crm.organizations import services as organizations
from crm.organizations.models import Organization
from crm.reminders.jobs import run_pass
from crm.reminders.models import Delivery, Kind, OutboxMessage
from tests.conftest import sign_in

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def send(app):
    with app.app_context():
        return run_pass(datetime(2026, 12, 1, 9, 1, tzinfo=UTC), worker="test")


def received(smtp, email):
    """What ``email`` received (the others here get their digests and nudges too)."""
    return [(to, message) for to, message in smtp.messages if to == [email]]


def change_city(app, org, actor, city):
    with app.test_request_context():
        organizations.update_organization(
            db.session.get(Organization, org), {"city": city}, actor=db.session.get(User, actor.id)
        )
        db.session.commit()


def test_the_assigned_email_is_on_by_default_and_says_who_gave_what(mail_app, smtp, make_user, at):
    at(NOW)
    giver = make_user(name="Miren Goikoetxea")
    owner = make_user(email="kenji@mie.example", digest_enabled=False)
    with mail_app.test_request_context():
        action = create_action(
            {"title": "Book the Tsu meeting room", "owner_id": owner.id,
             "due_date": date(2026, 12, 4), "details": "Room B, 20 people"},
            actor=db.session.get(User, giver.id),
        )  # fmt: skip
        db.session.commit()
        action_id = action.id
    send(mail_app)
    ((recipients, message),) = received(smtp, "kenji@mie.example")
    assert recipients == ["kenji@mie.example"]
    assert message["Subject"] == "New action for you: Book the Tsu meeting room"
    text = message.get_body(("plain",)).get_content()
    assert "Miren Goikoetxea gave you an action:" in text and "Room B, 20 people" in text
    assert f"http://zubia.example/actions/{action_id}/edit" in text
    html = message.get_body(("html",)).get_content()
    assert f'href="http://zubia.example/actions/{action_id}/edit"' in html


def test_a_kind_comes_by_email_only_when_the_person_asked_for_it(
    mail_app, smtp, make_user, records, at
):
    at(NOW)
    owner = make_user(email="ane@zubia.example", digest_enabled=False, nudges_enabled=False)
    manager = make_user("manager", name="Miren Agirre")
    org = records.org(owner, name="Ideko")
    change_city(mail_app, org, manager, "Eibar")
    send(mail_app)
    assert [
        m["Subject"] for _, m in received(smtp, "ane@zubia.example")
    ] == []  # "changed" is not emailed by default

    client = mail_app.test_client()
    sign_in(client, owner.email)
    form = client.get("/account/reminders").get_data(as_text=True)
    checked = set(
        re.findall(r'<input checked [^>]*name="notification_emails"[^>]*value="(\w+)"', form)
    )
    assert checked == {"assigned", "mentioned"}  # the defaults
    response = client.post(
        "/account/reminders",
        data={"digest_minute": "480", "digest_days": ["1"], "notification_emails": ["changed"]},
    )
    assert response.status_code == 302
    with mail_app.app_context():
        assert db.session.get(User, owner.id).notification_emails == "changed"
    client.post("/notifications/read")  # read: the next change is a new notification
    change_city(mail_app, org, manager, "Bilbao")
    change_city(mail_app, org, manager, "Donostia")  # a repeat while unread: no second email
    send(mail_app)
    ((recipients, message),) = received(smtp, "ane@zubia.example")
    assert recipients == ["ane@zubia.example"]
    assert message["Subject"] == "Miren Agirre changed Ideko"
    assert f"http://zubia.example/organizations/{org}" in message.get_body(("plain",)).get_content()
    # ... and the assignment email is off now.
    with mail_app.test_request_context():
        create_action(
            {"title": "Call Ideko", "owner_id": owner.id, "due_date": date(2026, 12, 4)},
            actor=db.session.get(User, manager.id),
        )
        db.session.commit()
    send(mail_app)
    assert len(received(smtp, "ane@zubia.example")) == 1
    page = client.get("/account/emails").get_data(as_text=True)
    assert "Miren Agirre changed Ideko" in page


def test_a_mention_email_is_cancelled_when_the_meeting_is_gone_before_it_leaves(
    mail_app, smtp, make_user, records, at
):
    from crm.meetings.models import Meeting
    from crm.trash.services import move_to_trash

    at(NOW)
    author = make_user(name="Miren Agirre")
    make_user(name="山田 太郎", email="yamada@mie.example", digest_enabled=False)
    kept = records.meeting(
        author, [records.org(author)], title="Tsu visit", summary="@山田太郎さん"
    )
    gone = records.meeting(author, [records.org(author, name="Orona")], summary="@yamada")
    with mail_app.test_request_context():
        move_to_trash(db.session.get(Meeting, gone), actor=db.session.get(User, author.id))
        db.session.commit()
    send(mail_app)
    sent = received(smtp, "yamada@mie.example")
    assert [m["Subject"] for _, m in sent] == ["Miren Agirre mentioned you in “Tsu visit”"]
    ((recipients, message),) = sent
    assert recipients == ["yamada@mie.example"]
    assert message["Subject"] == "Miren Agirre mentioned you in “Tsu visit”"
    assert f"/meetings/{kept}" in message.get_body(("plain",)).get_content()
    with mail_app.app_context():
        statuses = sorted(
            row.status
            for row in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == Kind.NOTIFICATION)
            )
        )
    assert statuses == sorted([Delivery.SENT, Delivery.CANCELLED])
