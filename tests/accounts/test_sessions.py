"""SEC-3: sessions end when they should, and the cookie is locked down."""

from datetime import UTC, datetime, timedelta

import pytest

from crm.accounts.models import Role, User
from crm.extensions import db
from tests.conftest import PASSWORD, sign_in


def session_cookie(client):
    return client.get_cookie("session").value


def replay(app, cookie):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/account")


def test_a_cookie_captured_before_sign_out_is_dead_afterwards(app, client, login):
    login()
    captured = session_cookie(client)
    assert replay(app, captured).status_code == 200
    client.post("/logout")
    response = replay(app, captured)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_deactivating_a_user_ends_their_session(app, client, make_user):
    admin, member = make_user(Role.ADMIN), make_user()
    sign_in(client, member.email)
    member_cookie = session_cookie(client)
    admin_client = app.test_client()
    sign_in(admin_client, admin.email)
    admin_client.post(
        f"/admin/users/{member.id}",
        data={**editable(member), "active": ""},
    )
    assert replay(app, member_cookie).status_code == 302


def test_changing_the_role_ends_the_users_sessions(app, client, make_user):
    admin, member = make_user(Role.ADMIN), make_user()
    sign_in(client, member.email)
    member_cookie = session_cookie(client)
    admin_client = app.test_client()
    sign_in(admin_client, admin.email)
    admin_client.post(
        f"/admin/users/{member.id}", data={**editable(member), "role": "manager", "active": "y"}
    )
    assert replay(app, member_cookie).status_code == 302


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, client, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a fresh passphrase",
            "confirm": "a fresh passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert sign_in(app.test_client(), user.email, "a fresh passphrase").status_code == 302


def test_sign_out_is_post_only(client, login):
    login()
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("idle", "expired"),
    [(timedelta(minutes=59), False), (timedelta(minutes=61), True)],
)
def test_idle_sessions_expire_after_an_hour(client, login, at, idle, expired):
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    at(start)
    login()
    at(start + idle)
    assert (client.get("/account").status_code == 302) is expired


def test_active_sessions_end_after_twelve_hours(client, login, at):
    start = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    at(start)
    login()
    for minutes in range(0, 12 * 60, 50):
        at(start + timedelta(minutes=minutes))
        assert client.get("/account").status_code == 200
    at(start + timedelta(hours=12, minutes=1))
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_development_cookie_flags(client, login):
    login()
    header = next(
        h for h in client.get("/account").headers.getlist("Set-Cookie") if h.startswith("session=")
    )
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header


def test_production_cookie_is_host_only_secure_httponly_lax(make_app, make_user, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("ZUBIA_ENV", "production")
    from config import load_config

    settings = vars(load_config("production"))
    app = make_app(**{k: v for k, v in settings.items() if k.startswith(("SESSION_", "HSTS"))})
    user = make_user()
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    header = next(h for h in response.headers.getlist("Set-Cookie") if "session=" in h)
    assert header.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in header
    assert "Domain=" not in header


def editable(user):
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "language": user.language,
        "timezone": user.timezone,
        "active": "y" if user.active else "",
    }


def test_session_token_rotation_changes_the_flask_login_id(app, make_user):
    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id)
        before = stored.get_id()
        stored.end_sessions()
        assert stored.get_id() != before


def sessions_of(app, user):
    from sqlalchemy import select

    from crm.accounts.models import UserSession

    with app.app_context():
        return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()


def test_signing_out_ends_this_session_only(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    laptop.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": "Laptop browser"},
    )
    sign_in(phone, user.email)
    assert len(sessions_of(app, user)) == 2
    laptop.post("/logout")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200
    (left,) = sessions_of(app, user)
    assert left.user_agent != "Laptop browser"


def test_sign_out_everywhere_ends_every_session(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    captured = session_cookie(phone)
    assert b"Sign out everywhere" in laptop.get("/account").data
    response = laptop.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert replay(app, captured).status_code == 302
    assert sessions_of(app, user) == []
    assert sign_in(app.test_client(), user.email).status_code == 302  # the password still works


def test_a_sign_in_records_its_browser_and_when(app, make_user, at):
    at("2026-12-07T09:00:00+00:00")
    user = make_user()
    client = app.test_client()
    client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": "Firefox/140"},
    )
    (row,) = sessions_of(app, user)
    assert row.user_agent == "Firefox/140"
    assert row.created_at == row.last_seen_at == datetime(2026, 12, 7, 9, tzinfo=UTC)
    at("2026-12-07T09:10:00+00:00")
    assert client.get("/account").status_code == 200
    (row,) = sessions_of(app, user)
    assert row.last_seen_at == datetime(2026, 12, 7, 9, 10, tzinfo=UTC)


def test_rows_of_sessions_past_their_lifetime_go_at_the_next_sign_in(app, make_user, at):
    user = make_user()
    at("2026-12-07T08:00:00+00:00")
    sign_in(app.test_client(), user.email)
    at("2026-12-07T19:00:00+00:00")
    sign_in(app.test_client(), user.email)
    assert len(sessions_of(app, user)) == 2
    at("2026-12-07T20:01:00+00:00")  # the first is 12 hours and a minute old
    sign_in(app.test_client(), user.email)
    assert len(sessions_of(app, user)) == 2
