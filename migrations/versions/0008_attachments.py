"""attachments: files on organizations, meetings, visits and agreements (bytes in UPLOAD_FOLDER)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 18:42:45.205877

"""
from alembic import op
import sqlalchemy as sa

import crm.database


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('stored_name', sa.String(length=32), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', crm.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    # Exactly one record holds the file.
    sa.CheckConstraint(
        'CASE WHEN organization_id IS NULL THEN 0 ELSE 1 END'
        ' + CASE WHEN meeting_id IS NULL THEN 0 ELSE 1 END'
        ' + CASE WHEN visit_id IS NULL THEN 0 ELSE 1 END'
        ' + CASE WHEN agreement_id IS NULL THEN 0 ELSE 1 END = 1',
        name=op.f('ck_attachments_one_parent'),
    ),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_not_empty')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_attachments_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_attachments_deleted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attachments_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_attachments_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_attachments_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_agreement', ['agreement_id', 'deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_attachments_meeting', ['meeting_id', 'deleted_at'], unique=False)
        batch_op.create_index('ix_attachments_organization', ['organization_id', 'deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_uploaded_by_id'), ['uploaded_by_id'], unique=False)
        batch_op.create_index('ix_attachments_visit', ['visit_id', 'deleted_at'], unique=False)



def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_visit')
        batch_op.drop_index(batch_op.f('ix_attachments_uploaded_by_id'))
        batch_op.drop_index('ix_attachments_organization')
        batch_op.drop_index('ix_attachments_meeting')
        batch_op.drop_index(batch_op.f('ix_attachments_deleted_at'))
        batch_op.drop_index('ix_attachments_agreement')

    op.drop_table('attachments')
