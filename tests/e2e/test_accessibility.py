"""Accessibility in a real browser: axe-core on every page of every role, at 1280 and 360 px wide.

Each role logs in once and visits every page of its own navigation (ui/navigation.py, not a hand
list), plus the detail pages a menu item leads to (an exchange, an expression of interest). axe runs
with the WCAG 2.0/2.1/2.2 A and AA tags; a violation of impact serious or critical fails the test,
except the few in Streamlit's own markup listed in docs/accessibility.md (EXCLUDED below). At 360 px
no page may scroll sideways and each page has exactly one h1; screenshots of the wizard, the
exchange page and the queue at 360 px go to the test output folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import EOI, Exchange, Partnership
from domain.enums import EOIState, Role, Side
from domain.i18n import SHIPPED, SOURCE
from services import eois
from services.accounts import find_user
from services.demo import DEMO_PASSWORD, seed_demo
from services.sessions import LANGUAGE_COOKIE
from tests.e2e.conftest import ARTIFACTS, Server, app_server, log_in, open_page, settle
from ui.navigation import pages_for

WIDTHS = (1280, 360)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
SHOTS = Path(os.environ.get("CXC_TEST_ARTIFACTS", str(ARTIFACTS))) / "accessibility"

# Streamlit's own markup that the app cannot change: (rule, CSS selector), each in docs/accessibility.md.
EXCLUDED: tuple[tuple[str, str], ...] = ()

# The demo accounts that see the most of their role's pages.
ACCOUNTS: dict[Role, str] = {Role.PARTICIPANT: "valencia.sme", Role.COORDINATOR: "coord.dib", Role.ADMIN: "admin"}


@dataclass(frozen=True)
class Demo:
    server: Server
    exchange_id: int  # Valencia's exchange, being signed: the documents show in the page
    draft_eoi_id: int  # Valencia's new draft: the wizard
    submitted_eoi_id: int  # Riga's expression of interest, waiting for DIB's review


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One app server with the demo programme for the whole module (logins and seeding are slow)."""
    monkeypatch = pytest.MonkeyPatch()
    try:
        with app_server(tmp_path_factory.mktemp("a11y"), monkeypatch, {}) as server:
            with write_session() as session:
                seed_demo(session)
                valencia = find_user(session, ACCOUNTS[Role.PARTICIPANT])
                dib = session.exec(select(Partnership).where(Partnership.acronym == "DIB")).one()
                draft = eois.start_eoi(session=session, actor=valencia, side=Side.HOST, partnership_id=dib.id)
                exchange_id = session.exec(
                    select(Exchange.id).where(Exchange.visitor_org_id == valencia.organisation_id)
                ).one()
            with read_session() as session:
                riga = find_user(session, "riga.cluster")
                submitted = session.exec(
                    select(EOI.id).where(EOI.organisation_id == riga.organisation_id, EOI.state == EOIState.SUBMITTED)
                ).one()
            yield Demo(server, exchange_id, draft.id, submitted)
    finally:
        monkeypatch.undo()


def _urls(role: Role | None, demo: Demo) -> list[tuple[str, str]]:
    """(name, path) of every page in the role's navigation, and the detail pages its lists open."""
    urls = [(spec.url_path, spec.url_path) for spec in pages_for(role) if spec.in_menu]
    if role == Role.PARTICIPANT:
        urls += [("exchange", f"exchange?id={demo.exchange_id}"), ("eoi_wizard", f"my_eois?id={demo.draft_eoi_id}")]
    if role == Role.COORDINATOR:
        urls += [
            ("exchange", f"exchange?id={demo.exchange_id}"),
            ("eoi_review", f"eoi_review?id={demo.submitted_eoi_id}"),
        ]
    return urls


SCREENSHOTS = {"eoi_wizard", "exchange", "coordinator_home"}


def _excluded(rule: str, target: list) -> bool:
    return any(rule == r and selector in str(target) for r, selector in EXCLUDED)


def _axe_problems(page: Page, axe: Axe, where: str) -> list[str]:
    """One line per rule broken on this page: how many elements, the first targets, and why."""
    results = axe.run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        nodes = [
            node
            for node in violation["nodes"]
            if node.get("impact") in FAILING_IMPACTS and not _excluded(violation["id"], node["target"])
        ]
        if nodes:
            targets = ", ".join(f"{node['target']} {node['html'][:160]}" for node in nodes[:3])
            why = nodes[0]["failureSummary"].replace("\n", " ")
            problems.append(f"{where}: {violation['id']} ({violation['impact']}) on {len(nodes)}: {targets}: {why}")
    return problems


def _layout_problems(page: Page, where: str) -> list[str]:
    problems = []
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    if widths[0] > widths[1]:
        problems.append(f"{where}: scrolls sideways ({widths[0]} px of content in {widths[1]} px)")
    levels = page.evaluate(
        "() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]"
        ".filter(h => h.getClientRects().length > 0).map(h => Number(h.tagName[1]))"
    )
    if levels.count(1) != 1:
        problems.append(f"{where}: {levels.count(1)} h1 headings, not one")
    jumps = [(a, b) for a, b in zip([0, *levels], levels, strict=False) if b > a + 1]
    if jumps:
        problems.append(f"{where}: headings out of order {levels} (h{jumps[0][0]} then h{jumps[0][1]})")
    return problems


def _menu_problems(page: Page, axe: Axe, role: Role | None, width: int) -> list[str]:
    """The menu (opened on a phone) holds every page of the role as one link: no "View N more"."""
    where = f"{role or 'anonymous'} menu at {width} px"
    sidebar = page.get_by_test_id("stSidebar")
    if width < 1280:
        page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar.get_by_test_id("stSidebarNav")).to_be_in_viewport()
    titles = [spec.title for spec in pages_for(role) if spec.in_menu]
    links = sidebar.get_by_test_id("stSidebarNavLink").all_inner_texts()
    shown = [link.strip().splitlines()[-1] for link in links]  # a link's text starts with its icon's name
    problems = [] if sorted(shown) == sorted(titles) else [f"{where}: the menu shows {shown}, not {titles}"]
    if sidebar.get_by_test_id("stSidebarNavViewButton").count():
        problems.append(f"{where}: pages hidden behind “View more”")
    problems += _axe_problems(page, axe, where)
    if width < 1280:
        problems += _layout_problems(page, where)
        _screenshot(page, SHOTS / f"{role or 'anonymous'}-menu-360.png")
    return problems


def _screenshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window grows to its height first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 360, "height": max(900, height)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 360, "height": 900})


@pytest.mark.parametrize("role", [None, Role.PARTICIPANT, Role.COORDINATOR, Role.ADMIN], ids=lambda r: r or "anonymous")
def test_every_page_passes_axe_at_1280_and_360_px(demo: Demo, browser: Browser, role: Role | None) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    axe = Axe()
    base = demo.server.url
    problems: list[str] = []
    try:
        if role is not None:
            log_in(page, base, ACCOUNTS[role], DEMO_PASSWORD)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in _urls(role, demo):
                where = f"{role or 'anonymous'} /{path} at {width} px"
                open_page(page, f"{base}/{path}")
                settle(page)
                problems += _axe_problems(page, axe, where)
                if width == 360:
                    problems += _layout_problems(page, where)
                    if name in SCREENSHOTS:
                        _screenshot(page, SHOTS / f"{role or 'anonymous'}-{name}-360.png")
            problems += _menu_problems(page, axe, role, width)
    finally:
        context.close()
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


def _speak(username: str, locale: str | None) -> None:
    """The account's saved language, which every later page load of that person follows."""
    with write_session() as session:
        user = find_user(session, username)
        assert user is not None
        user.locale = locale
        session.add(user)
        session.commit()


@pytest.mark.parametrize("locale", [code for code in SHIPPED if code != SOURCE])
def test_every_page_in_each_language_passes_axe_at_360_px(demo: Demo, browser: Browser, locale: str) -> None:
    """Translations are longer than English and wrap differently: every page of every role again, on a
    phone, in each shipped language; <html lang> says which (the 1280 px layout is checked in English)."""
    base = demo.server.url
    problems: list[str] = []
    for role in (None, *ACCOUNTS):
        context = browser.new_context(viewport={"width": 360, "height": 900})
        context.set_default_timeout(20_000)
        if role is None:  # an anonymous visitor's choice, remembered by the browser
            context.add_cookies([{"name": LANGUAGE_COOKIE, "value": locale, "url": base}])
        page = context.new_page()
        axe = Axe()
        try:
            if role is not None:
                _speak(ACCOUNTS[role], SOURCE)  # the login form in English, as log_in types its labels
                log_in(page, base, ACCOUNTS[role], DEMO_PASSWORD)
                _speak(ACCOUNTS[role], locale)
            for _name, path in _urls(role, demo):
                where = f"{locale} {role or 'anonymous'} /{path} at 360 px"
                open_page(page, f"{base}/{path}")
                settle(page)
                if (lang := page.evaluate("() => document.documentElement.lang")) != locale:
                    problems.append(f"{where}: <html lang> is {lang!r}")
                problems += _axe_problems(page, axe, where) + _layout_problems(page, where)
        finally:
            context.close()
            if role is not None:
                _speak(ACCOUNTS[role], SOURCE)
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)
