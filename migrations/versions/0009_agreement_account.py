"""the paying account belongs to the Financial Agreement: a snapshot on the document, the date it was set

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types
from alembic import op

import db.types  # noqa: F401 - custom column types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_set_at", db.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payee_holder", sqlmodel.sql.sqltypes.AutoString(length=140), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("payee_iban", sqlmodel.sql.sqltypes.AutoString(length=34), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("payee_bic", sqlmodel.sql.sqltypes.AutoString(length=11), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("payee_account_set_at", db.types.UTCDateTime(timezone=True), nullable=True))
    # Agreements issued before this revision printed the account on file (or none): they keep paying
    # the account on file today, as they did, so that open exchanges can still be paid.
    op.execute(
        "UPDATE document SET payee_holder = organisation.account_holder, payee_iban = organisation.iban, "
        "payee_bic = organisation.bic FROM exchange, organisation "
        "WHERE document.exchange_id = exchange.id AND exchange.visitor_org_id = organisation.id "
        "AND document.kind IN ('financial_agreement', 'financial_agreement_signed')"
    )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of these tables would trip the foreign keys pointing at them.
    for column in ("payee_account_set_at", "payee_bic", "payee_iban", "payee_holder"):
        op.drop_column("document", column)
    op.drop_column("organisation", "account_set_at")
