"""performance indexes for region-scale lists and pages (issue 9)

Revision ID: 9b3e1c0d2a51
Revises: 74a96939f58e
Create Date: 2026-11-28 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b3e1c0d2a51'
down_revision = '74a96939f58e'
branch_labels = None
depends_on = None

# Each area keeps its own pair of functions; every index is also declared on its model.


def _tickets_upgrade():
    # ix_tickets_status and ix_tickets_assignee_id are superseded by wider indexes that start alike.
    op.drop_index('ix_tickets_status', table_name='tickets')
    op.drop_index('ix_tickets_assignee_id', table_name='tickets')
    op.create_index('ix_tickets_status_updated_queue_requester', 'tickets',
                    ['status', 'updated_at', 'id', 'queue_id', 'requester_id'], unique=False)
    op.create_index('ix_tickets_updated', 'tickets', ['updated_at', 'id'], unique=False)
    op.create_index('ix_tickets_assignee_status_updated', 'tickets', ['assignee_id', 'status', 'updated_at'],
                    unique=False)
    op.create_index('ix_ticket_watchers_user_id', 'ticket_watchers', ['user_id'], unique=False)


def _tickets_downgrade():
    op.drop_index('ix_ticket_watchers_user_id', table_name='ticket_watchers')
    op.drop_index('ix_tickets_assignee_status_updated', table_name='tickets')
    op.drop_index('ix_tickets_updated', table_name='tickets')
    op.drop_index('ix_tickets_status_updated_queue_requester', table_name='tickets')
    op.create_index('ix_tickets_assignee_id', 'tickets', ['assignee_id'], unique=False)
    op.create_index('ix_tickets_status', 'tickets', ['status'], unique=False)


def _knowledge_base_upgrade():
    # ix_articles_category_id is superseded by the wider index that starts with the category.
    op.drop_index('ix_articles_category_id', table_name='articles')
    op.create_index('ix_articles_category_id_view_count', 'articles',
                    ['category_id', sa.text('view_count DESC'), 'id'], unique=False)
    op.create_index('ix_article_tags_tag_id_article_id', 'article_tags', ['tag_id', 'article_id'],
                    unique=False)


def _knowledge_base_downgrade():
    op.drop_index('ix_article_tags_tag_id_article_id', table_name='article_tags')
    op.drop_index('ix_articles_category_id_view_count', table_name='articles')
    op.create_index('ix_articles_category_id', 'articles', ['category_id'], unique=False)


def _journal_upgrade():
    # The version stamp the marks grid's cache is keyed by (NULL until the school's first change).
    with op.batch_alter_table('journal_schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grid_version', sa.String(length=16), nullable=True))


def _journal_downgrade():
    with op.batch_alter_table('journal_schools', schema=None) as batch_op:
        batch_op.drop_column('grid_version')


def _rollout_upgrade():
    pass


def _rollout_downgrade():
    pass


def _core_upgrade():
    pass


def _core_downgrade():
    pass


def upgrade():
    _tickets_upgrade()
    _knowledge_base_upgrade()
    _journal_upgrade()
    _rollout_upgrade()
    _core_upgrade()


def downgrade():
    _core_downgrade()
    _rollout_downgrade()
    _journal_downgrade()
    _knowledge_base_downgrade()
    _tickets_downgrade()
