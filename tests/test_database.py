from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from crm import create_app
from crm.audit.models import AuditEvent
from crm.extensions import db


def test_data3_sqlite_enforces_foreign_keys_and_uses_wal(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pragmas.sqlite3'}"})
    with app.app_context():
        connection = db.session.connection()
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_data3_a_dangling_foreign_key_is_refused(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(AuditEvent(action="x", entity_type="user", entity_id=1, actor_id=424242))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_datetimes_come_back_aware_and_in_utc(app):
    tokyo = timezone(timedelta(hours=9))
    with app.app_context():
        event = AuditEvent(
            action="x", entity_type="user", at=datetime(2026, 3, 29, 10, 30, tzinfo=tokyo)
        )
        db.session.add(event)
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(AuditEvent, event.id).at
    assert stored == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(app):
    from sqlalchemy.exc import StatementError

    with app.app_context():
        db.session.add(AuditEvent(action="x", entity_type="user", at=datetime(2026, 1, 1)))
        with pytest.raises(StatementError):
            db.session.commit()
        db.session.rollback()
