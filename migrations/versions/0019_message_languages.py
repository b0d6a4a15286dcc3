"""news_subscriber.locale, contact_message.locale: the language a news mail and a reply are written in

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0019'
# 0018 is written on another branch; until it is merged this chain points at 0017 for the tests (see the
# message of this commit): switch it to '0018' at the merge.
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('news_subscriber', 'contact_message')


def upgrade() -> None:
    # Plain ADD COLUMN: no batch copy of a table (none of these is referenced, but the rule holds everywhere).
    for table in TABLES:
        op.add_column(table, sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            # SQLite (3.35+) drops a column in place, without a batch copy of the table.
            op.execute(f"ALTER TABLE {table} DROP COLUMN locale")
        else:
            op.drop_column(table, 'locale')
