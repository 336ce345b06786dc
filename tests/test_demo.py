from sqlalchemy import func, select

from crm.accounts.models import Role, User
from crm.extensions import db
from crm.organizations.models import Sector


def counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Sector)
        }


def test_demo_load_creates_people_on_both_sides_and_the_mou_sectors(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        zones = set(db.session.scalars(select(User.timezone)))
        roles = set(db.session.scalars(select(User.role)))
        sectors = set(db.session.scalars(select(Sector.name_en)))
    assert {"Europe/Madrid", "Asia/Tokyo"} <= zones
    assert {Role.POINT_OF_CONTACT, Role.MANAGER} <= roles
    assert {"Aeronautics", "Automotive", "Agri-food", "Industry 4.0"} <= sectors
    assert len(sectors) == 9


def test_demo_load_twice_changes_nothing(app, runner):
    runner.invoke(args=["demo", "load"])
    before = counts(app)
    with app.app_context():
        hashes = set(db.session.scalars(select(User.password_hash)))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert counts(app) == before
    with app.app_context():
        assert set(db.session.scalars(select(User.password_hash))) == hashes


def test_demo_load_if_empty_leaves_a_used_database_alone(app, runner, make_user):
    make_user()
    runner.invoke(args=["demo", "load", "--if-empty"])
    assert counts(app) == {"User": 1, "Sector": 0}
