"""Programme figures, computed by the database (GROUP BY, SUM, an ORDER BY … OFFSET median).

Each exchange counts once, for the Visitor's Partnership: a Partnership's figures are the
exchanges whose Visitor it supervises. The period filters on the day an exchange was proposed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from db.functions import epoch_days
from db.models import AuditEvent, ClosingReport, Exchange, ExchangeTag, Organisation, Partnership, Payment, User
from domain.enums import ExchangeState, PaymentState, Role
from domain.errors import PermissionDenied
from domain.i18n import N_, _
from domain.workflow import APPROVED_STATES

NOT_COMMITTED = (ExchangeState.CANCELLED, ExchangeState.DECLINED)
STAGES: tuple[tuple[str, ExchangeState, ExchangeState], ...] = (
    (N_("Proposal → plan approved"), ExchangeState.PROPOSED, ExchangeState.PLAN_APPROVED),
    (N_("Plan approved → all signed"), ExchangeState.PLAN_APPROVED, ExchangeState.READY),
    (N_("Stay ended → report filed"), ExchangeState.REPORTING, ExchangeState.REPORT_SUBMITTED),
    (N_("Report filed → accepted"), ExchangeState.REPORT_SUBMITTED, ExchangeState.REPORT_ACCEPTED),
    (N_("Report accepted → paid"), ExchangeState.REPORT_ACCEPTED, ExchangeState.PAID),
)


@dataclass(frozen=True)
class KpiFilter:
    partnership_id: int | None = None  # None: the whole programme (Support Office)
    start: date | None = None
    end: date | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.partnership_id is not None:
            clauses.append(Exchange.visitor_partnership_id == self.partnership_id)  # type: ignore[arg-type]
        if self.start is not None:
            clauses.append(
                Exchange.created_at >= datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)  # type: ignore[arg-type]
            )
        if self.end is not None:
            after = self.end + timedelta(days=1)
            clauses.append(Exchange.created_at < datetime(after.year, after.month, after.day, tzinfo=UTC))  # type: ignore[arg-type]
        return clauses


def filter_for(user: User, start: date | None = None, end: date | None = None) -> KpiFilter:
    """Coordinators see their Partnership's figures, admins the programme's; nobody else any."""
    if user.role == Role.ADMIN:
        return KpiFilter(None, start, end)
    if user.role == Role.COORDINATOR and user.partnership_id is not None:
        return KpiFilter(user.partnership_id, start, end)
    raise PermissionDenied(_("Figures are for coordinators and the Support Office."))


@dataclass(frozen=True)
class Money:
    committed_cents: int
    paid_cents: int
    paid_count: int


@dataclass(frozen=True)
class StageMedian:
    stage: str
    median_days: float | None
    exchanges: int


Visitor = aliased(Organisation, name="kpi_visitor")
Host = aliased(Organisation, name="kpi_host")


def by_state(session: Session, f: KpiFilter) -> list[tuple[ExchangeState, int]]:
    rows = session.exec(select(Exchange.state, func.count()).where(*f.where()).group_by(Exchange.state)).all()
    return sorted(rows, key=lambda row: list(ExchangeState).index(row[0]))


def by_country_pair(session: Session, f: KpiFilter) -> list[tuple[str, str, int]]:
    rows = session.exec(
        select(Visitor.country, Host.country, func.count())
        .select_from(Exchange)
        .join(Visitor, Exchange.visitor_org_id == Visitor.id)  # type: ignore[arg-type]
        .join(Host, Exchange.host_org_id == Host.id)  # type: ignore[arg-type]
        .where(*f.where())
        .group_by(Visitor.country, Host.country)
        .order_by(func.count().desc())
    ).all()
    return [(v, h, n) for v, h, n in rows]


def by_org_type(session: Session, f: KpiFilter) -> list[tuple[str, str, int]]:
    """(side, organisation type, exchanges) for both sides."""
    result: list[tuple[str, str, int]] = []
    for side, org, column in (("Visitor", Visitor, Exchange.visitor_org_id), ("Host", Host, Exchange.host_org_id)):
        rows = session.exec(
            select(org.org_type, func.count())
            .select_from(Exchange)
            .join(org, column == org.id)  # type: ignore[arg-type]
            .where(*f.where())
            .group_by(org.org_type)
        ).all()
        result += [(side, t.value, n) for t, n in rows]
    return result


def by_tag(session: Session, f: KpiFilter, kind: str) -> list[tuple[str, int]]:
    """Exchanges per ecosystem or activity type; an exchange naming two counts in each."""
    rows = session.exec(
        select(ExchangeTag.value, func.count())
        .join(Exchange, ExchangeTag.exchange_id == Exchange.id)  # type: ignore[arg-type]
        .where(ExchangeTag.kind == kind, *f.where())
        .group_by(ExchangeTag.value)
        .order_by(func.count().desc(), ExchangeTag.value)
    ).all()
    return [(value, n) for value, n in rows]


def money(session: Session, f: KpiFilter) -> Money:
    committed = session.exec(
        select(func.coalesce(func.sum(Exchange.lump_sum_cents), 0)).where(
            Exchange.state.not_in(NOT_COMMITTED),
            *f.where(),  # type: ignore[attr-defined]
        )
    ).one()
    paid, count = session.exec(
        select(func.coalesce(func.sum(Payment.amount_cents), 0), func.count(Payment.id))
        .join(Exchange, Payment.exchange_id == Exchange.id)  # type: ignore[arg-type]
        .where(Payment.state == PaymentState.PAID, *f.where())
    ).one()
    return Money(int(committed), int(paid), int(count))


def stage_medians(session: Session, f: KpiFilter) -> list[StageMedian]:
    return [StageMedian(label, *_median_days(session, f, start, end)) for label, start, end in STAGES]


def _reached(state: ExchangeState) -> sa.Subquery:
    return (
        select(AuditEvent.entity_id.label("exchange_id"), func.min(AuditEvent.created_at).label("at"))  # type: ignore[attr-defined]
        .where(AuditEvent.entity_type == "exchange", AuditEvent.to_state == state.value)
        .group_by(AuditEvent.entity_id)
        .subquery()
    )


def _median_days(session: Session, f: KpiFilter, start: ExchangeState, end: ExchangeState) -> tuple[float | None, int]:
    a, b = _reached(start), _reached(end)
    days = (epoch_days(b.c.at) - epoch_days(a.c.at)).label("days")
    durations = (
        select(days)
        .select_from(a)
        .join(b, a.c.exchange_id == b.c.exchange_id)
        .join(Exchange, Exchange.id == a.c.exchange_id)  # type: ignore[arg-type]
        .where(*f.where())
        .subquery()
    )
    count = session.exec(select(func.count()).select_from(durations)).one()
    if not count:
        return None, 0
    middle = session.exec(
        select(durations.c.days).order_by(durations.c.days).offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return round(sum(middle) / len(middle), 1), count


def satisfaction(session: Session, f: KpiFilter) -> tuple[float | None, int]:
    """The Visitors' average satisfaction (1–5) from accepted and later closing reports."""
    score = ClosingReport.answers["visitor_satisfaction"].as_integer()
    average, count = session.exec(
        select(func.avg(score), func.count(score))
        .join(Exchange, ClosingReport.exchange_id == Exchange.id)  # type: ignore[arg-type]
        .where(ClosingReport.submitted_at.is_not(None), *f.where())  # type: ignore[union-attr]
    ).one()
    return (round(float(average), 2) if average is not None else None), int(count)


def by_partnership(session: Session, f: KpiFilter) -> list[tuple[str, int, int]]:
    """(Partnership, exchanges, paid cents) for the Support Office."""
    paid = select(Payment.exchange_id, Payment.amount_cents).where(Payment.state == PaymentState.PAID).subquery()
    rows = session.exec(
        select(Partnership.name, func.count(Exchange.id), func.coalesce(func.sum(paid.c.amount_cents), 0))
        .join(Exchange, Exchange.visitor_partnership_id == Partnership.id)  # type: ignore[arg-type]
        .outerjoin(paid, paid.c.exchange_id == Exchange.id)
        .where(*f.where())
        .group_by(Partnership.name)
        .order_by(func.count(Exchange.id).desc())  # type: ignore[arg-type]
    ).all()
    return [(name, int(n), int(cents)) for name, n, cents in rows]


# The programme's headline counts an exchange once its action plan is approved (APPROVED_STATES, the
# same definition as "a Visitor takes part once"); proposals, and exchanges declined or cancelled, are apart.
ENDED_WITHOUT_STAY = frozenset({ExchangeState.DECLINED, ExchangeState.CANCELLED})


@dataclass(frozen=True)
class Headline:
    approved: int  # the headline figure
    in_preparation: int  # proposed, agreed, plan being written or waiting for approval
    ended_without_stay: int  # declined or cancelled


def headline(states: list[tuple[ExchangeState, int]]) -> Headline:
    approved = sum(n for state, n in states if state in APPROVED_STATES)
    ended = sum(n for state, n in states if state in ENDED_WITHOUT_STAY)
    return Headline(approved, sum(n for _state, n in states) - approved - ended, ended)
