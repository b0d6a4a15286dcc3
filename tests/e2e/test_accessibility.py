"""Accessibility in a real browser: axe-core on every page of every role, at 1280 and 360 px wide, in every
shipped language (English, French, German, Spanish, Italian, Polish).

Each role visits every page of its own navigation (ui/navigation.py, not a hand list), plus the detail pages
a menu item leads to (an exchange, an expression of interest) and, for the anonymous visitor, the page that
accepts a colleague's invitation (with and without the link's token). The logged-in people log in once for
the whole module and change language on their account between languages. A second server with an empty
database serves the first-run set-up page. axe runs with the WCAG 2.0/2.1/2.2 A and AA tags; a violation of
impact serious or critical fails the test, except the few in Streamlit's own markup listed in
docs/accessibility.md (EXCLUDED below). On every page no link, button, tab or expander title of the page
(or of the menu, once opened) has its words cut off ("Op…"); at 360 px no page may scroll sideways and
each page has exactly one h1. The organisations in the coordinator's work queue have long names, and a test
of its own reads every item of the queue whole. Screenshots of the wizard, the exchange page and the queue
at 360 px go to the test output folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import Session, select

from db.engine import read_session, write_session
from db.models import EOI, Exchange, Organisation, Outbox, Partnership
from domain.enums import EOIState, OrgRole, Role, Side
from domain.i18n import SHIPPED, SOURCE, _, in_language
from services import eois
from services.accounts import find_user
from services.colleagues import invite_person
from services.demo import DEMO_PASSWORD, seed_demo
from services.queue import queue_page
from services.sessions import LANGUAGE_COOKIE
from tests.e2e.conftest import (
    ARTIFACTS,
    ROOT,
    Server,
    app_server,
    free_port,
    log_in,
    open_page,
    running_server,
    settle,
)
from ui.navigation import pages_for

WIDTHS = (1280, 360)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
SHOTS = Path(os.environ.get("CXC_TEST_ARTIFACTS", str(ARTIFACTS))) / "accessibility"
ROLES: tuple[Role | None, ...] = (None, Role.PARTICIPANT, Role.COORDINATOR, Role.ADMIN)

# Streamlit's own markup that the app cannot change: (rule, CSS selector), each in docs/accessibility.md.
EXCLUDED: tuple[tuple[str, str], ...] = (
    # st.pdf on a phone: an A4 page is wider than the viewer, whose page area then scrolls sideways without
    # a tabindex (Chromium makes such a box a focus stop by itself; not every browser does).
    ("scrollable-region-focusable", 'data-testid="pdf-content"'),
)

# The demo accounts that see the most of their role's pages.
ACCOUNTS: dict[Role, str] = {Role.PARTICIPANT: "valencia.sme", Role.COORDINATOR: "coord.dib", Role.ADMIN: "admin"}

# Real organisations have names like these; the work queue names both sides of each item.
LONG_NAMES = (
    "Agrupación Empresarial Innovadora de Tecnologías Agroalimentarias de la Comunitat Valenciana S.L.",
    "Pôle de compétitivité des mobilités durables et des véhicules intelligents Auvergne-Rhône-Alpes SARL",
    "Stowarzyszenie Klaster Innowacyjnych Technologii Przemysłu Drzewnego Województwa Łotewskiego",
    "Associação Empresarial para a Inovação e Internacionalização das Indústrias Têxteis do Norte",
    "Wirtschaftsförderungsgesellschaft für Textiltechnologie und Technologietransfer Łódź S.A.",
    "Consorzio per lo Sviluppo delle Tecnologie Avanzate nella Manifattura Sostenibile della Lombardia",
)


@dataclass(frozen=True)
class Demo:
    server: Server
    exchange_id: int  # Valencia's exchange, being signed: the documents show in the page
    draft_eoi_id: int  # Valencia's new draft: the wizard
    submitted_eoi_id: int  # Riga's expression of interest, waiting for DIB's review
    invitation_token: str  # Valencia's contact person invited a colleague, who has not chosen a password yet
    queue: dict[int, tuple[str, ...]]  # DIB's work queue: record number → the names of its organisations


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
                invite_person(
                    session,
                    actor=valencia,
                    organisation=session.get(Organisation, valencia.organisation_id),
                    full_name="Bea Invited",
                    email="bea.invited@example.eu",
                    roles=[OrgRole.SIGNATORY],
                )
                session.commit()
                _give_long_names(session)
            with read_session() as session:
                riga = find_user(session, "riga.cluster")
                submitted = session.exec(
                    select(EOI.id).where(EOI.organisation_id == riga.organisation_id, EOI.state == EOIState.SUBMITTED)
                ).one()
                mail = session.exec(select(Outbox.body).where(Outbox.to_email == "bea.invited@example.eu")).one()
                token = re.search(r"accept_invitation\?token=([\w-]+)", mail)
                assert token is not None, mail
                items = _queue_of(session, ACCOUNTS[Role.COORDINATOR])
            yield Demo(server, exchange_id, draft.id, submitted, token.group(1), items)
    finally:
        monkeypatch.undo()


def _queue_of(session: Session, username: str) -> dict[int, tuple[str, ...]]:
    coordinator = find_user(session, username)
    assert coordinator is not None
    page = queue_page(session, coordinator, page=1, page_size=25, today=datetime.now(UTC).date())
    return {item.record_id: item.organisations for item in page.items}


def _give_long_names(session: Session) -> None:
    """Every organisation in DIB's work queue gets a long real-world name (they show across the app too)."""
    coordinator = find_user(session, ACCOUNTS[Role.COORDINATOR])
    assert coordinator is not None
    queue = queue_page(session, coordinator, page=1, page_size=25, today=datetime.now(UTC).date())
    ids = list(dict.fromkeys(i for item in queue.items for i in item.organisation_ids))
    assert len(queue.items) >= 3 and len(ids) <= len(LONG_NAMES), [(i.kind, i.organisations) for i in queue.items]
    for organisation_id, name in zip(ids, LONG_NAMES, strict=False):
        organisation = session.get(Organisation, organisation_id)
        organisation.legal_name = name
        session.add(organisation)
    session.commit()


@pytest.fixture(scope="module")
def people(demo: Demo, browser: Browser) -> Iterator[dict[Role, Page]]:
    """One logged-in browser page per role for the whole module: each person logs in once (in English, as
    log_in types the form's labels) and changes the language on their account between languages."""
    pages: dict[Role, Page] = {}
    try:
        for role, username in ACCOUNTS.items():
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(20_000)
            pages[role] = context.new_page()
            _speak(username, SOURCE)
            log_in(pages[role], demo.server.url, username, DEMO_PASSWORD)
        yield pages
    finally:
        for page in pages.values():
            page.context.close()


def _speak(username: str, locale: str | None) -> None:
    """The account's saved language, which every later page load of that person follows."""
    with write_session() as session:
        user = find_user(session, username)
        assert user is not None
        user.locale = locale
        session.add(user)
        session.commit()


@contextmanager
def _visitor(browser: Browser, base: str, locale: str) -> Iterator[Page]:
    """An anonymous visitor whose browser remembers `locale` (the language cookie)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": LANGUAGE_COOKIE, "value": locale, "url": base}])
    try:
        yield context.new_page()
    finally:
        context.close()


def _urls(role: Role | None, demo: Demo) -> list[tuple[str, str]]:
    """(name, path) of every page in the role's navigation, and the detail pages its lists open."""
    urls = [(spec.url_path, spec.url_path) for spec in pages_for(role) if spec.in_menu]
    if role is None:
        urls += [
            ("accept_invitation", "accept_invitation"),
            ("accept_invitation_form", f"accept_invitation?token={demo.invitation_token}"),
        ]
    if role == Role.PARTICIPANT:
        urls += [("exchange", f"exchange?id={demo.exchange_id}"), ("eoi_wizard", f"my_eois?id={demo.draft_eoi_id}")]
    if role == Role.COORDINATOR:
        urls += [
            ("exchange", f"exchange?id={demo.exchange_id}"),
            ("eoi_review", f"eoi_review?id={demo.submitted_eoi_id}"),
        ]
    return urls


SCREENSHOTS = {"eoi_wizard", "exchange", "coordinator_home"}
# Forms whose refusal (an empty submit) is checked too: the banner and the field errors are drawn then.
EMPTY_SUBMIT = {"accept_invitation_form", "setup"}


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


# The words of each shown control that a box of its own, or of the page, hides: text cut at a box's edge
# ("Op…" when text-overflow adds the ellipsis), or past the window's edge. A control that sits in a strip
# that scrolls sideways (Streamlit's tab bar on a phone) is only out of view, not cut. Icons (aria-hidden)
# are not words.
CUT_OFF = """(controls) => controls.map((control) => {
  const box = control.getBoundingClientRect();
  if (box.width <= 1 || box.height <= 1 || box.right <= 0 || box.left >= innerWidth) return null;
  if (!control.checkVisibility({visibilityProperty: true})) return null;
  const hides = (overflow) => overflow === 'hidden' || overflow === 'clip';
  const scrolls = (overflow) => overflow === 'auto' || overflow === 'scroll';
  const cut = [];
  const texts = document.createTreeWalker(control, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const words = node.textContent.trim();
    if (!words || node.parentElement.closest('[aria-hidden="true"]')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    let where = '';
    for (let a = node.parentElement; a && a !== document.body && !where; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (scrolls(s.overflowX)) break;
      const x = hides(s.overflowX), y = control.contains(a) && hides(s.overflowY);
      if (!x && !y) continue;
      const c = a.getBoundingClientRect();
      const out = rects.some((r) => (x && (r.left < c.left - 1 || r.right > c.right + 1))
        || (y && (r.top < c.top - 1 || r.bottom > c.bottom + 1)));
      if (out) where = `by <${a.tagName.toLowerCase()} ${a.dataset.testid || a.className}>`
        + (s.textOverflow === 'ellipsis' ? ' with “…”' : '');
      if (a === document.scrollingElement) break;
    }
    if (!where && rects.some((r) => r.right > document.documentElement.clientWidth + 1 || r.left < -1)) {
      let a = node.parentElement;
      while (a && a !== document.body && !scrolls(getComputedStyle(a).overflowX)) a = a.parentElement;
      if (!a || a === document.body) where = 'past the window';
    }
    if (where) cut.push(`“${words.slice(0, 60)}” cut off ${where}`);
  }
  const said = control.innerText.replace(/\\s+/g, ' ').trim().slice(0, 80);
  return cut.length ? `${control.tagName.toLowerCase()} “${said}”: ${cut.join('; ')}` : null;
}).filter(Boolean)"""
CONTROLS = "a, button, [role='tab'], summary"


def _cut_off_problems(scope: Locator, where: str) -> list[str]:
    return [f"{where}: {cut}" for cut in scope.locator(CONTROLS).evaluate_all(CUT_OFF)]


def _translated(locale: str, text: str) -> str:
    with in_language(locale):
        return _(text)


TRANSITIONS_ENDED = (
    "() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')"
)


def _menu_problems(page: Page, axe: Axe, role: Role | None, width: int, locale: str) -> list[str]:
    """The menu (opened on a phone) holds every page of the role as one link: no "View N more"."""
    where = f"{locale} {role or 'anonymous'} menu at {width} px"
    sidebar = page.get_by_test_id("stSidebar")
    if width < 1280:
        page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar.get_by_test_id("stSidebarNav")).to_be_in_viewport()
    page.wait_for_function(TRANSITIONS_ENDED)  # the menu slides in; measured once it is still
    titles = [_translated(locale, spec.title) for spec in pages_for(role) if spec.in_menu]
    links = sidebar.get_by_test_id("stSidebarNavLink").all_inner_texts()
    shown = [link.strip().splitlines()[-1] for link in links]  # a link's text starts with its icon's name
    problems = [] if sorted(shown) == sorted(titles) else [f"{where}: the menu shows {shown}, not {titles}"]
    if sidebar.get_by_test_id("stSidebarNavViewButton").count():
        problems.append(f"{where}: pages hidden behind “View more”")
    problems += _axe_problems(page, axe, where) + _cut_off_problems(sidebar, where)
    if width < 1280:
        problems += _layout_problems(page, where)
        if locale == SOURCE:
            _screenshot(page, SHOTS / f"{role or 'anonymous'}-menu-360.png")
    return problems


def _screenshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window grows to its height first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 360, "height": max(900, height)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 360, "height": 900})


# Each PDF viewer of the page (st.pdf, keyed "pdf_…" by the app) has drawn its first page: the viewer's
# size, and whether its page area scrolls, are known only then.
PDFS_DRAWN = """() => [...document.querySelectorAll('[class*="st-key-pdf_"]')].every((viewer) => {
  const isolated = viewer.querySelector('[data-testid="stBidiComponentIsolated"]');
  return Boolean(isolated && isolated.shadowRoot && isolated.shadowRoot.querySelector('.react-pdf__Page canvas'));
})"""


def _check_page(page: Page, axe: Axe, name: str, where: str, locale: str, width: int) -> list[str]:
    """axe, <html lang>, cut-off words and, on a phone, the layout of the page on screen."""
    page.wait_for_function(PDFS_DRAWN)
    # After a change of language the page first comes with the language the browser remembered; the
    # language script the app draws corrects <html lang> (and the cookie) a moment later.
    expect(page.locator("html")).to_have_attribute("lang", locale)
    problems = _axe_problems(page, axe, where) + _cut_off_problems(page.get_by_test_id("stMain"), where)
    if width < 1280:
        problems += _layout_problems(page, where)
        if name in SCREENSHOTS:
            _screenshot(page, SHOTS / f"{where.split(' /')[0].replace(' ', '-')}-{name}-360.png")
    if name in EMPTY_SUBMIT:  # the same page once an empty form came back with its refusals
        alerts = page.get_by_test_id("stAlert").count()
        page.get_by_test_id("stBaseButton-primaryFormSubmit").click()
        page.wait_for_function("n => document.querySelectorAll('[data-testid=stAlert]').length > n", arg=alerts)
        settle(page)
        problems += _axe_problems(page, axe, f"{where}, refused") + _cut_off_problems(
            page.get_by_test_id("stMain"), f"{where}, refused"
        )
        if width < 1280:
            problems += _layout_problems(page, f"{where}, refused")
    return problems


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("locale", SHIPPED)
def test_every_page_passes_axe_at_1280_and_360_px(
    demo: Demo, people: dict[Role, Page], browser: Browser, locale: str, role: Role | None
) -> None:
    """Translations are longer than English and wrap differently: every page of every role in each shipped
    language, at both widths; <html lang> says which."""
    base = demo.server.url
    axe = Axe()
    problems: list[str] = []
    with _visitor(browser, base, locale) if role is None else _as(people[role], ACCOUNTS[role], locale) as page:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in _urls(role, demo):
                where = f"{locale} {role or 'anonymous'} /{path} at {width} px"
                open_page(page, f"{base}/{path}")
                problems += _check_page(page, axe, name, where, locale, width)
            problems += _menu_problems(page, axe, role, width, locale)
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


@contextmanager
def _as(page: Page, username: str, locale: str) -> Iterator[Page]:
    """The logged-in person's page, speaking `locale` until the block ends. Streamlit keeps whether the menu
    is open in the browser's localStorage (opened on a phone, it stays open on the next loads): forgotten
    first, so that each test sees the layout of a first visit, as a new browser would."""
    _speak(username, locale)
    page.evaluate("() => localStorage.clear()")
    try:
        yield page
    finally:
        _speak(username, SOURCE)
        page.set_viewport_size({"width": 1280, "height": 900})


@contextmanager
def _fresh_instance(tmp_path: Path) -> Iterator[str]:
    """A second app server on an empty, migrated database (no administrator yet), until the block ends. The
    test process keeps talking to the demo's database."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data_dir / 'cxc.db'}",
        "CXC_DATA_DIR": str(data_dir),
        "CXC_PUBLIC_URL": url,
    }
    subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    with running_server(tmp_path / "server.log", env, port):
        yield url


def test_the_first_run_set_up_page_passes_axe_in_every_language(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A new instance opens on "Set up this instance" at every address: the page, then its refusal of an
    empty form, in each shipped language at both widths. No administrator is created."""
    axe = Axe()
    problems: list[str] = []
    with _fresh_instance(tmp_path_factory.mktemp("first-run")) as base:
        for locale in SHIPPED:
            with _visitor(browser, base, locale) as page:
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    open_page(page, base)
                    expect(page.locator("h1").first).to_have_text(_translated(locale, "Set up this instance"))
                    problems += _check_page(page, axe, "setup", f"{locale} first run / at {width} px", locale, width)
        with _visitor(browser, base, SOURCE) as page:  # the refusals created nobody: still the set-up page
            open_page(page, base)
            expect(page.locator("h1").first).to_have_text("Set up this instance")
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


def test_every_item_of_the_work_queue_reads_whole_with_long_names(demo: Demo, people: dict[Role, Page]) -> None:
    """Issue 15: the work queue's items were cut off ("Op…") at 1280 px. Each item is one link whose words say
    what, which record and who: with the organisations' long names, in every language, at 1280 and 360 px,
    every item is on screen with all its words, none hidden by its box or past the window's edge."""
    base = demo.server.url
    page = people[Role.COORDINATOR]
    items = page.get_by_test_id("stMain").get_by_test_id("stPageLink-NavLink")
    assert len(demo.queue) >= 3 and any(name in LONG_NAMES for names in demo.queue.values() for name in names)
    problems: list[str] = []
    for locale in SHIPPED:
        with _as(page, ACCOUNTS[Role.COORDINATOR], locale):
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                open_page(page, f"{base}/coordinator_home")
                expect(items).to_have_count(len(demo.queue))
                where = f"{locale} work queue at {width} px"
                texts = [" ".join(text.split()) for text in items.all_inner_texts()]
                for record_id, names in demo.queue.items():
                    whole = [t for t in texts if f"#{record_id} " in t and all(name in t for name in names)]
                    if len(whole) != 1:
                        problems.append(f"{where}: no item names #{record_id} with {names} in full: {texts}")
                problems += _cut_off_problems(page.get_by_test_id("stMain"), where)
    # The check sees the fault it guards against: links that keep to one line and end in "…".
    page.add_style_tag(
        content='[data-testid="stPageLink-NavLink"] span { white-space: nowrap !important; overflow: hidden !important;'
        " text-overflow: ellipsis !important; }"
    )
    cut = _cut_off_problems(page.get_by_test_id("stMain"), "one line")
    assert len(cut) == len(demo.queue) and all("with “…”" in c for c in cut), cut
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
