"""queue settings version

Revision ID: c41e7a9d2b60
Revises: 9b3e1c0d2a51
Create Date: 2026-11-29 03:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41e7a9d2b60'
down_revision = '9b3e1c0d2a51'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket_queues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('ticket_queues', schema=None) as batch_op:
        batch_op.drop_column('settings_version')
