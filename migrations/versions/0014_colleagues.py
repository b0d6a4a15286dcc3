"""colleagues: organisation roles of a person, invitations, removal; the purpose of one-time links

Existing people of an organisation become its contact person and signatory, so that everybody who
could sign or manage before still can.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types  # noqa: F401 - custom column types

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of "user" (SQLite) would trip over the tables that refer to it.
    op.add_column('user', sa.Column('is_contact_person', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('user', sa.Column('is_signatory', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('user', sa.Column('invited_at', db.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('user', sa.Column('removed_at', db.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column(
        'password_reset_token',
        sa.Column(
            'purpose',
            sa.Enum('reset', 'invitation', name='tokenpurpose', native_enum=False, create_constraint=False, length=32),
            nullable=False,
            server_default='reset',
        ),
    )
    user = sa.table(
        'user',
        sa.column('organisation_id', sa.Integer()),
        sa.column('is_contact_person', sa.Boolean()),
        sa.column('is_signatory', sa.Boolean()),
    )
    op.execute(
        user.update().where(user.c.organisation_id.is_not(None)).values(is_contact_person=True, is_signatory=True)
    )


def downgrade() -> None:
    op.drop_column('password_reset_token', 'purpose')
    for column in ('removed_at', 'invited_at', 'is_signatory', 'is_contact_person'):
        op.drop_column('user', column)
