"""the lists' live records in their sort order: partial indexes WHERE deleted_at IS NULL

PostgreSQL cannot read ``deleted_at IS NULL`` as an equality, so an index led by deleted_at
never gave it the lists' order: every list page sorted all its live rows (100 ms for 100,000
contacts, 350 ms for 500,000 meetings). A partial index in the order of the list lets both
databases read the first page from the index.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 01:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

LIVE = sa.text('deleted_at IS NULL')
INDEXES = (
    ('organizations', 'ix_organizations_live_name', ['name', 'id'], ['deleted_at', 'name']),
    ('contacts', 'ix_contacts_live_name', ['family_name', 'given_name', 'id'],
     ['deleted_at', 'family_name', 'given_name']),
    ('meetings', 'ix_meetings_live_start', ['starts_at', 'id', 'owner_id'],
     ['deleted_at', 'starts_at', 'owner_id']),
)


def analyze():
    """As in 0010: a SQLite database with planner statistics needs them for the new indexes."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).first():
        op.execute('ANALYZE')


def upgrade():
    for table, name, columns, _ in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(
                name, columns, unique=False, sqlite_where=LIVE, postgresql_where=LIVE
            )
    analyze()


def downgrade():
    for table, name, _, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
    analyze()
