"""Real-browser fixtures: the app on a free port with a temporary database, driven by
Playwright through Debian's Chromium (never a downloaded browser build)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from db.engine import dispose_engines
from deploy.cluster import free_port, running_app
from ui.style import CSS as APP_CSS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CXC_TEST_ARTIFACTS", "/tmp/cxc-test-artifacts"))
CHROMIUM = os.environ.get("CXC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Streamlit answers a click with a whole script run; on a busy 2-core machine that can take seconds.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class Server:
    url: str
    database_url: str
    data_dir: Path
    process: subprocess.Popen


def _production_env() -> dict[str, str]:
    """The app server's environment: the test process's own, which the unit tests' lowered
    password cost never reaches here (tests/conftest.py skips it for e2e tests)."""
    return dict(os.environ)


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment of the app server; a test module overrides it (e.g. with SMTP_URL)."""
    return {}


# One app process (serve.py, as `make run` starts it) until the block ends.
running_server = running_app
__all__ = ["free_port", "running_server"]


@contextmanager
def app_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra_env: dict[str, str], port: int | None = None
) -> Iterator[Server]:
    """The app on 127.0.0.1 with a fresh SQLite database, until the block ends."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database_url = f"sqlite:///{data_dir / 'cxc.db'}"
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    # Production settings: the real password cost, cookie and server command.
    env = {
        **_production_env(),
        "DATABASE_URL": database_url,
        "CXC_DATA_DIR": str(data_dir),
        "CXC_PUBLIC_URL": url,
        **extra_env,
    }
    subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    with running_server(tmp_path / "server.log", env, port) as process:
        # The test process writes set-up data into the same database through the services.
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("CXC_DATA_DIR", str(data_dir))
        monkeypatch.setenv("CXC_PUBLIC_URL", url)
        dispose_engines()
        try:
            yield Server(url, database_url, data_dir, process)
        finally:
            dispose_engines()


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server_env: dict[str, str]) -> Iterator[Server]:
    with app_server(tmp_path, monkeypatch, server_env) as running:
        yield running


@contextmanager
def spinning_cores() -> Iterator[None]:
    """As many spinning processes as cores (at least two): the app competes for every core."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(2, os.cpu_count() or 2))
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


@pytest.fixture
def busy_cores() -> Iterator[None]:
    with spinning_cores():
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        shot = ARTIFACTS / f"{request.node.name}.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failure: {shot}")
    context.close()


def settle(page: Page) -> None:
    """Wait until Streamlit has finished the current script run."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=20_000)
    # Elements of the previous run stay on screen, marked stale, until the new run replaces them.
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=20_000)


# The style rules the app adds (ui/style.py: focus outline, 24 px targets, wrapping links), known by their
# first line. Streamlit draws them in its event container a moment after the page's own elements.
APP_STYLE = "(line) => [...document.querySelectorAll('style')].some((s) => s.textContent.includes(line))"
APP_STYLE_LINE = APP_CSS.split("<style>", 1)[1].strip().splitlines()[0]


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stApp")).to_be_visible()
    expect(page.locator("h1").first).to_be_visible()
    settle(page)
    page.wait_for_function(APP_STYLE, arg=APP_STYLE_LINE)
    page.evaluate("() => document.fonts.ready.then(() => null)")  # words measured in their own font


def log_in(page: Page, base: str, username: str, password: str, path: str = "login", *, succeed: bool = True) -> None:
    open_page(page, f"{base}/{path}")
    form = page.get_by_test_id("stForm")
    textbox(form, "User name").fill(username)
    textbox(form, "Password").fill(password)
    form.get_by_role("button", name="Log in").click()
    if succeed:
        expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Log out")).to_be_visible()
        # Later page loads need the session cookie, which the server sets once the page asks.
        wait_for_session_cookie(page)
        settle(page)


SESSION_COOKIE = "cxc_session"


def session_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == SESSION_COOKIE), None)


def wait_for_session_cookie(page: Page, timeout: float = 15) -> dict:
    """The HttpOnly session cookie, as the browser stores it (scripts in the page cannot see it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cookie = session_cookie(page)
        if cookie is not None:
            return cookie
        page.wait_for_timeout(100)  # polls the browser's cookie jar; ends as soon as it is there
    raise AssertionError(f"no {SESSION_COOKIE} cookie after {timeout}s")


def textbox(scope, label: str):  # type: ignore[no-untyped-def]
    """The text input labelled `label` (required fields carry a trailing " *")."""
    return scope.get_by_label(f"{label} *", exact=True).or_(scope.get_by_label(label, exact=True))


def choose(page: Page, scope, label: str, option: str) -> None:
    box = scope.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}( \*)?$"))
    box.click()
    box.fill(option[:12])
    page.get_by_role("option", name=option, exact=True).click()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def fill_date_range(page: Page, label: str, start: str, end: str) -> None:
    """Type into Streamlit's segmented date-range field (YYYY-MM-DD each)."""
    start_field = page.get_by_role("spinbutton", name=re.compile(rf"^year, {re.escape(label)}( \*)? start date$"))
    start_field.click()
    page.keyboard.type(start.replace("-", ""))
    page.get_by_role("spinbutton", name=re.compile(rf"^year, {re.escape(label)}( \*)? end date$")).click()
    page.keyboard.type(end.replace("-", ""))
    page.keyboard.press("Escape")


def fill_date(page: Page, label: str, value: str, nth: int = 0) -> None:
    page.get_by_role("spinbutton", name=re.compile(rf"^year, {re.escape(label)}( \*)?$")).nth(nth).click()
    page.keyboard.type(value.replace("-", ""))
    page.keyboard.press("Escape")


def pick_many(page: Page, label: str, options: list[str]) -> None:
    box = page.get_by_role("combobox", name=re.compile(rf"^{re.escape(label)}( \*)?$"))
    for option in options:
        box.click()
        box.fill(option[:12])
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def button(page: Page, name: str) -> None:
    settle(page)
    page.get_by_role("button", name=name, exact=True).click()
    settle(page)


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[str], Page]]:
    """Pages of several people at once (each its own browser context); screenshots on failure."""
    made: dict[str, Page] = {}

    def make(name: str) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(20_000)
        made[name] = context.new_page()
        return made[name]

    yield make
    failed = getattr(request.node, "rep_call", None)
    for name, page in made.items():
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)
        page.context.close()


def follow(page: Page, base: str, link) -> None:
    """Open the target of an in-app link as a fresh page load (what a middle-click or a link in an e-mail does)."""
    href = link.get_attribute("href")
    assert href, "the link has no target"
    open_page(page, href if href.startswith("http") else f"{base}/{href}")
