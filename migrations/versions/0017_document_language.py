"""organisation.document_language: the language its documents carry beside English

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'organisation',
        sa.Column('document_language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False, server_default=''),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops a column in place; a batch copy would trip over the tables that reference it.
        op.execute("ALTER TABLE organisation DROP COLUMN document_language")
    else:
        op.drop_column('organisation', 'document_language')
