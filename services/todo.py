"""A participant's "what to do next": one card per open item, computed from the records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from db.models import EOI, ActionPlan, Exchange, Organisation, User
from db.types import id_of
from domain.enums import EOIState, ExchangeState, Party, Side
from domain.i18n import _
from domain.workflow import AGREEMENT_RESIGN_STATES
from services.documents import current_documents, missing_account, parties_to_sign
from services.eois import entered_on_behalf
from services.permissions import answering_sides


@dataclass(frozen=True)
class Todo:
    title: str
    detail: str
    page: str
    record_id: int | None = None


def participant_todos(session: Session, user: User) -> list[Todo]:
    org = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    if org is None:
        return []
    todos: list[Todo] = []
    if not org.profile:
        todos.append(
            Todo(
                _("Complete your organisation profile"),
                _("Partnerships read it before they approve anything."),
                "pages/participant/organisation.py",
            )
        )
    eois = list(session.exec(select(EOI).where(EOI.organisation_id == org.id)))
    for eoi in eois:
        side = _("Visitor") if eoi.side == Side.VISITOR else _("Host")
        if eoi.state == EOIState.DRAFT and entered_on_behalf(session.get(User, eoi.author_user_id)):
            todos.append(
                Todo(
                    _("Confirm the expression of interest as {side} that your Partnership entered").format(side=side),
                    _("Check it and send it: it counts only once you have."),
                    "pages/participant/eoi.py",
                    eoi.id,
                )
            )
        elif eoi.state == EOIState.DRAFT:
            todos.append(
                Todo(
                    _("Finish your expression of interest as {side}").format(side=side),
                    _("It is a draft: send it to your Partnership."),
                    "pages/participant/eoi.py",
                    eoi.id,
                )
            )
        elif eoi.state == EOIState.CHANGES_REQUESTED:
            todos.append(
                Todo(
                    _("Update your expression of interest as {side}").format(side=side),
                    _("Your Partnership asks: {comment}").format(comment=eoi.last_comment),
                    "pages/participant/eoi.py",
                    eoi.id,
                )
            )
    active = [e for e in eois if e.state not in (EOIState.WITHDRAWN, EOIState.REJECTED)]
    if not active:
        todos.append(
            Todo(
                _("Send an expression of interest"),
                _("The first step of every exchange, as Visitor or as Host."),
                "pages/participant/eoi.py",
            )
        )
    exchanges = list(
        session.exec(select(Exchange).where((Exchange.visitor_org_id == org.id) | (Exchange.host_org_id == org.id)))
    )
    approved_sides = {e.side for e in eois if e.state == EOIState.APPROVED}
    open_exchanges = [
        x for x in exchanges if x.state not in (ExchangeState.CANCELLED, ExchangeState.DECLINED, ExchangeState.PAID)
    ]
    if Side.VISITOR in approved_sides and not [x for x in open_exchanges if x.visitor_org_id == org.id]:
        todos.append(
            Todo(
                _("Find a Host"),
                _("Your expression of interest is approved: look at the suggestions and the catalogue."),
                "pages/participant/exchanges.py",
            )
        )
    if Side.HOST in approved_sides:
        todos.append(
            Todo(
                _("Publish an exchange opportunity"),
                _("Visitors find you in the public catalogue."),
                "pages/participant/opportunities.py",
            )
        )
    for x in open_exchanges:
        me = Party.VISITOR if x.visitor_org_id == org.id else Party.HOST
        # Beside the step's own item: a Financial Agreement replaced by a change of bank account.
        if x.state in AGREEMENT_RESIGN_STATES and any(
            parties_to_sign(session, user, d) for d in current_documents(session, id_of(x))
        ):
            todos.append(
                Todo(
                    _("Sign the new Financial Agreement"),
                    _("Your bank account changed: the agreement naming it must be signed before the payment."),
                    "pages/exchange/exchange.py",
                    x.id,
                )
            )
        if x.state == ExchangeState.PROPOSED and me in answering_sides(x):
            todos.append(
                Todo(
                    _("Confirm the exchange your Partnership entered")
                    if x.entered_by_user_id
                    else _("Answer a proposal"),
                    _("Entered on your behalf: it is agreed once both organisations confirmed it.")
                    if x.entered_by_user_id
                    else _("Another organisation proposes an exchange."),
                    "pages/exchange/exchange.py",
                    x.id,
                )
            )
        elif x.state == ExchangeState.PLANNING:
            plan = session.exec(
                select(ActionPlan).where(ActionPlan.exchange_id == x.id).order_by(ActionPlan.version.desc())  # type: ignore[attr-defined]
            ).first()
            agreed = plan is not None and (plan.visitor_agreed_at if me == Party.VISITOR else plan.host_agreed_at)
            if not agreed:
                todos.append(
                    Todo(
                        _("Write and agree the action plan"),
                        _("Both sides agree to the same version."),
                        "pages/exchange/exchange.py",
                        x.id,
                    )
                )
        elif x.state == ExchangeState.SIGNING and any(
            parties_to_sign(session, user, d) for d in current_documents(session, id_of(x))
        ):
            todos.append(
                Todo(
                    _("Sign the documents"),
                    _("The Commitment to Quality (and, for the Visitor, the Financial Agreement)."),
                    "pages/exchange/exchange.py",
                    x.id,
                )
            )
        elif x.state == ExchangeState.PLAN_APPROVED and me == Party.VISITOR and missing_account(session, x):
            todos.append(
                Todo(
                    _("Add your bank account"),
                    _("The Financial Agreement names it: it is generated as soon as the IBAN and BIC are saved."),
                    "pages/participant/organisation.py",
                )
            )
        elif x.state == ExchangeState.REPORTING and me == Party.VISITOR:
            todos.append(
                Todo(
                    _("File the closing report"),
                    _("With evidence of the stay: tickets, boarding passes, invoices."),
                    "pages/exchange/exchange.py",
                    x.id,
                )
            )
        elif x.state in (ExchangeState.READY, ExchangeState.IN_PROGRESS) and me == Party.VISITOR:
            todos.append(
                Todo(
                    _("Record your stay"),
                    _("Say when the stay started and when it ended."),
                    "pages/exchange/exchange.py",
                    x.id,
                )
            )
    return todos
