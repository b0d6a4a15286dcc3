"""What waits on a coordinator's Partnership, and what waits on a participant's organisation.

Each kind of item is one SQL query joined to the organisations it names, so the queue costs
a handful of queries whatever the size of the programme (no query per exchange).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from db.models import EOI, ActionPlan, ClosingReport, Document, Exchange, Organisation, Payment, Signature, User
from db.types import id_of
from domain.enums import DocumentKind, EOIState, ExchangeState, Party, Role, Side
from services.rules import rules_lookup

SOON_DAYS = 3


@dataclass(frozen=True)
class QueueItem:
    kind: str  # eoi | plan | signature | report | report_overdue | payment | payment_confirm
    record_id: int
    title: str
    since: datetime | None
    link: str
    state: str = ""
    due: date | None = None
    organisations: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    organisation_ids: tuple[int, ...] = ()

    def age_days(self, today: date) -> int | None:
        return (today - self.since.date()).days if self.since else None

    def urgency(self, today: date) -> str:
        """overdue | soon | "" : the colour of the item."""
        if self.due is None:
            return ""
        if today > self.due:
            return "overdue"
        return "soon" if (self.due - today).days <= SOON_DAYS else ""


Visitor = aliased(Organisation, name="visitor_org")
Host = aliased(Organisation, name="host_org")


def _exchanges(*where: object) -> sa.Select:
    """Only the columns the queue shows: hydrating whole records costs more than the SQL itself."""
    return (
        select(
            Exchange.id,
            Exchange.state,
            Exchange.updated_at,
            Exchange.end_date,  # type: ignore[call-overload]
            Exchange.rules_version_id,
            col(Visitor.id).label("v_id"),
            col(Visitor.legal_name).label("v_name"),
            col(Visitor.country).label("v_country"),
            col(Host.id).label("h_id"),
            col(Host.legal_name).label("h_name"),
            col(Host.country).label("h_country"),
        )
        .join(Visitor, Exchange.visitor_org_id == Visitor.id)
        .join(Host, Exchange.host_org_id == Host.id)
        .where(*where)
    )


def _item(kind: str, row: sa.Row, what: str, since: datetime | None, due: date | None = None) -> QueueItem:
    return QueueItem(
        kind,
        row.id,
        f"{row.v_name} → {row.h_name} · {what}",
        since,
        f"exchange?id={row.id}",
        state=row.state.value,
        due=due,
        organisations=(row.v_name, row.h_name),
        countries=(row.v_country, row.h_country),
        organisation_ids=(row.v_id, row.h_id),
    )


def coordinator_queue(session: Session, user: User, *, today: date | None = None) -> list[QueueItem]:
    """Everything waiting on the user's Partnership, oldest first."""
    pid = user.partnership_id
    if user.role != Role.COORDINATOR or pid is None:
        return []
    rules_of = rules_lookup(session)  # each exchange's deadlines: its frozen rules version
    soonest_report = min(rules.report_due_days for rules in rules_of.every())
    today = today or datetime.now(UTC).date()
    mine = (Exchange.visitor_partnership_id == pid) | (Exchange.host_partnership_id == pid)
    paying = Exchange.visitor_partnership_id == pid
    items: list[QueueItem] = []

    eois = session.exec(
        select(EOI, Organisation)
        .join(Organisation, EOI.organisation_id == Organisation.id)  # type: ignore[arg-type]
        .where(EOI.state == EOIState.SUBMITTED, (EOI.partnership_id == pid) | col(EOI.partnership_id).is_(None))  # type: ignore[operator]
    ).all()
    for eoi, org in eois:
        side = "Visitor" if eoi.side == Side.VISITOR else "Host"
        items.append(
            QueueItem(
                "eoi",
                id_of(eoi),
                f"{org.legal_name} · {side}" + ("" if eoi.partnership_id else " · assign me"),
                eoi.submitted_at,
                f"eoi_review?id={eoi.id}",
                state=eoi.state.value,
                organisations=(org.legal_name,),
                countries=(org.country,),
                organisation_ids=(id_of(org),),
            )
        )

    latest = (
        select(ActionPlan.exchange_id, func.max(ActionPlan.version).label("version"))
        .group_by(ActionPlan.exchange_id)
        .subquery()
    )
    plan_rows = session.exec(
        _exchanges(Exchange.state == ExchangeState.PLAN_SUBMITTED, mine)
        .add_columns(ActionPlan.created_at.label("plan_at"))
        .join(latest, latest.c.exchange_id == Exchange.id)
        .join(ActionPlan, (ActionPlan.exchange_id == Exchange.id) & (ActionPlan.version == latest.c.version))  # type: ignore[arg-type]
        .where(
            ((Exchange.visitor_partnership_id == pid) & col(ActionPlan.visitor_partnership_approved_at).is_(None))  # type: ignore[operator]
            | ((Exchange.host_partnership_id == pid) & col(ActionPlan.host_partnership_approved_at).is_(None))  # type: ignore[operator]
        )
    ).all()
    items += [_item("plan", row, "action plan", row.plan_at) for row in plan_rows]

    items += _signatures_waiting(session, pid)

    report_rows = session.exec(
        _exchanges(Exchange.state == ExchangeState.REPORT_SUBMITTED, paying)
        .add_columns(ClosingReport.submitted_at)  # type: ignore[arg-type]
        .join(ClosingReport, ClosingReport.exchange_id == Exchange.id)  # type: ignore[arg-type]
    ).all()
    items += [_item("report", row, "closing report", row.submitted_at) for row in report_rows]

    late_rows = session.exec(
        _exchanges(
            Exchange.state.in_([ExchangeState.READY, ExchangeState.IN_PROGRESS, ExchangeState.REPORTING]),  # type: ignore[attr-defined]
            paying,
            Exchange.end_date < today - timedelta(days=soonest_report),  # type: ignore[operator]
        )
    ).all()
    items += [
        _item("report_overdue", row, "closing report overdue", _midnight(row.end_date), due)
        for row in late_rows
        if today > (due := row.end_date + timedelta(days=rules_of(row).report_due_days))
    ]

    accepted_rows = session.exec(
        _exchanges(Exchange.state == ExchangeState.REPORT_ACCEPTED, paying)
        .add_columns(ClosingReport.accepted_at)  # type: ignore[arg-type]
        .join(ClosingReport, ClosingReport.exchange_id == Exchange.id)  # type: ignore[arg-type]
    ).all()
    items += [
        _item(
            "payment",
            row,
            "payment to order",
            row.accepted_at,
            (row.accepted_at or row.updated_at).date() + timedelta(days=rules_of(row).payment_days),
        )
        for row in accepted_rows
    ]

    ordered_rows = session.exec(
        _exchanges(Exchange.state == ExchangeState.PAYMENT_ORDERED, paying)
        .add_columns(Payment.ordered_at, Payment.due_date)  # type: ignore[arg-type]
        .join(Payment, Payment.exchange_id == Exchange.id)  # type: ignore[arg-type]
    ).all()
    items += [_item("payment_confirm", row, "payment to confirm", row.ordered_at, row.due_date) for row in ordered_rows]
    return sorted(items, key=lambda item: (item.since or datetime.max.replace(tzinfo=UTC), item.kind, item.record_id))


def _signatures_waiting(session: Session, pid: int) -> list[QueueItem]:
    """Exchanges in signing with a current document that lacks a signature this Partnership gives."""
    items: dict[int, QueueItem] = {}
    for side_column, party, kinds in (
        (
            Exchange.visitor_partnership_id,
            Party.VISITOR_PARTNERSHIP,
            [DocumentKind.COMMITMENT_TO_QUALITY, DocumentKind.FINANCIAL_AGREEMENT],
        ),
        (Exchange.host_partnership_id, Party.HOST_PARTNERSHIP, [DocumentKind.COMMITMENT_TO_QUALITY]),
    ):
        signed = select(Signature.id).where(Signature.document_id == Document.id, Signature.party == party).exists()
        unsigned = (
            select(Document.id)
            .where(
                Document.exchange_id == Exchange.id,
                col(Document.superseded_at).is_(None),
                col(Document.kind).in_(kinds),
                ~signed,
            )
            .exists()
        )
        rows = session.exec(_exchanges(Exchange.state == ExchangeState.SIGNING, side_column == pid, unsigned)).all()
        for row in rows:
            items.setdefault(row.id, _item("signature", row, "documents to sign", row.updated_at))
    return list(items.values())


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def filter_queue(
    items: Iterable[QueueItem],
    *,
    kinds: Iterable[str] = (),
    countries: Iterable[str] = (),
    text: str = "",
    organisation_ids: Iterable[int] | None = None,
    overdue_only: bool = False,
    today: date | None = None,
) -> list[QueueItem]:
    """Pure: the items matching every filter given. `text` matches a number, an organisation or a state;
    `organisation_ids` are the organisations of the people whose name or e-mail matched."""
    today = today or datetime.now(UTC).date()
    kinds, countries = set(kinds), {c.upper() for c in countries}
    people_orgs = set(organisation_ids) if organisation_ids is not None else None
    needle = text.strip().casefold().lstrip("#")
    result = []
    for item in items:
        if kinds and item.kind not in kinds:
            continue
        if countries and not countries & set(item.countries):
            continue
        if overdue_only and item.urgency(today) != "overdue":
            continue
        if needle:
            words = [*item.organisations, item.state.replace("_", " "), item.title]
            matches_text = needle == str(item.record_id) or any(needle in w.casefold() for w in words)
            matches_person = people_orgs is not None and bool(people_orgs & set(item.organisation_ids))
            if not (matches_text or matches_person):
                continue
        result.append(item)
    return result


def organisations_of_people(session: Session, text: str) -> set[int]:
    """Organisations whose participants' name or e-mail contains `text` (the queue's person search)."""
    needle = text.strip().lower()
    if len(needle) < 2:
        return set()
    rows = session.exec(
        select(User.organisation_id).where(
            col(User.organisation_id).is_not(None),
            func.lower(User.full_name).contains(needle, autoescape=True)
            | func.lower(User.email).contains(needle, autoescape=True),
        )
    ).all()
    return {row for row in rows if row is not None}


def open_eois(session: Session, organisation_id: int) -> list[EOI]:
    return list(
        session.exec(select(EOI).where(EOI.organisation_id == organisation_id, EOI.state != EOIState.WITHDRAWN))
    )
