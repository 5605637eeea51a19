"""accounts: email_verified_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 01:55:00

Accounts that existed before verification was introduced are treated as verified (their
creation time becomes the verification time): they were already trusted, and there is no
way to ask each of them again inside a migration.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE user_account SET email_verified_at = created_at")


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
