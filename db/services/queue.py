"""What waits on a coordinator's Partnership, and what waits on a participant's organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from db.enums import EOIState, ExchangeState, Side
from db.models import EOI, ActionPlan, Exchange, Organisation, User
from db.services.documents import current_documents, parties_to_sign
from db.services.eois import eoi_queue


@dataclass(frozen=True)
class QueueItem:
    kind: str  # eoi | plan | report
    record_id: int
    title: str
    since: datetime | None
    link: str


def coordinator_queue(session: Session, user: User) -> list[QueueItem]:
    items = [
        QueueItem("eoi", eoi.id, f"{org.legal_name} · {'Visitor' if eoi.side == Side.VISITOR else 'Host'}"  # type: ignore[arg-type]
                  + ("" if eoi.partnership_id else " · assign me"), eoi.submitted_at, f"eoi_review?id={eoi.id}")
        for eoi, org in eoi_queue(session, user)
    ]
    pid = user.partnership_id
    plans = session.exec(
        select(Exchange).where(
            Exchange.state == ExchangeState.PLAN_SUBMITTED,
            (Exchange.visitor_partnership_id == pid) | (Exchange.host_partnership_id == pid),
        )
    ).all()
    for exchange in plans:
        plan = session.exec(select(ActionPlan).where(ActionPlan.exchange_id == exchange.id).order_by(ActionPlan.version.desc())).first()  # type: ignore[attr-defined]
        waiting_on_me = plan is not None and (
            (exchange.visitor_partnership_id == pid and plan.visitor_partnership_approved_at is None)
            or (exchange.host_partnership_id == pid and plan.host_partnership_approved_at is None)
        )
        if waiting_on_me:
            items.append(QueueItem("plan", exchange.id, _pair(session, exchange) + " · action plan", exchange.updated_at, f"exchange?id={exchange.id}"))  # type: ignore[arg-type]
    reports = session.exec(
        select(Exchange).where(Exchange.state == ExchangeState.REPORT_SUBMITTED, Exchange.visitor_partnership_id == pid)
    ).all()
    items += [QueueItem("report", e.id, _pair(session, e) + " · closing report", e.updated_at, f"exchange?id={e.id}") for e in reports]  # type: ignore[arg-type]
    signing = session.exec(
        select(Exchange).where(Exchange.state == ExchangeState.SIGNING,
                               (Exchange.visitor_partnership_id == pid) | (Exchange.host_partnership_id == pid))
    ).all()
    for exchange in signing:
        if any(parties_to_sign(session, user, d) for d in current_documents(session, exchange.id)):  # type: ignore[arg-type]
            items.append(QueueItem("signature", exchange.id, _pair(session, exchange) + " · documents to sign", exchange.updated_at,  # type: ignore[arg-type]
                                   f"exchange?id={exchange.id}"))
    accepted = session.exec(
        select(Exchange).where(Exchange.state == ExchangeState.REPORT_ACCEPTED, Exchange.visitor_partnership_id == pid)
    ).all()
    items += [QueueItem("payment", e.id, _pair(session, e) + " · payment to order", e.updated_at, f"exchange?id={e.id}") for e in accepted]  # type: ignore[arg-type]
    return sorted(items, key=lambda item: item.since or datetime.max.replace(tzinfo=UTC))


def _pair(session: Session, exchange: Exchange) -> str:
    visitor = session.get(Organisation, exchange.visitor_org_id)
    host = session.get(Organisation, exchange.host_org_id)
    return f"{visitor.legal_name} → {host.legal_name}"  # type: ignore[union-attr]


def open_eois(session: Session, organisation_id: int) -> list[EOI]:
    return list(session.exec(select(EOI).where(EOI.organisation_id == organisation_id, EOI.state != EOIState.WITHDRAWN)))
