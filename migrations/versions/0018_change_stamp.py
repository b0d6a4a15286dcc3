"""change_stamp: a token moved by every write of the tables the work queue reads

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 10:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    stamp = op.create_table(
        'change_stamp',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    op.bulk_insert(stamp, [{'name': 'work', 'token': uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table('change_stamp')
