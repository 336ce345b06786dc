"""DATA-6: the migrations build exactly the models' schema, and the newest one reverses."""

import os
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select

from crm import create_app
from crm.audit.models import AuditEvent
from crm.contacts.models import Contact, NameOrder
from crm.extensions import db
from crm.organizations.models import Kind, Organization, Region
from tests.conftest import BACKENDS, scratch_database


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    with scratch_database(os.environ["TEST_DATABASE_URL"], "migrations") as url:
        yield url


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def schema_diff(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_the_models_schema_and_the_newest_migration_reverses(
    empty_database, tmp_path
):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_PATH": str(tmp_path)})
    run(app, "upgrade")
    assert schema_diff(app) == []
    run(app, "check")

    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    run(app, "downgrade")  # one step, to the previous revision
    run(app, "upgrade")
    assert schema_diff(app) == []
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) == tables
        db.engine.dispose()


def test_0012_back_fills_the_merge_lineage_from_the_history(empty_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_PATH": str(tmp_path)})
    run(app, "upgrade", "0011")
    trashed = datetime(2026, 11, 1, tzinfo=UTC)
    organization = {"kind": Kind.COMPANY, "region": Region.MIE, "country": "JP"}
    person = {"organization_id": 1, "name_order": NameOrder.WESTERN, "family_name": "E"}
    with app.app_context(), db.engine.begin() as connection:
        # The tables as 0011 left them: the models' less the new column.
        connection.execute(
            insert(Organization.__table__),
            [
                {"id": 1, "name": "Survivor", **organization},
                {"id": 2, "name": "Merged", "deleted_at": trashed, **organization},
                {"id": 3, "name": "Merged, then restored", **organization},
                {"id": 4, "name": "Merged into one purged", "deleted_at": trashed, **organization},
            ],
        )
        connection.execute(
            insert(Contact.__table__),
            [
                {"id": 1, "given_name": "Ane", **person},
                {"id": 2, "given_name": "ANE", "deleted_at": trashed, **person},
            ],
        )
        history = [
            ("merge", "organization", 1, {"merged_id": 2, "merged_name": "Merged"}),
            ("merge", "organization", 2, {"merged_into": 1, "into_name": "Survivor"}),
            ("merge", "organization", 3, {"merged_into": 1, "into_name": "Survivor"}),
            ("restore", "organization", 3, {}),
            ("merge", "organization", 4, {"merged_into": 99, "into_name": "Purged"}),
            ("merge", "contact", 2, {"merged_into": 1, "into_name": "Ane E"}),
            ("update", "organization", 1, {"merged_into": ["a field", "not a merge"]}),
        ]
        connection.execute(
            insert(AuditEvent.__table__),
            [
                {"action": action, "entity_type": kind, "entity_id": id_, "changes": changes}
                for action, kind, id_, changes in history
            ],
        )
    run(app, "upgrade")
    with app.app_context():
        organizations = db.session.execute(
            select(Organization.id, Organization.merged_into_id).order_by(Organization.id)
        ).all()
        contacts = db.session.execute(
            select(Contact.id, Contact.merged_into_id).order_by(Contact.id)
        ).all()
        db.session.remove()
        db.engine.dispose()
    assert organizations == [(1, None), (2, 1), (3, None), (4, None)]
    assert contacts == [(1, None), (2, 1)]


def test_create_app_does_not_migrate(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
