"""pipeline indexes: actions by creation, completion and organization, organizations' last
contact by owner, meetings of a period by owner

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 00:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_live_created', ['deleted_at', 'created_at'], unique=False)
        batch_op.create_index('ix_actions_owner_done', ['owner_id', 'status', 'completed_at'], unique=False)
        batch_op.drop_index('ix_actions_organization')
        batch_op.create_index('ix_actions_organization', ['organization_id', 'deleted_at', 'status', 'owner_id', 'due_date'], unique=False)

    # The wider index serves every query the narrower one did (same leading columns).
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index('ix_organizations_owner')
        batch_op.create_index('ix_organizations_owner_contact', ['owner_id', 'deleted_at', 'last_contact_at'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_live_start')
        batch_op.create_index('ix_meetings_live_start', ['deleted_at', 'starts_at', 'owner_id'], unique=False)

    # A SQLite database that keeps planner statistics needs them for the new indexes too, or
    # the planner prefers the old ones it knows (PostgreSQL's autovacuum analyzes by itself).
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    ).first():
        op.execute('ANALYZE')


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_live_start')
        batch_op.create_index('ix_meetings_live_start', ['deleted_at', 'starts_at'], unique=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index('ix_organizations_owner_contact')
        batch_op.create_index('ix_organizations_owner', ['owner_id', 'deleted_at'], unique=False)

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_organization')
        batch_op.create_index('ix_actions_organization', ['organization_id', 'deleted_at'], unique=False)
        batch_op.drop_index('ix_actions_owner_done')
        batch_op.drop_index('ix_actions_live_created')
