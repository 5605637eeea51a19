"""team invitations; speaker invitation nonce

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:00:00

Team roles are now granted by a single-use invitation link that the owner of the address
accepts with a verified account. Speaker invitation links carry a nonce that every new
invitation rotates, so links mailed before this revision stop working (organisers send
fresh ones with "Invite").
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'team_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('accepted_at', sa.DateTime(), nullable=True),
        sa.Column('accepted_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_team_invitation_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'],
                                name=op.f('fk_team_invitation_invited_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'],
                                name=op.f('fk_team_invitation_accepted_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_team_invitation_token_hash')),
    )
    with op.batch_alter_table('team_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_invitation_event_id'), ['event_id'], unique=False)
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_nonce', sa.String(length=32), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.drop_column('invitation_nonce')
    with op.batch_alter_table('team_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_invitation_event_id'))
    op.drop_table('team_invitation')
