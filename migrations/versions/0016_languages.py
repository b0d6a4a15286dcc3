"""languages: the language a person chose (user.locale); public texts per language (site_text.locale)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
    # site_text's primary key becomes (key, locale); the texts edited so far are the English ones.
    with op.batch_alter_table('site_text', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default='en')
        )
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('site_text_pkey', 'site_text', type_='primary')
        op.create_primary_key('site_text_pkey', 'site_text', ['key', 'locale'])
        op.alter_column('site_text', 'locale', server_default=None)
    else:
        # SQLite copies the table with the primary key that these columns declare
        both_keys = [
            sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=60), primary_key=True),
            sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), primary_key=True),
        ]
        with op.batch_alter_table('site_text', recreate='always', reflect_args=both_keys) as batch_op:
            batch_op.alter_column('locale', server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM site_text WHERE locale <> 'en'")
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('site_text_pkey', 'site_text', type_='primary')
        op.create_primary_key('site_text_pkey', 'site_text', ['key'])
    with op.batch_alter_table('site_text', schema=None) as batch_op:
        batch_op.drop_column('locale')
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of user would trip the foreign keys pointing at it.
    op.drop_column('user', 'locale')
