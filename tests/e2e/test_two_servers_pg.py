"""Two app processes on one PostgreSQL database, as behind a load balancer: two coordinators of the
same Partnership, each on a different server, decide the same closing report and order the same
payment at the same moment. One wins each time, the other is told in words; one payment exists."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from db.engine import dispose_engines, read_session, write_session
from db.models import AuditEvent, Exchange, Payment, User
from domain.enums import ExchangeState
from tests import factories as f
from tests.conftest import _truncate_pg
from tests.e2e.conftest import ROOT, _production_env, free_port, log_in, open_page, running_server, settle
from tests.journey import reported_exchange

PASSWORD = "correct-horse-battery-staple"
pytestmark = pytest.mark.pg


@pytest.fixture
def two_servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_migrated: str) -> Iterator[tuple[str, str]]:
    import subprocess

    _truncate_pg(pg_migrated)
    data_dir = tmp_path / "shared-data"  # the data folder (cookie key, seal key) is shared, as in a real deployment
    data_dir.mkdir()
    ports = free_port(), free_port()
    env = {
        **_production_env(),
        "DATABASE_URL": pg_migrated,
        "CXC_DATA_DIR": str(data_dir),
        "CXC_COOKIE_KEY": "a-cookie-key-shared-by-both-servers-0123456789",
    }
    subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    monkeypatch.setenv("DATABASE_URL", pg_migrated)
    monkeypatch.setenv("CXC_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CXC_COOKIE_KEY", env["CXC_COOKIE_KEY"])
    dispose_engines()
    with running_server(tmp_path / "one.log", env, ports[0]), running_server(tmp_path / "two.log", env, ports[1]):
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    dispose_engines()


def click_both(pages: list[Page], name: str) -> None:
    """Both clicks leave before either answer comes back."""
    for page in pages:
        settle(page)
    buttons = [page.get_by_role("button", name=name, exact=True) for page in pages]
    for button in buttons:
        expect(button).to_be_enabled()
    for button in buttons:
        button.click(no_wait_after=True)
    for page in pages:
        settle(page)


def test_conflicting_decisions_and_payment_orders_on_two_servers(two_servers: tuple[str, str], new_page) -> None:
    one, two = two_servers
    with write_session() as session:
        c, exchange = reported_exchange(session)
        f.coordinator(session, c.admin, c.vop.id, "coord.v2")  # type: ignore[arg-type]
    url_path = f"exchange?id={exchange.id}"

    first_page, second_page = new_page("coord.v on server one"), new_page("coord.v2 on server two")
    log_in(first_page, one, "coord.v", PASSWORD)
    log_in(second_page, two, "coord.v2", PASSWORD)
    open_page(first_page, f"{one}/{url_path}")
    open_page(second_page, f"{two}/{url_path}")
    click_both([first_page, second_page], "Accept the report")
    with read_session() as session:
        decisions = session.exec(select(AuditEvent).where(AuditEvent.action == "accept_report")).all()
        assert len(decisions) == 1 and session.get(Exchange, exchange.id).state == ExchangeState.REPORT_ACCEPTED  # type: ignore[union-attr]
        winner = session.get(User, decisions[0].actor_user_id)
    # The one who lost is told (its page may still be drawing the answer: expect waits); the winner is not.
    loser_page, winner_page = (second_page, first_page) if winner.username == "coord.v" else (first_page, second_page)  # type: ignore[union-attr]
    told = re.compile("changed meanwhile|No closing report waits|the exchange moved on")
    expect(loser_page.get_by_text(told).first).to_be_visible()
    expect(winner_page.get_by_text(told)).to_have_count(0)
    for page in (first_page, second_page):
        open_page(page, page.url)  # a fresh look, as a coordinator would take after such a message
    click_both([first_page, second_page], "Order the payment of €900.00")

    with read_session() as session:
        assert len(session.exec(select(Payment)).all()) == 1
        orders = session.exec(
            select(AuditEvent).where(AuditEvent.entity_type == "exchange", AuditEvent.action == "order_payment")
        ).all()
        assert len(orders) == 1
        assert session.get(Exchange, exchange.id).state == ExchangeState.PAYMENT_ORDERED  # type: ignore[union-attr]
    # The loser is told: either its order was refused ("already ordered", "changed meanwhile"), or,
    # when its click reached the server after the winner's, the page says the exchange moved on.
    told = [
        p
        for p in (first_page, second_page)
        if p.get_by_text(re.compile("already ordered|changed meanwhile|the exchange moved on")).count() > 0
    ]
    assert len(told) == 1, "exactly one coordinator is told that the payment was ordered by someone else"
    for page in (first_page, second_page):
        open_page(page, page.url)
        expect(page.get_by_text("Lump sum €900.00: ordered").first).to_be_visible()
