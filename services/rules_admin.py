"""Versions of the programme rules (the rate table above all): added and activated by the
Support Office; an exchange keeps the version in force when its amount was frozen."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, select

from db.audit import append_event
from db.models import RulesVersion, User
from db.types import id_of, utcnow
from domain.errors import NotFound, ValidationFailed
from domain.i18n import _
from domain.rules import Rules, RulesError, country_name, parse_rules
from services.permissions import require_admin
from services.rules import active_version


def current_text(session: Session) -> str:
    version = active_version(session)
    return version.content_toml if version else ""


def check_rules_text(text: str) -> Rules:
    if len(text) > 200_000:
        raise ValidationFailed({"content": _("The rules file is too large (at most 200,000 characters).")})
    try:
        return parse_rules(text)
    except RulesError as exc:
        raise ValidationFailed({"content": str(exc)}) from exc


@dataclass(frozen=True)
class RateChange:
    country: str
    before: int | None
    after: int | None


def rate_changes(before: Rules, after: Rules) -> list[RateChange]:
    codes = sorted(set(before.host_rates_eur) | set(after.host_rates_eur), key=country_name)
    return [
        RateChange(code, before.host_rates_eur.get(code), after.host_rates_eur.get(code))
        for code in codes
        if before.host_rates_eur.get(code) != after.host_rates_eur.get(code)
    ]


def add_rules_version(*, session: Session, actor: User, text: str) -> RulesVersion:
    """Store a checked rules file as a new version (not yet in force); its `version` is its label."""
    require_admin(actor)
    rules = check_rules_text(text)
    taken = {rules_version.label for rules_version in session.exec(select(RulesVersion))}
    if rules.version in taken:
        raise ValidationFailed(
            {
                "content": _("A version labelled “{label}” exists already; change `version = …` at the top.").format(
                    label=rules.version
                )
            }
        )
    version = RulesVersion(
        label=rules.version,
        content_toml=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        created_by_user_id=actor.id,
    )
    session.add(version)
    session.flush()
    append_event(
        session, actor=actor, entity_type="rules_version", entity_id=id_of(version), action="add", comment=rules.version
    )
    session.commit()
    return version


def activate_rules_version(*, session: Session, actor: User, version_id: int) -> RulesVersion:
    require_admin(actor)
    version = session.get(RulesVersion, version_id)
    if version is None:
        raise NotFound(_("No such rules version."))
    version.activated_at = utcnow()
    session.add(version)
    append_event(
        session,
        actor=actor,
        entity_type="rules_version",
        entity_id=version_id,
        action="activate",
        comment=version.label,
    )
    session.commit()
    return version


def list_versions(session: Session) -> list[RulesVersion]:
    return list(session.exec(select(RulesVersion).order_by(RulesVersion.created_at.desc())))  # type: ignore[attr-defined]
