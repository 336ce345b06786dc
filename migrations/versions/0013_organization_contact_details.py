"""organization contact details: email, phone, postal address, postcode and tax ID

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COLUMNS = (
    ('email', sa.String(length=254)),
    ('phone', sa.String(length=40)),
    ('address', sa.String(length=500)),
    ('postcode', sa.String(length=20)),
    ('tax_id', sa.String(length=40)),
)


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        for name, _type in reversed(COLUMNS):
            batch_op.drop_column(name)
