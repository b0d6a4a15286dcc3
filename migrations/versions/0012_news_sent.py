"""news items sent to subscribers: news_item, news_delivery, outbox headers

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types
from alembic import op

import db.types  # noqa: F401 - custom column types

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=False, server_default='{}'))
    op.create_table(
        'news_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author_user_id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=True),
        sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('queued_all_at', db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['author_user_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'news_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('news_item_id', sa.Integer(), nullable=False),
        sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['news_item_id'], ['news_item.id'], ),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('news_item_id', 'email', name='uq_news_delivery_item_email'),
    )
    op.create_index(op.f('ix_news_delivery_news_item_id'), 'news_delivery', ['news_item_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_news_delivery_news_item_id'), table_name='news_delivery')
    op.drop_table('news_delivery')
    op.drop_table('news_item')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('headers')
