"""users: the kinds of reminder a person turned off by email

Revision ID: 0017
Revises: 0015 (on the mail-accounts branch; re-chained onto 0016 when merged)
Create Date: 2026-12-07 20:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('email_off', sa.String(length=200), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_off')
