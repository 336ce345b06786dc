"""Create, check and reuse the benchmark databases: SQLite files (memory for the tiny one), or
the PostgreSQL database of ``BENCH_DATABASE_URL``."""

import os
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, bindparam, func, inspect, select, text

from bench.rows import Generator, batched
from bench.sizes import (
    BENCH_EMAIL,
    BENCH_MANAGER_EMAIL,
    BENCH_MANAGER_ID,
    BENCH_PASSWORD,
    BENCH_TIMEZONE,
    BENCH_USER_ID,
)
from crm import create_app
from crm.accounts.models import User
from crm.accounts.passwords import hash_password
from crm.clock import now_utc
from crm.demo.cli import load_sectors
from crm.extensions import db
from crm.organizations.models import Sector
from crm.timezones import local_today

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH = 20_000
COUNTED = ("organizations", "contacts", "meetings", "actions", "matches")


def sqlite_uri(path):
    """The SQLite file at ``path``; None: a private in-memory database."""
    return f"sqlite:///{Path(path).resolve()}" if path else "sqlite://"


def large_uri(path):
    """Where the large data set lives: ``$BENCH_DATABASE_URL`` when set, else ``path``."""
    return os.environ.get("BENCH_DATABASE_URL") or sqlite_uri(path)


def make_app(uri):
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": str(DATA_DIR / "instance")})


def is_sqlite():
    return db.engine.dialect.name == "sqlite"


def expected_counts(sizes):
    return {name: getattr(sizes, name) for name in COUNTED}


def row_counts():
    tables = db.metadata.tables
    return {
        name: db.session.scalar(select(func.count()).select_from(tables[name])) for name in COUNTED
    }


def has_bench_users():
    """True when the bench user and the bench manager are where the pages expect them."""
    found = dict(
        db.session.execute(
            select(User.email, User.id).where(User.email.in_([BENCH_EMAIL, BENCH_MANAGER_EMAIL]))
        ).all()
    )
    return found == {BENCH_EMAIL: BENCH_USER_ID, BENCH_MANAGER_EMAIL: BENCH_MANAGER_ID}


def schema_matches():
    """True when every table, column and index of the models is in the database."""
    inspector = inspect(db.engine)
    for table in db.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            return False
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        if not (
            set(table.columns.keys()) <= columns and {i.name for i in table.indexes} <= indexes
        ):
            return False
    return True


def stale(app, sizes):
    """Why the database cannot be reused as it is, or None when it can."""
    with app.app_context():
        if not inspect(db.engine).get_table_names():
            reason = "there is none yet"
        elif not schema_matches():
            reason = "the models changed since it was built"
        elif row_counts() != expected_counts(sizes) or not has_bench_users():
            reason = "its rows are not the expected ones"
        else:
            reason = None
        db.session.remove()
    return reason


def ensure(app, path, sizes, rebuild=False):
    """Build the data set unless it can be reused: (seconds spent building or None, why)."""
    reason = "--rebuild" if rebuild else stale(app, sizes)
    if reason is None:
        redate(app)
        return None, None
    started = perf_counter()
    with app.app_context():
        db.engine.dispose()  # no connection may outlive the file it points to
        if not is_sqlite():
            db.drop_all()
        elif path:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        build(sizes)
    return perf_counter() - started, reason


def build(sizes):
    db.create_all()
    # The indexes are built once the rows are in: faster than keeping them up to date.
    indexes = [index for table in db.metadata.sorted_tables for index in table.indexes]
    with db.engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
    load_sectors()
    db.session.commit()
    sector_ids = list(db.session.scalars(select(Sector.id).order_by(Sector.id)))
    db.session.remove()
    generator = Generator(
        sizes, now_utc(), local_today(BENCH_TIMEZONE), hash_password(BENCH_PASSWORD)
    )
    tables = db.metadata.tables
    load([tables["users"]], generator.users())
    load([tables["organizations"]], generator.organizations())
    load([tables["organization_sectors"]], generator.organization_sectors(sector_ids))
    load([tables["organization_links"]], generator.organization_links())
    load([tables["contacts"]], generator.contacts())
    meeting_tables = ("meetings", "meeting_organizations", "meeting_contacts")
    load([tables[name] for name in meeting_tables], generator.meetings())
    load([tables["actions"]], generator.actions())
    load([tables["matches"]], generator.matches())
    load([tables["audit_events"]], generator.audit_events())
    organizations, meetings = tables["organizations"], tables["meetings"]
    with db.engine.begin() as connection:
        connection.execute(
            tables["meeting_attendees"]
            .insert()
            .from_select(["meeting_id", "user_id"], select(meetings.c.id, meetings.c.owner_id))
        )
        connection.execute(
            organizations.update()
            .where(organizations.c.id == bindparam("org_id"))
            .values(last_contact_at=bindparam("last"), contact_due_at=bindparam("due")),
            list(generator.last_contacts()),
        )
        for index in indexes:
            index.create(connection)
        connection.execute(text("ANALYZE"))
    if is_sqlite():
        with db.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    else:
        advance_sequences()


def advance_sequences():
    """PostgreSQL: the rows came with their ids, so each id sequence starts after the last."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            column = table.columns.get("id")
            if column is None or not isinstance(column.type, Integer):
                continue
            sequence = func.pg_get_serial_sequence(table.name, "id")
            following = select(func.coalesce(func.max(column), 0) + 1).scalar_subquery()
            connection.execute(
                select(func.setval(sequence, following, False)).where(sequence.is_not(None))
            )


def load(tables, rows):
    """Insert ``rows`` in large batches, in one transaction.

    With one table each row is a dict; with several, each row is a tuple holding one list of
    dicts per table (a meeting and its link rows).
    """
    with db.engine.begin() as connection:
        for batch in batched(rows, BATCH):
            if len(tables) == 1:
                parts = [batch]
            else:
                parts = [
                    [row for group in part for row in group] for part in zip(*batch, strict=True)
                ]
            for table, part in zip(tables, parts, strict=True):
                connection.execute(table.insert(), part)


def redate(app):
    """Move the bench user's due dates by the days since the data set was built.

    The bench user's ``created_at`` is the build instant, so a reused file still has actions
    overdue, due today, this week and later.
    """
    actions = db.metadata.tables["actions"]
    with app.app_context():
        user = db.session.get(User, BENCH_USER_ID)
        built = user.created_at.astimezone(ZoneInfo(BENCH_TIMEZONE)).date()
        shift = (local_today(BENCH_TIMEZONE) - built).days
        if shift:
            due = actions.c.due_date
            moved = func.date(due, f"{shift:+d} days") if is_sqlite() else due + shift
            db.session.execute(
                actions.update()
                .where(actions.c.owner_id == BENCH_USER_ID, actions.c.status == "open")
                .values(due_date=moved)
            )
            user.created_at = now_utc()
            db.session.commit()
        db.session.remove()
