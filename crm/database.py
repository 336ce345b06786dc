"""The declarative base, column types and connection settings shared by every model."""

import enum
import sqlite3
from datetime import UTC, datetime

from flask import current_app, has_app_context
from sqlalchemy import DateTime, Engine, Enum, MetaData, event
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DEFAULT_BUSY_TIMEOUT_MS = 5000  # DATA-3's floor, for a connection made outside any app


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every backend (SQLite keeps no offset, so we restore it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Model(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime},
    )


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """Foreign keys on, WAL and a busy timeout for every SQLite connection (DATA-3).

    A pool connects inside the app context of the engine's app, which says how long a writer
    waits for another's lock (``SQLITE_BUSY_TIMEOUT``) before the request answers 503.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    settings = current_app.config if has_app_context() else {}
    timeout = settings.get("SQLITE_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT_MS)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def enum_column(enum_class, length=24):
    """Store an enum by its value, as a VARCHAR (no native enum: migrations stay simple)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class LabelledEnum(enum.StrEnum):
    @property
    def label(self):
        return self.labels()[self]

    @classmethod
    def labels(cls):
        raise NotImplementedError


def insert_for(session, table):
    """An INSERT with ON CONFLICT clauses for the session's database (PostgreSQL or SQLite)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
