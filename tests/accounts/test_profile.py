from crm.accounts.models import User
from crm.extensions import db


def test_a_user_sets_language_and_time_zone(app, client, login):
    user = login()
    response = client.post(
        "/account", data={"name": "Ane Etxeberria", "language": "ja", "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.name, saved.language, saved.timezone) == (
            "Ane Etxeberria",
            "ja",
            "Asia/Tokyo",
        )
    page = client.get("/account")
    assert b'<html lang="ja" ' in page.data


def test_a_point_of_contact_cannot_set_their_own_role(app, client, login):
    user = login()
    client.post(
        "/account",
        data={"name": "Ane", "language": "en", "timezone": "UTC", "role": "admin", "active": ""},
    )
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert saved.role is user.role and saved.active


def test_the_language_switcher_works_before_signing_in(client):
    response = client.post("/language", data={"language": "ja", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert b'<html lang="ja" ' in client.get("/login").data


def test_the_language_switcher_ignores_unknown_languages_and_unsafe_next(client):
    response = client.post("/language", data={"language": "xx", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_accept_language_picks_japanese_for_visitors(client):
    page = client.get("/login", headers={"Accept-Language": "ja-JP,ja;q=0.9"})
    assert b'<html lang="ja" ' in page.data


def test_the_signed_in_users_language_applies(client, login):
    login(language="ja")
    assert b'<html lang="ja" ' in client.get("/").data
