"""Security in a real browser: script payloads in every kind of text field are shown as text and
never run; record ids typed into URLs never reveal another organisation's or Partnership's records."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from db.engine import write_session
from db.types import id_of
from services import contact
from services.accounts import Registration, register_participant
from services.comments import add_comment
from tests import factories as f
from tests.e2e.conftest import Server, log_in, open_page, settle
from tests.journey import agreed_exchange, cast, org_user

PASSWORD = "correct-horse-battery-staple"
SCRIPT = "<script>window.__xss=(window.__xss||0)+1</script>"
IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
SVG = '"><svg onload="window.__xss=(window.__xss||0)+1">'
LINK = "[click me](javascript:window.__xss=1)"


def visit(page: Page, url: str) -> None:
    """Open a URL typed by hand; a refusal has no title, so wait for the run to finish instead."""
    page.goto(url)
    expect(page.get_by_test_id("stApp")).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_be_visible()
    settle(page)


def watch(page: Page) -> list[str]:
    """Any dialog or script run is recorded; the test fails on it."""
    ran: list[str] = []
    page.on("dialog", lambda dialog: (ran.append(dialog.message), dialog.dismiss()))
    return ran


def assert_inert(page: Page, ran: list[str]) -> None:
    settle(page)
    assert page.evaluate("window.__xss") is None, "a payload ran"
    assert ran == []
    assert page.locator("img[src=x]").count() == 0 and page.locator("svg[onload]").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0


def test_script_payloads_show_as_text_and_never_run(server: Server, new_page) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = agreed_exchange(session, c)
        evil = register_participant(
            session=session,
            data=Registration(
                username="evil",
                email="evil@example.org",
                full_name=f"Eve {IMG}",
                password=PASSWORD,
                password_repeat=PASSWORD,
                organisation_name=f"Evil {SCRIPT} Org",
                organisation_type="cluster",
                country="DE",
                city="Berlin",
                cluster_name=SVG,
            ),
        )
        add_comment(session=session, actor=c.host, exchange_id=id_of(exchange), body=f"{SCRIPT} {IMG} {SVG} {LINK}")
        contact.send_message(
            session=session,
            name=f"Mallory {IMG}",
            email="mallory@example.org",
            subject=f"Hi {SCRIPT}",
            body=f"{SVG} {LINK} long enough",
        )
        assert evil.id

    visitor = new_page("visitor")
    ran = watch(visitor)
    log_in(visitor, server.url, "visitor", PASSWORD)
    open_page(visitor, f"{server.url}/exchange?id={exchange.id}")
    # Typed into the page too: the comment box.
    visitor.get_by_label("Your comment").fill(f"{IMG} typed {SCRIPT}")
    visitor.get_by_role("button", name="Post the comment").click()
    settle(visitor)
    expect(visitor.get_by_text("typed", exact=False).first).to_be_visible()
    expect(visitor.get_by_text("<script>", exact=False).first).to_be_visible()  # shown as text
    assert_inert(visitor, ran)

    admin = new_page("admin")
    ran_admin = watch(admin)
    log_in(admin, server.url, "admin", PASSWORD)
    for path in ("admin_users", "admin_messages", "admin_audit", "admin_outbox", "figures"):
        open_page(admin, f"{server.url}/{path}")
        assert_inert(admin, ran_admin)
    open_page(admin, f"{server.url}/admin_messages")
    expect(admin.get_by_text("onerror", exact=False).first).to_be_visible()

    anonymous = new_page("anonymous")
    ran_anonymous = watch(anonymous)
    for path in ("partnerships", "opportunities", "welcome"):
        open_page(anonymous, f"{server.url}/{path}")
        assert_inert(anonymous, ran_anonymous)


def test_foreign_record_ids_typed_into_urls_reveal_nothing(server: Server, new_page) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = agreed_exchange(session, c)
        org_user(session, "stranger", "DE", city="Berlin")
        f.coordinator(session, c.admin, f.partnership(session, c.admin, "OTH").id, "coord.other")  # type: ignore[arg-type]
        exchange_id, eoi_id = exchange.id, exchange.visitor_eoi_id

    stranger = new_page("stranger")
    log_in(stranger, server.url, "stranger", PASSWORD)
    for path, refusal in (
        (f"exchange?id={exchange_id}", "No exchange with this number is open to you."),
        (f"my_eois?id={eoi_id}", "No expression of interest with this number is open to you."),
        (f"eoi_review?id={eoi_id}", "This page is not available to you."),
        ("admin_users", "This page is not available to you."),
    ):
        visit(stranger, f"{server.url}/{path}")
        expect(stranger.get_by_text(refusal).first).to_be_visible()
        assert "Visitor Org" not in stranger.content() and "Host Org" not in stranger.content(), path

    other = new_page("other coordinator")
    log_in(other, server.url, "coord.other", PASSWORD)
    for path, refusal in (
        (f"exchange?id={exchange_id}", "No exchange with this number is open to you."),
        (f"eoi_review?id={eoi_id}", "No expression of interest with this number is open to you."),
    ):
        visit(other, f"{server.url}/{path}")
        expect(other.get_by_text(refusal).first).to_be_visible()
        assert "Visitor Org" not in other.content(), path
