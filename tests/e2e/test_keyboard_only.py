"""Issue 15, item 2: the main journey with the keyboard only (Tab, Shift+Tab, Space, Enter, arrows and
typing): register, log in, fill and send an expression of interest, then sign a document. A person goes
back with Shift+Tab to correct what they typed (the organisation's name at registration, their name
before signing), and the corrections are what the database keeps.

Every element the focus lands on, on the way to the next control, is checked:
- the focus is visible: the element (or, for a check box or radio drawn by its label, that label's box)
  shows an outline or a box shadow of a colour that is not transparent, is rendered (not of opacity 0,
  once its transition has ended), lies inside the window and is not entirely covered by anything else
  (WCAG 2.4.7 and 2.4.11);
- it has an accessible name as Chromium computes it for screen readers (the DevTools accessibility
  tree), with no Streamlit markup left in it (":material/…:"), unless it is Streamlit's own markup that
  the app cannot name (NAMELESS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import CDPSession, Page, expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import EOI, Document, Organisation, Signature
from db.types import id_of
from domain.enums import EOIState
from tests import factories as f
from tests.e2e.conftest import Server, open_page, settle
from tests.journey import agreed_exchange, approved_plan, cast

MAX_TABS = 80

# Focus stops without a name, by role or by the test id of their Streamlit element: markup Streamlit draws
# and the app cannot name (docs/accessibility.md lists them).
NAMELESS = {
    # The scrolling <main> landmark (tabindex=0, so that the keyboard can scroll it): announced by its role.
    "main": "landmark",
    # st.toast: role alertdialog in the Tab order, named by aria-labelledby pointing at a title it never draws.
    "stToast": "Streamlit's toast",
}

# Once the transitions of the page have ended (a heading's link fades in when it gets the focus): where the
# focus is, and whether a person can see it.
FOCUS_STATE = """() => {
  // Into open shadow roots (st.pdf draws its viewer in one): the element a person is on.
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const up = (n) => n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
  const ancestors = (n) => { const all = []; for (let e = n; e; e = up(e)) all.push(e); return all; };
  const within = (outer, inner) => ancestors(inner).includes(outer);
  const closest = (n, selector) => ancestors(n).find((e) => e.matches(selector)) || null;
  const hitAt = (x, y) => {
    let hit = document.elementFromPoint(x, y);
    while (hit && hit.shadowRoot) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    return hit;
  };
  const transparent = (colour) => colour === 'transparent' || /rgba\\([^)]*,\\s*0\\)$/.test(colour);
  const opaque = (e) => ancestors(e).every((n) => parseFloat(getComputedStyle(n).opacity) > 0);
  const rendered = (e) => {
    const s = getComputedStyle(e), r = e.getBoundingClientRect();
    return s.visibility === 'visible' && r.width >= 2 && r.height >= 2 && opaque(e)
      && s.clip !== 'rect(0px, 0px, 0px, 0px)' && s.clipPath !== 'inset(50%)';
  };
  const ring = (e) => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor);
    const shadows = s.boxShadow === 'none' ? [] : s.boxShadow.split(/,(?![^(]*\\))/);
    const shadow = shadows.some((one) => !/rgba\\([^)]*,\\s*0\\)/.test(one));
    return outline || shadow;
  };
  const label = el.closest('label') || (el.id && el.getRootNode().querySelector(`label[for="${CSS.escape(el.id)}"]`));
  const candidates = [el, ...(label ? [label, ...label.querySelectorAll('*')] : [])];
  const shown = candidates.find((e) => rendered(e) && ring(e));
  const box = (shown || el).getBoundingClientRect();
  const inView = box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
  const root = closest(el, '[data-testid]') || el;
  const left = Math.max(box.left + 1, 0), right = Math.min(box.right - 1, innerWidth - 1);
  const top = Math.max(box.top + 1, 0), bottom = Math.min(box.bottom - 1, innerHeight - 1);
  const points = [[(left + right) / 2, (top + bottom) / 2], [left, top], [right, top], [left, bottom], [right, bottom]];
  const uncovered = inView && points.some(([x, y]) => {
    const hit = hitAt(x, y);
    return hit && (within(root, hit) || within(hit, el) || (label && within(label, hit)));
  });
  return {
    visible: Boolean(shown), inView, uncovered, testid: root.dataset.testid || '',
    what: `<${el.tagName.toLowerCase()} in ${root.dataset.testid || 'the page'}> ${el.outerHTML.slice(0, 160)}`,
  };
}"""

DEEP_ACTIVE = """(() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el;
})()"""
TRANSITIONS_ENDED = (
    "() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')"
)


@dataclass(frozen=True)
class Stop:
    role: str
    name: str
    visible: bool
    in_view: bool
    uncovered: bool
    testid: str
    what: str

    @property
    def needs_name(self) -> bool:
        return self.role not in NAMELESS and self.testid not in NAMELESS

    def problems(self) -> list[str]:
        said = f"the focus on {self.role} “{self.name}” ({self.what})"
        found = []
        if not self.visible:
            found.append(f"{said} shows no outline or shadow")
        elif not self.in_view:
            found.append(f"{said} is outside the window")
        elif not self.uncovered:
            found.append(f"{said} is covered by another element")
        if not self.name.strip() and self.needs_name:
            found.append(f"{said} has no accessible name")
        if ":material/" in self.name:
            found.append(f"{said}: a screen reader reads Streamlit's icon markup")
        return found


class Keyboard:
    """A person at the keyboard: Tab and Shift+Tab to a control, then type, Space, Enter or arrows."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.cdp: CDPSession = page.context.new_cdp_session(page)
        self.problems: list[str] = []  # each where it was first seen
        self.found: set[str] = set()

    def where(self) -> Stop | None:
        """The focused element, its role and name as Chromium gives them to a screen reader, and its focus."""
        self.page.wait_for_function(TRANSITIONS_ENDED)
        state = self.page.evaluate(FOCUS_STATE)
        if state is None:
            return None
        focused = self.cdp.send("Runtime.evaluate", {"expression": DEEP_ACTIVE})["result"]
        asked = {"objectId": focused["objectId"], "fetchRelatives": False}
        nodes = self.cdp.send("Accessibility.getPartialAXTree", asked)["nodes"]
        node = next((n for n in nodes if not n.get("ignored")), nodes[0] if nodes else {})
        return Stop(
            role=str(node.get("role", {}).get("value", "")),
            name=str(node.get("name", {}).get("value", "")),
            visible=state["visible"],
            in_view=state["inView"],
            uncovered=state["uncovered"],
            testid=state["testid"],
            what=state["what"],
        )

    def focus(self, name: str | re.Pattern[str], *, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until the control called `name` has the focus; every element the focus
        passes on the way must show where it is and have a name."""
        wanted = name if isinstance(name, re.Pattern) else re.compile(rf"^{re.escape(name)}( \*)?$")
        seen = []
        for _press in range(MAX_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            stop = self.where()
            if stop is not None and not stop.name.strip() and stop.needs_name:
                # Leaving a field can start a run that draws the controls again: ask once it has ended.
                settle(self.page)
                stop = self.where()
            if stop is None:  # the focus left the page for the browser's own controls; the next Tab comes back
                seen.append("(the browser)")
                continue
            seen.append(stop.name)
            path = self.page.url.split("/", 3)[-1]
            for problem in stop.problems():
                if problem not in self.found:
                    self.found.add(problem)
                    self.problems.append(f"/{path}, Tab {len(seen)} towards “{wanted.pattern}”: {problem}")
            if wanted.search(stop.name):
                return
        raise AssertionError(f"“{name}” never got the focus; {'Shift+' if backwards else ''}Tab went through: {seen}")

    def type_into(self, name: str, text: str) -> None:
        self.focus(name)
        self.page.keyboard.type(text)

    def pick(self, name: str, option: str) -> None:
        """A select box or multiselect: type to filter, then Enter takes the first match."""
        self.focus(name)
        self.page.keyboard.type(option)
        expect(self.page.get_by_role("option", name=option, exact=True)).to_be_visible()
        self.page.keyboard.press("Enter")

    def press_button(self, name: str) -> None:
        self.focus(re.compile(rf"^{re.escape(name)}$"))
        self.page.keyboard.press("Enter")
        settle(self.page)

    def log_in(self, base: str, username: str) -> None:
        open_page(self.page, f"{base}/login")
        self.type_into("User name", username)
        self.type_into("Password", f.PASSWORD)
        self.press_button("Log in")
        expect(self.page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")).to_be_visible()
        settle(self.page)


def test_register_send_an_expression_of_interest_and_sign_with_the_keyboard_only(server: Server, page: Page) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = approved_plan(session, c, agreed_exchange(session, c))
        exchange_id = id_of(exchange)
    base = server.url
    keys = Keyboard(page)

    # Register, with a slip in the organisation's name noticed once the city is typed.
    open_page(page, f"{base}/register")
    keys.type_into("Full name", "Kim Keyboard")
    keys.type_into("E-mail", "kim@example.eu")
    keys.type_into("User name", "kim")
    keys.type_into("Password", f.PASSWORD)
    keys.type_into("Repeat password", f.PASSWORD)
    keys.type_into("Legal name of the organisation", "Braga Keyboard Cluste")
    keys.pick("Type of organisation", "Cluster organisation or business network")
    keys.pick("Country where it is registered", "Portugal")
    keys.type_into("City", "Braga")
    keys.focus("Legal name of the organisation", backwards=True)  # back over the country and the type
    page.keyboard.press("ArrowRight")  # the whole name is selected on arriving: to its end
    page.keyboard.type("r")
    keys.press_button("Create my account")
    expect(page.get_by_text("Your account is ready").first).to_be_visible()
    with read_session() as session:
        assert session.exec(select(Organisation.legal_name).where(Organisation.city == "Braga")).all() == [
            "Braga Keyboard Cluster"
        ]

    # Fill and send an expression of interest.
    keys.log_in(base, "kim")
    keys.focus("Expressions of interest")
    page.keyboard.press("Enter")
    settle(page)
    keys.focus("Visitor (we travel)")  # the radio group: arrows move, the first is chosen
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    keys.pick("Partnership that supervises your side", "VOP · Partnership VOP")
    keys.press_button("Start")
    expect(page.get_by_text("Step 1 of 4: Motivation").first).to_be_visible()
    keys.type_into(
        "Why do you want to take part in ClusterXchange?",
        "We want to learn how clusters abroad run open innovation programmes.",
    )
    keys.press_button("Next")
    expect(page.get_by_text("Step 2 of 4").first).to_be_visible()
    for label, option in (
        ("Countries you would like to work with", "France"),
        ("Industrial ecosystems", "Digital"),
        ("Activities you are interested in", "Market research"),
    ):
        keys.pick(label, option)  # the next Tab closes its list
    keys.focus(re.compile(r"^year, When could the exchange take place\?( \*)? start date$"))
    page.keyboard.type("20270201")
    keys.focus(re.compile(r"^year, When could the exchange take place\?( \*)? end date$"))
    page.keyboard.type("20270531")
    settle(page)
    keys.press_button("Next")
    expect(page.get_by_text("Step 3 of 4").first).to_be_visible()
    keys.type_into("Your position in the organisation", "Innovation manager")
    keys.press_button("Next")
    expect(page.get_by_text("Check everything before you send it").first).to_be_visible()
    keys.press_button("Send to the Partnership")
    expect(page.get_by_text("Sent to the Partnership").first).to_be_visible()
    with read_session() as session:
        assert (
            session.exec(select(EOI.state).where(EOI.partnership_id == c.vop.id)).all().count(EOIState.SUBMITTED) == 1
        )

    # Sign the Commitment to Quality as the Visitor of an exchange being signed; the name is typed with a
    # letter missing, seen after ticking the box, and mended with Shift+Tab and the arrows.
    keys.press_button("Log out")
    keys.log_in(base, "visitor")
    keys.focus("Exchanges")
    page.keyboard.press("Enter")
    settle(page)
    keys.focus("Open")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_role("button", name="Sign as Visitor").first).to_be_visible()
    keys.type_into("Your full name", "Visitor Persn")
    keys.focus("I have read this document and agree to it")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="I have read this document and agree to it").first).to_be_checked()
    keys.focus("Your full name", backwards=True)
    page.keyboard.press("ArrowRight")  # the end of the name
    page.keyboard.press("ArrowLeft")  # before its last letter
    page.keyboard.type("o")
    forms = page.get_by_role("button", name="Sign as Visitor").count()
    keys.press_button("Sign as Visitor")
    expect(page.get_by_role("button", name="Sign as Visitor")).to_have_count(forms - 1)
    with read_session() as session:
        signed = session.exec(
            select(Signature.typed_name)
            .join(Document, Document.id == Signature.document_id)  # type: ignore[arg-type]
            .where(Document.exchange_id == exchange_id)
        ).all()
    assert signed == ["Visitor Person"]
    assert not keys.problems, f"{len(keys.problems)} focus problems:\n" + "\n".join(keys.problems)

    # The check sees a missing indicator: with every outline and shadow switched off, the next stop has none.
    no_focus = ":not(#no#where), :not(#no#where):focus, :not(#no#where):focus-visible"  # outranks ui/style.py
    page.add_style_tag(content=f"{no_focus} {{ outline: none !important; box-shadow: none !important; }}")
    page.keyboard.press("Tab")
    stop = keys.where()
    assert stop is not None and not stop.visible and "shows no outline or shadow" in stop.problems()[0]
