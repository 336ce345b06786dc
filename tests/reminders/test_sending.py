"""Delivery through a real SMTP server: once, never lost, classified failures (MAIL-1..9)."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.actions.models import Action, Status
from crm.extensions import db
from crm.reminders.jobs import run_pass
from crm.reminders.models import Delivery, OutboxMessage
from crm.reminders.planning import enqueue
from crm.reminders.sending import MAX_ATTEMPTS, send_due

MORNING = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thursday, 09:00 in Bilbao


@pytest.fixture
def overdue(mail_app, make_user, records):
    """A Bilbao point of contact with an overdue action in Mie."""
    user = make_user(timezone="Europe/Madrid", email="ane@zubia.example", name="Ane Etxeberria")
    org = records.org(
        user, name="Mie University", native_name="三重大学", region="mie", country="JP"
    )
    records.meeting(user, [org], starts_at=datetime(2026, 11, 25, 9, tzinfo=UTC))
    action = records.action(user, organization_id=org, due_date=date(2026, 11, 20))
    return user, org, action


def outbox(app):
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def passes(app, now=MORNING, **kwargs):
    with app.app_context():
        return run_pass(now, worker="test", **kwargs)


def test_mail7_a_digest_arrives_over_smtp_with_text_html_and_links(mail_app, smtp, overdue):
    _user, _org, action = overdue
    passes(mail_app)
    ((recipients, message),) = smtp.messages
    assert recipients == ["ane@zubia.example"]
    assert message["To"] == "Ane Etxeberria <ane@zubia.example>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Send the brochure" in text and "Send the brochure" in html
    assert f"http://zubia.example/actions/{action}/edit" in text
    assert 'href="http://zubia.example/account/reminders"' in html
    assert "三重大学" in html
    (row,) = outbox(mail_app)
    assert row.status is Delivery.SENT and message["Message-ID"] == row.message_id


def test_the_digest_is_in_the_recipients_language(mail_app, smtp, make_user, records):
    user = make_user(timezone="Asia/Tokyo", language="ja", email="haruka@mie.example")
    records.action(user, due_date=date(2026, 11, 20), title="パンフレットを送る")
    passes(mail_app, datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    ((_, message),) = smtp.messages
    assert "2026年11月26日" in message["Subject"]
    assert "期限切れ" in message.get_body(("plain",)).get_content()


def test_the_digest_in_basque(mail_app, smtp, make_user, records):
    user = make_user(timezone="Europe/Madrid", language="eu", email="ane@bizkaia.example")
    records.action(user, due_date=date(2026, 11, 20), title="Bidali liburuxka")
    passes(mail_app, datetime(2026, 11, 26, 7, 30, tzinfo=UTC))  # 08:30 in Bilbao
    ((_, message),) = smtp.messages
    assert message["Subject"] == "Zure eguna Zubian: 2026(e)ko azaroaren 26(a), osteguna"
    text = message.get_body(("plain",)).get_content()
    assert "Egun on," in text and "Epez kanpo:" in text
    assert "(epemuga: 2026(e)ko aza. 20(a))" in text


def test_smtp_down_then_up_delivers_once(make_app, smtp, overdue):
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)  # nothing listens
    passes(down)
    (row,) = outbox(down)
    assert row.status is Delivery.PENDING and row.attempts == 1
    assert row.next_attempt_at > MORNING and "Connection" in row.last_error
    up = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=3)
    passes(up, MORNING + timedelta(seconds=30))  # too early for the retry
    assert smtp.messages == []
    passes(up, MORNING + timedelta(minutes=2))
    passes(up, MORNING + timedelta(minutes=30))
    assert len(smtp.messages) == 1


@pytest.mark.parametrize(
    ("reply", "status", "retried"),
    [
        ("421 4.3.2 Service not available", Delivery.PENDING, True),
        ("450 4.2.1 Mailbox busy", Delivery.PENDING, True),
        ("451 4.3.0 Try again later", Delivery.PENDING, True),
        ("452 4.3.1 Insufficient storage", Delivery.PENDING, True),
        ("550 5.1.1 No such user", Delivery.FAILED, False),
        ("551 5.1.6 User not local", Delivery.FAILED, False),
        ("552 5.3.4 Message too big", Delivery.FAILED, False),
        ("553 5.1.3 Bad address", Delivery.FAILED, False),
        ("554 5.7.1 Rejected", Delivery.FAILED, False),
    ],
)
def test_mail3_replies_are_classified(mail_app, smtp, overdue, reply, status, retried):
    smtp.reply = reply
    passes(mail_app)
    (row,) = outbox(mail_app)
    assert (row.status, row.attempts) == (status, 1)
    assert reply.split()[0] in row.last_error
    assert (row.next_attempt_at > MORNING) is retried


def test_mail3_451_then_250_is_delivered_once(mail_app, smtp, overdue):
    smtp.reply = "451 4.3.0 Try again later"
    passes(mail_app)
    smtp.reply = None
    passes(mail_app, MORNING + timedelta(minutes=2))
    passes(mail_app, MORNING + timedelta(minutes=10))
    assert len(smtp.messages) == 1
    (row,) = outbox(mail_app)
    assert (row.status, row.attempts) == (Delivery.SENT, 2)


def test_mail3_a_550_is_not_retried(mail_app, smtp, overdue):
    smtp.reply = "550 5.1.1 No such user"
    passes(mail_app)
    smtp.reply = None
    passes(mail_app, MORNING + timedelta(hours=5))
    assert smtp.messages == []
    assert outbox(mail_app)[0].status is Delivery.FAILED


def test_mail3_temporary_failures_give_up_after_about_48_hours(mail_app, smtp, overdue):
    smtp.reply = "451 4.3.0 Try again later"
    now = MORNING
    for _ in range(40):
        passes(mail_app, now)
        now += timedelta(hours=3, minutes=30)
    first = outbox(mail_app)[0]  # later mornings bring digests of their own
    assert first.status is Delivery.FAILED and first.attempts == MAX_ATTEMPTS
    assert now - MORNING > timedelta(hours=48)


def test_mail2_a_hanging_server_times_out_and_the_row_waits(make_app, smtp, overdue):
    smtp.delay = 5
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=1)
    started = time.monotonic()
    passes(app)
    assert time.monotonic() - started < 1 + 5
    (row,) = outbox(app)
    assert row.status is Delivery.PENDING and row.attempts == 1 and row.next_attempt_at > MORNING


def test_mail9_a_reminder_that_no_longer_applies_is_cancelled(mail_app, smtp, overdue):
    _user, _org, action = overdue
    with mail_app.app_context():
        from crm.reminders.planning import plan

        plan(MORNING)
        db.session.get(Action, action).status = Status.DONE  # done before the send
        db.session.commit()
    passes(mail_app)
    assert smtp.messages == []
    digest = next(r for r in outbox(mail_app) if r.kind.value == "digest")
    assert digest.status is Delivery.CANCELLED


def test_mail9_a_deleted_record_cancels_its_nudge(mail_app, smtp, make_user, records):
    user = make_user(timezone="Europe/Madrid")
    org = records.org(user, name="Ideko")
    with mail_app.app_context():
        from crm.reminders.planning import plan
        from crm.trash.services import move_to_trash

        plan(MORNING)
        with mail_app.test_request_context():
            from crm.accounts.models import User
            from crm.organizations.models import Organization

            move_to_trash(db.session.get(Organization, org), actor=db.session.get(User, user.id))
        db.session.commit()
    passes(mail_app)
    assert smtp.messages == []
    assert {r.status for r in outbox(mail_app)} <= {Delivery.CANCELLED, Delivery.SKIPPED}


def test_mail9_a_deactivated_user_is_not_sent_what_was_queued(mail_app, smtp, overdue):
    user, _, _ = overdue
    with mail_app.app_context():
        from crm.accounts.models import User
        from crm.reminders.planning import plan

        plan(MORNING)
        db.session.get(User, user.id).active = False
        db.session.commit()
    passes(mail_app)
    assert smtp.messages == []


def test_mail5_mail6_names_cannot_inject_headers_or_html(mail_app, smtp, make_user, records):
    user = make_user(timezone="Europe/Madrid", email="ane@zubia.example")
    records.org(user, name="Evil\r\nBcc: x@evil.example <img src=x onerror=alert(1)>")
    passes(mail_app)
    messages = smtp.messages
    assert all(recipients == ["ane@zubia.example"] for recipients, _ in messages)
    for _, message in messages:
        assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
        assert message["Bcc"] is None
        html = message.get_body(("html",)).get_content()
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_mail8_the_cap_spreads_a_big_queue_over_passes(mail_app, smtp, make_user):
    user = make_user(email="ane@zubia.example")
    with mail_app.app_context():
        enqueue(
            [
                {"dedupe_key": f"assignment:test:{n}", "kind": "manager_summary",
                 "recipient_id": user.id, "payload": {"week": "2026-W48"}}
                for n in range(25)
            ],
            MORNING,
        )  # fmt: skip
        db.session.commit()
        # a manager summary needs something to report: one overdue action
    with mail_app.app_context():
        from crm.accounts.models import User
        from crm.actions.services import create_action

        with mail_app.test_request_context():
            create_action(
                {"title": "x", "owner_id": user.id, "due_date": date(2026, 11, 1)},
                actor=db.session.get(User, user.id),
            )
            db.session.commit()
    sent = []
    for _n in range(3):
        with mail_app.app_context():
            sent.append(send_due(MORNING, "test", limit=10)["sent"])
    assert sent == [10, 10, 5]
    assert len({m["Message-ID"] for _, m in smtp.messages}) == 25
    summary = smtp.messages[0][1]
    for part in ("plain", "html"):  # the summary leads to the whole pipeline
        assert "/pipeline/" in summary.get_body((part,)).get_content()


def test_sch3_a_row_left_sending_by_a_dead_process_is_sent_after_the_lease(mail_app, smtp, overdue):
    with mail_app.app_context():
        from crm.reminders.planning import plan

        plan(MORNING)
        row = db.session.scalars(select(OutboxMessage)).first()
        row.status, row.claimed_by, row.claimed_at = Delivery.SENDING, "dead:1", MORNING
        db.session.commit()
    passes(mail_app, MORNING + timedelta(minutes=5))
    assert smtp.messages == []  # still within the lease
    passes(mail_app, MORNING + timedelta(minutes=11))
    assert len(smtp.messages) == 1


def test_a_pass_interrupted_after_the_outbox_write_loses_nothing(mail_app, smtp, overdue):
    with mail_app.app_context():
        from crm.reminders.planning import plan

        plan(MORNING)
        db.session.commit()  # ... and the process dies here, before sending
    passes(mail_app, MORNING + timedelta(minutes=1))
    passes(mail_app, MORNING + timedelta(minutes=2))
    assert len(smtp.messages) == 1


def test_an_assignment_notice_reaches_the_new_owner(mail_app, smtp, make_user, at):
    from crm.accounts.models import User
    from crm.actions.services import create_action

    at("2026-11-25T09:59:00+00:00")
    giver = make_user(name="Miren Goikoetxea")
    owner = make_user(email="kenji@mie.example", language="ja", timezone="Asia/Tokyo")
    with mail_app.test_request_context():
        create_action(
            {
                "title": "Book the Tsu meeting room",
                "owner_id": owner.id,
                "due_date": date(2026, 12, 1),
            },
            actor=db.session.get(User, giver.id),
        )
        db.session.commit()
    passes(mail_app, datetime(2026, 11, 25, 10, tzinfo=UTC))
    ((recipients, message),) = [m for m in smtp.messages if "Book" in m[1]["Subject"]]
    assert recipients == ["kenji@mie.example"]
    assert "Miren Goikoetxea" in message.get_body(("plain",)).get_content()
