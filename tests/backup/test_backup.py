"""DATA-7: `flask backup` takes a consistent copy while another process writes, and
`flask restore` brings it back, whole and checked, into an empty database only."""

import os
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select

from crm import create_app
from crm.audit.models import AuditEvent
from crm.backup import services
from crm.extensions import db
from crm.organizations.models import Organization
from tests.conftest import scratch_database

ROOT = Path(__file__).resolve().parents[2]
COUNT_LINE = re.compile(r"^  (\w+)\s+([\d,]+)$", re.MULTILINE)


def printed_counts(output):
    counts = {name: int(rows.replace(",", "")) for name, rows in COUNT_LINE.findall(output)}
    assert counts.pop("total") == sum(counts.values())
    return counts


def is_sqlite(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


@contextmanager
def empty_database(app, tmp_path):
    """A fresh database of the same kind as the test database: a new file, or a scratch DB."""
    if is_sqlite(app):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        with scratch_database(os.environ["TEST_DATABASE_URL"], "restore") as url:
            yield url


def restore_app(url, tmp_path):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path)})


def writers_rows(app):
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(Organization.name.like("Writer %")))
        db.session.remove()
        return count


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the writer made no progress"
        time.sleep(0.05)


def seed_history(app, rows):
    """Bulk rows so that the copy takes a while and overlaps the writer's transactions."""
    now = datetime.now(UTC)
    with app.app_context():
        db.session.execute(
            insert(AuditEvent),
            [
                {"action": "seed", "entity_type": "seed", "entity_id": n, "changes": {}}
                | {"created_at": now}
                for n in range(rows)
            ],
        )
        db.session.commit()


def test_data7_backup_while_another_process_writes_restores_a_consistent_snapshot(
    app, make_user, tmp_path
):
    actor = make_user()
    seed_history(app, 50_000)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [
            sys.executable,
            *("-m", "tests.backup.writer", app.config["SQLALCHEMY_DATABASE_URI"]),
            *(str(actor.id), str(stop)),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: writers_rows(app) >= 20)
        before = writers_rows(app)
        path = tmp_path / "zubia.backup"
        result = app.test_cli_runner().invoke(args=["backup", str(path)])
        assert result.exit_code == 0, result.output
        after = writers_rows(app)
        wait_for(lambda: writers_rows(app) >= after + 20)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    written = int(out)
    backed_up = printed_counts(result.output)
    # The writer committed while the backup ran, and went on afterwards.
    assert before <= backed_up["organizations"] <= after < written
    assert before < after

    with empty_database(app, tmp_path) as url:
        target = restore_app(url, tmp_path)
        restored = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert restored.exit_code == 0, restored.output
        with target.app_context():
            names = db.session.scalars(select(Organization.name).order_by(Organization.id)).all()
            histories = db.session.scalar(
                select(func.count()).where(
                    AuditEvent.entity_type == "organization", AuditEvent.action == "create"
                )
            )
            with db.engine.connect() as connection:
                counts = services.table_counts(connection)
            db.engine.dispose()
    # The restored rows are exactly the first N the writer committed, each with its history
    # row: one snapshot, no transaction cut in half.
    n = len(names)
    assert names == [f"Writer {i:06d}" for i in range(1, n + 1)]
    assert histories == n == backed_up["organizations"]
    assert counts == backed_up == printed_counts(restored.output)
    assert counts["audit_events"] >= 50_000 + n
    if is_sqlite(app):
        assert "check: ok" in restored.output
        assert services.sqlite_counts(path) == counts
        with sqlite3.connect(Path(url.removeprefix("sqlite:///"))) as restored_db:
            assert restored_db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_data7_restore_refuses_a_database_that_holds_data(app, records, make_user, tmp_path):
    owner = make_user()
    records.org(owner)
    path = tmp_path / "zubia.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    records.org(owner, name="Made after the backup")
    result = app.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert "The target database is not empty" in result.output
    assert "organizations (2 rows)" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 2


def test_data7_restore_refuses_files_that_are_not_backups(app, make_user, tmp_path):
    make_user()
    with empty_database(app, tmp_path) as url:
        target = restore_app(url, tmp_path)
        for content, message in (
            (b"name,email\nAne,ane@example.com\n", "neither a SQLite database nor"),
            (b"", "neither a SQLite database nor"),
            (b"PGDMP\x01\x0e" if is_sqlite(app) else services.SQLITE_MAGIC, "it is a"),
        ):
            bad = tmp_path / "bad.backup"
            bad.write_bytes(content)
            result = target.test_cli_runner().invoke(args=["restore", str(bad)])
            assert result.exit_code == 1
            assert message in result.output
        missing = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "nope")])
        assert "There is no file" in missing.output
        with target.app_context():
            with db.engine.connect() as connection:
                assert sum(services.table_counts(connection).values()) == 0
            db.engine.dispose()


def test_data7_a_damaged_backup_is_refused_and_nothing_is_written(
    app, make_user, records, tmp_path
):
    owner = make_user()
    for n in range(300):
        records.org(owner, name=f"Organization {n}", description="x" * 500)
    path = tmp_path / "zubia.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])  # a copy cut short
    with empty_database(app, tmp_path) as url:
        target = restore_app(url, tmp_path)
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 1
        assert re.search(r"integrity check|cannot be read|pg_restore failed", result.output)
        with target.app_context():
            with db.engine.connect() as connection:
                assert sum(services.table_counts(connection).values()) == 0
            db.engine.dispose()


def test_data7_backup_never_overwrites_by_accident(app, make_user, tmp_path):
    make_user()
    path = tmp_path / "zubia.backup"
    path.write_text("yesterday's backup")
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert path.read_text() == "yesterday's backup"
    again = app.test_cli_runner().invoke(args=["backup", str(path), "--overwrite"])
    assert again.exit_code == 0, again.output
    assert not path.with_name(path.name + ".partial").exists()
    missing = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no" / "x.backup")])
    assert "does not exist" in missing.output


def test_pg_tools_get_the_password_from_the_environment_never_the_command_line(monkeypatch):
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://zubia:s3cret@db.internal:6543/crm?sslmode=require")
    env = services.pg_environment(url)
    assert env["PGPASSWORD"] == "s3cret"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.internal", "6543", "zubia")
    assert (env["PGDATABASE"], env["PGSSLMODE"]) == ("crm", "require")
    commands = []

    class Captured(Exception):
        pass

    def capture(command, env):
        commands.append(command)
        raise Captured

    monkeypatch.setattr(services, "run_tool", capture)
    monkeypatch.setattr(services, "pg_tool", lambda name: name)
    with pytest.raises(Captured):
        services._pg_restore(create_engine(url), Path("zubia.backup"))
    (command,) = commands
    assert command[0] == "pg_restore" and "--dbname=crm" in command
    assert not [part for part in command if "s3cret" in part]
