"""Partnerships: created and edited by the Support Office (admin)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from db.audit import append_event
from db.models import Partnership, User
from db.types import id_of
from domain.errors import ValidationFailed
from domain.i18n import _
from domain.validators import collect, email_problem, normalise_email, optional_text, required_text
from services.permissions import require_admin
from services.rules import rules_in_force


@dataclass(frozen=True)
class PartnershipInput:
    name: str
    acronym: str
    contact_email: str
    profile: str = ""
    countries: list[str] = field(default_factory=list)
    ecosystems: list[str] = field(default_factory=list)
    website: str = ""


def _errors(session: Session, data: PartnershipInput) -> dict[str, str]:
    rules = rules_in_force(session)
    errors = collect(
        name=required_text(data.name, max_length=200, min_length=3),
        acronym=required_text(data.acronym, max_length=40, min_length=2),
        contact_email=email_problem(data.contact_email),
        profile=optional_text(data.profile, max_length=5000),
        website=optional_text(data.website, max_length=300),
    )
    unknown_countries = sorted(set(data.countries) - set(rules.participating_countries))
    if unknown_countries:
        errors["countries"] = _("Not participating countries: {codes}. Choose from the list.").format(
            codes=", ".join(unknown_countries)
        )
    unknown_ecosystems = sorted(set(data.ecosystems) - set(rules.ecosystems))
    if unknown_ecosystems:
        errors["ecosystems"] = _("Unknown ecosystems: {names}. Choose from the list.").format(
            names=", ".join(unknown_ecosystems)
        )
    if (
        "name" not in errors
        and session.exec(
            select(Partnership.id).where(func.lower(Partnership.name) == data.name.strip().lower())
        ).first()
    ):
        errors["name"] = _("A Partnership with this name exists already.")
    if (
        "acronym" not in errors
        and session.exec(
            select(Partnership.id).where(func.lower(Partnership.acronym) == data.acronym.strip().lower())
        ).first()
    ):
        errors["acronym"] = _("A Partnership with this acronym exists already.")
    return errors


def create_partnership(*, session: Session, actor: User, data: PartnershipInput) -> Partnership:
    require_admin(actor)
    errors = _errors(session, data)
    if errors:
        raise ValidationFailed(errors)
    partnership = Partnership(
        name=" ".join(data.name.split()),
        acronym=data.acronym.strip(),
        contact_email=normalise_email(data.contact_email),
        profile=data.profile.strip(),
        countries=sorted(set(data.countries)),
        ecosystems=[e for e in rules_in_force(session).ecosystems if e in set(data.ecosystems)],
        website=data.website.strip(),
    )
    session.add(partnership)
    session.flush()
    append_event(session, actor=actor, entity_type="partnership", entity_id=id_of(partnership), action="create")
    session.commit()
    return partnership


def list_partnerships(session: Session) -> list[Partnership]:
    return list(session.exec(select(Partnership).order_by(Partnership.name)))
