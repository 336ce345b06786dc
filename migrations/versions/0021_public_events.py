"""B2B events open to the companies: public page settings, registrations, mailed links,
follow-up answers; request messages; outbox rows to people without an account

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 00:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

from crm.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('b2b_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column('registration_open', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('registration_deadline', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('request_cap', sa.Integer(), nullable=False, server_default='10')
        )
        batch_op.add_column(sa.Column('request_deadline', UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_b2b_events_slug', ['slug'])
    with op.batch_alter_table('b2b_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message', sa.String(length=500), nullable=True))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=True)

    op.create_table(
        'b2b_registrants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('organization_name', sa.String(length=200), nullable=False),
        sa.Column('side', sa.String(length=20), nullable=False),
        sa.Column('tax_id', sa.String(length=40), nullable=True),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('offers', sa.Text(), nullable=False),
        sa.Column('seeks', sa.Text(), nullable=False),
        sa.Column('sector_ids', sa.JSON(), nullable=False),
        sa.Column('attendees', sa.Text(), nullable=True),
        sa.Column('unavailable', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('email_confirmed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['b2b_events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['b2b_participants.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id', 'email'),
        sa.UniqueConstraint('participant_id'),
    )
    op.create_index(
        'ix_b2b_registrants_event_status', 'b2b_registrants', ['event_id', 'status']
    )
    op.create_table(
        'b2b_access_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registrant_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['registrant_id'], ['b2b_registrants.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_b2b_access_links_registrant_id', 'b2b_access_links', ['registrant_id']
    )
    op.create_table(
        'b2b_follow_ups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('how_it_went', sa.Text(), nullable=False),
        sa.Column('next_step', sa.Text(), nullable=True),
        sa.Column('wants_to_continue', sa.Boolean(), nullable=False),
        sa.Column('answered_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('zubia_meeting_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['b2b_meetings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['b2b_participants.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['zubia_meeting_id'], ['meetings.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'participant_id'),
    )
    op.create_index(
        'ix_b2b_follow_ups_participant_id', 'b2b_follow_ups', ['participant_id']
    )


def downgrade():
    op.drop_index('ix_b2b_follow_ups_participant_id', table_name='b2b_follow_ups')
    op.drop_table('b2b_follow_ups')
    op.drop_index('ix_b2b_access_links_registrant_id', table_name='b2b_access_links')
    op.drop_table('b2b_access_links')
    op.drop_index('ix_b2b_registrants_event_status', table_name='b2b_registrants')
    op.drop_table('b2b_registrants')
    # Rows to people without an account cannot stay once the column is required again.
    op.execute("DELETE FROM outbox WHERE recipient_id IS NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('b2b_requests', schema=None) as batch_op:
        batch_op.drop_column('message')
    with op.batch_alter_table('b2b_events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_b2b_events_slug', type_='unique')
        batch_op.drop_column('request_deadline')
        batch_op.drop_column('request_cap')
        batch_op.drop_column('registration_deadline')
        batch_op.drop_column('registration_open')
        batch_op.drop_column('slug')
