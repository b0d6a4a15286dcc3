"""Issue 15, item 2: the main journey with the keyboard only (Tab, Shift+Tab, Space, Enter, arrows and
typing): register, log in, fill and send an expression of interest, then sign a document. Each control
reached is checked for a visible focus indicator (an outline or a box shadow)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import EOI, Document, Signature
from db.types import id_of
from domain.enums import EOIState
from tests import factories as f
from tests.e2e.conftest import Server, open_page, settle
from tests.journey import agreed_exchange, approved_plan, cast

MAX_TABS = 80

# The accessible name of the focused control: its label, its text, or the text of its <label>.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: '', visible: false};
  const style = getComputedStyle(el);
  const label = el.closest('label');
  const labelStyle = label ? getComputedStyle(label) : null;
  const name = (el.getAttribute('aria-label') || (label && label.innerText) || el.innerText || el.value || '').trim();
  const outlined = (s) =>
    s && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none');
  return {name, visible: outlined(style) || outlined(labelStyle)};
}"""


def focus(page: Page, name: str | re.Pattern[str], *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the control called `name` has the focus; every control
    passed on the way must show where the focus is."""
    wanted = name if isinstance(name, re.Pattern) else re.compile(rf"^{re.escape(name)}( \*)?$")
    seen = []
    for _press in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = page.evaluate(FOCUSED)
        if state["name"]:
            assert state["visible"], f"the focus on “{state['name']}” is not visible"
        seen.append(state["name"])
        lines = [line for line in state["name"].splitlines() if line.strip()] or [""]
        if wanted.search(lines[0]) or wanted.search(lines[-1]):  # a menu link starts with its icon's name
            return
    raise AssertionError(f"“{name}” never got the focus; Tab went through: {seen}")


def type_into(page: Page, name: str, text: str) -> None:
    focus(page, name)
    page.keyboard.type(text)


def pick(page: Page, name: str, option: str) -> None:
    """A select box or multiselect: type to filter, then Enter takes the first match."""
    focus(page, name)
    page.keyboard.type(option)
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Enter")


def press_button(page: Page, name: str) -> None:
    focus(page, re.compile(rf"^{re.escape(name)}$"))
    page.keyboard.press("Enter")
    settle(page)


def log_in_by_keyboard(page: Page, base: str, username: str) -> None:
    open_page(page, f"{base}/login")
    type_into(page, "User name", username)
    type_into(page, "Password", f.PASSWORD)
    press_button(page, "Log in")
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")).to_be_visible()
    settle(page)


def test_register_send_an_expression_of_interest_and_sign_with_the_keyboard_only(server: Server, page: Page) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = approved_plan(session, c, agreed_exchange(session, c))
        exchange_id = id_of(exchange)
    base = server.url

    # Register.
    open_page(page, f"{base}/register")
    type_into(page, "Full name", "Kim Keyboard")
    type_into(page, "E-mail", "kim@example.eu")
    type_into(page, "User name", "kim")
    type_into(page, "Password", f.PASSWORD)
    type_into(page, "Repeat password", f.PASSWORD)
    type_into(page, "Legal name of the organisation", "Braga Keyboard Cluster")
    pick(page, "Type of organisation", "Cluster organisation or business network")
    pick(page, "Country where it is registered", "Portugal")
    type_into(page, "City", "Braga")
    press_button(page, "Create my account")
    expect(page.get_by_text("Your account is ready").first).to_be_visible()

    # Fill and send an expression of interest.
    log_in_by_keyboard(page, base, "kim")
    focus(page, "Expressions of interest")
    page.keyboard.press("Enter")
    settle(page)
    focus(page, "Visitor (we travel)")  # the radio group: arrows move, the first is chosen
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    pick(page, "Partnership that supervises your side", "VOP · Partnership VOP")
    press_button(page, "Start")
    expect(page.get_by_text("Step 1 of 4: Motivation").first).to_be_visible()
    type_into(
        page,
        "Why do you want to take part in ClusterXchange?",
        "We want to learn how clusters abroad run open innovation programmes.",
    )
    press_button(page, "Next")
    expect(page.get_by_text("Step 2 of 4").first).to_be_visible()
    for label, option in (
        ("Countries you would like to work with", "France"),
        ("Industrial ecosystems", "Digital"),
        ("Activities you are interested in", "Market research"),
    ):
        pick(page, label, option)  # the next Tab closes its list
    focus(page, re.compile(r"^year, When could the exchange take place\?( \*)? start date$"))
    page.keyboard.type("20270201")
    focus(page, re.compile(r"^year, When could the exchange take place\?( \*)? end date$"))
    page.keyboard.type("20270531")
    settle(page)
    press_button(page, "Next")
    expect(page.get_by_text("Step 3 of 4").first).to_be_visible()
    type_into(page, "Your position in the organisation", "Innovation manager")
    press_button(page, "Next")
    expect(page.get_by_text("Check everything before you send it").first).to_be_visible()
    press_button(page, "Send to the Partnership")
    expect(page.get_by_text("Sent to the Partnership").first).to_be_visible()
    with read_session() as session:
        assert (
            session.exec(select(EOI.state).where(EOI.partnership_id == c.vop.id)).all().count(EOIState.SUBMITTED) == 1
        )

    # Sign the Commitment to Quality as the Visitor of an exchange being signed.
    press_button(page, "Log out")
    log_in_by_keyboard(page, base, "visitor")
    focus(page, "Exchanges")
    page.keyboard.press("Enter")
    settle(page)
    focus(page, "Open")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_role("button", name="Sign as Visitor").first).to_be_visible()
    type_into(page, "Your full name", "Visitor Person")
    focus(page, "I have read this document and agree to it")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="I have read this document and agree to it").first).to_be_checked()
    forms = page.get_by_role("button", name="Sign as Visitor").count()
    press_button(page, "Sign as Visitor")
    expect(page.get_by_role("button", name="Sign as Visitor")).to_have_count(forms - 1)
    with read_session() as session:
        signed = session.exec(
            select(Signature.typed_name)
            .join(Document, Document.id == Signature.document_id)  # type: ignore[arg-type]
            .where(Document.exchange_id == exchange_id)
        ).all()
    assert signed == ["Visitor Person"]
