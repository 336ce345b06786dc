"""What every kept record shares: timestamps, an owner, a version for conflicts, and a trash."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from crm.clock import now_utc


class Versioned:
    """Mixin for everything people edit in a form (crm.editing).

    ``version`` is SQLAlchemy's ``version_id_col``: an UPDATE that finds another version in the
    database raises StaleDataError (DATA-1).
    """

    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


# An index over the live rows only, for a list's order: PostgreSQL cannot use an index led by
# deleted_at to read rows in order (to it, IS NULL is no equality), so it sorted every row.
LIVE_ONLY = {
    "sqlite_where": text("deleted_at IS NULL"),
    "postgresql_where": text("deleted_at IS NULL"),
}


class Record(Versioned):
    """Mixin for the kept records: organizations, contacts, meetings, actions, visits, ….

    ``deleted_at`` puts the record in the trash.
    """

    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    deleted_at: Mapped[datetime | None] = mapped_column(index=True)

    @declared_attr
    def deleted_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class Mergeable:
    """Mixin for the records crm.duplicates merges (``mergeable`` in crm.kinds).

    ``merged_into_id`` is the record a merged-away one was merged into, while it waits in the
    trash: the trash names the survivor without reading the history. It stays the direct
    survivor when that one is merged in turn, the way the history tells it.
    """

    @declared_attr
    def merged_into_id(cls) -> Mapped[int | None]:
        # Indexed for the ON DELETE SET NULL that purging a survivor runs.
        return mapped_column(ForeignKey(f"{cls.__tablename__}.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def merged_into(cls):
        return relationship(cls, remote_side=f"{cls.__name__}.id", lazy="raise")


class EditConflict(Exception):
    """Someone else saved the record after the form was loaded (DATA-1)."""

    def __init__(self, record):
        super().__init__(f"{type(record).__name__} {record.id} changed meanwhile")
        self.record = record


def check_version(record, submitted):
    """Refuse an edit made on an older version of ``record`` than the one stored."""
    if submitted is None or int(submitted) != record.version:
        raise EditConflict(record)


def live_or_404(model, record_id, *options):
    """The record with ``record_id``, loaded with ``options``; 404 if missing or in the trash."""
    from flask import abort
    from sqlalchemy import select

    from crm.extensions import db

    item = db.session.scalar(
        select(model).where(model.id == record_id, model.deleted_at.is_(None)).options(*options)
    )
    if item is None:
        abort(404)
    return item
