import pytest
from argon2 import PasswordHasher

from config import load_config
from crm.accounts import services
from crm.accounts.models import Role
from crm.accounts.passwords import hash_password, password_problem
from crm.extensions import db
from tests.conftest import sign_in


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("x" * 7, False),
        ("kq7vbnwe", True),
        ("y" * 64, True),
        ("z" * 128, True),
        ("w" * 129, False),
        (" " * 20, False),
        ("password", False),
        ("Password123", False),
        ("Bridge-2026!x", True),
        ("qwertyuiop", False),
        ("三重とバスクの架け橋です", True),
    ],
)
def test_sec1_password_policy_boundaries(app, password, ok):
    with app.test_request_context():
        assert (password_problem(password) is None) is ok


@pytest.mark.parametrize("name", ["development", "production"])
def test_sec1_default_parameters_meet_owasp(name, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    settings = load_config(name)
    # OWASP: argon2id with at least m=19 MiB, t=2, p=1.
    assert settings.ARGON2_MEMORY_COST >= 19456
    assert settings.ARGON2_TIME_COST >= 2
    assert settings.ARGON2_PARALLELISM >= 1


def test_sec1_hashes_are_argon2id(app):
    with app.app_context():
        assert hash_password("a sound passphrase").startswith("$argon2id$")


def test_sec1_old_hash_is_upgraded_on_sign_in(app, client, make_user):
    user = make_user()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("an older passphrase")
    with app.app_context():
        db.session.get(type(user), user.id).password_hash = weak
        db.session.commit()
    assert sign_in(client, user.email, "an older passphrase").status_code == 302
    with app.app_context():
        stored = db.session.get(type(user), user.id).password_hash
    assert stored != weak
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_change_password_needs_the_current_one(client, login):
    login()
    response = client.post(
        "/account/password",
        data={
            "current_password": "not mine",
            "new_password": "a new passphrase",
            "confirm": "a new passphrase",
        },
    )
    assert response.status_code == 200
    assert b"This is not your current password." in response.data


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short", b"Use at least 8 characters."),
        ("x" * 129, b"Use at most 128 characters."),
        ("password1", b"This password is too common"),
    ],
)
def test_change_password_refuses_weak_passwords(client, login, new, message):
    login()
    response = client.post(
        "/account/password",
        data={
            "current_password": "bridge between Bilbao and Tsu",
            "new_password": new,
            "confirm": new,
        },
    )
    assert message in response.data


def test_change_password_needs_matching_repetition(client, login):
    login()
    response = client.post(
        "/account/password",
        data={
            "current_password": "bridge between Bilbao and Tsu",
            "new_password": "a new passphrase",
            "confirm": "another passphrase",
        },
    )
    assert b"The passwords differ." in response.data


def test_user_created_by_service_gets_an_argon2id_hash(app):
    with app.test_request_context():
        user = services.create_user(
            email="Miren@Zubia.Example",
            name=" Miren ",
            role=Role.MANAGER,
            password="a long passphrase",
            actor=None,
        )
        db.session.commit()
        assert user.email == "miren@zubia.example"
        assert user.name == "Miren"
        assert user.password_hash.startswith("$argon2id$")
