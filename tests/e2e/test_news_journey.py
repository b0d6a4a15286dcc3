"""News sign-up with double opt-in, through a real SMTP server (aiosmtpd) and the server's own sender."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import NewsSubscriber
from db.types import utcnow
from services import news
from tests import factories as f
from tests.e2e.conftest import Server, open_page, settle
from tests.smtp_catcher import SmtpCatcher


@pytest.fixture
def smtp() -> Iterator[SmtpCatcher]:
    with SmtpCatcher() as catcher:
        yield catcher


@pytest.fixture
def server_env(smtp: SmtpCatcher) -> dict[str, str]:
    return {"SMTP_URL": smtp.url(), "CXC_MAIL_INTERVAL": "1", "CXC_MAIL_FROM": "CXC Desk <desk@example.org>"}


def link(body: str, marker: str) -> str:
    return next(u for u in re.findall(r"https?://\S+", body) if marker in u)


def test_news_double_opt_in_and_unsubscribe_through_smtp(server: Server, smtp: SmtpCatcher, new_page) -> None:
    with write_session() as session:
        f.admin(session)  # a set-up instance
    page = new_page("reader")
    open_page(page, f"{server.url}/news")
    page.get_by_label("Your e-mail address").fill("reader@example.org")
    page.get_by_role("button", name="Sign up").click()
    settle(page)
    expect(page.get_by_text("Check your inbox").first).to_be_visible()
    with read_session() as session:
        assert session.exec(select(NewsSubscriber)).one().confirmed_at is None  # not before the click in the mail

    message = smtp.inbox.wait_for("reader@example.org", "Confirm your subscription")
    assert "desk@example.org" in str(message["From"])
    body = message.get_content()
    open_page(page, link(body, "confirm="))
    expect(page.get_by_text("reader@example.org now receives our news").first).to_be_visible()
    with read_session() as session:
        assert session.exec(select(NewsSubscriber)).one().confirmed_at is not None

    open_page(page, link(body, "action=unsubscribe"))
    expect(page.get_by_text("Stop sending ClusterXchange news").first).to_be_visible()
    with read_session() as session:
        assert session.exec(select(NewsSubscriber)).one()  # opening the link (as mail scanners do) changes nothing
    page.get_by_role("button", name="Unsubscribe").click()
    settle(page)
    expect(page.get_by_text("is unsubscribed").first).to_be_visible()
    with read_session() as session:
        assert session.exec(select(NewsSubscriber)).all() == []


def test_one_click_unsubscribe_through_the_real_server(server: Server) -> None:
    """RFC 8058: what a mail client sends for the List-Unsubscribe header, to the server as run."""
    with write_session() as session:
        f.admin(session)
        for email in ("one@example.org", "two@example.org"):
            session.add(NewsSubscriber(email=email, token_hash=email, confirmed_at=utcnow()))
        session.commit()
    address = f"{server.url}/{news.UNSUBSCRIBE_PATH}"
    forged = httpx.post(address, params={"email": "two@example.org", "token": "0" * 32}, timeout=30)
    assert forged.status_code == 404
    opened = httpx.get(address, params={"email": "two@example.org", "token": news.manage_token("two@example.org")})
    assert opened.status_code == 303 and "action=unsubscribe" in opened.headers["location"]
    with read_session() as session:
        assert len(session.exec(select(NewsSubscriber)).all()) == 2  # a scanner's GET and a forged POST change nothing
    done = httpx.post(
        address,
        params={"email": "two@example.org", "token": news.manage_token("two@example.org")},
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert done.status_code == 200 and done.text == "Unsubscribed.\n"
    with read_session() as session:
        assert [s.email for s in session.exec(select(NewsSubscriber))] == ["one@example.org"]
