import logging
import statistics
import time

import pytest

from crm.accounts.models import Role
from tests.conftest import PASSWORD, sign_in

# Django's list of unsafe redirect targets (tests/utils_tests/test_http.py), plus our own.
DJANGO_BAD_URLS = [
    "http://example.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "java\nscript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
]
OUR_BAD_URLS = [
    "//evil.test",
    "/\\evil.test",
    "%2F%2Fevil.test",
    "https://evil.test",
    "https://evil.example/",
    "/\t/evil.test",
    "///evil.test",
]


def test_sign_in_with_the_right_password_lands_on_home(client, make_user):
    user = make_user()
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert user.name.encode() in client.get("/").data


def test_sign_in_ignores_case_and_blanks_around_the_email(client, make_user):
    make_user(email="ane@zubia.example")
    assert sign_in(client, "  ANE@Zubia.Example ").status_code == 302


def test_home_page_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_wrong_password_and_unknown_email_look_the_same(client, make_user):
    user = make_user()
    wrong = sign_in(client, user.email, "not the password at all")
    unknown = sign_in(client, "nobody@zubia.example", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert b"Wrong email or password." in wrong.data

    def strip(body):
        return body.replace(user.email.encode(), b"").replace(b"nobody@zubia.example", b"")

    assert (
        strip(wrong.data).split(b'name="csrf_token"')[0]
        == strip(unknown.data).split(b'name="csrf_token"')[0]
    )


def test_sec2_unknown_and_known_emails_take_the_same_time(client, make_user):
    user = make_user()

    def median(email):
        times = []
        for _ in range(15):
            start = time.perf_counter()
            sign_in(client, email, "a wrong password")
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    app = client.application
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1000/minute"
    known, unknown = median(user.email), median("nobody@zubia.example")
    assert 0.6 < known / unknown < 1.66


def test_a_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user(active=False)
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert b"Wrong email or password." in response.data


def test_a_10kb_password_is_refused_without_hashing(client, make_user):
    user = make_user()
    response = sign_in(client, user.email, "x" * 10_000)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_eleventh_failed_sign_in_within_a_minute_gets_429(client, make_user):
    user = make_user()
    for _ in range(10):
        assert sign_in(client, user.email, "wrong password!").status_code == 200
    response = sign_in(client, user.email, "wrong password!")
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    # the right password is refused too while the account is throttled
    assert sign_in(client, user.email).status_code == 429


def test_throttling_one_account_leaves_another_usable(client, make_user):
    victim, colleague = make_user(), make_user()
    for _ in range(11):
        sign_in(client, victim.email, "wrong password!")
    assert sign_in(client, colleague.email).status_code == 302


def test_successful_sign_ins_are_not_counted(client, make_user):
    user = make_user()
    for _ in range(12):
        assert sign_in(client, user.email).status_code == 302
        client.post("/logout")


def test_the_address_limit_holds_across_accounts(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="5 per minute")
    client = app.test_client()
    for n in range(5):
        sign_in(client, f"guess{n}@zubia.example", "wrong password!")
    assert sign_in(client, "guess9@zubia.example", "wrong password!").status_code == 429


def test_sec2_spoofed_forwarded_for_does_not_change_the_limiter_key(make_app, make_user):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()
    for n in range(3):
        client.post(
            "/login",
            data={"email": f"g{n}@x.test", "password": "wrong password!"},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )
    response = client.post(
        "/login",
        data={"email": "g9@x.test", "password": "wrong password!"},
        headers={"X-Forwarded-For": "10.0.0.99"},
    )
    assert response.status_code == 429


@pytest.mark.parametrize("target", DJANGO_BAD_URLS + OUR_BAD_URLS)
def test_sec7_next_rejects_unsafe_targets(client, make_user, target):
    user = make_user()
    response = sign_in(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target", ["/admin/users", "/account?tab=password", "/view/?param=http://example.com"]
)
def test_sec7_next_keeps_local_paths(client, make_user, target):
    user = make_user()
    response = sign_in(client, user.email, next=target)
    assert response.headers["Location"] == target


def test_next_from_the_query_string_survives_the_sign_in_form(client, make_user):
    user = make_user(role=Role.ADMIN)
    page = client.get("/login?next=/admin/users")
    assert b'value="/admin/users"' in page.data
    assert sign_in(client, user.email, next="/admin/users").headers["Location"] == "/admin/users"


def test_sec13_sign_in_events_are_logged_on_one_line(client, make_user, caplog):
    user = make_user()
    with caplog.at_level(logging.INFO, logger="crm.security"):
        sign_in(client, "a\nFAKE LOG LINE", "wrong password!")
        sign_in(client, user.email, PASSWORD)
    failure, success = (r for r in caplog.records if r.name == "crm.security")
    assert "\n" not in failure.getMessage() and "FAKE LOG LINE" in failure.getMessage()
    assert failure.getMessage().startswith("login_failure at=")
    assert f"user_id={user.id}" in success.getMessage()
    assert "ip=127.0.0.1" in success.getMessage()


def test_signing_in_records_a_history_entry(app, client, make_user):
    from crm.audit.models import AuditEvent
    from crm.extensions import db

    user = make_user()
    sign_in(client, user.email)
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert (event.action, event.entity_id, event.actor_id) == ("login", user.id, user.id)
