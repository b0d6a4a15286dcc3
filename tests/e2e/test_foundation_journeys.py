"""Journeys of the foundation in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Partnership, User
from domain.enums import Role
from services.accounts import is_locked
from services.instance import identity
from tests import factories as f
from tests.e2e.conftest import Server, choose, log_in, open_page, settle, textbox, wait_for_session_cookie

REFUSAL = "This page is not available to you."


def _sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


def set_up_instance(page: Page, base: str) -> None:
    """The first visit: create the administrator "ada" on one press."""
    open_page(page, base)
    expect(page.get_by_role("heading", name="Set up this instance").first).to_be_visible()
    form = page.get_by_test_id("stForm")
    textbox(form, "Full name").fill("Ada Admin")
    textbox(form, "E-mail").fill("ada@example.eu")
    textbox(form, "User name").fill("ada")
    textbox(form, "Password").fill(f.PASSWORD)
    textbox(form, "Repeat password").fill(f.PASSWORD)
    textbox(form, "Name of the Support Office").fill("Support Office of the Alpine Industry Bridge")
    textbox(form, "Its e-mail address").fill("support@aib.example.eu")
    # The public address is offered as the browser reached the instance; the person keeps it.
    expect(textbox(form, "Public address of this instance")).to_have_value(base.rstrip("/"))
    form.get_by_role("button", name="Create the administrator").click()
    expect(page.get_by_text("The administrator account is ready").first).to_be_visible()


def test_first_run_setup_creates_the_administrator(server: Server, page: Page) -> None:
    set_up_instance(page, server.url)
    with read_session() as session:
        admin = session.exec(select(User)).one()
        address = identity(session).public_url
    assert (admin.username, admin.role) == ("ada", Role.ADMIN)
    assert address == server.url.rstrip("/")
    # The set-up page no longer exists: its URL lands on the public welcome page.
    open_page(page, f"{server.url}/setup")
    expect(page.get_by_role("heading", name="Welcome to ClusterXchange").first).to_be_visible()
    expect(page.get_by_role("heading", name="Set up this instance")).to_have_count(0)
    # The welcome page names this instance's own Support Office, never anybody else's.
    expect(page.get_by_text("E-mail: support@aib.example.eu").first).to_be_visible()
    log_in(page, server.url, "ada", f.PASSWORD)
    expect(page.get_by_role("heading", name="Support Office overview").first).to_be_visible()


def test_admin_creates_a_partnership_and_a_coordinator_who_logs_in(server: Server, page: Page, browser) -> None:
    with write_session() as session:
        f.admin(session, "ada")
    log_in(page, server.url, "ada", f.PASSWORD)
    expect(page.get_by_role("heading", name="Support Office overview").first).to_be_visible()
    _sidebar(page).get_by_role("link", name="Manage Partnerships").click()
    expect(page.get_by_role("heading", name="Create a Partnership").first).to_be_visible()
    form = page.get_by_test_id("stForm")
    textbox(form, "Name").fill("Alpine Industry Bridge")
    textbox(form, "Acronym").fill("AIB")
    textbox(form, "Contact e-mail").fill("aib@example.eu")
    textbox(form, "Profile").fill("Clusters of Austria and Slovenia.")
    form.get_by_role("button", name="Create Partnership").click()
    expect(page.get_by_text("Partnership “Alpine Industry Bridge” created").first).to_be_visible()
    with read_session() as session:
        partnership = session.exec(select(Partnership)).one()
    assert partnership.acronym == "AIB"

    _sidebar(page).get_by_role("link", name="Coordinators").click()
    expect(page.get_by_role("heading", name="Create a coordinator account").first).to_be_visible()
    form = page.get_by_test_id("stForm")
    choose(page, form, "Partnership", "AIB · Alpine Industry Bridge")
    textbox(form, "Full name").fill("Žiga Novak")
    textbox(form, "E-mail").fill("ziga@example.eu")
    textbox(form, "User name").fill("ziga")
    textbox(form, "Initial password").fill(f.PASSWORD)
    textbox(form, "Repeat initial password").fill(f.PASSWORD)
    form.get_by_role("button", name="Create coordinator").click()
    expect(page.get_by_text("Coordinator “ziga” created").first).to_be_visible()

    other = browser.new_context().new_page()
    log_in(other, server.url, "ziga", f.PASSWORD)
    expect(other.get_by_role("heading", name="Work queue").first).to_be_visible()
    expect(_sidebar(other).get_by_role("link", name="Partnership profile")).to_be_visible()
    expect(_sidebar(other).get_by_role("link", name="Users")).to_have_count(0)
    other.context.close()


def fill_registration(page: Page, username: str, email: str | None = None) -> None:
    """Fill the registration form (the e-mail too unless prefilled) and press "Create my account"."""
    form = page.get_by_test_id("stForm")
    textbox(form, "Full name").fill("Łucja Kowalska")
    if email is not None:
        textbox(form, "E-mail").fill(email)
    textbox(form, "User name").fill(username)
    textbox(form, "Password").fill(f.PASSWORD)
    textbox(form, "Repeat password").fill(f.PASSWORD)
    textbox(form, "Legal name of the organisation").fill("Łódź Textile Cluster")
    choose(page, form, "Type of organisation", "Cluster organisation or business network")
    choose(page, form, "Country where it is registered", "Poland")
    textbox(form, "City").fill("Łódź")
    form.get_by_role("button", name="Create my account").click()


def _register(page: Page, base: str, username: str) -> None:
    open_page(page, f"{base}/register")
    fill_registration(page, username, f"{username}@example.eu")
    expect(page.get_by_text("Your account is ready").first).to_be_visible()


def test_participant_registers_logs_in_and_sees_its_own_menu(server: Server, page: Page) -> None:
    with write_session() as session:
        f.admin(session)
    _register(page, server.url, "lucja")
    log_in(page, server.url, "lucja", f.PASSWORD)
    expect(page.get_by_role("heading", name="What to do next").first).to_be_visible()
    sidebar = _sidebar(page)
    expect(sidebar.get_by_role("link", name="My organisation")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Work queue")).to_have_count(0)
    expect(sidebar.get_by_role("link", name="Manage Partnerships")).to_have_count(0)
    sidebar.get_by_role("link", name="My organisation").click()
    expect(page.get_by_role("heading", name="Łódź Textile Cluster").first).to_be_visible()


def test_participant_typing_a_coordinator_url_is_refused(server: Server, page: Page) -> None:
    with write_session() as session:
        admin = f.admin(session)
        f.participant(session, "pat")
        partnership = f.partnership(session, admin, "SECRET")
    log_in(page, server.url, "pat", f.PASSWORD)
    expect(page.get_by_role("heading", name="What to do next").first).to_be_visible()
    for path in ("coordinator_home", "my_partnership", "admin_partnerships", "admin_users"):
        page.goto(f"{server.url}/{path}")
        expect(page.get_by_text(REFUSAL).first).to_be_visible()
        settle(page)
        expect(page.get_by_text(partnership.name)).to_have_count(0)
        expect(page.get_by_role("heading", name="Work queue")).to_have_count(0)


def test_five_wrong_passwords_lock_the_account(server: Server, page: Page, browser) -> None:
    with write_session() as session:
        f.admin(session)
        f.participant(session, "victim")
    for attempt in range(5):
        # Each attempt from a fresh browser: the count lives in the database, not the session.
        context = browser.new_context()
        attacker = context.new_page()
        log_in(attacker, server.url, "victim", f"wrong-password-{attempt}", succeed=False)
        expect(attacker.get_by_text("Username or password is incorrect").first).to_be_visible()
        context.close()
    with read_session() as session:
        victim = session.exec(select(User).where(User.username == "victim")).one()
    assert is_locked(victim)
    # Even the right password is refused now, with the same words (no hint that it exists).
    log_in(page, server.url, "victim", f.PASSWORD, succeed=False)
    expect(page.get_by_text("Username or password is incorrect").first).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_have_count(0)


def test_cookie_copied_before_logout_does_not_work_after_it(server: Server, page: Page, browser) -> None:
    with write_session() as session:
        f.admin(session, "ada")
    log_in(page, server.url, "ada", f.PASSWORD)
    expect(page.get_by_role("heading", name="Support Office overview").first).to_be_visible()
    settle(page)
    auth_cookies = [wait_for_session_cookie(page)]

    # The cookie works in another browser while the session is open...
    thief = browser.new_context()
    thief.add_cookies(auth_cookies)
    thief_page = thief.new_page()
    open_page(thief_page, f"{server.url}/admin_users")
    expect(thief_page.get_by_role("heading", name="Users").first).to_be_visible()
    thief.close()

    _sidebar(page).get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("heading", name="Welcome to ClusterXchange").or_(page.get_by_text("Please log in")).first
    ).to_be_visible()

    # ...and no longer after logout, although it has not expired.
    replay = browser.new_context()
    replay.add_cookies(auth_cookies)
    replay_page = replay.new_page()
    replay_page.goto(f"{server.url}/admin_users")
    expect(replay_page.get_by_text("Please log in to open “Users”").first).to_be_visible()
    settle(replay_page)
    expect(replay_page.get_by_role("heading", name="Users")).to_have_count(0)
    replay.close()
