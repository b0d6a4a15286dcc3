"""The whole programme in a real browser, with four people: a Visitor in Portugal and a Host in
France, supervised by two different Partnerships, go from registration to an approved action
plan (one change request on the Visitor's expression of interest, one on the plan), sign the
Commitment to Quality and the Financial Agreement, live the stay, file the closing report, and
the lump sum is ordered and paid; the amount shown is checked at each step."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import select

from db.engine import data_dir, read_session, write_session
from db.models import EOI, ActionPlan, Exchange, Payment
from db.types import id_of
from documents.seal import check_seal
from domain.enums import EOIState, ExchangeState
from services.documents import verify_pdf
from tests import factories as f
from tests.e2e.conftest import (
    Server,
    button,
    choose,
    fill_date,
    fill_date_range,
    follow,
    log_in,
    open_page,
    pick_many,
    settle,
    textbox,
)


def register(page: Page, base: str, username: str, org: str, org_type: str, country: str, city: str) -> None:
    open_page(page, f"{base}/register")
    form = page.get_by_test_id("stForm")
    textbox(form, "Full name").fill(f"{username.title()} Person")
    textbox(form, "E-mail").fill(f"{username}@example.eu")
    textbox(form, "User name").fill(username)
    textbox(form, "Password").fill(f.PASSWORD)
    textbox(form, "Repeat password").fill(f.PASSWORD)
    textbox(form, "Legal name of the organisation").fill(org)
    choose(page, form, "Type of organisation", org_type)
    choose(page, form, "Country where it is registered", country)
    textbox(form, "City").fill(city)
    form.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Your account is ready").first).to_be_visible()


def send_eoi(page: Page, base: str, side: str, partnership: str, country_wanted: str) -> None:
    open_page(page, f"{base}/my_eois")
    form = page.get_by_test_id("stForm")
    form.get_by_text(side).click()
    choose(page, form, "Partnership that supervises your side", partnership)
    form.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Step 1 of 4: Motivation").first).to_be_visible()
    settle(page)
    textbox(page, "Why do you want to take part in ClusterXchange?").fill(
        "We want to learn how clusters abroad run open innovation programmes with SMEs."
    )
    button(page, "Next")
    expect(page.get_by_text("Step 2 of 4").first).to_be_visible()
    pick_many(page, "Countries you would like to work with", [country_wanted])
    pick_many(page, "Industrial ecosystems", ["Digital"])
    pick_many(page, "Activities you are interested in", ["Market research"])
    fill_date_range(page, "When could the exchange take place?", "2027-02-01", "2027-05-31")
    settle(page)
    button(page, "Next")
    expect(page.get_by_text("Step 3 of 4").first).to_be_visible()
    textbox(page, "Your position in the organisation").fill("Innovation manager")
    button(page, "Next")
    expect(page.get_by_text("Check everything before you send it").first).to_be_visible()
    button(page, "Send to the Partnership")
    expect(page.get_by_text("Sent to the Partnership").first).to_be_visible()


def review_eoi(page: Page, base: str, decision: str, comment: str = "") -> None:
    open_page(page, f"{base}/coordinator_home")
    # Each queue item is one link that says what waits.
    follow(page, base, page.get_by_role("link", name=re.compile(r"^Expression of interest · #")).first)
    expect(page.get_by_role("heading", name="Review an expression of interest").first).to_be_visible()
    if comment:
        textbox(page, "Comment to the organisation").fill(comment)
    button(page, decision)
    outcome = {"Approve": "Approved", "Request changes": "Changes requested", "Reject": "Rejected"}[decision]
    expect(page.get_by_text(outcome, exact=True).first).to_be_visible()


def write_plan(page: Page, results: str) -> None:
    """Walk the plan wizard from its first step to the summary, filling what is empty."""
    expect(page.get_by_text("Step 1 of 6: Dates").first).to_be_visible()
    expect(
        page.get_by_role("spinbutton", name="year, First and last day of the exchange (travel excluded) * start date")
    ).to_be_visible()
    settle(page)
    if page.get_by_text("5 working days in France").count() == 0:
        fill_date_range(page, "First and last day of the exchange (travel excluded)", "2026-10-12", "2026-10-16")
        settle(page)
        expect(page.get_by_text("5 working days in France").first).to_be_visible()
    button(page, "Next")
    objective = textbox(page, "Objective").first
    if not objective.input_value():
        objective.fill("Learn how the host onboards SMEs into its pilot line")
    button(page, "Next")
    description = textbox(page, "What happens").first
    if not description.input_value():
        choose(page, page, "Type of activity", "Market research")
        description.fill("Visits to five member companies of the host cluster.")
    button(page, "Next")
    programme = textbox(page, "Programme of the day").first
    if not programme.input_value():
        fill_date(page, "Day", "2026-10-12")
        programme.fill("Welcome, tour of the pilot line, first meetings.")
    button(page, "Next")
    textbox(page, "Expected results").fill(results)
    expect(page.get_by_text("Lump sum for these dates: France €900 · €900").first).to_be_visible()
    button(page, "Next")
    expect(page.get_by_text("Check everything before you send it").first).to_be_visible()
    button(page, "Save this version and agree to it")


def sign(page: Page, party: str) -> None:
    hint = page.get_by_test_id("stForm").filter(has_text=f"Sign as {party}").first
    textbox(hint, "Your full name").fill(FULL_NAMES[party])
    hint.get_by_text("I have read this document and agree to it").click()
    before = page.get_by_role("button", name=f"Sign as {party}").count()
    hint.get_by_role("button", name=f"Sign as {party}").click()
    expect(page.get_by_role("button", name=f"Sign as {party}")).to_have_count(before - 1)
    settle(page)


FULL_NAMES = {
    "Visitor": "Ana Person",
    "Host": "Louis Person",
    "Visitor's Partnership": "Cora Coordinator",
    "Host's Partnership": "Cora Coordinator",
}


def test_whole_programme_from_registration_to_paid(server: Server, new_page, tmp_path) -> None:
    with write_session() as session:
        admin = f.admin(session)
        vop = f.partnership(session, admin, "DIB")
        hop = f.partnership(session, admin, "GMA")
        f.coordinator(session, admin, id_of(vop), "coord.v")
        f.coordinator(session, admin, id_of(hop), "coord.h")
    visitor, host, vop_page, hop_page = (new_page(name) for name in ("visitor", "host", "vop", "hop"))

    # Registration and expressions of interest, with one change request for the Visitor.
    register(
        visitor,
        server.url,
        "ana",
        "Porto Digital Cluster",
        "Cluster organisation or business network",
        "Portugal",
        "Porto",
    )
    log_in(visitor, server.url, "ana", f.PASSWORD)
    expect(visitor.get_by_role("heading", name="What to do next").first).to_be_visible()
    send_eoi(visitor, server.url, "Visitor (we travel)", "DIB · Partnership DIB", "France")
    log_in(vop_page, server.url, "coord.v", f.PASSWORD)
    review_eoi(vop_page, server.url, "Request changes", "Please tell us what you can offer to a Host.")

    open_page(visitor, f"{server.url}/my_eois")
    follow(visitor, server.url, visitor.get_by_role("link", name="Open").first)
    expect(
        visitor.get_by_text("Comment from the Partnership: Please tell us what you can offer to a Host.").first
    ).to_be_visible()
    settle(visitor)
    textbox(visitor, "What can your organisation offer to a counterpart?").fill(
        "Contacts with 40 digital SMEs in Porto."
    )
    for step in ("Step 2 of 4", "Step 3 of 4", "Check everything before you send it"):
        button(visitor, "Next")
        expect(visitor.get_by_text(step).first).to_be_visible()
    button(visitor, "Send to the Partnership")
    expect(visitor.get_by_text("Sent to the Partnership").first).to_be_visible()
    review_eoi(vop_page, server.url, "Approve")

    register(host, server.url, "louis", "Lyon Mobility Labs", "SME", "France", "Lyon")
    log_in(host, server.url, "louis", f.PASSWORD)
    send_eoi(host, server.url, "Host (we receive)", "GMA · Partnership GMA", "Portugal")
    log_in(hop_page, server.url, "coord.h", f.PASSWORD)
    review_eoi(hop_page, server.url, "Approve")
    with read_session() as session:
        assert sorted(e.state for e in session.exec(select(EOI))) == [EOIState.APPROVED, EOIState.APPROVED]

    # Matching: the Visitor proposes to the suggested Host, the Host accepts.
    open_page(visitor, f"{server.url}/my_exchanges")
    expect(visitor.get_by_text("Lyon Mobility Labs").first).to_be_visible()
    button(visitor, "Propose an exchange")
    expect(
        visitor.get_by_text("Waiting for the other organisation to accept or decline the proposal").first
    ).to_be_visible()
    with read_session() as session:
        exchange_id = session.exec(select(Exchange.id)).one()
    open_page(host, f"{server.url}/exchange?id={exchange_id}")
    button(host, "Accept the exchange")
    expect(host.get_by_text("Writing the action plan").first).to_be_visible()

    # The action plan: written by the Visitor, agreed by both, one change request, approved by both Partnerships.
    open_page(visitor, f"{server.url}/exchange?id={exchange_id}")
    write_plan(visitor, "A joint proposal for a cross-border SME onboarding service.")
    expect(visitor.get_by_text("Version 1; agreed by: Visitor").first).to_be_visible()
    open_page(host, f"{server.url}/exchange?id={exchange_id}")
    button(host, "Agree to version 1 as it is")
    expect(host.get_by_text("Plan sent for approval").first).to_be_visible()

    open_page(vop_page, f"{server.url}/coordinator_home")
    expect(vop_page.get_by_text("Action plan to approve").first).to_be_visible()
    open_page(vop_page, f"{server.url}/exchange?id={exchange_id}")
    textbox(vop_page, "Comment to Visitor and Host").fill("Please add a day of networking with our members.")
    button(vop_page, "Request changes")
    expect(vop_page.get_by_text("Writing the action plan").first).to_be_visible()

    open_page(visitor, f"{server.url}/exchange?id={exchange_id}")
    write_plan(visitor, "A joint proposal, and a networking day with the members of both clusters.")
    expect(visitor.get_by_text("Version 2; agreed by: Visitor").first).to_be_visible()
    open_page(host, f"{server.url}/exchange?id={exchange_id}")
    button(host, "Agree to version 2 as it is")
    # The Financial Agreement names the Visitor's bank account: it is given before the plan is approved.
    open_page(visitor, f"{server.url}/my_organisation")
    bank = visitor.get_by_test_id("stForm").filter(has_text="Save the bank account")
    textbox(bank, "IBAN").fill("PT50 0002 0123 1234 5678 9015 4")
    textbox(bank, "BIC").fill("CGDIPTPL")
    bank.get_by_role("button", name="Save the bank account").click()
    expect(visitor.get_by_text("Account on file: Porto Digital Cluster · IBAN …0154").first).to_be_visible()
    for coordinator in (vop_page, hop_page):
        open_page(coordinator, f"{server.url}/exchange?id={exchange_id}")
        button(coordinator, "Approve the plan")
    # Approval generates the Commitment to Quality and the Financial Agreement: signing starts.
    expect(hop_page.get_by_text("Waiting for the signatures").first).to_be_visible()
    with read_session() as session:
        exchange = session.get(Exchange, exchange_id)
        plans = session.exec(select(ActionPlan).order_by(ActionPlan.version)).all()
    assert exchange is not None and exchange.state == ExchangeState.SIGNING
    assert [p.version for p in plans] == [1, 2] and "networking day" in plans[1].answers["expected_results"]
    url = f"{server.url}/exchange?id={exchange_id}"

    # Signatures: the Visitor signs both documents, the Host the Commitment to Quality, each Partnership its part.
    for page, parties in (
        (visitor, ["Visitor", "Visitor"]),
        (host, ["Host"]),
        (vop_page, ["Visitor's Partnership", "Visitor's Partnership"]),
        (hop_page, ["Host's Partnership"]),
    ):
        open_page(page, url)
        expect(page.get_by_text("Lump sum: €900.00").first).to_be_visible()
        for party in parties:
            sign(page, party)
    open_page(visitor, url)
    expect(visitor.get_by_text("Ready to go").first).to_be_visible()
    with visitor.expect_download() as download:
        visitor.get_by_role("button", name=f"Signed and sealed: CXC-{exchange_id}-FA-v1-signed.pdf").click()
    sealed = Path(download.value.path()).read_bytes()
    assert check_seal(sealed, data_dir()).trusted and check_seal(sealed, data_dir()).intact
    with read_session() as session:
        assert verify_pdf(session, sealed).issued_here

    # The stay, the closing report, the payment.
    button(visitor, "The stay has started")
    expect(visitor.get_by_text("Stay in progress").first).to_be_visible()
    button(visitor, "The stay has ended")
    expect(visitor.get_by_text("Closing report due").first).to_be_visible()
    evidence = tmp_path / "ticket.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    form = visitor.get_by_test_id("stForm")
    form.locator("input[type=file]").set_input_files(str(evidence))
    expect(visitor.get_by_text("ticket.pdf").first).to_be_visible()
    form.get_by_role("button", name="Add this evidence").click()
    settle(visitor)
    expect(visitor.get_by_text("ticket.pdf · Boarding pass or ticket").first).to_be_visible()
    for result in visitor.get_by_label("What was achieved *", exact=True).all():
        result.fill("Done: the onboarding process is documented.")
    textbox(visitor, "Follow-up actions").fill("A joint proposal in spring.")
    button(visitor, "Next")
    visitor.get_by_label(
        "How satisfied is the Visitor with the exchange? (1 = not at all, 5 = very) *", exact=True
    ).fill("5")
    button(visitor, "Next")
    button(visitor, "Send the closing report")
    expect(visitor.get_by_text("Closing report sent").first).to_be_visible()
    open_page(vop_page, url)
    button(vop_page, "Accept the report")
    expect(vop_page.get_by_text("Closing report accepted").first).to_be_visible()

    open_page(vop_page, url)
    button(vop_page, "Order the payment of €900.00")
    expect(vop_page.get_by_text("Lump sum €900.00: ordered, due by").first).to_be_visible()
    open_page(vop_page, f"{server.url}/payments")
    pick_many(vop_page, "Payments to export or mark paid", ["1 · Porto Digital Cluster · €900.00"])
    paid = vop_page.get_by_test_id("stForm").filter(has_text="Mark the chosen payments paid")
    textbox(paid, "Bank reference").fill("SEPA-2026-0001")
    paid.get_by_role("button", name="Mark the chosen payments paid").click()
    settle(vop_page)
    expect(vop_page.get_by_label("Payments to export or mark paid")).to_have_count(0)  # nothing left open
    open_page(visitor, url)
    expect(visitor.get_by_text("Lump sum €900.00: paid on").first).to_be_visible()
    with read_session() as session:
        assert session.get(Exchange, exchange_id).state == ExchangeState.PAID  # type: ignore[union-attr]
        assert session.exec(select(Payment)).one().amount_cents == 90000
