"""The rules file shipped with the app seeds version 1 of the programme rules, and nothing else.

Everything that runs later reads the version in force from the database
(`services.rules.rules_in_force`). The bundled file is read only here, by a private
loader, so that no page or service can reach it by accident (tests/test_rules_one_way_in.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from db.types import UTCDateTime, utcnow
from domain.rules import Rules, parse_rules

_BUNDLED_RULES = Path(__file__).resolve().parent.parent / "domain" / "rules.toml"

_rules_version = sa.table(
    "rules_version",
    sa.column("id", sa.Integer),
    sa.column("label", sa.String),
    sa.column("content_toml", sa.Text),
    sa.column("sha256", sa.String),
    sa.column("created_at", UTCDateTime),
    sa.column("activated_at", UTCDateTime),
)
_exchange = sa.table(
    "exchange",
    sa.column("rules_version_id", sa.Integer),
    sa.column("lump_sum_cents", sa.Integer),
)


def _bundled_rules_text() -> str:
    return _BUNDLED_RULES.read_text(encoding="utf-8")


def _bundled_rules() -> Rules:
    return parse_rules(_bundled_rules_text())


def seed_rules(connection: Connection) -> int | None:
    """Store and activate the bundled rules as the first version when no version is in force yet.

    Before versions were seeded, the bundled file applied while an administrator's versions were
    only stored: it is what was in force, so it is seeded then too. Exchanges whose amount was
    frozen before versions were stored followed these rules: they point at the seeded version
    from now on. Returns the version's id, or None when a version is in force already (the
    function is safe to run again)."""
    in_force = sa.select(sa.func.count()).select_from(_rules_version).where(_rules_version.c.activated_at.is_not(None))
    if connection.execute(in_force).scalar_one():
        return None
    text = _bundled_rules_text()
    label = parse_rules(text).version
    now = utcnow()
    version_id = connection.execute(sa.select(_rules_version.c.id).where(_rules_version.c.label == label)).scalar()
    if version_id is None:
        connection.execute(
            _rules_version.insert().values(
                label=label,
                content_toml=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                created_at=now,
                activated_at=now,
            )
        )
        version_id = connection.execute(sa.select(_rules_version.c.id).where(_rules_version.c.label == label)).scalar()
    else:
        connection.execute(_rules_version.update().where(_rules_version.c.id == version_id).values(activated_at=now))
    connection.execute(
        _exchange.update()
        .where(_exchange.c.rules_version_id.is_(None), _exchange.c.lump_sum_cents.is_not(None))
        .values(rules_version_id=version_id)
    )
    return version_id
