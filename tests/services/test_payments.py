"""Bank accounts, the one payment per exchange, SEPA and CSV files, confirmation."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier
from xml.etree import ElementTree

import pytest
from sqlmodel import Session, select

from db.engine import write_session
from db.models import AuditEvent, Exchange, Organisation, Payment
from db.types import id_of
from domain.enums import ExchangeState, PaymentState
from domain.errors import PermissionDenied, StaleState, ValidationFailed
from domain.workflow import TransitionRefused
from services import payments
from tests.journey import GOOD_IBAN_PT, accepted_exchange, agreed_exchange, cast

GOOD_IBAN_DE = "DE89370400440532013000"


@pytest.mark.parametrize(
    ("iban", "bic", "field", "words"),
    [
        ("PT50000201231234567890155", "", "iban", "not valid"),  # checksum
        ("XX89370400440532013000", "", "iban", "not valid"),  # country
        ("DE8937040044053201300", "", "iban", "not valid"),  # length
        (GOOD_IBAN_DE, "NOTABIC", "bic", "not valid"),
        (GOOD_IBAN_DE, "CGDIPTPL", "bic", "belongs to a bank in PT"),
        ("", "", "iban", "not valid"),
    ],
)
def test_bad_bank_details_name_the_problem(iban: str, bic: str, field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        payments.check_bank_account(iban, bic, "Porto Digital Cluster")
    assert words in caught.value.errors[field]


def test_good_bank_details_are_normalised() -> None:
    account = payments.check_bank_account("de89 3704 0044 0532 0130 00", "", "  Ana   Sousa ")
    assert (account.iban, account.holder) == (GOOD_IBAN_DE, "Ana Sousa") and account.bic.startswith("COBADE")


def test_order_once_then_refused_with_words(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    with pytest.raises(PermissionDenied):
        payments.order_payment(session=session, actor=c.hop_coordinator, exchange_id=id_of(exchange))
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    assert payment.amount_cents == exchange.lump_sum_cents == 90000
    assert payment.due_date is not None
    with pytest.raises(StaleState, match="already ordered"):
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    assert len(session.exec(select(Payment)).all()) == 1


def test_the_order_follows_the_signed_agreement_not_the_profile(session: Session) -> None:
    """An account on file edited behind the services' back changes nothing: the agreement's account is paid."""
    c, exchange = accepted_exchange(session)
    organisation = session.get(Organisation, exchange.visitor_org_id)
    organisation.iban = ""  # type: ignore[union-attr]
    session.add(organisation)
    session.commit()
    payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    [row] = payments.partnership_payments(session, c.vop_coordinator)
    table = payments.payments_csv(session=session, actor=c.vop_coordinator, payment_ids=[id_of(row.payment)])
    assert GOOD_IBAN_PT in table


def test_no_order_before_the_report_is_accepted(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    payments.set_organisation_account(
        session=session, actor=c.visitor, iban=GOOD_IBAN_PT, bic="CGDIPTPL", holder="Ana Sousa"
    )
    with pytest.raises((TransitionRefused, ValidationFailed)):
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))


def test_fifty_simultaneous_orders_make_exactly_one_payment(session: Session, database_url: str) -> None:
    c, exchange = accepted_exchange(session)
    barrier = Barrier(50)

    def order(_: int) -> str:
        barrier.wait()
        try:
            with write_session() as own:
                payments.order_payment(session=own, actor=c.vop_coordinator, exchange_id=id_of(exchange))
            return "ordered"
        except (StaleState, TransitionRefused):
            return "refused"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(order, range(50)))
    assert outcomes.count("ordered") == 1 and outcomes.count("refused") == 49
    session.expire_all()
    assert len(session.exec(select(Payment)).all()) == 1
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "order_payment")).all()
    assert len(events) == 1
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.PAYMENT_ORDERED  # type: ignore[union-attr]


def test_sepa_file_validates_and_csv_reads_back_then_batch_is_paid(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    with pytest.raises(ValidationFailed, match="paying account"):
        payments.sepa_file(
            session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)], execution_date=date(2027, 4, 1)
        )
    payments.set_partnership_account(
        session=session, actor=c.vop_coordinator, iban=GOOD_IBAN_DE, bic="", holder="Partnership VOP"
    )
    xml = payments.sepa_file(
        session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)], execution_date=date(2027, 4, 1)
    )
    root = ElementTree.fromstring(xml)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert root.find(".//p:CtrlSum", ns).text == "900.00"  # type: ignore[union-attr]
    assert root.find(".//p:CdtrAcct/p:Id/p:IBAN", ns).text == GOOD_IBAN_PT  # type: ignore[union-attr]
    assert root.find(".//p:Cdtr/p:Nm", ns).text == "Lodz Ana Sousa"  # SEPA character set  # type: ignore[union-attr]
    session.expire_all()
    assert session.get(Payment, id_of(payment)).state == PaymentState.EXPORTED  # type: ignore[union-attr]
    table = list(
        csv.DictReader(
            io.StringIO(payments.payments_csv(session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)]))
        )
    )
    assert table[0]["amount_eur"] == "900.00" and table[0]["iban"] == GOOD_IBAN_PT
    with pytest.raises(ValidationFailed):
        payments.confirm_payments(
            session=session,
            actor=c.vop_coordinator,
            payment_ids=[id_of(payment)],
            paid_on=date(2027, 4, 1),
            reference=" ",
        )
    payments.confirm_payments(
        session=session,
        actor=c.vop_coordinator,
        payment_ids=[id_of(payment)],
        paid_on=date(2026, 11, 20),
        reference="BANK-0042",
    )
    session.expire_all()
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.PAID  # type: ignore[union-attr]
    assert session.get(Payment, id_of(payment)).bank_reference == "BANK-0042"  # type: ignore[union-attr]


def test_other_partnerships_cannot_touch_a_payment(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    with pytest.raises(Exception, match="own Partnership"):
        payments.confirm_payments(
            session=session,
            actor=c.hop_coordinator,
            payment_ids=[id_of(payment)],
            paid_on=date(2026, 11, 20),
            reference="X",
        )


def test_payments_csv_never_holds_a_live_spreadsheet_formula(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    visitor = session.get(Organisation, exchange.visitor_org_id)
    visitor.legal_name = '=HYPERLINK("http://evil.example")'  # type: ignore[union-attr]
    session.add(visitor)
    session.commit()
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    rows = list(
        csv.DictReader(
            io.StringIO(payments.payments_csv(session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)]))
        )
    )
    assert rows[0]["visitor"].startswith("'=HYPERLINK") and rows[0]["amount_eur"] == "900.00"
