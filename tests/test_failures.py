"""Save-time failures made to happen: the database busy (locked) or out of reach answers 503.

The lock is real (a second SQLite connection holding ``BEGIN EXCLUSIVE`` on the app's file)
and so is the unreachable server (PostgreSQL's protocol to a port nobody listens on). SQLite's
lock needs a SQLite file whatever ``TEST_DATABASE_URL`` says, so this module's app has one of
its own, and its tests run once per run.
"""

import logging
import os
import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from crm import create_app
from crm.accounts.models import Role, User
from crm.accounts.passwords import hash_password
from crm.actions.models import Action, Status
from crm.audit.models import AuditEvent
from crm.errors import database_unavailable
from crm.extensions import db, limiter
from crm.organizations.models import Organization
from tests.conftest import BACKENDS, PASSWORD, free_port, scratch_database, sign_in
from tests.organizations.conftest import org_form

NOTHING_SAVED = "busy or out of reach, so nothing was saved. Please try again in a moment."


@pytest.fixture
def database_file(tmp_path):
    return tmp_path / "zubia-locked.sqlite3"


@pytest.fixture
def app(tmp_path, database_file):
    """An app on a SQLite file of its own, whose writers wait 200 ms for a lock."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_file}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLITE_BUSY_TIMEOUT": 200,
    }
    with own_app(settings) as app:
        yield app


@contextmanager
def own_app(settings):
    """An app with a schema of its own, its connections closed afterwards."""
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    limiter.reset()


@contextmanager
def write_lock(path, mode="EXCLUSIVE"):
    """Another process's transaction holding the write lock of the SQLite file: EXCLUSIVE keeps
    readers out too, IMMEDIATE lets them read while writers wait."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute(f"BEGIN {mode}")
    try:
        yield
    finally:
        other.rollback()
        other.close()


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def assert_try_again_page(response, message):
    assert response.status_code == 503
    # 5 s, or the end of the sign-in throttle's window on the routes that have one.
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    # The security headers are on every response, this one too.
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert '<h1 class="h3">Try again in a moment</h1>' in html
    assert message in html
    for leak in ("INSERT", "UPDATE", "SELECT", "sqlite3", "psycopg", "Traceback"):
        assert leak not in html
    return html


def test_the_busy_timeout_comes_from_the_settings(app):
    with app.app_context():
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 200


def test_a_save_while_the_database_is_locked_answers_503_and_saves_nothing(
    app, client, login, database_file, caplog
):
    login()
    audit_rows = count(app, AuditEvent)
    with write_lock(database_file), caplog.at_level(logging.WARNING, logger="crm"):
        response = client.post("/organizations/new", data=org_form())
        # Reading goes on under the lock (WAL): only saving has to wait.
        assert client.get("/organizations/").status_code == 200
    assert_try_again_page(response, NOTHING_SAVED)
    assert response.headers["Retry-After"] == "5"
    locked = "Database unavailable on POST /organizations/new: OperationalError: database is locked"
    assert locked in caplog.text
    assert (count(app, Organization), count(app, AuditEvent)) == (0, audit_rows)

    # Nothing of the failed request lingers: the same form now saves.
    assert client.post("/organizations/new", data=org_form()).status_code == 302
    assert count(app, Organization) == 1


def test_marking_done_with_htmx_while_locked_reloads_the_page_with_the_message(
    app, client, login, records, database_file
):
    user = login()
    action_id = records.action(user, title="Send the brochure")
    with write_lock(database_file):
        response = client.post(
            f"/actions/{action_id}/status", data={"status": "done"}, headers={"HX-Request": "true"}
        )
    # htmx swaps no error response, so it reloads the page, where the message waits.
    assert response.status_code == 503
    assert (response.headers["HX-Refresh"], response.headers["Retry-After"]) == ("true", "5")
    assert NOTHING_SAVED in client.get("/actions/mine").get_data(as_text=True)
    assert records.get(Action, action_id).status is Status.OPEN


@pytest.fixture
def unreachable_app(tmp_path):
    """An app whose PostgreSQL server refuses connections: no one listens on its port."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/zubia"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path / "down")})
    yield app
    with app.app_context():
        db.engine.dispose()
    limiter.reset()


def test_an_unreachable_database_answers_503_to_a_signed_in_page_view(
    client, login, unreachable_app, caplog
):
    login()
    down = unreachable_app.test_client()
    down.set_cookie("session", client.get_cookie("session").value)
    with caplog.at_level(logging.WARNING, logger="crm"):
        response = down.get("/organizations/")
    html = assert_try_again_page(
        response, "database is busy or out of reach just now. Please try again in a moment."
    )
    assert "Sign out" not in html  # who is signed in cannot be known without the database
    assert "Database unavailable on GET /organizations/: OperationalError:" in caplog.text
    assert "Connection refused" in caplog.text


def test_signing_in_while_the_database_is_unreachable_answers_503(unreachable_app):
    response = sign_in(unreachable_app.test_client(), "ane@zubia.example")
    assert_try_again_page(response, NOTHING_SAVED)


@pytest.fixture(params=[backend for backend in BACKENDS if backend == "postgresql"])
def postgresql_app(request, tmp_path):
    """An app on a PostgreSQL database of its own, which the test may close to connections."""
    with (
        scratch_database(os.environ["TEST_DATABASE_URL"], "failures") as url,
        own_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path / "pg")}) as app,
    ):
        yield app


@contextmanager
def server_going_away_before(app, statement_start):
    """PostgreSQL ends the request's connection, and takes no new one, as the statement starts.

    The user has been loaded by then: the page must still be built, for nobody.
    """
    server = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with app.app_context():
        engine, name = db.engine, db.engine.url.database

    def go_away(connection, cursor, statement, *args):
        if statement.startswith(statement_start):
            pid = connection.connection.dbapi_connection.info.backend_pid
            with server.connect() as admin:
                admin.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", go_away)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", go_away)
        with server.connect() as admin:
            admin.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        server.dispose()


def test_postgresql_going_away_during_a_save_answers_503(postgresql_app, caplog):
    app = postgresql_app
    with app.app_context():
        db.session.add(
            User(
                role=Role.MANAGER,
                email="miren@zubia.example",
                name="Miren",
                password_hash=hash_password(PASSWORD),
            )
        )
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "miren@zubia.example").status_code == 302
    with (
        server_going_away_before(app, "INSERT INTO organizations"),
        caplog.at_level(logging.WARNING, logger="crm"),
    ):
        response = client.post("/organizations/new", data=org_form())
    html = assert_try_again_page(response, NOTHING_SAVED)
    assert "Sign out" not in html
    assert "AdminShutdown: terminating connection due to administrator command" in caplog.text

    # Back up: the pool connects anew, and nothing of the failed save is there.
    assert count(app, Organization) == 0
    assert client.post("/organizations/new", data=org_form()).status_code == 302


def test_a_mistake_in_sql_is_still_a_bug_not_a_busy_database(app):
    with app.app_context(), pytest.raises(OperationalError) as raised:
        db.session.execute(text("SELECT * FROM no_such_table"))
    assert not database_unavailable(raised.value)  # SQLite says OperationalError for both


def test_the_api_answers_503_as_problem_details_while_the_database_is_locked(
    app, client, make_user, database_file
):
    from tests.api.factories import issue_token

    user = make_user()
    headers = {"Authorization": f"Bearer {issue_token(app, user)[1]}"}
    assert client.get("/api/v1/users", headers=headers).status_code == 200  # last use noted
    body = {"name": "Ikerlan", "kind": "technology_centre", "region": "basque_country",
            "country": "ES"}  # fmt: skip
    with write_lock(database_file):
        response = client.post("/api/v1/organizations", json=body, headers=headers)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    # 5 s, or the end of the token's rate-limit window if later (Flask-Limiter takes the max).
    assert int(response.headers["Retry-After"]) >= 5
    assert response.get_json()["status"] == 503
    assert count(app, Organization) == 0
