"""registration: confirmation messages per way of attending

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:40:00

The general confirmation message goes to everyone confirmed; these go only to those who
attend in person, or only to those online (directions to the venue must not reach online
participants).
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmation_message_in_person', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('confirmation_message_online', sa.Text(), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('registration_settings', schema=None) as batch_op:
        batch_op.drop_column('confirmation_message_online')
        batch_op.drop_column('confirmation_message_in_person')
