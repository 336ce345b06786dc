"""merge lineage: a merged-away organization or contact names the record it was merged into in
a column, back-filled from the "merge" rows of the history

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# table -> the history's entity_type of its records
TABLES = {'organizations': 'organization', 'contacts': 'contact'}


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_merged_into_id'), ['merged_into_id'], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_merged_into_id_{table}'), table,
                ['merged_into_id'], ['id'], ondelete='SET NULL',
            )
    backfill()


def backfill():
    """Copy "merged_into" from the merged record's "merge" row of the history, unless the
    record was restored since (it is live again, like one restored after this revision).

    The changes are JSON, stored as text on SQLite and as json on PostgreSQL, so they are read
    and decoded here rather than in SQL. Records purged since are left out, on either side.
    """
    bind = op.get_bind()
    events = sa.table(
        'audit_events',
        sa.column('id', sa.Integer),
        sa.column('action', sa.String),
        sa.column('entity_type', sa.String),
        sa.column('entity_id', sa.Integer),
        sa.column('changes', sa.JSON),
    )
    for table, entity_type in TABLES.items():
        records = sa.table(table, sa.column('id', sa.Integer), sa.column('merged_into_id', sa.Integer))
        rows = bind.execute(
            sa.select(events.c.action, events.c.entity_id, events.c.changes)
            .where(events.c.action.in_(['merge', 'restore']), events.c.entity_type == entity_type)
            .order_by(events.c.id)
        )
        lineage = {}
        for action, entity_id, changes in rows:
            if action == 'restore':
                lineage.pop(entity_id, None)
            elif changes and changes.get('merged_into'):
                lineage[entity_id] = changes['merged_into']
        existing = set(bind.scalars(sa.select(records.c.id)))
        for merged, survivor in lineage.items():
            if merged in existing and survivor in existing:
                bind.execute(
                    records.update().where(records.c.id == merged).values(merged_into_id=survivor)
                )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_merged_into_id_{table}'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_merged_into_id'))
            batch_op.drop_column('merged_into_id')
