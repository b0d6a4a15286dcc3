"""Encoded by the Partnership: a coordinator (or the Support Office) enters records for its members.

A coordinator creates an organisation with its contact person (who is invited), files an expression of
interest for it and proposes an exchange between a Visitor and a Host. What is entered on an
organisation's behalf counts only once the organisation confirms it: the expression of interest waits
as a draft that the organisation sends (`eois.submit_eoi`), the exchange waits until both sides
confirmed it (`exchanges.answer_proposal`). The audit names who entered and who confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from db.audit import append_event
from db.models import EOI, AuditEvent, Exchange, Organisation, Partnership, User
from db.types import id_of
from domain.enums import EOIState, ExchangeState, OrgRole, Party, Role, Side
from domain.errors import PermissionDenied, ValidationFailed
from domain.i18n import _
from domain.validators import collect, email_problem, required_text
from forms.answers import validate_answers
from forms.spec import load_spec
from services.accounts import (
    duplicate_organisation,
    email_taken,
    new_organisation,
    organisation_errors,
    organisation_fields,
)
from services.colleagues import invite_checked
from services.eois import SIDE_WORDS, SPEC, approved_eoi, entered_by_words, new_draft, start_problems
from services.exchanges import new_exchange, open_exchange_id, pair_problems
from services.outbox import notify, organisation_users, partnership_users
from services.permissions import encoding_scope, require_member
from services.rules import rules_in_force


@dataclass(frozen=True)
class NewMember:
    """An organisation and its contact person, as a coordinator types them."""

    organisation_name: str
    organisation_type: str
    country: str
    city: str
    contact_name: str
    contact_email: str
    registration_number: str = ""
    cluster_name: str = ""


def _partnership_name(session: Session, partnership_id: int | None) -> str:
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    return partnership.name if partnership else _("the Support Office")


def create_member(*, session: Session, actor: User, data: NewMember, partnership_id: int | None = None) -> Organisation:
    """A coordinator adds an organisation of its Partnership with its contact person, who gets a participant
    account and an invitation; checked as registration checks it (rules in force, no second record)."""
    scope = encoding_scope(actor, partnership_id)
    if scope is not None and session.get(Partnership, scope) is None:
        raise ValidationFailed({"partnership_id": _("Choose a Partnership from the list.")})
    fields = organisation_fields(data)
    errors = organisation_errors(session, **fields)
    errors.update(
        collect(
            contact_name=required_text(data.contact_name, max_length=120, min_length=2),
            contact_email=email_problem(data.contact_email),
        )
    )
    if "contact_email" not in errors and email_taken(session, data.contact_email):
        errors["contact_email"] = _("An account with this e-mail address exists already; that person is in CXC Desk.")
    if not errors and (
        twin := duplicate_organisation(
            session, name=data.organisation_name, country=data.country, number=data.registration_number
        )
    ):
        errors["organisation_name"] = _(
            "{org} is registered already (number {id}): enter its records instead of a second organisation."
        ).format(org=twin.legal_name, id=twin.id)
    if errors:
        raise ValidationFailed(errors)
    organisation = new_organisation(**fields, partnership_id=scope)
    session.add(organisation)
    session.flush()
    # The contact person: both roles, and the colleagues' one-time invitation link.
    contact = invite_checked(
        session,
        actor=actor,
        organisation=organisation,
        full_name=data.contact_name,
        email=data.contact_email,
        roles=(OrgRole.CONTACT_PERSON, OrgRole.SIGNATORY),
    )
    append_event(
        session,
        actor=actor,
        entity_type="organisation",
        entity_id=id_of(organisation),
        action="create_on_behalf",
        comment=f"contact {contact.username}",
    )
    session.commit()
    return organisation


def file_eoi(
    *,
    session: Session,
    actor: User,
    organisation_id: int,
    side: Side,
    answers: dict[str, Any],
    partnership_id: int | None = None,
) -> EOI:
    """An expression of interest entered for a member organisation, to the actor's Partnership (an
    administrator names one). Checked as the organisation's own; it waits as a draft, marked as entered
    by the actor, until the organisation sends it: that is its confirmation."""
    organisation = require_member(session, actor, organisation_id)
    scope = encoding_scope(actor, partnership_id)
    if scope is None:
        raise ValidationFailed({"partnership_id": _("Choose the Partnership that supervises this side.")})
    spec = load_spec(SPEC)
    errors = start_problems(session, organisation, side, scope)
    clean, answer_errors = validate_answers(
        spec, {k: v for k, v in answers.items() if k != "cv"}, rules_in_force(session)
    )
    errors.update(answer_errors)
    if errors:
        raise ValidationFailed(errors)
    eoi = new_draft(
        session,
        actor=actor,
        organisation=organisation,
        side=side,
        partnership_id=scope,
        answers=clean,
        action="create_on_behalf",
        comment=f"for organisation {organisation.id}",
    )
    notify(
        session,
        organisation_users(session, id_of(organisation)),
        subject=lambda: _("Please confirm the expression of interest entered for {org}").format(
            org=organisation.legal_name
        ),
        body=lambda: _(
            "{who} of {partnership} entered an expression of interest as {side} on your organisation's behalf. "
            "Check it (change it if needed) and send it: it counts only once you have."
        ).format(
            who=actor.full_name, partnership=_partnership_name(session, actor.partnership_id), side=_(SIDE_WORDS[side])
        ),
        kind="eoi_entered",
        link=f"my_eois?id={eoi.id}",
    )
    session.commit()
    return eoi


def propose_for(*, session: Session, actor: User, visitor_org_id: int, host_org_id: int, message: str = "") -> Exchange:
    """An exchange proposed between two organisations with approved expressions of interest; a coordinator's
    Partnership supervises one side at least. Both organisations confirm it (or decline) before it is agreed."""
    scope = encoding_scope(actor, None)
    visitor, host = session.get(Organisation, visitor_org_id), session.get(Organisation, host_org_id)
    if visitor is None or host is None or visitor.id == host.id:
        raise ValidationFailed({"host": _("Choose two different organisations.")})
    visitor_eoi, host_eoi = (
        approved_eoi(session, id_of(visitor), Side.VISITOR),
        approved_eoi(session, id_of(host), Side.HOST),
    )
    errors = {}
    if visitor_eoi is None:
        errors["visitor"] = _("{org} has no approved expression of interest as Visitor.").format(org=visitor.legal_name)
    if host_eoi is None:
        errors["host"] = _("{org} has no approved expression of interest as Host.").format(org=host.legal_name)
    if errors:
        raise ValidationFailed(errors)
    assert visitor_eoi is not None and host_eoi is not None
    if scope is not None and scope not in (visitor_eoi.partnership_id, host_eoi.partnership_id):
        raise PermissionDenied(_("A coordinator proposes exchanges in which their Partnership supervises one side."))
    problems = pair_problems(session, visitor, host)
    if duplicate := open_exchange_id(session, id_of(visitor), id_of(host)):
        problems.append(_("These two organisations already have an open exchange (number {id}).").format(id=duplicate))
    if problems:
        raise ValidationFailed({"host": " ".join(problems)})
    if len(message) > 2000:
        raise ValidationFailed({"message": _("Please keep the message under 2000 characters.")})
    proposer = (
        Party.SUPPORT_OFFICE
        if scope is None
        else (Party.VISITOR_PARTNERSHIP if scope == visitor_eoi.partnership_id else Party.HOST_PARTNERSHIP)
    )
    exchange = new_exchange(
        session, actor=actor, eois=(visitor_eoi, host_eoi), proposer=proposer, message=message, entered_by=actor
    )
    who = _("{who} of {partnership}").format(who=actor.full_name, partnership=_partnership_name(session, scope))
    notify(
        session,
        [*organisation_users(session, id_of(visitor)), *organisation_users(session, id_of(host))],
        subject=lambda: _("Please confirm the exchange entered for your organisation"),
        body=lambda: _(
            "{who} entered, on your behalf, an exchange of {visitor} (Visitor) at {host} (Host). Each organisation "
            "confirms it or declines it; once both confirmed, you write the action plan together."
        ).format(who=who, visitor=visitor.legal_name, host=host.legal_name),
        kind="exchange_entered",
        link=f"exchange?id={exchange.id}",
    )
    others = {visitor_eoi.partnership_id, host_eoi.partnership_id} - {scope}
    notify(
        session,
        [u for pid in others if pid for u in partnership_users(session, pid)],
        subject=lambda: _("An exchange was entered for one of your members"),
        body=lambda: _(
            "{who} entered an exchange of {visitor} (Visitor) at {host} (Host); the organisations confirm it."
        ).format(who=who, visitor=visitor.legal_name, host=host.legal_name),
        kind="exchange_entered",
        link=f"exchange?id={exchange.id}",
    )
    session.commit()
    return exchange


# --- reads for the coordinator's page ------------------------------------------------------


def members(session: Session, actor: User, partnership_id: int | None = None) -> list[Organisation]:
    """The organisations `actor` may enter records for, by name."""
    scope = encoding_scope(actor, partnership_id)
    query = select(Organisation).order_by(Organisation.legal_name)
    if scope is not None:
        with_eoi = select(EOI.organisation_id).where(EOI.partnership_id == scope)
        query = query.where(sa.or_(Organisation.partnership_id == scope, col(Organisation.id).in_(with_eoi)))
    return list(session.exec(query))


def approved_organisations(session: Session, side: Side) -> list[Organisation]:
    """Organisations with an approved expression of interest as `side`, by name: the choices of a proposal."""
    query = (
        select(Organisation)
        .join(EOI, EOI.organisation_id == Organisation.id)  # type: ignore[arg-type]
        .where(EOI.side == side, EOI.state == EOIState.APPROVED)
        .order_by(Organisation.legal_name)
        .distinct()
    )
    return list(session.exec(query))


@dataclass(frozen=True)
class Waiting:
    """A record entered on an organisation's behalf that waits for its confirmation."""

    kind: str  # "eoi" or "exchange"
    record_id: int
    what: str
    waiting_on: str


def awaiting_confirmation(session: Session, actor: User) -> list[Waiting]:
    """What this Partnership (an administrator: anyone) entered and the organisations have not confirmed yet."""
    scope = encoding_scope(actor, None)
    eoi_query = (
        select(EOI, Organisation)
        .join(Organisation, EOI.organisation_id == Organisation.id)  # type: ignore[arg-type]
        .join(User, EOI.author_user_id == User.id)  # type: ignore[arg-type]
        .where(EOI.state == EOIState.DRAFT, User.role != Role.PARTICIPANT)
        .order_by(EOI.created_at)
    )
    x_query = (
        select(Exchange)
        .where(Exchange.state == ExchangeState.PROPOSED, col(Exchange.entered_by_user_id).is_not(None))
        .order_by(Exchange.created_at)
    )
    if scope is not None:
        eoi_query = eoi_query.where(EOI.partnership_id == scope)
        x_query = x_query.where(
            sa.or_(Exchange.visitor_partnership_id == scope, Exchange.host_partnership_id == scope)  # type: ignore[arg-type]
        )
    waiting = [
        Waiting(
            "eoi",
            id_of(eoi),
            _("{side} expression of interest of {org}").format(side=_(SIDE_WORDS[eoi.side]), org=org.legal_name),
            org.legal_name,
        )
        for eoi, org in session.exec(eoi_query)
    ]
    for x in session.exec(x_query):
        names = {
            o.id: o.legal_name
            for o in session.exec(
                select(Organisation).where(col(Organisation.id).in_([x.visitor_org_id, x.host_org_id]))
            )
        }
        pending = [names[x.visitor_org_id]] if x.visitor_confirmed_at is None else []
        pending += [names[x.host_org_id]] if x.host_confirmed_at is None else []
        what = _("Exchange {id}: {visitor} → {host}").format(
            id=x.id, visitor=names[x.visitor_org_id], host=names[x.host_org_id]
        )
        waiting.append(Waiting("exchange", id_of(x), what, ", ".join(pending)))
    return waiting


def organisation_entered_by(session: Session, organisation_id: int) -> str:
    """Who entered this organisation on its behalf ("Cora Coordinator (VOP)", from the audit), or ""."""
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_type == "organisation",
            AuditEvent.entity_id == organisation_id,
            AuditEvent.action == "create_on_behalf",
        )
    ).first()
    return entered_by_words(session, session.get(User, event.actor_user_id)) if event and event.actor_user_id else ""
