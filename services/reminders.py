"""Reminders of overdue items, for a daily cron (`manage.py remind`) or an admin's button.

A `Reminder` row per item and day, under a unique key, makes "never twice for the same item
and day" hold even when the cron and an admin (or two servers) run at the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.models import ClosingReport, Exchange, Organisation, Payment, Reminder, User
from db.types import id_of
from domain.enums import ExchangeState
from domain.i18n import _, day
from services.outbox import notify, organisation_users, partnership_users
from services.permissions import require_admin
from services.rules import rules_lookup


@dataclass(frozen=True)
class Overdue:
    kind: str  # report | payment_order | payment_confirm
    exchange_id: int
    due: date
    visitor_org_id: int
    visitor_partnership_id: int
    visitor_name: str


@dataclass(frozen=True)
class ReminderReport:
    sent: int
    already: int

    def line(self) -> str:
        return f"reminders: {self.sent} sent, {self.already} already sent today"


def overdue_items(session: Session, today: date) -> list[Overdue]:
    """Closing reports and payments past their due day (three queries, any programme size), each
    by the rules version its exchange follows."""
    rules_of = rules_lookup(session)
    items: list[Overdue] = []
    report_limit = today - timedelta(days=min(rules.report_due_days for rules in rules_of.every()))
    late_reports = session.exec(
        select(Exchange, Organisation.legal_name)
        .join(Organisation, Exchange.visitor_org_id == Organisation.id)  # type: ignore[arg-type]
        .where(
            Exchange.state.in_([ExchangeState.READY, ExchangeState.IN_PROGRESS, ExchangeState.REPORTING]),  # type: ignore[attr-defined]
            Exchange.end_date < report_limit,  # type: ignore[operator]
        )
    ).all()
    items += [
        Overdue("report", id_of(x), due, x.visitor_org_id, x.visitor_partnership_id, name)
        for x, name in late_reports
        if today > (due := x.end_date + timedelta(days=rules_of(x).report_due_days))  # type: ignore[operator]
    ]
    accepted = session.exec(
        select(Exchange, Organisation.legal_name, ClosingReport.accepted_at)
        .join(Organisation, Exchange.visitor_org_id == Organisation.id)  # type: ignore[arg-type]
        .join(ClosingReport, ClosingReport.exchange_id == Exchange.id)  # type: ignore[arg-type]
        .where(Exchange.state == ExchangeState.REPORT_ACCEPTED)
    ).all()
    for x, name, accepted_at in accepted:
        due = (accepted_at or x.updated_at).date() + timedelta(days=rules_of(x).payment_days)
        if today > due:
            items.append(Overdue("payment_order", id_of(x), due, x.visitor_org_id, x.visitor_partnership_id, name))
    ordered = session.exec(
        select(Exchange, Organisation.legal_name, Payment.due_date)
        .join(Organisation, Exchange.visitor_org_id == Organisation.id)  # type: ignore[arg-type]
        .join(Payment, Payment.exchange_id == Exchange.id)  # type: ignore[arg-type]
        .where(Exchange.state == ExchangeState.PAYMENT_ORDERED, Payment.due_date < today)  # type: ignore[operator]
    ).all()
    items += [
        Overdue("payment_confirm", id_of(x), due, x.visitor_org_id, x.visitor_partnership_id, name)  # type: ignore[arg-type]
        for x, name, due in ordered
    ]
    return items


def send_reminders(session: Session, *, today: date, actor: User | None = None, system: bool = False) -> ReminderReport:
    """E-mails for every overdue item not yet reminded today; commits."""
    if not system:
        require_admin(actor)
    sent = already = 0
    for item in overdue_items(session, today):
        try:
            with session.begin_nested():
                session.add(Reminder(kind=item.kind, record_id=item.exchange_id, day=today))
        except IntegrityError:
            already += 1
            continue
        _write(session, item)
        sent += 1
    session.commit()
    return ReminderReport(sent, already)


def _write(session: Session, item: Overdue) -> None:
    link = f"exchange?id={item.exchange_id}"
    coordinators = partnership_users(session, item.visitor_partnership_id)
    if item.kind == "report":
        notify(
            session,
            organisation_users(session, item.visitor_org_id) + coordinators,
            subject=lambda: _("Reminder: the closing report of exchange {id} is overdue").format(id=item.exchange_id),
            body=lambda: _(
                "The closing report of {org} was due on {due}. File it with the evidence of the stay so the lump sum "
                "can be paid."
            ).format(org=item.visitor_name, due=day(item.due)),
            kind="reminder",
            link=link,
        )
    else:
        what = _("ordered") if item.kind == "payment_order" else _("confirmed as paid")
        notify(
            session,
            coordinators,
            subject=lambda: _("Reminder: the payment of exchange {id} is overdue").format(id=item.exchange_id),
            body=lambda: _("The lump sum of {org} should have been {what} by {due}.").format(
                org=item.visitor_name, what=what, due=day(item.due)
            ),
            kind="reminder",
            link=link,
        )
