"""Sign-in through an identity provider: a real OpenID Provider (the certified npm
`oidc-provider`, tests/oidc) on 127.0.0.1, authorisation code with PKCE through st.login."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import AuthSession, User
from domain.enums import Role
from tests import factories as f
from tests.e2e.conftest import Server, app_server, free_port, open_page, settle, textbox, wait_for_session_cookie
from tests.e2e.oidc_provider import OIDCProvider, oidc_provider
from tests.e2e.test_foundation_journeys import fill_registration

PROVIDER = "Test Provider"


@pytest.fixture
def app_and_provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Server, OIDCProvider]]:
    app_port = free_port()
    app_url = f"http://127.0.0.1:{app_port}"
    with oidc_provider(
        free_port(),
        client_id="cxc-desk",
        client_secret=secrets.token_urlsafe(24),
        redirect_uris=[f"{app_url}/oauth2callback"],
    ) as provider:
        env = {
            "CXC_OIDC_METADATA_URL": provider.metadata_url,
            "CXC_OIDC_CLIENT_ID": provider.client_id,
            "CXC_OIDC_CLIENT_SECRET": provider.client_secret,
            "CXC_OIDC_NAME": PROVIDER,
        }
        with app_server(tmp_path, monkeypatch, env, port=app_port) as server:
            yield server, provider


def _sidebar(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("stSidebar")


def _sign_in_at_provider(page: Page, server: Server, who: str) -> None:
    open_page(page, f"{server.url}/login")
    page.get_by_role("button", name=f"Sign in with {PROVIDER}").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(who)
    page.get_by_role("button", name="Sign in").click()
    # Back from the provider, on the app's own page.
    page.wait_for_url(f"{server.url}/**")
    expect(page.get_by_test_id("stApp")).to_be_visible()
    settle(page)


def _participant_with_email(username: str, email: str) -> None:
    with write_session() as session:
        f.admin(session)
        user = f.participant(session, username)
        user.email = email
        session.add(user)
        session.commit()


def _sessions_of(username: str) -> list[AuthSession]:
    with read_session() as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return list(session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all())


def test_a_verified_address_signs_in_to_its_account_and_logout_leaves_the_provider_too(
    app_and_provider: tuple[Server, OIDCProvider], page: Page
) -> None:
    server, _provider = app_and_provider
    _participant_with_email("anna.p", "anna@example.org")
    _sign_in_at_provider(page, server, "anna")
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next").first).to_be_visible()
    wait_for_session_cookie(page)
    [record] = _sessions_of("anna.p")
    assert record.via == "oidc" and record.revoked_at is None
    # A new page load is still signed in (through our own session cookie).
    open_page(page, f"{server.url}/")
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_be_visible()

    _sidebar(page).get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's end-session page
    page.wait_for_url(f"{server.url}/**")
    expect(page.get_by_test_id("stApp")).to_be_visible()
    settle(page)
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_have_count(0)
    [record] = _sessions_of("anna.p")
    assert record.revoked_at is not None
    # Neither our session nor the provider's identity brings the login back.
    open_page(page, f"{server.url}/login")
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER}")).to_be_visible()
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_have_count(0)
    assert len(_sessions_of("anna.p")) == 1


def test_an_unverified_address_is_refused(app_and_provider: tuple[Server, OIDCProvider], page: Page) -> None:
    server, _provider = app_and_provider
    _participant_with_email("mallory", "mallory@example.org")  # the provider does not vouch for it
    _sign_in_at_provider(page, server, "mallory")
    expect(page.get_by_text(f"{PROVIDER} has not confirmed your e-mail address").first).to_be_visible()
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_have_count(0)
    assert _sessions_of("mallory") == []


def test_a_verified_address_without_an_account_is_offered_registration(
    app_and_provider: tuple[Server, OIDCProvider], page: Page
) -> None:
    server, _provider = app_and_provider
    with write_session() as session:
        f.admin(session)
    _sign_in_at_provider(page, server, "anna")
    expect(page.get_by_text("no account here uses this address yet").first).to_be_visible()
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_have_count(0)
    page.get_by_role("link", name="Register your organisation").first.click()
    expect(textbox(page.get_by_test_id("stForm"), "E-mail")).to_have_value("anna@example.org")
    fill_registration(page, "anna.nowak")
    expect(_sidebar(page).get_by_role("button", name="Log out")).to_be_visible()
    with read_session() as session:
        user = session.exec(select(User).where(User.username == "anna.nowak")).one()
    assert user.role == Role.PARTICIPANT  # registration never gives more
    [record] = _sessions_of("anna.nowak")
    assert record.via == "oidc"
