"""Journey 2 in a real browser: after the stay, the Visitor files the closing report with
evidence; its Partnership asks for a change once, then accepts it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import ClosingReport, Evidence, Exchange
from db.types import id_of
from domain.enums import ExchangeState
from services import exchanges
from tests.e2e.conftest import Server, button, choose, log_in, open_page, settle, textbox
from tests.journey import PDF, PNG, agreed_exchange, cast, plan_answers, through_signing


def test_closing_report_is_sent_back_once_then_accepted(server: Server, new_page, tmp_path: Path) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = agreed_exchange(session, c)
        plan = exchanges.save_plan(
            session=session,
            actor=c.visitor,
            exchange_id=id_of(exchange),
            answers=plan_answers(date(2026, 10, 12), date(2026, 10, 16)),
            base_version=None,
        )
        for side in (c.visitor, c.host):
            exchanges.agree_plan(session=session, actor=side, exchange_id=id_of(exchange), version=plan.version)
        for coordinator in (c.vop_coordinator, c.hop_coordinator):
            exchanges.decide_plan(session=session, actor=coordinator, exchange_id=id_of(exchange), approve=True)
        through_signing(session, session.get(Exchange, id_of(exchange)), c)  # type: ignore[arg-type]
        exchange_id = exchange.id
    ticket, invoice = tmp_path / "boarding-pass.png", tmp_path / "hotel-invoice.pdf"
    ticket.write_bytes(PNG)
    invoice.write_bytes(PDF)
    url = f"{server.url}/exchange?id={exchange_id}"

    visitor = new_page("visitor")
    log_in(visitor, server.url, "visitor", "correct-horse-battery-staple")
    open_page(visitor, url)
    expect(visitor.get_by_text("Stay in progress").first).to_be_visible()
    button(visitor, "The stay has ended")
    expect(visitor.get_by_text("Closing report due").first).to_be_visible()

    def add_evidence(kind: str, path: Path) -> None:
        form = visitor.get_by_test_id("stForm")
        choose(visitor, form, "What the file proves", kind)
        form.locator("input[type=file]").set_input_files(str(path))
        expect(visitor.get_by_text(path.name).first).to_be_visible()
        form.get_by_role("button", name="Add this evidence").click()
        settle(visitor)
        expect(visitor.get_by_text(f"{kind}", exact=False).first).to_be_visible()

    add_evidence("Boarding pass or ticket", ticket)
    expect(visitor.get_by_text("boarding-pass.png · Boarding pass or ticket").first).to_be_visible()
    # The report starts from the plan's objectives.
    expect(textbox(visitor, "Objective").first).to_have_value("Learn the pilot-line onboarding process")
    textbox(visitor, "What was achieved").first.fill(
        "We documented the onboarding process and tested it with two SMEs."
    )
    textbox(visitor, "Follow-up actions").fill("A joint proposal in spring and a return visit.")
    button(visitor, "Next")
    expect(visitor.get_by_text("Step 2 of 3").first).to_be_visible()
    visitor.get_by_label(
        "How satisfied is the Visitor with the exchange? (1 = not at all, 5 = very) *", exact=True
    ).fill("5")
    button(visitor, "Next")
    expect(visitor.get_by_text("Check everything before you send it").first).to_be_visible()
    button(visitor, "Send the closing report")
    expect(visitor.get_by_text("Closing report sent").first).to_be_visible()

    coordinator = new_page("vop")
    log_in(coordinator, server.url, "coord.v", "correct-horse-battery-staple")
    expect(coordinator.get_by_text("Closing report to accept").first).to_be_visible()
    open_page(coordinator, url)
    textbox(coordinator, "Comment to the Visitor").fill("Please add the hotel invoice.")
    button(coordinator, "Request changes")
    expect(coordinator.get_by_text("Closing report due").first).to_be_visible()

    open_page(visitor, url)
    add_evidence("Accommodation invoice", invoice)
    expect(visitor.get_by_text("hotel-invoice.pdf · Accommodation invoice").first).to_be_visible()
    for step in ("Step 2 of 3", "Check everything before you send it"):
        button(visitor, "Next")
        expect(visitor.get_by_text(step).first).to_be_visible()
    button(visitor, "Send the closing report")
    expect(visitor.get_by_text("Closing report sent").first).to_be_visible()

    open_page(coordinator, url)
    button(coordinator, "Accept the report")
    expect(coordinator.get_by_text("Closing report accepted").first).to_be_visible()
    with read_session() as session:
        assert session.get(Exchange, exchange_id).state == ExchangeState.REPORT_ACCEPTED  # type: ignore[union-attr]
        report = session.exec(select(ClosingReport)).one()
        files = session.exec(select(Evidence).where(Evidence.closing_report_id == report.id)).all()
    assert sorted(f.filename for f in files) == ["boarding-pass.png", "hotel-invoice.pdf"]
    assert report.answers["visitor_satisfaction"] == 5 and report.accepted_at is not None
