"""The paying account belongs to the signed Financial Agreement: printed in it, kept with it, paid to;
a change of account replaces open agreements, tells the Visitor's Partnership and shows on the timeline."""

from __future__ import annotations

import io
from datetime import date
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from db.models import AuditEvent, Document, Exchange, Outbox, Payment
from db.types import id_of
from domain.enums import DocumentKind, ExchangeState, Party
from domain.errors import ValidationFailed
from domain.i18n import long_day
from services import documents, paying_account, payments
from services.queue import coordinator_queue
from services.timeline import timeline
from services.todo import participant_todos
from tests.journey import GOOD_IBAN_PT, Cast, accepted_exchange, agreed_exchange, approved_plan, cast, sign_all

NEW_IBAN, NEW_BIC = "DE89370400440532013000", "COBADEFFXXX"
FA, SIGNED_FA = DocumentKind.FINANCIAL_AGREEMENT, DocumentKind.SIGNED_FINANCIAL_AGREEMENT


def text_of(pdf: bytes | None) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf or b"")).pages).split())


def current(session: Session, exchange_id: int, kind: DocumentKind) -> Document:
    [document] = [d for d in documents.current_documents(session, exchange_id) if d.kind == kind]
    return document


def change_account(session: Session, c: Cast, iban: str = NEW_IBAN, bic: str = NEW_BIC) -> None:
    payments.set_organisation_account(session=session, actor=c.visitor, iban=iban, bic=bic, holder="Ana Sousa")


def sign_agreement(session: Session, c: Cast, exchange_id: int, parties: tuple[Party, ...]) -> None:
    agreement = current(session, exchange_id, FA)
    for party in parties:
        user = c.visitor if party == Party.VISITOR else c.vop_coordinator
        documents.sign_document(
            session=session,
            actor=user,
            document_id=id_of(agreement),
            party=party,
            typed_name=user.full_name,
            agreed=True,
            shown_sha256=agreement.sha256,
        )


def sepa_ibans(session: Session, c: Cast, payment: Payment) -> list[str]:
    xml = payments.sepa_file(
        session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)], execution_date=date(2027, 4, 1)
    )
    root = ElementTree.fromstring(xml)
    return [e.text or "" for e in root.iter() if e.tag.endswith("}IBAN")]


def with_partnership_account(session: Session, c: Cast) -> None:
    payments.set_partnership_account(
        session=session, actor=c.vop_coordinator, iban="PT50000201231234567890154", bic="CGDIPTPL", holder="VOP"
    )


def test_without_the_visitors_account_the_agreement_waits_and_says_where_to_add_it(session: Session) -> None:
    c = cast(session, visitor_account=False)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    assert exchange.state == ExchangeState.PLAN_APPROVED
    assert documents.current_documents(session, id_of(exchange)) == []
    with pytest.raises(ValidationFailed) as refused:
        documents.generate_documents(session, exchange, c.vop_coordinator)
    assert "“My organisation”" in refused.value.errors["iban"] and "IBAN and BIC" in refused.value.errors["iban"]
    assert "Add your bank account" in [t.title for t in participant_todos(session, c.visitor)]
    asked = session.exec(select(Outbox).where(Outbox.kind == "account_needed")).all()
    assert [m.to_email for m in asked] == [c.visitor.email] and "My organisation" in asked[0].body
    # Saving the account generates the documents, with the account in the agreement.
    change_account(session, c)
    session.refresh(exchange)
    assert exchange.state == ExchangeState.SIGNING
    agreement = current(session, id_of(exchange), FA)
    assert paying_account.of_document(agreement) is not None
    assert (agreement.payee_iban, agreement.payee_bic, agreement.payee_holder) == (NEW_IBAN, NEW_BIC, "Ana Sousa")
    assert agreement.payee_account_set_at is not None


def test_the_agreement_prints_holder_iban_and_bic_and_keeps_them(session: Session) -> None:
    c = cast(session)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    agreement = current(session, id_of(exchange), FA)
    text = text_of(agreement.content)
    assert "Łódź Ąna Sousa" in text and GOOD_IBAN_PT in text and "CGDIPTPL" in text
    assert "not given yet" not in text
    assert (agreement.payee_iban, agreement.payee_bic) == (GOOD_IBAN_PT, "CGDIPTPL")
    # The Commitment to Quality names no account.
    assert GOOD_IBAN_PT not in text_of(current(session, id_of(exchange), DocumentKind.COMMITMENT_TO_QUALITY).content)


def test_a_change_after_both_signatures_replaces_the_agreement_tells_and_shows(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    xid = id_of(exchange)
    old_agreement, old_copy = current(session, xid, FA), current(session, xid, SIGNED_FA)
    mails_before = len(session.exec(select(Outbox)).all())
    change_account(session, c)
    session.refresh(exchange)
    assert exchange.state == ExchangeState.REPORT_ACCEPTED  # the exchange does not move back
    session.refresh(old_agreement)
    session.refresh(old_copy)
    assert old_agreement.superseded_at is not None and old_copy.superseded_at is not None
    new = current(session, xid, FA)
    assert new.version == old_agreement.version + 1 and documents.signatures_of(session, id_of(new)) == []
    assert NEW_IBAN in text_of(new.content) and GOOD_IBAN_PT not in text_of(new.content)
    assert not [d for d in documents.current_documents(session, xid) if d.kind == SIGNED_FA]
    # The Visitor's Partnership's coordinators are told, and the Visitor's people.
    told = session.exec(select(Outbox).where(Outbox.kind == "bank_account_changed")).all()
    assert {m.to_email for m in told} == {c.vop_coordinator.email, c.visitor.email}
    coordinator_mail = next(m for m in told if m.to_email == c.vop_coordinator.email)
    assert "…3000" in coordinator_mail.body and f"exchange {xid}" in coordinator_mail.body
    assert GOOD_IBAN_PT not in coordinator_mail.body and NEW_IBAN not in coordinator_mail.body  # masked
    assert len(session.exec(select(Outbox)).all()) > mails_before
    # On the timeline and in the audit.
    [entry] = [e for e in timeline(session, "exchange", xid) if e.action == "bank_account_changed"]
    assert "…0154 → …3000" in entry.comment and f"CXC-{xid}-FA-v2" in entry.comment
    assert session.exec(
        select(AuditEvent).where(AuditEvent.entity_type == "organisation", AuditEvent.action == "set_bank_account")
    ).all()


def test_no_payment_until_the_new_agreement_is_signed_then_the_new_account_is_paid(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    xid = id_of(exchange)
    with_partnership_account(session, c)
    change_account(session, c)
    with pytest.raises(ValidationFailed, match="signed"):
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=xid)
    [row] = payments.to_order(session, c.vop_coordinator)
    assert row.account is None
    # Both signers are shown what waits on them.
    assert "Sign the new Financial Agreement" in [t.title for t in participant_todos(session, c.visitor)]
    assert "Sign the new Financial Agreement" not in [t.title for t in participant_todos(session, c.host)]
    assert "signature" in [i.kind for i in coordinator_queue(session, c.vop_coordinator)]
    assert "signature" not in [i.kind for i in coordinator_queue(session, c.hop_coordinator)]
    sign_agreement(session, c, xid, (Party.VISITOR,))
    with pytest.raises(ValidationFailed, match="signed"):  # one signature is not enough
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=xid)
    sign_agreement(session, c, xid, (Party.VISITOR_PARTNERSHIP,))
    assert current(session, xid, SIGNED_FA).version == 2  # sealed copy of the new version
    [row] = payments.to_order(session, c.vop_coordinator)
    assert row.account is not None and row.account.masked() == f"Ana Sousa · IBAN …3000 · BIC {NEW_BIC}"
    assert row.account.set_on() == long_day(date.today())
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=xid)
    assert sepa_ibans(session, c, payment)[-1] == NEW_IBAN
    assert GOOD_IBAN_PT not in sepa_ibans(session, c, payment)[1:]
    [entry] = [e for e in timeline(session, "exchange", xid) if e.action == "agreement_signed_again"]
    assert "…3000" in entry.comment


def test_a_change_after_the_order_holds_the_sepa_file_until_signed_again(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    xid = id_of(exchange)
    with_partnership_account(session, c)
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=xid)
    assert sepa_ibans(session, c, payment)[-1] == GOOD_IBAN_PT
    change_account(session, c)
    with pytest.raises(ValidationFailed, match="signed by the Visitor and its Partnership"):
        sepa_ibans(session, c, payment)
    sign_agreement(session, c, xid, (Party.VISITOR, Party.VISITOR_PARTNERSHIP))
    assert sepa_ibans(session, c, payment)[-1] == NEW_IBAN
    session.refresh(exchange)
    assert exchange.state == ExchangeState.PAYMENT_ORDERED


def test_a_change_during_signing_replaces_a_half_signed_agreement(session: Session) -> None:
    c = cast(session)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    xid = id_of(exchange)
    sign_agreement(session, c, xid, (Party.VISITOR,))
    change_account(session, c)
    new = current(session, xid, FA)
    assert new.version == 2 and new.payee_iban == NEW_IBAN
    assert session.exec(select(Outbox).where(Outbox.kind == "bank_account_changed")).all()
    exchange = sign_all(session, c, exchange)
    assert exchange.state == ExchangeState.READY
    assert paying_account.signed_account(session, xid).iban == NEW_IBAN  # type: ignore[union-attr]


def test_saving_the_same_account_again_changes_nothing(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    before = current(session, id_of(exchange), FA)
    change_account(session, c, GOOD_IBAN_PT, "CGDIPTPL")  # another holder: that is a change
    assert current(session, id_of(exchange), FA).version == before.version + 1
    again = current(session, id_of(exchange), FA)
    change_account(session, c, GOOD_IBAN_PT, "CGDIPTPL")
    assert current(session, id_of(exchange), FA).id == again.id
    assert len(session.exec(select(Outbox).where(Outbox.kind == "bank_account_changed")).all()) == 2  # once, to two


def test_paid_and_cancelled_exchanges_keep_their_agreement(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    xid = id_of(exchange)
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=xid)
    payments.confirm_payments(
        session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)], paid_on=date.today(), reference="R1"
    )
    paid_to = text_of(current(session, xid, DocumentKind.PAYMENT_CONFIRMATION).content)
    assert GOOD_IBAN_PT in paid_to
    before = current(session, xid, FA)
    change_account(session, c)
    assert current(session, xid, FA).id == before.id
    assert session.get(Exchange, xid).state == ExchangeState.PAID  # type: ignore[union-attr]
    assert not session.exec(select(AuditEvent).where(col(AuditEvent.action) == "bank_account_changed")).all()


def test_the_hosts_account_change_touches_no_agreement(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    before = current(session, id_of(exchange), FA)
    payments.set_organisation_account(session=session, actor=c.host, iban=NEW_IBAN, bic=NEW_BIC, holder="Louis")
    assert current(session, id_of(exchange), FA).id == before.id
