"""The language in a real browser: the first guess from Accept-Language, the switch, <html lang>
live and on the next load, and the remembered choice (the real server, production settings)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from db.engine import write_session
from tests import factories as f
from tests.catalogue import write_catalogue
from tests.e2e.conftest import Server, open_page, settle

WELCOME = {
    "fr": {"Welcome to ClusterXchange": "Bienvenue dans ClusterXchange", "Language": "Langue"},
    "de": {"Welcome to ClusterXchange": "Willkommen bei ClusterXchange", "Language": "Sprache"},
}


@pytest.fixture
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("locales")
    for locale, messages in WELCOME.items():
        write_catalogue(folder, locale, messages)
    return {"CXC_LOCALE_DIR": str(folder)}


@pytest.fixture
def french_browser(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    yield context.new_page()
    context.close()


def _html_lang(page: Page) -> str:
    return page.evaluate("document.documentElement.lang")


def test_first_guess_switch_and_remembered_choice(server: Server, french_browser: Page) -> None:
    with write_session() as session:
        f.admin(session)
    page = french_browser
    open_page(page, server.url)
    expect(page.locator("h1").first).to_have_text("Bienvenue dans ClusterXchange")  # Accept-Language: fr-FR
    assert _html_lang(page) == "fr"

    _switch(page, "Langue", "Deutsch")
    expect(page.locator("h1").first).to_have_text("Willkommen bei ClusterXchange")
    expect(page.locator("html")).to_have_attribute("lang", "de")  # at once, without a reload
    cookie = next(c for c in page.context.cookies() if c["name"] == "cxc_lang")
    assert cookie["value"] == "de" and cookie["httpOnly"]

    open_page(page, f"{server.url}/news")  # a new page load: the server says the remembered language
    assert _html_lang(page) == "de"
    _switch(page, "Sprache", "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _switch(page, "Language", "Deutsch")  # back to the language this page was loaded with
    expect(page.locator("html")).to_have_attribute("lang", "de")
    open_page(page, server.url)
    assert _html_lang(page) == "de"
    expect(page.locator("h1").first).to_have_text("Willkommen bei ClusterXchange")  # the cookie beats Accept-Language


def _switch(page: Page, label: str, language: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("combobox", name=re.compile(label)).click()
    page.get_by_role("option", name=language, exact=True).click()
    settle(page)
