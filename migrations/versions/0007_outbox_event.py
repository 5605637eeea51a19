"""outbox: the event a message belongs to

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-02 02:10:00

Messages queued before this revision stay without an event: they show in the site
administrators' outbox only.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_event_id_event'), 'event', ['event_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_event_id_event'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_event_id'))
        batch_op.drop_column('event_id')
