"""Published exchange opportunities, the public catalogue, and counterpart suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from db.audit import append_event
from db.models import EOI, Opportunity, Organisation, Partnership, User
from db.types import id_of
from domain.enums import EOIState, Side
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.i18n import _
from forms.answers import parse_date, validate_answers
from forms.spec import load_spec
from services.eois import approved_eoi
from services.exchanges import pair_problems
from services.permissions import require_participant_org
from services.rules import rules_in_force

SPEC = "opportunity"


def publish_opportunity(
    *, session: Session, actor: User, answers: dict[str, Any], side: Side = Side.HOST
) -> Opportunity:
    """An organisation with an approved expression of interest publishes an opportunity: as Host
    ("come and visit us") or as Visitor ("we are looking for a Host")."""
    organisation = require_participant_org(session, actor)
    host_eoi = approved_eoi(session, id_of(organisation), side)
    if host_eoi is None:
        raise PermissionDenied(
            _("Publishing as {side} needs an approved expression of interest as {side}.").format(
                side=_("Host") if side == Side.HOST else _("Visitor")
            )
        )
    spec = load_spec(SPEC)
    clean, errors = validate_answers(spec, answers, rules_in_force(session))
    if errors:
        raise ValidationFailed(errors)
    period = clean["period"]
    opportunity = Opportunity(
        organisation_id=id_of(organisation),
        eoi_id=id_of(host_eoi),
        side=side,
        title=clean["title"],
        spec_name=spec.name,
        spec_version=spec.version,
        answers=clean,
        ecosystems=clean["ecosystems"],
        activity_types=clean["activity_types"],
        period_start=parse_date(period[0]),
        period_end=parse_date(period[1]),
        is_published=True,
    )
    session.add(opportunity)
    session.flush()
    append_event(session, actor=actor, entity_type="opportunity", entity_id=id_of(opportunity), action="publish")
    session.commit()
    return opportunity


def unpublish_opportunity(*, session: Session, actor: User, opportunity_id: int) -> Opportunity:
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None or opportunity.organisation_id != actor.organisation_id:
        raise NotFound(_("No such opportunity of your organisation."))
    opportunity.is_published = False
    session.add(opportunity)
    append_event(session, actor=actor, entity_type="opportunity", entity_id=opportunity_id, action="unpublish")
    session.commit()
    return opportunity


@dataclass(frozen=True)
class CatalogueFilter:
    country: str = ""
    ecosystem: str = ""
    activity_type: str = ""
    available_from: date | None = None
    available_until: date | None = None
    side: str = ""  # "host": offers to host; "visitor": looks for a Host; "": both


def catalogue(session: Session, flt: CatalogueFilter, limit: int = 200) -> list[tuple[Opportunity, Organisation]]:
    """Published opportunities, filtered; list filters run in Python over the SQL-narrowed set."""
    query = (
        select(Opportunity, Organisation)
        .join(Organisation, Opportunity.organisation_id == Organisation.id)  # type: ignore[arg-type]
        .where(Opportunity.is_published == True)  # noqa: E712
        .order_by(Opportunity.period_start)
    )
    if flt.country:
        query = query.where(Organisation.country == flt.country)
    if flt.side:
        query = query.where(Opportunity.side == Side(flt.side))
    if flt.available_from:
        query = query.where(Opportunity.period_end >= flt.available_from)  # type: ignore[operator]
    if flt.available_until:
        query = query.where(Opportunity.period_start <= flt.available_until)  # type: ignore[operator]
    rows = list(session.exec(query))
    return [
        (opportunity, organisation)
        for opportunity, organisation in rows
        if (not flt.ecosystem or flt.ecosystem in opportunity.ecosystems)
        and (not flt.activity_type or flt.activity_type in opportunity.activity_types)
    ][:limit]


def my_opportunities(session: Session, user: User) -> list[Opportunity]:
    return list(
        session.exec(
            select(Opportunity)
            .where(Opportunity.organisation_id == user.organisation_id)
            .order_by(Opportunity.created_at.desc())  # type: ignore[attr-defined]
        )
    )


def partnership_directory(session: Session) -> list[Partnership]:
    return list(session.exec(select(Partnership).order_by(Partnership.name)))


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: int
    shared_ecosystems: list[str]
    shared_activities: list[str]
    overlapping_days: int


def _period(answers: dict[str, Any]) -> tuple[date, date] | None:
    period = answers.get("period")
    if not period:
        return None
    start, end = parse_date(period[0]), parse_date(period[1])
    return (start, end) if start and end else None


def suggest_counterparts(session: Session, user: User, side: Side, limit: int = 10) -> list[Suggestion]:
    """Organisations with an approved EOI on the other side, eligible as a pair, ranked by what
    they share: ecosystems, activity types, and overlapping periods."""
    own = require_participant_org(session, user)
    mine = approved_eoi(session, id_of(own), side)
    if mine is None:
        return []
    other_side = Side.HOST if side == Side.VISITOR else Side.VISITOR
    rows = session.exec(
        select(EOI, Organisation)
        .join(Organisation, EOI.organisation_id == Organisation.id)  # type: ignore[arg-type]
        .where(
            EOI.side == other_side,
            EOI.state == EOIState.APPROVED,
            Organisation.id != own.id,
            Organisation.country != own.country,
        )
    ).all()
    my_period = _period(mine.answers)
    suggestions = []
    for eoi, organisation in rows:
        visitor, host = (own, organisation) if side == Side.VISITOR else (organisation, own)
        if pair_problems(session, visitor, host):
            continue
        ecosystems = [e for e in mine.answers.get("ecosystems", []) if e in eoi.answers.get("ecosystems", [])]
        activities = [a for a in mine.answers.get("activity_types", []) if a in eoi.answers.get("activity_types", [])]
        their_period = _period(eoi.answers)
        overlap = 0
        if my_period and their_period:
            overlap = max(0, (min(my_period[1], their_period[1]) - max(my_period[0], their_period[0])).days + 1)
        score = 3 * len(ecosystems) + 2 * len(activities) + (2 if overlap >= 5 else 0)
        suggestions.append(Suggestion(organisation, score, ecosystems, activities, overlap))
    suggestions.sort(key=lambda s: (-s.score, s.organisation.legal_name))
    return suggestions[:limit]
