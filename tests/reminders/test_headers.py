"""Well-formed mail: every kind of reminder, as the SMTP server received it, passes the
standard library's strict policy with the headers relays and mail clients look for."""

import base64
import email
import email.policy
import json
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from crm.accounts.models import Role, User
from crm.extensions import db
from crm.reminders.headers import message_id_domain
from crm.reminders.jobs import run_pass
from crm.reminders.models import Kind, OutboxMessage
from crm.reminders.unsubscribe import SALT, token, wants
from tests.conftest import empty_tables

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Bilbao


@pytest.fixture
def https_mail_app(make_app, smtp):
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=3, BASE_URL="https://zubia.eus"
    )
    yield app
    with app.app_context():
        empty_tables()


@pytest.fixture
def every_kind(https_mail_app, make_user, records, at):
    """On a Monday morning: a digest, an assignment, a nudge, a manager summary, a visit and
    an event reminder, to people writing in English, Japanese and Spanish."""
    from crm.actions.services import create_action
    from crm.events.models import Event, Host
    from crm.visits.models import Direction, Visit

    app = https_mail_app
    madrid = {"timezone": "Europe/Madrid"}
    manager = make_user(Role.MANAGER, language="en", **madrid)
    kenji = make_user(language="ja", **madrid)
    lucia = make_user(language="es", digest_enabled=False, **madrid)
    at(MONDAY - timedelta(days=120))
    records.org(lucia, name="Ideko", cadence_days=60)  # quiet by Monday: a nudge
    at(MONDAY - timedelta(hours=1))
    records.action(manager, due_date=date(2026, 11, 20))  # a digest and a summary
    with app.test_request_context():
        create_action(
            {"title": "Book the Tsu room", "owner_id": kenji.id, "due_date": date(2026, 12, 9)},
            actor=db.session.get(User, manager.id),
        )
        visit = Visit(
            direction=Direction.TO_MIE,
            title="Delegation to Mie",
            start_date=date(2026, 12, 7),
            end_date=date(2026, 12, 9),
            owner_id=kenji.id,
        )
        visit.users = [db.session.get(User, kenji.id)]
        event = Event(
            name="Mie B2B meetings", city="Tsu", country=Host.JAPAN,
            start_date=date(2026, 12, 7), end_date=date(2026, 12, 7),
            session_start=time(9, 0), session_end=time(12, 0), owner_id=lucia.id,
        )  # fmt: skip
        db.session.add_all([visit, event])
        db.session.commit()
    at(MONDAY)
    with app.app_context():
        run_pass(worker="test")  # at the clock's instant
    return {"en": manager, "ja": kenji, "es": lucia}


def base64url(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def received(app, smtp):
    """{kind: (message under the strict policy, outbox row)} of what the SMTP server got."""
    with app.app_context():
        rows = {r.message_id: r for r in db.session.scalars(select(OutboxMessage))}
        for row in rows.values():
            db.session.expunge(row)
    found = {}
    for data in smtp.raw:
        message = email.message_from_bytes(data, policy=email.policy.strict)
        row = rows[message["Message-ID"]]
        found[row.kind] = (message, row)
    return found


# An action given to someone comes as the email of its notification.
REMINDER_KINDS = [Kind.DIGEST, Kind.NOTIFICATION, Kind.NUDGE, Kind.MANAGER_SUMMARY]
REMINDER_KINDS += [Kind.VISIT, Kind.EVENT]


def test_every_kind_of_reminder_is_well_formed_mail(https_mail_app, smtp, every_kind):
    found = received(https_mail_app, smtp)
    assert set(found) == set(REMINDER_KINDS)
    languages = {user.id: language for language, user in every_kind.items()}
    for kind, (message, row) in found.items():
        assert not message.defects, (kind, message.defects)
        assert parsedate_to_datetime(message["Date"]) == MONDAY, kind
        assert message["Message-ID"] == row.message_id
        assert message["Message-ID"].endswith("@zubia.eus>"), kind
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Content-Language"] == languages[row.recipient_id], kind
        unsubscribe = message["List-Unsubscribe"].strip()  # folded: the address is long
        assert unsubscribe.startswith("<https://zubia.eus/unsubscribe/") and unsubscribe[-1] == ">"
        assert "mailto:" not in unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_body(("plain",)) is not None and message.get_body(("html",))
    assert {message["Content-Language"] for message, _ in found.values()} == {"en", "ja", "es"}


def unsubscribe_path(message):
    return message["List-Unsubscribe"].strip().strip("<>").removeprefix("https://zubia.eus")


@pytest.mark.parametrize("kind", REMINDER_KINDS, ids=lambda k: k.value)
def test_one_click_unsubscribe_turns_that_kind_off_with_a_plain_post(
    make_app, https_mail_app, smtp, every_kind, kind
):
    message, row = received(https_mail_app, smtp)[kind]
    csrf_on = make_app(WTF_CSRF_ENABLED=True, BASE_URL="https://zubia.eus")
    client = csrf_on.test_client()  # no session, no CSRF token: what a mail client sends
    response = client.post(unsubscribe_path(message), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with https_mail_app.app_context():
        user = db.session.get(User, row.recipient_id)
        assert not wants(user, kind)
        assert wants(user, Kind.EVENT if kind is not Kind.EVENT else Kind.VISIT)
    assert client.post(unsubscribe_path(message)).status_code == 200  # twice: still fine


def test_one_click_turns_off_only_that_kind_for_only_that_person(https_mail_app, smtp, every_kind):
    message, _row = received(https_mail_app, smtp)[Kind.VISIT]
    https_mail_app.test_client().post(unsubscribe_path(message))
    with https_mail_app.app_context():
        kenji, manager = (db.session.get(User, u.id) for u in (every_kind["ja"], every_kind["en"]))
        assert not wants(kenji, Kind.VISIT)
        assert all(wants(kenji, k) for k in (Kind.ASSIGNMENT, Kind.EVENT, Kind.DIGEST))
        assert all(wants(manager, k) for k in REMINDER_KINDS)


def test_the_link_opened_shows_a_confirmation_and_changes_nothing(https_mail_app, smtp, every_kind):
    message, row = received(https_mail_app, smtp)[Kind.DIGEST]
    page = https_mail_app.test_client().get(unsubscribe_path(message))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<form method="post">' in html and "/account/reminders" in html
    with https_mail_app.app_context():
        assert wants(db.session.get(User, row.recipient_id), Kind.DIGEST)


def test_a_tampered_or_foreign_token_is_refused(https_mail_app, make_user):
    user, other = make_user(), make_user()
    with https_mail_app.app_context():
        good = token(user, Kind.VISIT)
    other_user = base64url(json.dumps([other.id, "visit"], separators=(",", ":")))
    event = base64url(json.dumps([user.id, "event"], separators=(",", ":")))
    signature = good.rsplit(".", 1)[1]
    tampered = [
        f"{other_user}.{signature}",  # someone else's id under this signature
        f"{event}.{signature}",  # another kind under this signature
        good[:-3] + ("xyz" if not good.endswith("xyz") else "abc"),
        URLSafeSerializer("another secret key", salt=SALT).dumps([user.id, "visit"]),
        "nothing",
    ]
    client = https_mail_app.test_client()
    for bad in tampered:
        assert client.post(f"/unsubscribe/{bad}").status_code == 400, bad
        assert client.get(f"/unsubscribe/{bad}").status_code == 400, bad
    with https_mail_app.app_context():
        assert wants(db.session.get(User, user.id), Kind.VISIT)


def test_a_turned_off_kind_already_queued_is_not_sent(https_mail_app, smtp, make_user, records):
    from crm.reminders.unsubscribe import turn_off

    user = make_user(timezone="Europe/Madrid")
    records.action(user, due_date=date(2026, 11, 20))
    with https_mail_app.app_context():
        stored = db.session.get(User, user.id)
        turn_off(stored, Kind.DIGEST)
        db.session.commit()
        run_pass(MONDAY, worker="test")
    assert smtp.raw == []


URL, SENDER = "https://zubia.eus", "MAIL_DEFAULT_SENDER"


@pytest.mark.parametrize(
    ("settings", "domain"),
    [
        ({"MAIL_MESSAGE_ID_DOMAIN": "mail.zubia.eus", "BASE_URL": URL}, "mail.zubia.eus"),
        ({"BASE_URL": "https://crm.zubia.eus:8443/app"}, "crm.zubia.eus"),
        ({"BASE_URL": "http://127.0.0.1:5000", SENDER: "Zubia <z@bizkaia.eus>"}, "bizkaia.eus"),
        ({"BASE_URL": "http://[::1]:5000", SENDER: "z@localhost"}, "zubia.invalid"),
        ({"BASE_URL": "http://localhost:5000", SENDER: "z@10.0.0.1"}, "zubia.invalid"),
        ({"BASE_URL": "http://zubia:5000", SENDER: "Zubia <zubia@zubia>"}, "zubia.invalid"),
        ({"MAIL_MESSAGE_ID_DOMAIN": "192.168.1.5", "BASE_URL": URL}, "zubia.eus"),
    ],
)  # fmt: skip
def test_the_message_id_domain_is_never_an_ip_literal_or_localhost(settings, domain):
    assert message_id_domain(settings) == domain


def test_the_message_id_is_fixed_when_the_row_is_written(make_app, https_mail_app, every_kind):
    with https_mail_app.app_context():
        before = {r.id: r.message_id for r in db.session.scalars(select(OutboxMessage))}
    moved = make_app(BASE_URL="https://elsewhere.example")
    with moved.app_context():
        after = {r.id: r.message_id for r in db.session.scalars(select(OutboxMessage))}
    assert before == after and all(mid.endswith("@zubia.eus>") for mid in after.values())
