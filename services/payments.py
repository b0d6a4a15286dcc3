"""Bank accounts and the one payment of each exchange: order, SEPA and CSV export, confirmation.

"One payment per exchange" holds three times over: the order is a conditional state change
(report_accepted -> payment_ordered) that only one caller can win, the payment row is
inserted in the same transaction, and a unique constraint refuses a second row anyway.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.audit import append_event
from db.models import ClosingReport, Exchange, Organisation, Partnership, Payment, User
from db.types import id_of, utcnow
from domain.enums import Action, ExchangeState, Party, PaymentState, Role
from domain.errors import NotFound, PermissionDenied, StaleState, ValidationFailed
from domain.i18n import _, long_day, money
from domain.validators import required_text
from domain.workflow import Facts
from services.account_change import rebind_agreements
from services.documents import payment_confirmation_pdf
from services.outbox import notify, organisation_users, partnership_users
from services.paying_account import PayeeAccount, last_signed_account, require_signed_account, signed_account
from services.permissions import load_exchange, require_participant_org
from services.rules import rules_in_force
from services.transitions import apply_transition


@dataclass(frozen=True)
class BankAccount:
    iban: str
    bic: str
    holder: str


def check_bank_account(iban: str, bic: str, holder: str) -> BankAccount:
    """Validated offline with schwifty; each problem is named in words."""
    errors: dict[str, str] = {}
    clean_iban = clean_bic = ""
    try:
        parsed = IBAN(iban or "")
        clean_iban = parsed.compact
    except SchwiftyException as exc:
        errors["iban"] = _(
            "This IBAN is not valid ({problem}); copy it from a bank statement, e.g. PT50 0002 0123 1234 5678 9015 4."
        ).format(problem=str(exc).rstrip("."))
    if bic and bic.strip():
        try:
            clean_bic = str(BIC(bic.strip()))
        except SchwiftyException as exc:
            errors["bic"] = _(
                "This BIC is not valid ({problem}); it has 8 or 11 letters and digits, e.g. CGDIPTPL."
            ).format(problem=str(exc).rstrip("."))
    elif not errors:
        derived = parsed.bic  # many banks' BICs follow from the IBAN
        if derived is None:
            errors["bic"] = _("Please give the BIC of this bank.")
        else:
            clean_bic = str(derived)
    if not errors and clean_bic and clean_iban[:2] != clean_bic[4:6] and clean_iban[:2] not in {"MC", "SM", "VA"}:
        errors["bic"] = _("The BIC belongs to a bank in {bic_country}, the IBAN to one in {iban_country}.").format(
            bic_country=clean_bic[4:6], iban_country=clean_iban[:2]
        )
    problem = required_text(holder, max_length=70, min_length=2)
    if problem:
        errors["holder"] = problem
    if errors:
        raise ValidationFailed(errors)
    return BankAccount(clean_iban, clean_bic, " ".join(holder.split()))


def _store_account(
    session: Session, actor: User, owner: Organisation | Partnership, entity_type: str, iban: str, bic: str, holder: str
) -> bool:
    """Check, store and audit a bank account (only its last four digits go into the audit log); caller commits.
    True when the account differs from the one on file."""
    account = check_bank_account(iban, bic, holder)
    changed = (owner.iban, owner.bic, owner.account_holder) != (account.iban, account.bic, account.holder)
    owner.iban, owner.bic, owner.account_holder = account.iban, account.bic, account.holder
    if changed and isinstance(owner, Organisation):
        owner.account_set_at = utcnow()
    session.add(owner)
    append_event(
        session,
        actor=actor,
        entity_type=entity_type,
        entity_id=id_of(owner),
        action="set_bank_account",
        comment=f"…{account.iban[-4:]}",
    )
    return changed


def set_organisation_account(*, session: Session, actor: User, iban: str, bic: str, holder: str) -> Organisation:
    """The Visitor's account on file; a change replaces every open Financial Agreement naming another one."""
    organisation = require_participant_org(session, actor)
    if _store_account(session, actor, organisation, "organisation", iban, bic, holder):
        session.flush()
        rebind_agreements(session, actor, organisation)
    session.commit()
    return organisation


def set_partnership_account(*, session: Session, actor: User, iban: str, bic: str, holder: str) -> Partnership:
    """The paying account of the coordinator's own Partnership."""
    if actor.role != Role.COORDINATOR or actor.partnership_id is None:
        raise PermissionDenied(_("Only a coordinator of the Partnership sets its paying account."))
    partnership = session.get(Partnership, actor.partnership_id)
    if partnership is None:
        raise NotFound(_("Your Partnership no longer exists."))
    _store_account(session, actor, partnership, "partnership", iban, bic, holder)
    session.commit()
    return partnership


def order_payment(*, session: Session, actor: User, exchange_id: int) -> Payment:
    """Order the lump sum, once: a second order, a double click or a second server is told so."""
    exchange, parties = load_exchange(session, actor, exchange_id)
    if Party.VISITOR_PARTNERSHIP not in parties:
        raise PermissionDenied(_("Only the Visitor's Partnership orders the payment."))
    if exchange.state != ExchangeState.REPORT_ACCEPTED:
        existing = session.exec(select(Payment).where(Payment.exchange_id == exchange_id)).first()
        if existing is not None:
            raise StaleState(
                _("The payment of this exchange was already ordered on {day}.").format(
                    day=long_day(existing.ordered_at.date())
                )
            )
    account = require_signed_account(session, exchange_id)
    if exchange.lump_sum_cents is None:
        raise ValidationFailed({"amount": _("This exchange has no lump sum yet.")})
    report = session.exec(select(ClosingReport).where(ClosingReport.exchange_id == exchange_id)).first()
    accepted = report.accepted_at.date() if report and report.accepted_at else date.today()
    apply_transition(
        session, exchange, Action.ORDER_PAYMENT, parties={Party.VISITOR_PARTNERSHIP}, actor=actor, facts=Facts()
    )
    payment = Payment(
        exchange_id=exchange_id,
        partnership_id=exchange.visitor_partnership_id,
        amount_cents=exchange.lump_sum_cents,
        ordered_by_user_id=id_of(actor),
        due_date=accepted + timedelta(days=rules_in_force(session, exchange).payment_days),
    )
    session.add(payment)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise StaleState(_("The payment of this exchange was already ordered.")) from exc
    notify(
        session,
        organisation_users(session, exchange.visitor_org_id),
        subject=lambda: _("Your lump sum is ordered"),
        body=lambda: _(
            "{amount} will be paid by {due} to the account of your signed Financial Agreement ({account})."
        ).format(
            amount=money(payment.amount_cents),
            due=long_day(payment.due_date),  # type: ignore[arg-type]
            account=account.masked(),
        ),
        kind="payment_ordered",
        link=f"exchange?id={exchange_id}",
    )
    session.commit()
    return payment


def _payments_of(session: Session, actor: User, payment_ids: list[int]) -> list[tuple[Payment, Exchange, Organisation]]:
    if actor.role != Role.COORDINATOR or actor.partnership_id is None:
        raise PermissionDenied(_("Only coordinators of the paying Partnership handle payments."))
    rows = session.exec(
        select(Payment, Exchange, Organisation)
        .join(Exchange, Payment.exchange_id == Exchange.id)  # type: ignore[arg-type]
        .join(Organisation, Exchange.visitor_org_id == Organisation.id)  # type: ignore[arg-type]
        .where(Payment.id.in_(payment_ids), Payment.partnership_id == actor.partnership_id)  # type: ignore[union-attr]
    ).all()
    if len(rows) != len(set(payment_ids)) or not rows:
        raise NotFound(_("Choose payments of your own Partnership."))
    return list(rows)


def sepa_file(*, session: Session, actor: User, payment_ids: list[int], execution_date: date) -> bytes:
    """A pain.001.001.03 credit transfer of the chosen ordered payments, checked against its schema."""
    rows = _payments_of(session, actor, payment_ids)
    partnership = session.get(Partnership, actor.partnership_id)
    if partnership is None or not partnership.iban:
        raise ValidationFailed({"iban": _("Add your Partnership's paying account (IBAN and BIC) first.")})
    transfer = SepaTransfer(
        {
            "name": partnership.account_holder or partnership.name,
            "IBAN": partnership.iban,
            "BIC": partnership.bic,
            "batch": True,
            "currency": "EUR",
        },
        clean=True,
    )
    for payment, exchange, _visitor in rows:
        if payment.state == PaymentState.PAID:
            raise ValidationFailed({"payments": _("Payment {id} is paid already.").format(id=payment.id)})
        # The account the signed agreement names, never the one on file now.
        account = require_signed_account(session, id_of(exchange))
        transfer.add_payment(
            {
                "name": account.holder,
                "IBAN": account.iban,
                "BIC": account.bic,
                "amount": payment.amount_cents,
                "execution_date": execution_date,
                "description": f"ClusterXchange lump sum exchange {exchange.id}",
            }
        )
    xml = transfer.export(validate=True)
    now = utcnow()
    for payment, _exchange, _visitor in rows:
        if payment.state == PaymentState.ORDERED:
            payment.state, payment.exported_at = PaymentState.EXPORTED, now
            session.add(payment)
    append_event(
        session,
        actor=actor,
        entity_type="partnership",
        entity_id=actor.partnership_id,  # type: ignore[arg-type]
        action="export_sepa",
        comment=",".join(str(p.id) for p, _e, _v in rows),
    )
    session.commit()
    return xml


def payments_csv(*, session: Session, actor: User, payment_ids: list[int]) -> str:
    from services.exports import formula_safe

    rows = _payments_of(session, actor, payment_ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "payment",
            "exchange",
            "visitor",
            "account_holder",
            "iban",
            "bic",
            "amount_eur",
            "state",
            "due_date",
            "paid_on",
            "reference",
        ]
    )
    for payment, exchange, visitor in rows:
        # Blank while a replaced agreement waits for its signatures: nothing to pay to yet.
        account = signed_account(session, id_of(exchange)) or PayeeAccount("", "", "", None)
        writer.writerow(
            [
                formula_safe(cell)
                for cell in (
                    payment.id,
                    exchange.id,
                    visitor.legal_name,
                    account.holder,
                    account.iban,
                    account.bic,
                    f"{payment.amount_cents / 100:.2f}",
                    payment.state.value,
                    payment.due_date.isoformat() if payment.due_date else "",
                    payment.paid_at.date().isoformat() if payment.paid_at else "",
                    payment.bank_reference,
                )
            ]
        )
    return buffer.getvalue()


def confirm_payments(
    *, session: Session, actor: User, payment_ids: list[int], paid_on: date, reference: str
) -> list[Payment]:
    """Mark a batch (or one) paid with the date and the bank's reference; the exchanges become paid."""
    reference = reference.strip()
    if not reference or len(reference) > 100:
        raise ValidationFailed({"reference": _("Give the bank's reference of the transfer (at most 100 characters).")})
    if paid_on > date.today():
        raise ValidationFailed({"paid_on": _("The payment date cannot be in the future.")})
    rows = _payments_of(session, actor, payment_ids)
    paid_at = utcnow().replace(year=paid_on.year, month=paid_on.month, day=paid_on.day)
    for payment, exchange, visitor in rows:
        if payment.state == PaymentState.PAID:
            raise ValidationFailed({"payments": _("Payment {id} is paid already.").format(id=payment.id)})
        apply_transition(
            session,
            exchange,
            Action.CONFIRM_PAYMENT,
            parties={Party.VISITOR_PARTNERSHIP},
            actor=actor,
            comment=reference,
        )
        payment.state, payment.paid_at, payment.bank_reference = PaymentState.PAID, paid_at, reference
        session.add(payment)
        account = last_signed_account(session, id_of(exchange))
        if account is None:
            raise ValidationFailed(
                {"payments": _("Exchange {id} has no signed Financial Agreement.").format(id=exchange.id)}
            )
        payment_confirmation_pdf(session, exchange, payment.amount_cents, paid_on.isoformat(), reference, account)
        notify(
            session,
            organisation_users(session, id_of(visitor)),
            subject=lambda: _("Your lump sum is paid"),
            body=lambda cents=payment.amount_cents: _("{amount} was paid on {day} (reference {ref}).").format(
                amount=money(cents), day=long_day(paid_on), ref=reference
            ),
            kind="payment_paid",
            link=f"exchange?id={exchange.id}",
        )
        notify(
            session,
            partnership_users(session, exchange.host_partnership_id),
            subject=lambda: _("An exchange you supervise is paid"),
            body=lambda exchange_id=exchange.id: _("Exchange {id} is complete.").format(id=exchange_id),
            kind="payment_paid_host",
            link=f"exchange?id={exchange.id}",
        )
    session.commit()
    return [payment for payment, _e, _v in rows]


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    exchange_id: int
    visitor: str
    overdue: bool


def partnership_payments(session: Session, actor: User) -> list[PaymentRow]:
    rows = session.exec(
        select(Payment, Exchange, Organisation)
        .join(Exchange, Payment.exchange_id == Exchange.id)  # type: ignore[arg-type]
        .join(Organisation, Exchange.visitor_org_id == Organisation.id)  # type: ignore[arg-type]
        .where(Payment.partnership_id == actor.partnership_id)
        .order_by(Payment.due_date)
    ).all()
    today = date.today()
    return [
        PaymentRow(
            p, id_of(e), o.legal_name, p.state != PaymentState.PAID and p.due_date is not None and p.due_date < today
        )
        for p, e, o in rows
    ]


@dataclass(frozen=True)
class OrderRow:
    exchange: Exchange
    visitor: Organisation
    account: PayeeAccount | None  # of the signed agreement; None while a replaced one waits for signatures


def to_order(session: Session, actor: User) -> list[OrderRow]:
    """Accepted reports waiting for the order, each with the account the payment would go to."""
    rows = session.exec(
        select(Exchange, Organisation)
        .join(Organisation, Exchange.visitor_org_id == Organisation.id)  # type: ignore[arg-type]
        .where(Exchange.state == ExchangeState.REPORT_ACCEPTED, Exchange.visitor_partnership_id == actor.partnership_id)
        .order_by(Exchange.updated_at)
    )
    return [OrderRow(exchange, visitor, signed_account(session, id_of(exchange))) for exchange, visitor in rows]


def payment_of(session: Session, exchange_id: int) -> Payment | None:
    return session.exec(select(Payment).where(Payment.exchange_id == exchange_id)).first()
