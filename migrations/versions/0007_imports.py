"""imports: spreadsheet import runs and the changes they made, for revert

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import crm.database


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('organization', 'contact', name='importkind', native_enum=False, length=16), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=True),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('encoding', sa.String(length=16), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('uploaded', 'previewed', 'imported', 'reverted', 'expired', name='runstatus', native_enum=False, length=16), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('skipped_count', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reverted_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_import_runs_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.create_index('ix_import_runs_owner', ['owner_id', 'kind', 'created_at'], unique=False)
        batch_op.create_index('ix_import_runs_status', ['status', 'created_at'], unique=False)

    op.create_table('import_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('created', sa.Boolean(), nullable=False),
    sa.Column('previous', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['import_runs.id'], name=op.f('fk_import_changes_run_id_import_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_changes'))
    )
    with op.batch_alter_table('import_changes', schema=None) as batch_op:
        batch_op.create_index('ix_import_changes_run', ['run_id', 'entity_type', 'entity_id'], unique=False)


def downgrade():
    with op.batch_alter_table('import_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_import_changes_run')

    op.drop_table('import_changes')
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_import_runs_status')
        batch_op.drop_index('ix_import_runs_owner')

    op.drop_table('import_runs')
