import pytest

from crm.extensions import db


@pytest.fixture
def change(app):
    """``change(Model, id, **fields)`` sets fields straight in the database (dates, stages)."""

    def set_fields(model, record_id, **fields):
        with app.app_context():
            item = db.session.get(model, record_id)
            for name, value in fields.items():
                setattr(item, name, value)
            db.session.commit()

    return set_fields


@pytest.fixture
def make_match(app):
    """``make_match(basque_id, mie_id, stage, since, owner)`` adds a match; returns its id."""
    from crm.matching.models import Match

    def make(basque_id, mie_id, stage, since, owner=None):
        with app.app_context():
            match = Match(basque_id=basque_id, mie_id=mie_id, stage=stage, stage_since=since,
                          owner_id=owner.id if owner else None, reasons={})  # fmt: skip
            db.session.add(match)
            db.session.commit()
            return match.id

    return make
