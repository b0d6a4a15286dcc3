"""login hand-off ticket and sign-in method on auth sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types
from alembic import op

import db.types  # noqa: F401 - custom column types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handoff_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('handoff_expires_at', db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('via', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='password'))
        batch_op.create_unique_constraint('uq_auth_session_handoff_hash', ['handoff_hash'])


def downgrade() -> None:
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_constraint('uq_auth_session_handoff_hash', type_='unique')
        batch_op.drop_column('via')
        batch_op.drop_column('handoff_expires_at')
        batch_op.drop_column('handoff_hash')
