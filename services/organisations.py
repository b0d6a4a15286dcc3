"""The organisation profile (a form spec), edited by the organisation's participants."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from db.audit import append_event
from db.models import Organisation, User
from db.types import id_of
from domain.errors import ValidationFailed
from domain.i18n import LANGUAGE_NAMES, _
from forms.answers import validate_answers
from forms.spec import load_spec
from services.accounts import duplicate_organisation
from services.permissions import require_participant_org
from services.rules import rules_in_force

SPEC = "organisation_profile"


def update_profile(*, session: Session, actor: User, answers: dict[str, Any]) -> Organisation:
    organisation = require_participant_org(session, actor)
    spec = load_spec(SPEC)
    clean, errors = validate_answers(spec, answers, rules_in_force(session))
    if errors:
        raise ValidationFailed(errors)
    number = str(clean.get("registration_number", ""))
    twin = number and duplicate_organisation(
        session, name="", country=organisation.country, number=number, besides=organisation.id
    )
    if twin:
        raise ValidationFailed(
            {
                "registration_number": _(
                    "{org} is registered with this VAT/registration number already; write to the Support Office "
                    "if it is the same organisation."
                ).format(org=twin.legal_name)
            }
        )
    organisation.profile = clean
    organisation.profile_spec_version = spec.version
    organisation.is_cluster_member = bool(clean.get("cluster_member", organisation.is_cluster_member))
    organisation.cluster_name = str(clean.get("cluster_name", "")) if clean.get("cluster_member") else ""
    organisation.ecosystems = list(clean.get("ecosystems", []))
    organisation.website = str(clean.get("website", ""))
    organisation.registration_number = number
    session.add(organisation)
    append_event(
        session, actor=actor, entity_type="organisation", entity_id=id_of(organisation), action="update_profile"
    )
    session.commit()
    return organisation


def set_location(*, session: Session, actor: User, latitude: float | None, longitude: float | None) -> Organisation:
    """Coordinates for a place the city list does not know: the lump sum needs the distance."""
    organisation = require_participant_org(session, actor)
    if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationFailed(
            {"location": _("Latitude is between -90 and 90, longitude between -180 and 180 (e.g. 41.15 and -8.61).")}
        )
    organisation.latitude, organisation.longitude = latitude, longitude
    return _commit_change(session, actor, organisation, "set_location", f"{latitude},{longitude}")


def set_document_language(*, session: Session, actor: User, language: str) -> Organisation:
    """The language the organisation's documents carry beside English ("" for English only)."""
    organisation = require_participant_org(session, actor)
    if language and (language not in LANGUAGE_NAMES or language == "en"):
        raise ValidationFailed({"document_language": _("Choose one of the languages in the list.")})
    organisation.document_language = language
    return _commit_change(session, actor, organisation, "set_document_language", language or "en")


def _commit_change(
    session: Session, actor: User, organisation: Organisation, action: str, comment: str
) -> Organisation:
    session.add(organisation)
    append_event(
        session, actor=actor, entity_type="organisation", entity_id=id_of(organisation), action=action, comment=comment
    )
    session.commit()
    return organisation
