"""The throttle cannot lock the owner out: the right password from a known device gets in,
and the owner is told of the burst by email, once an hour at most."""

import email
import email.policy
from datetime import UTC, datetime, timedelta

from crm.accounts.devices import COOKIE
from crm.extensions import db, limiter
from crm.reminders.jobs import run_pass
from tests.conftest import PASSWORD, sign_in

START = datetime(2026, 12, 7, 9, 0, 5, tzinfo=UTC)


def attack(app, user_email, times=11):
    attacker = app.test_client()
    return [sign_in(attacker, user_email, "wrong password!").status_code for _ in range(times)]


def test_an_attacker_trips_the_throttle_but_the_owner_on_a_known_device_gets_in(
    mail_app, make_user, at
):
    at(START)
    owner = make_user()
    laptop = mail_app.test_client()
    assert sign_in(laptop, owner.email).status_code == 302  # earlier: the device is known
    laptop.post("/logout")
    assert laptop.get_cookie(COOKIE) is not None
    assert attack(mail_app, owner.email) == [200] * 10 + [429]
    assert sign_in(laptop, owner.email).status_code == 302
    assert laptop.get("/account").status_code == 200


def test_without_the_device_cookie_the_owner_is_throttled_too(mail_app, make_user, at):
    at(START)
    owner = make_user()
    attack(mail_app, owner.email)
    stranger = mail_app.test_client()
    response = sign_in(stranger, owner.email)
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def test_a_known_device_with_a_wrong_password_is_still_throttled(mail_app, make_user, at):
    at(START)
    owner = make_user()
    laptop = mail_app.test_client()
    sign_in(laptop, owner.email)
    laptop.post("/logout")
    attack(mail_app, owner.email)
    assert sign_in(laptop, owner.email, "wrong password!").status_code == 429


def test_a_device_cookie_of_another_account_or_forged_does_not_help(mail_app, make_user, at):
    at(START)
    owner, colleague = make_user(), make_user()
    shared = mail_app.test_client()
    sign_in(shared, colleague.email)  # a device known for the colleague only
    shared.post("/logout")
    attack(mail_app, owner.email)
    assert sign_in(shared, owner.email).status_code == 429
    forged = mail_app.test_client()
    forged.set_cookie(COOKIE, shared.get_cookie(COOKIE).value[:-4] + "AAAA")
    assert sign_in(forged, owner.email).status_code == 429


def test_the_device_cookie_is_signed_long_lived_httponly_and_lax(mail_app, make_user):
    owner = make_user()
    response = sign_in(mail_app.test_client(), owner.email)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    assert "Max-Age=31536000" in header
    https = mail_app.test_client().post(
        "/login",
        data={"email": owner.email, "password": PASSWORD},
        base_url="https://zubia.example",
    )
    header = next(h for h in https.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "Secure" in header


def alerts(smtp):
    return [
        email.message_from_bytes(data, policy=email.policy.strict)
        for data in smtp.raw
        if b"sign in to your Zubia account" in data
    ]


def test_the_owner_is_told_of_the_burst_once_an_hour(mail_app, smtp, make_user, at):
    at(START)
    owner = make_user(email="ane@zubia.example", timezone="Europe/Madrid")
    attack(mail_app, owner.email, times=15)
    with mail_app.app_context():
        run_pass(START + timedelta(seconds=30), worker="test")
    (alert,) = alerts(smtp)
    assert alert["To"].addresses[0].addr_spec == "ane@zubia.example"
    assert alert["Auto-Submitted"] == "auto-generated"
    assert alert["List-Unsubscribe"] is None  # a security notice cannot be turned off
    text = alert.get_body(("plain",)).get_content()
    assert "10 times" in text and "127.0.0.1" in text and "10:00" in text  # Bilbao time
    assert "http://zubia.example/account/password" in text

    # Another burst in the same hour: no second email; in the next hour: one more.
    limiter.reset()
    at(START + timedelta(minutes=20))
    attack(mail_app, owner.email)
    limiter.reset()
    at(START + timedelta(hours=1))
    attack(mail_app, owner.email)
    with mail_app.app_context():
        run_pass(START + timedelta(hours=1, seconds=30), worker="test")
    assert len(alerts(smtp)) == 2


def test_no_alert_for_an_unknown_email(mail_app, smtp, at):
    at(START)
    assert attack(mail_app, "nobody@zubia.example") == [200] * 10 + [429]
    with mail_app.app_context():
        assert run_pass(START + timedelta(seconds=30), worker="test")[1]["sent"] == 0
        db.session.remove()


def test_the_right_password_is_not_checked_for_a_throttled_unknown_device(mail_app, make_user, at):
    at(START)
    owner = make_user()
    attack(mail_app, owner.email)
    # The refusal does not depend on the password: an attacker learns nothing from it.
    client = mail_app.test_client()
    assert sign_in(client, owner.email, PASSWORD).status_code == 429
    assert sign_in(client, owner.email, "another guess").status_code == 429
