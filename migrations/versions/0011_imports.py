"""imports: an organisation's Partnership, an exchange's own reference and paper signatures

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types
from alembic import op

import db.types  # noqa: F401 - custom column types

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: SQLite cannot drop a table that others reference.
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference, but cannot ALTER a constraint in afterwards.
        op.execute("ALTER TABLE organisation ADD COLUMN partnership_id INTEGER REFERENCES partnership (id)")
    else:
        op.add_column("organisation", sa.Column("partnership_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "organisation_partnership_id_fkey", "organisation", "partnership", ["partnership_id"], ["id"]
        )
    op.create_index("ix_organisation_partnership_id", "organisation", ["partnership_id"], unique=False)
    op.add_column("exchange", sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))
    op.add_column("exchange", sa.Column("signed_outside_on", sa.Date(), nullable=True))
    op.create_index("ix_exchange_reference", "exchange", ["reference"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_exchange_reference", table_name="exchange")
    op.drop_index("ix_organisation_partnership_id", table_name="organisation")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite (3.35+) drops a column in place; a batch copy would trip over the tables that reference these.
        for table, column in (
            ("exchange", "signed_outside_on"),
            ("exchange", "reference"),
            ("organisation", "partnership_id"),
        ):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column("exchange", "signed_outside_on")
        op.drop_column("exchange", "reference")
        op.drop_constraint("organisation_partnership_id_fkey", "organisation", type_="foreignkey")
        op.drop_column("organisation", "partnership_id")
