"""Issue 13, item 4 in a real browser: the Visitor changes its IBAN after both signatures of the
Financial Agreement; the agreement is replaced and must be signed again; the payment waits for those
signatures, the coordinator sees the new account (masked) when ordering, and the SEPA file pays it."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from playwright.sync_api import expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Outbox
from db.types import id_of
from domain.enums import DocumentKind
from services import documents, payments
from tests import factories as f
from tests.e2e.conftest import Server, button, log_in, open_page, pick_many, settle, textbox
from tests.journey import GOOD_IBAN_PT, accepted_exchange

NEW_IBAN = "DE89370400440532013000"


def sign(page, party: str, full_name: str) -> None:  # type: ignore[no-untyped-def]
    form = page.get_by_test_id("stForm").filter(has_text=f"Sign as {party}").first
    textbox(form, "Your full name").fill(full_name)
    form.get_by_text("I have read this document and agree to it").click()
    form.get_by_role("button", name=f"Sign as {party}").click()
    expect(page.get_by_role("button", name=f"Sign as {party}")).to_have_count(0)
    settle(page)


def test_a_new_iban_after_signing_is_paid_only_once_the_new_agreement_is_signed(
    server: Server, new_page, tmp_path: Path
) -> None:
    with write_session() as session:
        c, exchange = accepted_exchange(session)
        payments.set_partnership_account(
            session=session, actor=c.vop_coordinator, iban=GOOD_IBAN_PT, bic="CGDIPTPL", holder="Partnership VOP"
        )
        xid, visitor_name, coordinator_name = id_of(exchange), c.visitor.full_name, c.vop_coordinator.full_name
        coordinator_email = c.vop_coordinator.email
    url = f"{server.url}/exchange?id={xid}"

    # The Visitor changes its bank account after both signatures.
    visitor = new_page("visitor")
    log_in(visitor, server.url, "visitor", f.PASSWORD)
    open_page(visitor, f"{server.url}/my_organisation")
    bank = visitor.get_by_test_id("stForm").filter(has_text="Save the bank account")
    textbox(bank, "IBAN").fill("DE89 3704 0044 0532 0130 00")
    textbox(bank, "BIC").fill("COBADEFFXXX")
    bank.get_by_role("button", name="Save the bank account").click()
    expect(visitor.get_by_text("IBAN …3000").first).to_be_visible()

    # The agreement is superseded: version 2 waits for both signatures, and the timeline says why.
    open_page(visitor, url)
    expect(
        visitor.get_by_text("Financial Agreement · version 2 · waiting for: Visitor, Visitor's Partnership").first
    ).to_be_visible()
    expect(visitor.get_by_text("bank account changed: IBAN …0154 → …3000").first).to_be_visible()
    with read_session() as session:
        told = session.exec(select(Outbox).where(Outbox.kind == "bank_account_changed")).all()
        assert coordinator_email in {m.to_email for m in told}

    # The coordinator cannot order the payment yet: the screen says why.
    coordinator = new_page("coordinator")
    log_in(coordinator, server.url, "coord.v", f.PASSWORD)
    open_page(coordinator, f"{server.url}/payments")
    expect(coordinator.get_by_text("the new Financial Agreement waits for its signatures").first).to_be_visible()
    expect(coordinator.get_by_role("button", name="Order payment")).to_be_disabled()

    # Both sign the new version.
    open_page(visitor, url)
    sign(visitor, "Visitor", visitor_name)
    open_page(coordinator, url)
    sign(coordinator, "Visitor's Partnership", coordinator_name)
    expect(coordinator.get_by_text("Financial Agreement · version 2 · signed by all").first).to_be_visible()

    # The payment screen shows the new account, masked, with the day it was given; order, then the SEPA file.
    open_page(coordinator, f"{server.url}/payments")
    expect(
        coordinator.get_by_text("Paid to Łódź Ąna Sousa · IBAN …3000 · BIC COBADEFFXXX; account given on").first
    ).to_be_visible()
    assert NEW_IBAN not in coordinator.content()
    button(coordinator, "Order payment")
    expect(coordinator.get_by_text("No accepted closing report waits for its payment.").first).to_be_visible()
    open_page(coordinator, f"{server.url}/payments")
    pick_many(coordinator, "Payments to export or mark paid", ["1 · Visitor Org · €900.00"])
    button(coordinator, "Prepare the SEPA file")
    with coordinator.expect_download() as caught:
        coordinator.get_by_role("button", name="Download pain.001 (XML)").click()
    path = tmp_path / "pain.xml"
    caught.value.save_as(path)
    root = ElementTree.parse(path).getroot()
    accounts = [node for node in root.iter() if node.tag.endswith("}CdtrAcct")]
    creditor = [iban.text for node in accounts for iban in node.iter() if iban.tag.endswith("}IBAN")]
    assert creditor == [NEW_IBAN]
    with read_session() as session:
        [signed] = [d for d in documents.current_documents(session, xid) if d.kind == DocumentKind.FINANCIAL_AGREEMENT]
        assert signed.version == 2 and signed.payee_iban == NEW_IBAN
