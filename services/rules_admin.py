"""Versions of the programme rules (the rate table above all): added and activated by the
Support Office; an exchange keeps the version in force when its amount was frozen."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, select

from db.audit import append_event
from db.models import Exchange, Organisation, RulesVersion, User
from db.types import id_of, utcnow
from domain.errors import NotFound, ValidationFailed
from domain.i18n import _
from domain.labels import ORG_TYPE_LABELS
from domain.rules import Rules, RulesError, country_name, parse_rules
from services.exchanges import OPEN_STATES
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


@dataclass(frozen=True)
class RuleChange:
    rule: str  # what people call it
    before: str
    after: str


def rule_changes(before: Rules, after: Rules) -> list[RuleChange]:
    """Every rule besides the rates that the new version changes, in words."""

    def countries(codes: tuple[str, ...] | set[str]) -> str:
        return ", ".join(sorted((country_name(c) for c in codes), key=str.casefold)) or "—"

    def types(values: frozenset) -> str:
        return ", ".join(sorted(ORG_TYPE_LABELS[v] for v in values)) or "—"

    rows = [
        (
            _("Countries leaving the programme"),
            countries(set(before.participating_countries) - set(after.participating_countries)),
            "",
        ),
        (
            _("Countries joining the programme"),
            "",
            countries(set(after.participating_countries) - set(before.participating_countries)),
        ),
        (_("Minimum working days"), str(before.min_working_days), str(after.min_working_days)),
        (_("Longest stay (months)"), str(before.max_months), str(after.max_months)),
        (_("Days to file the closing report"), str(before.report_due_days), str(after.report_due_days)),
        (_("Days to pay after acceptance"), str(before.payment_days), str(after.payment_days)),
        (_("Cap of a lump sum (EUR)"), str(before.cap_eur), str(after.cap_eur)),
        (_("Who may be a Visitor"), types(before.visitor_types), types(after.visitor_types)),
        (_("Who may be a Host"), types(before.host_types), types(after.host_types)),
    ]
    return [RuleChange(rule, was, new) for rule, was, new in rows if was != new and {was, new} - {"", "—"}]


@dataclass(frozen=True)
class ActivationImpact:
    """What putting a version in force does to records that follow the rules in force (not frozen)."""

    open_exchanges_in_left_countries: list[int]  # their plans cannot be approved under it
    organisations_in_left_countries: int


def activation_impact(session: Session, before: Rules, after: Rules) -> ActivationImpact:
    left = sorted(set(before.participating_countries) - set(after.participating_countries))
    if not left:
        return ActivationImpact([], 0)
    in_left = select(Organisation.id).where(Organisation.country.in_(left))  # type: ignore[attr-defined]
    exchanges = session.exec(
        select(Exchange.id)
        .where(Exchange.rules_version_id.is_(None))  # type: ignore[union-attr]
        .where(Exchange.state.in_(OPEN_STATES))  # type: ignore[attr-defined]
        .where(Exchange.visitor_org_id.in_(in_left) | Exchange.host_org_id.in_(in_left))  # type: ignore[attr-defined]
        .order_by(Exchange.id)
    ).all()
    organisations = len(session.exec(in_left).all())
    return ActivationImpact([e for e in exchanges if e is not None], organisations)


def version_impact(session: Session, in_force: Rules, version: RulesVersion) -> ActivationImpact | None:
    """The impact of putting a stored version in force (None when its text no longer parses)."""
    try:
        return activation_impact(session, in_force, parse_rules(version.content_toml))
    except RulesError:
        return None


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
