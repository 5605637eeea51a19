"""registration: check-ins per day

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:20:00

A multi-day event checks people in once per day. Each existing check-in becomes the row
of its local day (in the event's zone); ``registration.checked_in_at`` stays as the first
check-in.
"""
from datetime import timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    checkin = op.create_table(
        'checkin',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id', 'day'),
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkin_by_id'), ['by_id'], unique=False)
    rows = op.get_bind().execute(sa.text(
        "SELECT registration.id, registration.checked_in_at, event.timezone FROM registration "
        "JOIN event ON event.id = registration.event_id WHERE registration.checked_in_at IS NOT NULL")
        .columns(sa.column('id', sa.Integer), sa.column('checked_in_at', sa.DateTime),
                 sa.column('timezone', sa.String))).all()
    op.bulk_insert(checkin, [
        {'registration_id': rid, 'at': at,
         'day': at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz or 'UTC')).date()}
        for rid, at, tz in rows])


def downgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_by_id'))
        batch_op.drop_index(batch_op.f('ix_checkin_day'))
    op.drop_table('checkin')
