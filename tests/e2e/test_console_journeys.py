"""Issue 7 in a real browser: the coordinator's overdue item, a KPI export read back with pandas,
erasure that leaves the payment. (News through a real SMTP server: test_news_journey.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pandas as pd
from playwright.sync_api import expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import ClosingReport, Payment, User
from db.types import id_of, utcnow
from services import payments
from tests.e2e.conftest import Server, button, log_in, open_page, settle
from tests.journey import accepted_exchange

PASSWORD = "correct-horse-battery-staple"


def test_overdue_payment_shows_red_in_the_coordinators_queue(server: Server, new_page) -> None:
    with write_session() as session:
        _c, exchange = accepted_exchange(session)
        report = session.exec(select(ClosingReport)).one()
        report.accepted_at = utcnow() - timedelta(days=14)  # the payment was due 4 days ago
        session.add(report)
        session.commit()
    page = new_page("coordinator")
    log_in(page, server.url, "coord.v", PASSWORD)
    open_page(page, f"{server.url}/coordinator_home")
    expect(page.get_by_text("Payment to order").first).to_be_visible()
    expect(page.get_by_text("Overdue since").first).to_be_visible()
    expect(page.get_by_text("waiting 14 days").first).to_be_visible()
    expect(page.get_by_text("1 item, 1 overdue").first).to_be_visible()
    # Search by exchange number keeps it; another number hides it.
    page.get_by_label("Search").fill(f"#{exchange.id + 100}")
    page.get_by_label("Search").press("Enter")
    settle(page)
    expect(page.get_by_text("Nothing matches these filters.").first).to_be_visible()


def test_kpi_export_downloads_and_reads_back(server: Server, new_page, tmp_path) -> None:
    with write_session() as session:
        _c, exchange = accepted_exchange(session)
    page = new_page("admin")
    log_in(page, server.url, "admin", PASSWORD)
    open_page(page, f"{server.url}/figures")
    expect(page.get_by_text("Lump sums committed").first).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").filter(has_text="€900.00").first).to_be_visible()
    # The charts' data go to the browser in Arrow's format, made once when the spec is cached: Vega
    # reads them back (its axes name the values in their accessible labels).
    expect(page.get_by_test_id("stVegaLiteChart").locator("[aria-label^=\"Y-axis titled 'State'\"]")).to_have_attribute(
        "aria-label", re.compile("1 value: Closing report accepted")
    )
    page.get_by_role("tab", name="Countries").click()
    expect(
        page.get_by_test_id("stVegaLiteChart").locator("[aria-label^=\"X-axis titled 'Host country'\"]")
    ).to_have_attribute("aria-label", re.compile("1 value: France"))
    page.get_by_role("tab", name="Exports").click()  # drawn only once opened
    settle(page)
    button(page, "Prepare the file")
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download cxc-exchanges.csv").click()
    path = tmp_path / "exchanges.csv"
    caught.value.save_as(path)
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert list(frame["exchange_id"]) == [exchange.id]
    assert list(frame["state"]) == ["report_accepted"] and list(frame["lump_sum_eur"]) == [900.0]


def test_erasure_removes_the_name_everywhere_and_keeps_the_payment(server: Server, new_page) -> None:
    with write_session() as session:
        c, exchange = accepted_exchange(session)
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
        name = c.visitor.full_name
    visitor = new_page("visitor")
    log_in(visitor, server.url, "visitor", PASSWORD)
    open_page(visitor, f"{server.url}/my_data")
    visitor.get_by_text("I understand that my account will stop working").click()
    settle(visitor)
    button(visitor, "Ask for erasure")
    expect(visitor.get_by_text("You asked for erasure on").first).to_be_visible()

    admin = new_page("admin")
    log_in(admin, server.url, "admin", PASSWORD)
    open_page(admin, f"{server.url}/admin_data_requests")
    expect(admin.get_by_text(name).first).to_be_visible()
    admin.get_by_text("I have checked the request").click()
    settle(admin)
    button(admin, "Anonymise")
    expect(admin.get_by_text("No request waits.").first).to_be_visible()

    coordinator = new_page("coordinator")
    log_in(coordinator, server.url, "coord.v", PASSWORD)
    for who, path in (
        (coordinator, f"exchange?id={exchange.id}"),
        (coordinator, "payments"),
        (admin, "admin_users"),
        (admin, "admin_audit"),
        (admin, "admin_outbox"),
    ):
        open_page(who, f"{server.url}/{path}")
        settle(who)
        assert name not in who.content(), f"{name} still shows on /{path}"
    open_page(coordinator, f"{server.url}/payments")
    expect(coordinator.get_by_text("€900.00").first).to_be_attached()  # a cell of the payments table
    with read_session() as session:
        assert session.exec(select(Payment)).one().amount_cents == 90000
        assert session.get(User, id_of(c.visitor)).anonymised_at is not None  # type: ignore[union-attr]
    # The erased account no longer logs in.
    again = new_page("visitor-again")
    log_in(again, server.url, "visitor", PASSWORD, succeed=False)
    expect(again.get_by_text("Log out")).to_have_count(0)
