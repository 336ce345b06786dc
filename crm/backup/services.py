"""Consistent copies of the database while Zubia is in use, and their return (DATA-7).

SQLite: the online backup API copies every page in one step, inside one read transaction, so
the copy is a single snapshot even while other processes write (WAL lets them go on). The copy
is checked with ``PRAGMA integrity_check`` before it is put in place.

PostgreSQL: ``pg_dump -Fc`` reading the snapshot of a repeatable-read transaction that also
counts the rows, so the counts printed are exactly those in the file. Restores run
``pg_restore`` in a single transaction: all or nothing.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table, text

from crm.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Connection settings the PostgreSQL tools read from the environment: never the command line,
# where other users of the machine could read a password in the process list.
PG_QUERY_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
}


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why and what to do."""


@dataclass
class Result:
    path: Path
    counts: dict  # table name -> rows
    integrity: str = "ok"


def backup(engine, path, *, overwrite=False):
    """Copy the database behind ``engine`` to ``path``; return the rows of each table copied."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists already: choose a new name or pass --overwrite.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            counts = _sqlite_backup(sqlite_path(engine), partial)
        elif engine.dialect.name == "postgresql":
            counts = _pg_backup(engine, partial)
        else:
            raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")
        os.replace(partial, path)  # a backup file is complete, or it is not there
    finally:
        partial.unlink(missing_ok=True)
    return Result(path, counts)


def restore(engine, path):
    """Bring the backup at ``path`` into the empty database behind ``engine``; check it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file {path}.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    refuse_unless_empty(engine)
    if engine.dialect.name == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{path} is not a SQLite backup: {kind_of(head)}.")
        return _sqlite_restore(engine, path)
    if engine.dialect.name == "postgresql":
        if not head.startswith(PG_DUMP_MAGIC):
            raise BackupError(f"{path} is not a PostgreSQL backup (pg_dump -Fc): {kind_of(head)}.")
        return _pg_restore(engine, path)
    raise BackupError(f"Restoring into {engine.dialect.name} databases is not supported.")


def kind_of(head):
    if head.startswith(SQLITE_MAGIC):
        return "it is a SQLite database"
    if head.startswith(PG_DUMP_MAGIC):
        return "it is a PostgreSQL dump"
    return "it is neither a SQLite database nor a PostgreSQL dump"


def refuse_unless_empty(engine):
    """Refuse a database where any of Zubia's tables holds rows: a restore never merges."""
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        ours = [t.name for t in db.metadata.sorted_tables if t.name in present]
        full = {name: rows for name, rows in table_counts(connection, ours).items() if rows}
    if full:
        listed = ", ".join(f"{name} ({rows} rows)" for name, rows in sorted(full.items()))
        raise BackupError(
            "The target database is not empty: "
            f"{listed}. Restore into a new, empty database (point DATABASE_URL at it)."
        )


def table_counts(connection, names=None):
    """Rows per table, for ``names`` or every table in the database."""
    if names is None:
        names = inspect(connection).get_table_names()
    return {
        name: connection.scalar(select(func.count()).select_from(table(name)))
        for name in sorted(names)
    }


# SQLite


def sqlite_path(engine):
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _sqlite_backup(source_path, target_path):
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist.")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        source.backup(target)  # pages=-1: every page in one step, one snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        check_sqlite(target, target_path)
    finally:
        target.close()
        source.close()
    return sqlite_counts(target_path)


def _sqlite_restore(engine, backup_path):
    target_path = sqlite_path(engine)
    source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    try:
        check_sqlite(source, backup_path)
        engine.dispose()  # our own pooled connections must not hold the old file
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
            integrity = check_sqlite(target, target_path)
        finally:
            target.close()
    finally:
        source.close()
    return Result(target_path, sqlite_counts(target_path), integrity)


def check_sqlite(connection, path):
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}.") from error
    if rows != ["ok"]:
        raise BackupError(f"{path} failed its integrity check: {'; '.join(rows[:5])}")
    return "ok"


def sqlite_counts(path):
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return table_counts(connection)
    finally:
        engine.dispose()


# PostgreSQL


def pg_tool(name):
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on the PATH: install the PostgreSQL client tools "
            "(the same major version as the server, or newer)."
        )
    return found


def pg_environment(url):
    """The connection settings of ``url`` as libpq environment variables.

    The password comes from the URL when it has one, otherwise from PGPASSWORD or ~/.pgpass.
    """
    env = dict(os.environ)
    for value, name in (
        (url.host, "PGHOST"),
        (url.port, "PGPORT"),
        (url.username, "PGUSER"),
        (url.database, "PGDATABASE"),
        (url.password, "PGPASSWORD"),
    ):
        if value:
            env[name] = str(value)
    for key, name in PG_QUERY_ENV.items():
        if key in url.query:
            value = url.query[key]
            env[name] = value if isinstance(value, str) else value[0]
    return env


def run_tool(command, env):
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or error.stdout or "").strip().splitlines()[-5:]
        raise BackupError(
            f"{Path(command[0]).name} failed (exit {error.returncode}): " + " / ".join(detail)
        ) from error


def _pg_backup(engine, target_path):
    pg_dump = pg_tool("pg_dump")
    connection = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with connection, connection.begin():
        connection.execute(text("SET TRANSACTION READ ONLY"))
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        counts = table_counts(connection)
        # pg_dump reads the very snapshot the counts were taken in, while this transaction
        # keeps it alive.
        run_tool(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target_path}"],
            pg_environment(engine.url),
        )
    return counts


def _pg_restore(engine, backup_path):
    pg_restore = pg_tool("pg_restore")
    run_tool(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            # Drop the empty tables a `flask db upgrade` may have made; nothing else is there.
            "--clean",
            "--if-exists",
            f"--dbname={engine.url.database}",
            str(backup_path),
        ],
        pg_environment(engine.url),
    )
    with engine.connect() as connection:
        return Result(Path(backup_path), table_counts(connection), "pg_restore completed")
