"""The read behind the exchange page: one exchange with everything its parties see, and their buttons."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from db.models import (
    ActionPlan,
    ClosingReport,
    Document,
    Evidence,
    Exchange,
    Organisation,
    Partnership,
    Payment,
    Signature,
    User,
)
from domain.enums import Action, ExchangeState, Party
from services import documents, exchanges, paying_account, payments, reports
from services.comments import ThreadEntry, thread
from services.eois import entered_by_words
from services.outbox import organisation_users
from services.permissions import exchange_actions, load_exchange, may_download_evidence_pack, may_give_host_feedback
from services.timeline import TimelineEntry, timeline


@dataclass(frozen=True)
class ExchangeSide:
    """One side of the exchange: the organisation, its supervising Partnership and its people."""

    organisation: Organisation
    partnership: Partnership
    contacts: list[tuple[str, str]]  # name, e-mail


@dataclass(frozen=True)
class ExchangeView:
    exchange_id: int  # the loaded exchange's id, typed int once for every button
    exchange: Exchange
    parties: frozenset[Party]
    actions: frozenset[Action]  # from the workflow table, for this person (services.permissions)
    visitor: ExchangeSide
    host: ExchangeSide
    plans: list[ActionPlan]  # every version, oldest first
    report: ClosingReport | None
    evidence: list[Evidence]
    payment: Payment | None
    payee: paying_account.PayeeAccount | None  # the account of the signed Financial Agreement, if signed
    account_needed: str  # why the documents wait (the Visitor's bank account is missing), or ""
    documents: list[Document]  # current (not superseded) ones
    signatures: dict[int, list[Signature]]  # by document id
    to_sign: dict[int, list[Party]]  # by document id: the parties this person may still sign for
    comments: list[ThreadEntry]
    events: list[TimelineEntry]
    may_give_host_feedback: bool
    may_download_evidence_pack: bool
    entered_by: str = ""  # who entered it on the organisations' behalf ("" when an organisation proposed it)

    @property
    def latest_plan(self) -> ActionPlan | None:
        return self.plans[-1] if self.plans else None

    @property
    def sides(self) -> frozenset[Party]:
        """The organisations' parties this person acts as (Visitor, Host)."""
        return self.parties & {Party.VISITOR, Party.HOST}

    @property
    def plan_approved_by_me(self) -> bool:
        """This person's Partnership has approved the latest plan (the other one may not have yet)."""
        plan = self.latest_plan
        if plan is None:
            return False
        waiting = (Party.VISITOR_PARTNERSHIP in self.parties and not plan.visitor_partnership_approved_at) or (
            Party.HOST_PARTNERSHIP in self.parties and not plan.host_partnership_approved_at
        )
        return not waiting


def _side(session: Session, organisation_id: int, partnership_id: int) -> ExchangeSide:
    organisation = session.get(Organisation, organisation_id)
    partnership = session.get(Partnership, partnership_id)
    assert organisation is not None and partnership is not None  # foreign keys
    return ExchangeSide(
        organisation, partnership, [(u.full_name, u.email) for u in organisation_users(session, organisation_id)]
    )


def exchange_view(session: Session, user: User, exchange_id: int) -> ExchangeView:
    """The exchange as `user` sees it; NotFound when it is outside the user's scope."""
    exchange, parties = load_exchange(session, user, exchange_id)
    report = reports.report_of(session, exchange_id)
    current = documents.current_documents(session, exchange_id)
    return ExchangeView(
        exchange_id=exchange_id,
        exchange=exchange,
        parties=frozenset(parties),
        actions=exchange_actions(exchange, parties),
        visitor=_side(session, exchange.visitor_org_id, exchange.visitor_partnership_id),
        host=_side(session, exchange.host_org_id, exchange.host_partnership_id),
        plans=exchanges.plan_versions(session, exchange_id),
        report=report,
        evidence=reports.evidence_of(session, report.id) if report and report.id else [],
        payment=payments.payment_of(session, exchange_id),
        payee=paying_account.signed_account(session, exchange_id),
        account_needed=documents.missing_account(session, exchange)
        if exchange.state == ExchangeState.PLAN_APPROVED
        else "",
        documents=current,
        signatures={d.id: documents.signatures_of(session, d.id) for d in current if d.id},
        to_sign={d.id: documents.parties_to_sign(session, user, d) for d in current if d.id},
        comments=thread(session, user, exchange_id),
        events=timeline(session, "exchange", exchange_id),
        may_give_host_feedback=may_give_host_feedback(exchange, parties),
        may_download_evidence_pack=may_download_evidence_pack(parties),
        entered_by=entered_by_words(session, session.get(User, exchange.entered_by_user_id))
        if exchange.entered_by_user_id
        else "",
    )
