from datetime import UTC, datetime

from crm.accounts.models import Role, User
from crm.extensions import db
from crm.reminders.jobs import run_pass
from crm.reminders.models import Delivery, OutboxMessage


def test_a_user_sets_their_reminder_preferences(app, client, login):
    user = login()
    page = client.get("/account/reminders")
    assert b"Send me a daily digest" in page.data
    response = client.post(
        "/account/reminders",
        data={"digest_enabled": "y", "digest_minute": "450", "digest_days": ["1", "3", "5"]},
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.digest_enabled, saved.digest_minute, saved.digest_days) == (
            True,
            450,
            "1,3,5",
        )
        assert saved.nudges_enabled is False  # unchecked box


def test_preferences_refuse_times_off_the_list(client, login):
    login()
    response = client.post(
        "/account/reminders", data={"digest_minute": "1441", "digest_days": ["9"]}
    )
    assert response.status_code == 200
    assert b"Not a valid choice" in response.data


def row(app, user, **fields):
    with app.app_context():
        message = OutboxMessage(
            dedupe_key=f"nudge:{user.id}:{len(fields)}:{fields.get('status', 'x')}",
            kind="nudge",
            recipient_id=user.id,
            payload={"organization": 1, "since": "never"},
            **fields,
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def test_emails_sent_to_me_lists_mine_sent_or_failed_not_the_cancelled(
    app, client, login, make_user
):
    me, other = login(), make_user()
    row(app, me, subject="Ideko has gone quiet", status=Delivery.SENT)
    row(app, me, subject="Ikerlan bounced", status=Delivery.FAILED)
    row(app, me, subject="Orona no longer quiet", status=Delivery.CANCELLED)
    row(app, me, subject="Nothing to say today", status=Delivery.SKIPPED)
    row(app, other, subject="Someone else's", status=Delivery.SENT)
    page = client.get("/account/emails").get_data(as_text=True)
    assert "Emails sent to you" in page
    assert "Ideko has gone quiet" in page and "Ikerlan bounced" in page
    assert "Orona" not in page and "Nothing to say" not in page and "no longer needed" not in page
    assert "Someone else" not in page
    settings = client.get("/account/reminders").get_data(as_text=True)
    assert 'href="/account/emails"' in settings


def test_admins_see_failures_and_can_retry_them(app, client, login, make_user):
    login(Role.ADMIN)
    recipient = make_user()
    failed = row(
        app, recipient, status=Delivery.FAILED, attempts=20, last_error="550 5.1.1 No such user"
    )
    page = client.get("/admin/delivery").get_data(as_text=True)
    assert "550 5.1.1 No such user" in page
    assert "No reminder pass has ever run" in page
    client.post(f"/admin/delivery/{failed}/retry")
    with app.app_context():
        retried = db.session.get(OutboxMessage, failed)
        assert (retried.status, retried.attempts) == (Delivery.PENDING, 0)


def test_the_delivery_page_warns_when_the_scheduler_stopped(app, client, login, at):
    at("2026-11-26T08:00:30+00:00")
    login(Role.ADMIN)
    with app.app_context():
        run_pass(datetime(2026, 11, 26, 8, tzinfo=UTC), worker="test")
    at("2026-11-26T08:01:00+00:00")
    assert "The scheduler is running" in client.get("/admin/delivery").get_data(as_text=True)
    at("2026-11-26T09:00:00+00:00")
    page = client.get("/admin/delivery").get_data(as_text=True)
    assert "No reminder pass has run since" in page
