"""The closing report with evidence, through the service functions."""

from datetime import date

import pytest
from sqlmodel import Session, select

from db.models import ClosingReport, Exchange
from db.types import id_of
from domain.enums import Action, ExchangeState
from domain.errors import PermissionDenied, UploadRefused, ValidationFailed
from domain.workflow import TransitionRefused
from services import exchanges, reports
from tests.journey import PDF, PNG, agreed_exchange, approved_plan, cast, through_signing

REPORT = {
    "results": [{"objective": "Learn the onboarding process", "result": "We wrote it down and will pilot it."}],
    "follow_up": "A joint Interreg proposal in spring.",
    "visitor_satisfaction": 5,
}


@pytest.fixture
def reporting(session: Session):
    c = cast(session)
    exchange = through_signing(session, approved_plan(session, c, agreed_exchange(session, c)), c)
    exchanges.mark_stay(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), action=Action.END_STAY, today=date(2027, 3, 6)
    )
    return c, exchange


def test_stay_cannot_end_before_its_last_day(session: Session) -> None:
    c = cast(session)
    exchange = through_signing(session, approved_plan(session, c, agreed_exchange(session, c)), c)
    with pytest.raises(TransitionRefused, match="not ended"):
        exchanges.mark_stay(
            session=session,
            actor=c.visitor,
            exchange_id=id_of(exchange),
            action=Action.END_STAY,
            today=date(2027, 3, 5),
        )


def test_report_needs_evidence_then_changes_then_acceptance(session: Session, reporting) -> None:
    c, exchange = reporting
    assert session.get(Exchange, exchange.id).state == ExchangeState.REPORTING
    reports.save_report_draft(session=session, actor=c.visitor, exchange_id=exchange.id, answers={"follow_up": "draft"})
    with pytest.raises(ValidationFailed) as caught:
        reports.submit_report(session=session, actor=c.visitor, exchange_id=exchange.id, answers=REPORT)
    assert "evidence" in caught.value.errors
    session.rollback()
    with pytest.raises(UploadRefused):
        reports.add_evidence(
            session=session,
            actor=c.visitor,
            exchange_id=exchange.id,
            evidence_type="Travel invoice",
            filename="invoice.pdf",
            content=b"MZ\x90\x00 an executable",
        )
    evidence = reports.add_evidence(
        session=session,
        actor=c.visitor,
        exchange_id=exchange.id,
        evidence_type="Boarding pass or ticket",
        filename="boarding.png",
        content=PNG,
    )
    assert evidence.mime_type == "image/png"
    reports.submit_report(session=session, actor=c.visitor, exchange_id=exchange.id, answers=REPORT)
    with pytest.raises(PermissionDenied):
        reports.add_evidence(
            session=session,
            actor=c.visitor,
            exchange_id=exchange.id,
            evidence_type="Other",
            filename="x.pdf",
            content=PDF,
        )
    reports.save_host_feedback(
        session=session,
        actor=c.host,
        exchange_id=exchange.id,
        answers={"host_satisfaction": 4, "feedback": "Great guests"},
    )
    with pytest.raises(TransitionRefused):
        reports.decide_report(session=session, actor=c.hop_coordinator, exchange_id=exchange.id, accept=True)
    session.rollback()
    reports.decide_report(
        session=session,
        actor=c.vop_coordinator,
        exchange_id=exchange.id,
        accept=False,
        comment="Add the hotel invoice.",
    )
    assert session.get(Exchange, exchange.id).state == ExchangeState.REPORTING
    reports.add_evidence(
        session=session,
        actor=c.visitor,
        exchange_id=exchange.id,
        evidence_type="Accommodation invoice",
        filename="hotel.pdf",
        content=PDF,
    )
    reports.submit_report(session=session, actor=c.visitor, exchange_id=exchange.id, answers=REPORT)
    reports.decide_report(session=session, actor=c.vop_coordinator, exchange_id=exchange.id, accept=True)
    session.expire_all()
    assert session.get(Exchange, exchange.id).state == ExchangeState.REPORT_ACCEPTED
    report = session.exec(select(ClosingReport)).one()
    assert (
        report.accepted_at is not None
        and report.answers["host_satisfaction"] == 4
        and report.host_feedback == "Great guests"
    )
    assert len(reports.evidence_of(session, id_of(report))) == 2


def test_host_cannot_file_the_report(session: Session, reporting) -> None:
    c, exchange = reporting
    with pytest.raises(PermissionDenied):
        reports.submit_report(session=session, actor=c.host, exchange_id=exchange.id, answers=REPORT)


def test_bad_report_answers_name_the_fields(session: Session, reporting) -> None:
    c, exchange = reporting
    reports.add_evidence(
        session=session, actor=c.visitor, exchange_id=exchange.id, evidence_type="Other", filename="x.pdf", content=PDF
    )
    with pytest.raises(ValidationFailed) as caught:
        reports.submit_report(
            session=session,
            actor=c.visitor,
            exchange_id=exchange.id,
            answers={**REPORT, "visitor_satisfaction": 9, "results": [{"objective": "x", "result": ""}]},
        )
    assert "largest allowed value is 5" in caught.value.errors["visitor_satisfaction"]
    assert "results.0.result" in caught.value.errors
