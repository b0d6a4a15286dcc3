"""exchanges encoded by the Partnership: who entered them, and each side's confirmation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types  # noqa: F401 - custom column types

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: SQLite cannot drop a table that others reference.
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its reference, but cannot ALTER a constraint in afterwards.
        op.execute('ALTER TABLE exchange ADD COLUMN entered_by_user_id INTEGER REFERENCES user (id)')
    else:
        op.add_column('exchange', sa.Column('entered_by_user_id', sa.Integer(), nullable=True))
        op.create_foreign_key('exchange_entered_by_user_id_fkey', 'exchange', 'user', ['entered_by_user_id'], ['id'])
    op.add_column('exchange', sa.Column('visitor_confirmed_at', db.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('exchange', sa.Column('host_confirmed_at', db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('exchange_entered_by_user_id_fkey', 'exchange', type_='foreignkey')
    for column in ('host_confirmed_at', 'visitor_confirmed_at', 'entered_by_user_id'):
        # SQLite (3.35+) drops a column in place; a batch copy would trip over the tables that reference it.
        op.execute(f'ALTER TABLE exchange DROP COLUMN {column}')
