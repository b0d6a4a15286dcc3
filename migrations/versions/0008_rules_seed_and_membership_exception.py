"""the bundled rules become version 1 (active); a coordinator's exception to the Host's cluster membership

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types  # noqa: F401 - custom column types
from db.rules_seed import seed_rules

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (no batch copy): SQLite cannot copy a table that others reference.
    op.add_column("eoi", sa.Column("membership_exception", sa.Text(), server_default="", nullable=False))
    op.add_column("eoi", sa.Column("membership_exception_at", db.types.UTCDateTime(timezone=True), nullable=True))
    seed_rules(op.get_bind())


def downgrade() -> None:
    op.drop_column("eoi", "membership_exception_at")
    op.drop_column("eoi", "membership_exception")
