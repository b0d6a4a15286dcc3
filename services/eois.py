"""Expressions of interest: start, save draft, upload the CV, submit, decide, assign, withdraw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from db.audit import append_event
from db.models import EOI, Document, Exchange, Organisation, Partnership, User
from db.types import id_of, utcnow
from domain.enums import Action, DocumentKind, EOIState, Party, Role, Side
from domain.errors import PermissionDenied, ValidationFailed
from domain.i18n import N_, _
from domain.rules import country_problem, side_type_problem, visitor_once_problem
from domain.workflow import APPROVED_STATES, Facts
from forms.answers import draft_answers, validate_answers
from forms.spec import load_spec
from services.files import check_upload
from services.outbox import admins, notify, organisation_users, partnership_users
from services.permissions import (
    eoi_actions,
    load_eoi,
    may_record_membership_exception,
    needs_membership_exception,
    require_participant_org,
)
from services.rules import rules_in_force
from services.timeline import TimelineEntry, timeline
from services.transitions import apply_transition

SPEC = "eoi"
ACTIVE_EOI_STATES = (EOIState.DRAFT, EOIState.SUBMITTED, EOIState.CHANGES_REQUESTED, EOIState.APPROVED)
SIDE_WORDS = {Side.VISITOR: "Visitor", Side.HOST: "Host"}


def previous_visits(session: Session, organisation_id: int, *, besides: int | None = None) -> int:
    """Exchanges (other than `besides`) in which the organisation took part as Visitor: it goes once.
    Taking part starts with an approved plan; proposals, declined and cancelled exchanges do not count."""
    query = (
        select(func.count())
        .select_from(Exchange)
        .where(
            Exchange.visitor_org_id == organisation_id,
            col(Exchange.state).in_([s.value for s in APPROVED_STATES]),
        )
    )
    if besides is not None:
        query = query.where(Exchange.id != besides)
    return session.exec(query).one()


def start_problems(
    session: Session, organisation: Organisation, side: Side, partnership_id: int | None
) -> dict[str, str]:
    """Why this organisation may not start an expression of interest as `side` (by the rules in force)."""
    rules = rules_in_force(session)
    errors: dict[str, str] = {}
    problem = side_type_problem(side.value, organisation.org_type, rules) or country_problem(
        organisation.country, rules
    )
    if problem:
        errors["side"] = problem
    if side == Side.VISITOR and (problem := visitor_once_problem(previous_visits(session, id_of(organisation)))):
        errors["side"] = problem
    if partnership_id is not None and session.get(Partnership, partnership_id) is None:
        errors["partnership_id"] = _("Choose a Partnership from the list, or “Assign me”.")
    existing = session.exec(
        select(EOI).where(
            EOI.organisation_id == organisation.id,
            EOI.side == side,
            col(EOI.state).in_([s.value for s in ACTIVE_EOI_STATES]),
        )
    ).first()
    if existing is not None:
        errors["side"] = _(
            "{org} already has an expression of interest as {side} (number {id}); continue that one."
        ).format(org=organisation.legal_name, side=_(SIDE_WORDS[side]), id=existing.id)
    return errors


def start_eoi(*, session: Session, actor: User, side: Side, partnership_id: int | None) -> EOI:
    """A new draft for the actor's organisation, as Visitor or Host, to a Partnership or "assign me"."""
    organisation = require_participant_org(session, actor)
    errors = start_problems(session, organisation, side, partnership_id)
    if errors:
        raise ValidationFailed(errors)
    eoi = new_draft(session, actor=actor, organisation=organisation, side=side, partnership_id=partnership_id)
    session.commit()
    return eoi


def new_draft(
    session: Session,
    *,
    actor: User,
    organisation: Organisation,
    side: Side,
    partnership_id: int | None,
    answers: dict[str, Any] | None = None,
    action: str = "create",
    comment: str = "",
) -> EOI:
    """A draft expression of interest written by `actor`, with its audit event; the caller commits."""
    spec = load_spec(SPEC)
    eoi = EOI(
        organisation_id=id_of(organisation),
        author_user_id=id_of(actor),
        side=side,
        partnership_id=partnership_id,
        spec_name=spec.name,
        spec_version=spec.version,
        answers=answers or {},
    )
    session.add(eoi)
    session.flush()
    append_event(
        session,
        actor=actor,
        entity_type="eoi",
        entity_id=id_of(eoi),
        action=action,
        to_state=EOIState.DRAFT.value,
        comment=comment,
    )
    return eoi


def _editable(eoi: EOI, parties: set[Party]) -> None:
    if Party.APPLICANT not in parties:
        raise PermissionDenied(_("Only the organisation that wrote it may edit this expression of interest."))
    if eoi.state not in (EOIState.DRAFT, EOIState.CHANGES_REQUESTED):
        raise PermissionDenied(_("It can no longer be edited: it is with the Partnership or decided."))


def save_eoi_draft(*, session: Session, actor: User, eoi_id: int, answers: dict[str, Any]) -> EOI:
    eoi, parties = load_eoi(session, actor, eoi_id)
    _editable(eoi, parties)
    eoi.answers = draft_answers(load_spec(SPEC), answers)
    eoi.updated_at = utcnow()
    session.add(eoi)
    session.commit()
    return eoi


def attach_cv(*, session: Session, actor: User, eoi_id: int, filename: str, content: bytes) -> Document:
    """Store an uploaded CV for this EOI (checked by content); the answers point to it."""
    eoi, parties = load_eoi(session, actor, eoi_id)
    _editable(eoi, parties)
    spec_field = load_spec(SPEC).field("cv")
    checked = check_upload(filename, content, allowed=spec_field.allowed, max_mb=spec_field.max_mb or 5)
    version = session.exec(
        select(func.coalesce(func.max(Document.version), 0)).where(
            Document.eoi_id == eoi.id, Document.kind == DocumentKind.CV
        )
    ).one()
    document = Document(
        eoi_id=eoi.id,
        kind=DocumentKind.CV,
        version=version + 1,
        filename=checked.filename,
        mime_type=checked.mime_type,
        size_bytes=checked.size_bytes,
        sha256=checked.sha256,
        content=checked.content,
    )
    session.add(document)
    session.commit()
    return document


def submit_eoi(*, session: Session, actor: User, eoi_id: int, answers: dict[str, Any]) -> EOI:
    """Send to the Partnership (first time or after a change request)."""
    eoi, parties = load_eoi(session, actor, eoi_id)
    _editable(eoi, parties)
    clean, errors = validate_answers(load_spec(SPEC), answers, rules_in_force(session))
    errors.update(_cv_problem(session, eoi, clean))
    if errors:
        raise ValidationFailed(errors)
    author = session.get(User, eoi.author_user_id)
    apply_transition(
        session,
        eoi,
        Action.SUBMIT,
        parties=parties,
        actor=actor,
        # Entered by the Partnership on the organisation's behalf: sending it is the organisation's confirmation.
        comment=f"confirms what {author.username} entered on its behalf" if entered_on_behalf(author) else "",
        values={"answers": clean, "submitted_at": utcnow(), "last_comment": ""},
    )
    organisation = session.get(Organisation, eoi.organisation_id)
    recipients = partnership_users(session, eoi.partnership_id) if eoi.partnership_id else admins(session)
    notify(
        session,
        recipients,
        subject=lambda: _("New expression of interest from {org}").format(org=organisation.legal_name),  # type: ignore[union-attr]
        body=lambda: _("{org} sent an expression of interest as {side}; it waits for your review.").format(
            org=organisation.legal_name,  # type: ignore[union-attr]
            side=_(SIDE_WORDS[eoi.side]),
        ),
        kind="eoi_submitted",
        link=f"eoi?id={eoi.id}",
    )
    session.commit()
    return eoi


def entered_on_behalf(author: User | None) -> bool:
    """An expression of interest written by a coordinator or administrator for the organisation."""
    return author is not None and author.role != Role.PARTICIPANT


def _cv_problem(session: Session, eoi: EOI, clean: dict[str, Any]) -> dict[str, str]:
    cv = clean.get("cv")
    if not cv:
        return {}
    document = session.get(Document, cv.get("document_id"))
    if document is None or document.eoi_id != eoi.id or document.kind != DocumentKind.CV:
        return {"cv": _("Upload the CV again.")}
    return {}


DECISIONS = {
    Action.APPROVE: (
        N_("Your expression of interest is approved"),
        N_("Your expression of interest as {side} is approved. You can now look for a counterpart."),
    ),
    Action.REQUEST_CHANGES: (
        N_("Changes requested on your expression of interest"),
        N_("The Partnership asks for changes: {comment}"),
    ),
    Action.REJECT: (
        N_("Your expression of interest is not accepted"),
        N_("The Partnership did not accept it: {comment}"),
    ),
}


def decide_eoi(*, session: Session, actor: User, eoi_id: int, action: Action, comment: str = "") -> EOI:
    """Approve, request changes (comment required) or reject (reason required)."""
    if action not in DECISIONS:
        raise PermissionDenied(_("Unknown decision."))
    eoi, parties = load_eoi(session, actor, eoi_id)
    if eoi.partnership_id is None:
        raise PermissionDenied(_("Assign this expression of interest to a Partnership first."))
    comment = comment.strip()
    if len(comment) > 2000:
        raise ValidationFailed({"comment": _("Please keep the comment under 2000 characters.")})
    apply_transition(
        session,
        eoi,
        action,
        parties=parties - {Party.SUPPORT_OFFICE},
        actor=actor,
        comment=comment,
        facts=Facts(comment=comment, partnership_assigned=eoi.partnership_id is not None),
        values={"last_comment": comment, "decided_at": utcnow()},
    )
    subject, body = DECISIONS[action]
    notify(
        session,
        organisation_users(session, eoi.organisation_id),
        subject=lambda: _(subject),
        body=lambda: _(body).format(side=_(SIDE_WORDS[eoi.side]), comment=comment),
        kind=f"eoi_{action.value}",
        link=f"eoi?id={eoi.id}",
    )
    session.commit()
    return eoi


def record_membership_exception(*, session: Session, actor: User, eoi_id: int, reason: str) -> EOI:
    """The coordinator records that the funding agency accepted a non-member SME as Host, with the
    reason (its decision's reference); audited, and the organisation is told."""
    eoi, parties = load_eoi(session, actor, eoi_id)
    organisation = session.get(Organisation, eoi.organisation_id)
    assert organisation is not None  # a foreign key
    if not may_record_membership_exception(eoi, organisation, parties):
        raise PermissionDenied(
            _(
                "Only the coordinator of the Partnership reviewing it records this exception, for a submitted or "
                "approved Host expression of interest of an SME that is not a cluster member."
            )
        )
    reason = " ".join(reason.split())
    if not 10 <= len(reason) <= 1000:
        raise ValidationFailed(
            {"reason": _("Give the funding agency's decision and its reference (10 to 1000 characters).")}
        )
    eoi.membership_exception, eoi.membership_exception_at = reason, utcnow()
    session.add(eoi)
    append_event(
        session, actor=actor, entity_type="eoi", entity_id=eoi_id, action="membership_exception", comment=reason
    )
    notify(
        session,
        organisation_users(session, eoi.organisation_id),
        subject=lambda: _("You may host exchanges as a non-member SME"),
        body=lambda: _("The funding agency accepted your organisation as Host: {reason}").format(reason=reason),
        kind="membership_exception",
        link=f"eoi?id={eoi_id}",
    )
    session.commit()
    return eoi


def assign_eoi(*, session: Session, actor: User, eoi_id: int, partnership_id: int) -> EOI:
    eoi, parties = load_eoi(session, actor, eoi_id)
    if session.get(Partnership, partnership_id) is None:
        raise ValidationFailed({"partnership_id": _("Choose a Partnership from the list.")})
    apply_transition(
        session,
        eoi,
        Action.ASSIGN,
        parties=parties,
        actor=actor,
        facts=Facts(partnership_assigned=eoi.partnership_id is not None),
        values={"partnership_id": partnership_id},
        comment=f"assigned to partnership {partnership_id}",
    )
    notify(
        session,
        partnership_users(session, partnership_id),
        subject=lambda: _("An expression of interest was assigned to your Partnership"),
        body=lambda: _("It waits for your review."),
        kind="eoi_assigned",
        link=f"eoi?id={eoi.id}",
    )
    session.commit()
    return eoi


def withdraw_eoi(*, session: Session, actor: User, eoi_id: int) -> EOI:
    eoi, parties = load_eoi(session, actor, eoi_id)
    apply_transition(session, eoi, Action.WITHDRAW, parties=parties, actor=actor)
    session.commit()
    return eoi


def approved_eoi(session: Session, organisation_id: int, side: Side) -> EOI | None:
    return session.exec(
        select(EOI).where(EOI.organisation_id == organisation_id, EOI.side == side, EOI.state == EOIState.APPROVED)
    ).first()


def my_eois(session: Session, user: User) -> list[EOI]:
    if user.organisation_id is None:
        return []
    return list(
        session.exec(select(EOI).where(EOI.organisation_id == user.organisation_id).order_by(EOI.created_at.desc()))  # type: ignore[attr-defined]
    )


def eoi_queue(session: Session, user: User) -> list[tuple[EOI, Organisation]]:
    """EOIs waiting on the coordinator's Partnership (and unassigned ones), oldest first."""
    query = (
        select(EOI, Organisation)
        .join(Organisation, EOI.organisation_id == Organisation.id)  # type: ignore[arg-type]
        .where(EOI.state == EOIState.SUBMITTED)
        .where(sa.or_(EOI.partnership_id == user.partnership_id, col(EOI.partnership_id).is_(None)))  # type: ignore[arg-type]
        .order_by(EOI.submitted_at)
    )
    return list(session.exec(query))


@dataclass(frozen=True)
class EOIView:
    """What the pages of one EOI show, read in one session; `actions` are this person's buttons."""

    eoi: EOI
    parties: frozenset[Party]
    actions: frozenset[Action]
    organisation: Organisation
    needs_exception: bool  # a non-member SME as Host: it takes part only by the funding agency's exception
    may_record_exception: bool
    partnership: Partnership | None
    cv: Document | None
    events: list[TimelineEntry]
    entered_by: str = ""  # who entered it on the organisation's behalf ("" when the organisation wrote it)


def eoi_view(session: Session, user: User, eoi_id: int) -> EOIView:
    """The EOI with its organisation, Partnership, CV and history; NotFound outside the user's scope."""
    eoi, parties = load_eoi(session, user, eoi_id)
    organisation = session.get(Organisation, eoi.organisation_id)
    assert organisation is not None  # a foreign key
    partnership = session.get(Partnership, eoi.partnership_id) if eoi.partnership_id else None
    cv_id = eoi.answers.get("cv", {}).get("document_id") if eoi.answers.get("cv") else None
    cv = session.get(Document, cv_id) if cv_id else None
    return EOIView(
        eoi,
        frozenset(parties),
        eoi_actions(eoi, parties),
        organisation,
        needs_membership_exception(eoi, organisation),
        may_record_membership_exception(eoi, organisation, parties),
        partnership,
        cv,
        timeline(session, "eoi", eoi_id),
        entered_by_words(session, session.get(User, eoi.author_user_id)),
    )


def entered_by_words(session: Session, author: User | None) -> str:
    """ "Cora Coordinator (VOP)" for a record a coordinator entered on an organisation's behalf, else ""."""
    if not entered_on_behalf(author):
        return ""
    partnership = session.get(Partnership, author.partnership_id) if author.partnership_id else None  # type: ignore[union-attr]
    return f"{author.full_name} ({partnership.acronym if partnership else _('Support Office')})"  # type: ignore[union-attr]
