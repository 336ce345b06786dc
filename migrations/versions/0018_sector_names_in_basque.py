"""sectors: a Basque name, filled in for the MoU's sectors

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

# The names as crm/demo/data.py has them when this migration was written; a sector added
# later gets its Basque name where sectors are created.
BASQUE = {
    'rd-innovation': 'I+G eta berrikuntza',
    'automotive': 'Automobilgintza',
    'aeronautics': 'Aeronautika',
    'manufacturing': 'Fabrikazioa',
    'industry-4-0': 'Industria 4.0',
    'advanced-materials': 'Material aurreratuak',
    'robotics': 'Robotika eta automatizazioa',
    'biotechnology': 'Bioteknologia',
    'agri-food': 'Nekazaritzako elikagaiak',
}


def upgrade():
    with op.batch_alter_table('sectors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_eu', sa.String(length=80), nullable=True))
    sectors = sa.table('sectors', sa.column('code', sa.String), sa.column('name_eu', sa.String))
    for code, name in BASQUE.items():
        op.execute(sectors.update().where(sectors.c.code == code).values(name_eu=name))


def downgrade():
    with op.batch_alter_table('sectors', schema=None) as batch_op:
        batch_op.drop_column('name_eu')
