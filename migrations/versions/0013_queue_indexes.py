"""the work queue's covering indexes: exchange by side, plan, document, closing report, payment

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXCHANGE_VOP = [
    "visitor_partnership_id",
    "state",
    "end_date",
    "updated_at",
    "rules_version_id",
    "visitor_org_id",
    "host_org_id",
    "host_partnership_id",
]
EXCHANGE_HOP = [
    "host_partnership_id",
    "state",
    "updated_at",
    "visitor_partnership_id",
    "rules_version_id",
    "visitor_org_id",
    "host_org_id",
]
PLAN = ["exchange_id", "version", "created_at", "visitor_partnership_approved_at", "host_partnership_approved_at"]


def upgrade() -> None:
    # The new exchange indexes begin with the columns of the old ones, which they replace.
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_vop_state")
        batch_op.drop_index("ix_exchange_hop_state")
        batch_op.create_index("ix_exchange_vop_queue", EXCHANGE_VOP, unique=False)
        batch_op.create_index("ix_exchange_hop_queue", EXCHANGE_HOP, unique=False)
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.create_index("ix_action_plan_queue", PLAN, unique=False)
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index("ix_document_queue", ["exchange_id", "kind", "superseded_at"], unique=False)
    with op.batch_alter_table("closing_report", schema=None) as batch_op:
        batch_op.create_index("ix_closing_report_queue", ["exchange_id", "submitted_at", "accepted_at"], unique=False)
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index("ix_payment_queue", ["exchange_id", "ordered_at", "due_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_queue")
    with op.batch_alter_table("closing_report", schema=None) as batch_op:
        batch_op.drop_index("ix_closing_report_queue")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_queue")
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_action_plan_queue")
    with op.batch_alter_table("exchange", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_hop_queue")
        batch_op.drop_index("ix_exchange_vop_queue")
        batch_op.create_index("ix_exchange_hop_state", ["host_partnership_id", "state"], unique=False)
        batch_op.create_index("ix_exchange_vop_state", ["visitor_partnership_id", "state"], unique=False)
