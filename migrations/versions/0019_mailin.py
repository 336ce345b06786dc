"""mailin: mail read from Zubia's mailbox, users' other addresses, organizations' email domains

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import crm.database


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_domains', sa.String(length=1000), nullable=True))

    op.create_table(
        'user_addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
    )
    op.create_index('ix_user_addresses_user_id', 'user_addresses', ['user_id'])

    op.create_table(
        'mailin_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('outcome', sa.Enum('logged', 'duplicate', 'refused', 'failed', name='outcome', native_enum=False, length=12), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('received_at', crm.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_mailin_messages_outcome', 'mailin_messages', ['outcome', 'received_at'])
    op.create_index('ix_mailin_messages_user_id', 'mailin_messages', ['user_id'])
    op.create_index('ix_mailin_messages_meeting_id', 'mailin_messages', ['meeting_id'])

    op.create_table(
        'mailin_emails',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=255), nullable=False),
        sa.Column('thread_root_id', sa.Integer(), nullable=True),
        sa.Column('from_header', sa.String(length=500), nullable=False),
        sa.Column('to_header', sa.Text(), nullable=False),
        sa.Column('cc_header', sa.Text(), nullable=False),
        sa.Column('utc_offset_minutes', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('private', sa.Boolean(), nullable=False),
        sa.Column('left_out', sa.Text(), nullable=False),
        sa.Column('ical_uid', sa.String(length=255), nullable=True),
        sa.Column('ical_sequence', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_root_id'], ['meetings.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('meeting_id'),
        sa.UniqueConstraint('message_id'),
    )
    op.create_index('ix_mailin_emails_thread_root_id', 'mailin_emails', ['thread_root_id'])
    op.create_index('ix_mailin_emails_ical_uid', 'mailin_emails', ['ical_uid'])

    op.create_table(
        'mailin_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.Enum('open', 'created', 'linked', 'dismissed', name='reviewstatus', native_enum=False, length=12), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('created_at', crm.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'email', name='uq_mailin_reviews_meeting_email'),
    )
    op.create_index('ix_mailin_reviews_user_status', 'mailin_reviews', ['user_id', 'status'])
    op.create_index('ix_mailin_reviews_organization_id', 'mailin_reviews', ['organization_id'])
    op.create_index('ix_mailin_reviews_contact_id', 'mailin_reviews', ['contact_id'])

    op.create_table(
        'mailin_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_bodies', sa.Boolean(), nullable=False),
        sa.Column('poll_lease_until', crm.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('poll_lease_holder', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('mailin_settings')
    op.drop_table('mailin_reviews')
    op.drop_table('mailin_emails')
    op.drop_table('mailin_messages')
    op.drop_table('user_addresses')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('email_domains')
