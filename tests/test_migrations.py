"""DATA-6: the migrations build exactly the models' schema, and the newest one reverses."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from crm import create_app
from crm.extensions import db
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


def test_create_app_does_not_migrate(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
