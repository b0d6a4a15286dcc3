"""The one way to the programme rules in force: `rules_in_force` (and `rules_lookup` for lists).

Pages, ui, services and (through the services) documents read every rule here; the bundled
`domain/rules.toml` only seeds version 1 (`db.rules_seed`). Reads only: adding and activating
versions is `services.rules_admin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, col, select

from db.models import RulesVersion
from domain.i18n import _
from domain.rules import Rules, parse_rules


def active_version(session: Session) -> RulesVersion | None:
    active, newest = _newest_active()
    return session.exec(select(RulesVersion).where(active).order_by(*newest)).first()


class NoRulesInForce(RuntimeError):
    """No rules version is active: the database was not migrated (migration 0008 seeds version 1)."""


class Frozen(Protocol):
    """An exchange, or a row of one: the version its terms were frozen with, if any."""

    rules_version_id: int | None


# Parsed versions by (id, sha256): a stored version never changes, and the hash guards against a
# recreated database reusing an id. One small query per call finds which version applies.
_parsed: dict[tuple[int, str], Rules] = {}


def _rules_of(session: Session, version_id: int, sha256: str) -> Rules:
    key = (version_id, sha256)
    if key not in _parsed:
        version = session.get(RulesVersion, version_id)
        assert version is not None
        _parsed[key] = parse_rules(version.content_toml)
    return _parsed[key]


def _newest_active() -> Any:
    return col(RulesVersion.activated_at).is_not(None), (
        col(RulesVersion.activated_at).desc(),
        col(RulesVersion.id).desc(),
    )


# Built once: the statements are the same on every page run (the parameters are bound).
_ACTIVE = (
    select(RulesVersion.id, RulesVersion.sha256).where(_newest_active()[0]).order_by(*_newest_active()[1]).limit(1)
)
_FROZEN = select(RulesVersion.id, RulesVersion.sha256).where(RulesVersion.id == sa.bindparam("version_id"))


def rules_in_force(session: Session, exchange: Frozen | None = None) -> Rules:
    """The one way to the programme rules. For an exchange whose plan was approved: the version
    frozen then (its amount, payment delay, report deadline and documents keep those terms);
    otherwise, and for everything not tied to an exchange, the version the Support Office activated."""
    frozen_id = exchange.rules_version_id if exchange is not None else None
    if frozen_id is not None:
        row = session.execute(_FROZEN, {"version_id": frozen_id}).first()
    else:
        row = session.execute(_ACTIVE).first()
    if row is None:
        raise NoRulesInForce(_("No programme rules are in force; run the database migrations (they seed version 1)."))
    return _rules_of(session, row[0], row[1])


@dataclass(frozen=True)
class RulesLookup:
    """`rules_in_force` for a list of exchanges (queues, reminders): built from one query for all
    versions, it gives each exchange its rules by the same rule, without a query per row."""

    active: Rules
    versions: dict[int, Rules]

    def __call__(self, exchange: Frozen) -> Rules:
        frozen = exchange.rules_version_id
        return self.versions.get(frozen, self.active) if frozen is not None else self.active

    def every(self) -> list[Rules]:
        """Every version an exchange may follow: a query can filter by the loosest of them first."""
        return [self.active, *self.versions.values()]


def rules_lookup(session: Session) -> RulesLookup:
    versions = {
        version_id: _rules_of(session, version_id, sha256)
        for version_id, sha256 in session.exec(select(RulesVersion.id, RulesVersion.sha256)).all()
    }
    return RulesLookup(rules_in_force(session), versions)


def in_force_version_id(session: Session) -> int | None:
    """The id of the active version, stored with an exchange when its terms are frozen."""
    active, newest = _newest_active()
    return session.exec(select(RulesVersion.id).where(active).order_by(*newest).limit(1)).first()
