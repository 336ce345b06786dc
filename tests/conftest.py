"""Fixtures shared by the whole suite.

Every test that touches the database runs once on SQLite and, when ``TEST_DATABASE_URL`` is
set, once more on PostgreSQL: the ``database_url`` fixture is parametrized over the backends.
Tests are isolated by emptying every table after each test, which also holds for views that
commit and for the live server that the browser tests talk to.
"""

import os
import re
import uuid
from contextlib import contextmanager
from functools import cache

import pytest
from sqlalchemy import event, text

from crm import clock, create_app
from crm.accounts.models import Role, User
from crm.accounts.passwords import hash_password
from crm.extensions import db, limiter

PASSWORD = "bridge between Bilbao and Tsu"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: a browser or database that is missing must show."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("ZUBIA_FAIL_ON_SKIP") and skipped and exitstatus == 0:
        reporter.write_line(f"{len(skipped)} test(s) skipped while ZUBIA_FAIL_ON_SKIP is set")
        session.exitstatus = 1


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'zubia-test.sqlite3'}"
        return
    with scratch_database(os.environ["TEST_DATABASE_URL"], "session") as url:
        yield url


@contextmanager
def scratch_database(server_url, purpose):
    """A PostgreSQL database of its own for this test run, dropped afterwards.

    Runs that share a server (CI, several engineers) never see each other's rows.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    name = f"zubia_{purpose}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def settings(database_url, tmp_path_factory):
    """The settings every test app shares; tests add overrides through ``make_app``."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
    }


@pytest.fixture(scope="session")
def _schema(settings):
    app = create_app(settings)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def make_app(settings, _schema):
    """Build an app on the test database with extra settings, e.g. CSRF on."""
    apps = []

    def make(**overrides):
        app = create_app({**settings, **overrides})
        apps.append(app)
        return app

    yield make
    clock.set_now(None)
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    yield app
    with app.app_context():
        empty_tables()
    limiter.reset()


def empty_tables():
    db.session.remove()
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@cache
def _known_hash(password):
    """Hash each test password once (inside an app context): keeps the suite quick."""
    return hash_password(password)


@pytest.fixture
def make_user(app):
    """Create a user and return it, detached, with its attributes loaded."""
    counter = iter(range(1, 10_000))

    def make(role=Role.POINT_OF_CONTACT, *, password=PASSWORD, **fields):
        n = next(counter)
        role = Role(role)
        fields.setdefault("email", f"{role.value.replace('_', '-')}{n}@zubia.example")
        fields.setdefault("name", f"{role.label} {n}")
        with app.app_context():
            user = User(role=role, password_hash=_known_hash(password), **fields)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


@pytest.fixture
def login(client, make_user):
    """``login(role)`` signs the test client in as a new user of that role and returns it."""

    def login_as(role=Role.POINT_OF_CONTACT, **fields):
        user = make_user(role, **fields)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.data
        return user

    return login_as


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries: ...`` collects the SQL statements run inside."""

    class Counter:
        def __init__(self):
            self.statements = []

        def __enter__(self):
            event.listen(self.engine, "before_cursor_execute", self._record)
            return self

        def __exit__(self, *exc):
            event.remove(self.engine, "before_cursor_execute", self._record)

        def _record(self, conn, cursor, statement, *args):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|PRAGMA)", statement):
                self.statements.append(statement)

        def __len__(self):
            return len(self.statements)

    def counter():
        c = Counter()
        with app.app_context():
            c.engine = db.engine
        return c

    return counter


@pytest.fixture
def at(app):
    """``at("2026-03-29T01:30:00+00:00")`` stands Zubia's clock at that instant."""
    from datetime import datetime

    def stand(instant):
        clock.set_now(datetime.fromisoformat(instant) if isinstance(instant, str) else instant)

    yield stand
    clock.set_now(None)


@pytest.fixture
def sectors(app):
    """The MoU's sectors, as the demo data loads them."""
    from crm.demo.cli import load_sectors

    with app.app_context():
        load_sectors()
        db.session.commit()


@pytest.fixture
def records(app, make_user):
    """Factories for organizations, contacts, meetings and actions, through the services.

    ``records.org(owner, name=...)`` and friends return the record's id; pass ``owner`` (a user
    from ``make_user``/``login``) to decide who owns it.
    """
    from datetime import UTC, date, datetime

    from crm.actions import services as actions
    from crm.contacts import services as contacts
    from crm.meetings import services as meetings
    from crm.organizations import services as organizations
    from crm.organizations.models import Kind, Region

    def actor(user):
        with app.app_context():
            return db.session.get(User, user.id)

    class Records:
        def _save(self, create, data, owner):
            with app.test_request_context():
                item = create(data, actor=actor(owner))
                db.session.commit()
                return item.id

        def org(self, owner, **data):
            data = {
                "name": "Fundación Tecnalia",
                "kind": Kind.TECHNOLOGY_CENTRE,
                "region": Region.BASQUE_COUNTRY,
                "country": "ES",
                "cadence_days": 60,
                **data,
            }
            return self._save(organizations.create_organization, data, owner)

        def contact(self, owner, organization_id, **data):
            data = {
                "organization_id": organization_id,
                "name_order": "western",
                "given_name": "Ane",
                "family_name": "Etxeberria",
                **data,
            }
            return self._save(contacts.create_contact, data, owner)

        def meeting(self, owner, organization_ids, **data):
            data = {
                "kind": "video",
                "title": "Screening call",
                "starts_at": datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
                "organization_ids": organization_ids,
                "attendee_ids": [owner.id],
                **data,
            }
            return self._save(meetings.create_meeting, data, owner)

        def action(self, owner, **data):
            data = {
                "title": "Send the brochure",
                "owner_id": owner.id,
                "due_date": date(2026, 12, 1),
                **data,
            }
            return self._save(actions.create_action, data, owner)

        def get(self, model, record_id):
            with app.app_context():
                item = db.session.get(model, record_id)
                if item is not None:
                    db.session.expunge(item)
                return item

    return Records()


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

    ``reply`` decides the answer to DATA: None accepts, a string such as "451 4.3.0 Try
    again" or "550 5.1.1 No such user" is returned as is.
    """

    def __init__(self):
        self.messages = []
        self.raw = []  # the bytes of each message as received, for strict parsing
        self.reply = None
        self.delay = 0

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        from email import message_from_bytes, policy

        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply:
            return self.reply
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        self.raw.append(envelope.original_content or envelope.content)
        return "250 OK"


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    """A running SMTP sink; its port goes into the app's MAIL_PORT through ``mail_app``."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):
    """An app whose mail goes to the SMTP sink."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=3)
    yield app
    with app.app_context():
        empty_tables()
    limiter.reset()
