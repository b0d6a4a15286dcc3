"""An activated rules version reaches registration, EOI, matching, plan dates, the queue's due
dates and new Financial Agreements; an exchange approved before keeps the terms frozen then."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from db.engine import write_session
from db.models import Document, Exchange
from db.types import id_of
from domain.enums import Action, DocumentKind, Side
from domain.errors import ValidationFailed
from services import eois, exchanges, payments, rules_admin
from services.queue import coordinator_queue
from services.rules import rules_in_force
from tests import factories as f
from tests.bundled_rules import BUNDLED_TEXT
from tests.journey import accepted_exchange, approved, org_user, plan_answers, through_signing

# Norway joins, Kosovo leaves; 5 working days at least; paid within 20 days; reports due in 15.
NEW = (
    BUNDLED_TEXT.replace('version = "2020"', 'version = "2031"')
    .replace('"AL", "AM", "BA", "IS", "XK",', '"AL", "AM", "BA", "IS", "NO",')
    .replace("min_working_days = 3", "min_working_days = 5")
    .replace("payment_days_after_acceptance = 10", "payment_days_after_acceptance = 20")
    .replace("report_due_days = 30", "report_due_days = 15")
    .replace("XK = 560", "XK = 560\nNO = 1000")
)


def activate(session: Session, admin: object) -> None:
    version = rules_admin.add_rules_version(session=session, actor=admin, text=NEW)  # type: ignore[arg-type]
    rules_admin.activate_rules_version(session=session, actor=admin, version_id=id_of(version))  # type: ignore[arg-type]


def pdf_text(document: Document) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages).split())


def financial_agreement(session: Session, exchange_id: int) -> Document:
    return session.exec(
        select(Document).where(Document.exchange_id == exchange_id, Document.kind == DocumentKind.FINANCIAL_AGREEMENT)
    ).one()


def test_every_part_follows_the_activated_version_and_approved_exchanges_keep_theirs(session: Session) -> None:
    c, before = accepted_exchange(session)  # approved, reported and accepted under version 1
    kosovo = org_user(session, "prishtina", "XK", city="Pristina")
    approved(session, kosovo, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    stranded = org_user(session, "stranded", "XK", city="Pristina")
    three_days = plan_answers(end=date(2027, 3, 3))
    assert exchanges.plan_problems(three_days, "FR", rules_in_force(session)) == {}

    activate(session, c.admin)
    assert rules_in_force(session).version == "2031"

    # Registration: Norway is offered and accepted, Kosovo refused.
    oslo = org_user(session, "oslo", "NO", city="Oslo")
    assert session.get(type(kosovo), oslo.id) is not None
    with pytest.raises(ValidationFailed) as refused:
        org_user(session, "gjakova", "XK", city="Gjakova")
    assert "country" in refused.value.errors
    session.rollback()

    # EOI: an organisation of a country that left cannot start one.
    with pytest.raises(ValidationFailed, match="not a participating country"):
        eois.start_eoi(session=session, actor=stranded, side=Side.VISITOR, partnership_id=c.vop.id)
    session.rollback()

    # Matching: a Host in a country that left cannot be proposed to.
    berlin = org_user(session, "berlin", "DE", city="Berlin")
    approved(session, berlin, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    with pytest.raises(ValidationFailed, match="not a participating country"):
        exchanges.propose_exchange(session=session, actor=berlin, counterpart_org_id=kosovo.organisation_id)
    session.rollback()

    # Plan dates: 4 working days are now too few for a new exchange.
    new = exchanges.propose_exchange(session=session, actor=berlin, counterpart_org_id=c.host.organisation_id)
    exchanges.answer_proposal(session=session, actor=c.host, exchange_id=id_of(new), accept=True)
    short = exchanges.save_plan(
        session=session,
        actor=berlin,
        exchange_id=id_of(new),
        answers=plan_answers(end=date(2027, 3, 4)),
        base_version=None,
    )
    with pytest.raises(ValidationFailed) as too_short:
        exchanges.agree_plan(session=session, actor=berlin, exchange_id=id_of(new), version=short.version)
    assert "at least 5" in too_short.value.errors["exchange_dates"]
    session.rollback()
    plan = exchanges.save_plan(
        session=session, actor=berlin, exchange_id=id_of(new), answers=plan_answers(), base_version=short.version
    )
    for side in (berlin, c.host):
        exchanges.agree_plan(session=session, actor=side, exchange_id=id_of(new), version=plan.version)
    # The Financial Agreement names the Visitor's paying account: on file before the plan is approved.
    payments.set_organisation_account(
        session=session, actor=berlin, iban="DE89370400440532013000", bic="COBADEFFXXX", holder="Berlin GmbH"
    )
    for coordinator in (c.vop_coordinator, c.hop_coordinator):
        new = exchanges.decide_plan(session=session, actor=coordinator, exchange_id=id_of(new), approve=True)
    assert new.rules_version_id != before.rules_version_id

    # A new Financial Agreement states the new payment delay; the earlier one kept its own.
    assert "within 20 days" in pdf_text(financial_agreement(session, id_of(new)))
    assert "within 10 days" in pdf_text(financial_agreement(session, id_of(before)))

    # The exchange approved before keeps its terms: 3 working days were enough, payment within 10 days.
    frozen = rules_in_force(session, before)
    assert (frozen.version, frozen.min_working_days, frozen.payment_days) == ("2020", 3, 10)
    assert exchanges.plan_problems(three_days, "FR", frozen) == {}
    assert "at least 5" in exchanges.plan_problems(three_days, "FR", rules_in_force(session))["exchange_dates"]

    # The queue: the earlier exchange's payment is due 10 days after acceptance (its frozen terms) ...
    [payment] = [i for i in coordinator_queue(session, c.vop_coordinator) if i.kind == "payment"]
    assert payment.record_id == before.id and payment.due == payment.since.date() + timedelta(days=10)  # type: ignore[union-attr]
    # ... the new one's closing report is overdue 15 days after the stay, not 30.
    new = through_signing(session, new, replace(c, visitor=berlin))
    exchanges.mark_stay(
        session=session, actor=berlin, exchange_id=id_of(new), action=Action.END_STAY, today=date(2027, 3, 8)
    )
    late = [
        i for i in coordinator_queue(session, c.vop_coordinator, today=date(2027, 3, 21)) if i.kind == "report_overdue"
    ]
    assert [(i.record_id, i.due) for i in late] == [(new.id, date(2027, 3, 20))]
    assert session.get(Exchange, before.id).rules_version_id == before.rules_version_id  # type: ignore[union-attr]


def test_registration_page_offers_the_countries_in_force(sqlite_url: str) -> None:
    from tests.pages.test_pages import APP

    with write_session() as session:
        admin = f.admin(session)
        activate(session, admin)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/public/register.py").run()
    offered = at.selectbox(key="reg_country").options
    assert "Norway" in offered and "Kosovo" not in offered
