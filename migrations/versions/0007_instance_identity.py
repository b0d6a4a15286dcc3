"""the instance's own identity: Support Office name, e-mail, phone and hours

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types
from alembic import op

import db.types  # noqa: F401 - custom column types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'instance_setting',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_user_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('instance_setting')
