"""edit versions for itinerary stops and B2B participants: they go through the one edit flow
too, so two people editing one of them can no longer overwrite each other

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import crm.database


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = ('visit_stops', 'b2b_participants')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
            # Rows written before the change count as last changed now.
            batch_op.add_column(sa.Column(
                'updated_at', crm.database.UTCDateTime(timezone=True), nullable=False,
                server_default=sa.func.current_timestamp(),
            ))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('version', server_default=None)
            batch_op.alter_column('updated_at', server_default=None)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
            batch_op.drop_column('version')
