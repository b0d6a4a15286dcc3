"""Every page for every role: renders when allowed, refuses when not (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from db.engine import write_session
from db.models import User
from db.types import id_of
from domain.enums import Role
from tests import factories as f
from ui.navigation import HOME_OF, PAGES, Kind, PageSpec, menu_order, navigation_plan, pages_for

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
REFUSAL = "This page is not available to you."


def _users(session: Session) -> dict[Role, User]:
    admin = f.admin(session)
    partnership = f.partnership(session, admin)
    return {
        Role.ADMIN: admin,
        Role.COORDINATOR: f.coordinator(session, admin, id_of(partnership)),
        Role.PARTICIPANT: f.participant(session),
    }


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


ANONYMOUS_ONLY = frozenset({None})
# A logged-in user on a public-only URL (/login, /register) is sent home: see the test below.
CASES = [(spec, role) for spec in PAGES for role in (None, *Role) if role is None or spec.roles != ANONYMOUS_ONLY]


@pytest.mark.parametrize(("spec", "role"), CASES, ids=[f"{s.url_path}-{r or 'anonymous'}" for s, r in CASES])
def test_page_renders_for_allowed_roles_and_refuses_the_others(
    sqlite_url: str, spec: PageSpec, role: Role | None
) -> None:
    with write_session() as session:
        users = _users(session)
        allowed = role in spec.roles
        if allowed:
            at = AppTest.from_file(APP, default_timeout=30)
            if role is not None:
                f.log_in(at, session, users[role])
            at.run()
            at.switch_page(spec.path).run()
            assert not at.exception, at.exception
            assert REFUSAL not in _errors(at)
            assert at.title, f"{spec.path} shows no title for {role}"
        else:
            # The page itself re-checks the role, whatever the menu offered.
            at = AppTest.from_file(str(ROOT / spec.path), default_timeout=30)
            if role is not None:
                f.log_in(at, session, users[role])
            at.run()
            assert not at.exception, at.exception
            assert REFUSAL in _errors(at)
            assert not at.title and not at.dataframe and not at.metric


@pytest.mark.parametrize("role", [None, *Role])
def test_urls_of_other_roles_are_stubs_that_never_run_their_page(role: Role | None) -> None:
    plan = navigation_plan(role, needs_setup=False)
    assert {item.spec.url_path for item in plan} == {spec.url_path for spec in PAGES}
    assert [item.spec.url_path for item in plan if item.default] == [HOME_OF[role]]
    for item in plan:
        if role in item.spec.roles:
            assert item.kind == Kind.PAGE
        elif role is None:
            assert item.kind == Kind.LOGIN_STUB
        else:
            assert item.kind in {Kind.REFUSAL, Kind.HOME_REDIRECT}


def test_each_role_menu_holds_exactly_its_pages() -> None:
    by_role = {role: {spec.url_path for spec in pages_for(role)} for role in (None, *Role)}
    assert "admin_users" in by_role[Role.ADMIN] and "admin_users" not in by_role[Role.COORDINATOR]
    assert "coordinator_home" not in by_role[Role.PARTICIPANT]
    assert by_role[None] == {
        "welcome",
        "login",
        "register",
        "reset_password",
        "partnerships",
        "opportunities",
        "verify",
        "news",
        "accept_invitation",
        "contact",
        "accessibility",
    }
    assert (
        "figures" in by_role[Role.COORDINATOR]
        and "figures" in by_role[Role.ADMIN]
        and "figures" not in by_role[Role.PARTICIPANT]
    )
    assert "my_data" in by_role[Role.PARTICIPANT] and "admin_data_requests" in by_role[Role.ADMIN]
    for role in Role:
        assert "account" in by_role[role] and "login" not in by_role[role]


def test_fresh_instance_shows_only_the_setup_page(sqlite_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert [t.value for t in at.title] == ["Set up this instance"]


def test_setup_page_creates_the_first_admin_then_disappears(sqlite_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="setup_full_name").input("Ada Admin")
    at.text_input(key="setup_email").input("ada@example.eu")
    at.text_input(key="setup_username").input("ada")
    at.text_input(key="setup_password").input(f.PASSWORD)
    at.text_input(key="setup_password_repeat").input(f.PASSWORD)
    at.text_input(key="setup_support_name").input("Support Office of AIB")
    at.text_input(key="setup_support_email").input("support@aib.example.eu")
    at.text_input(key="setup_public_url").input("https://desk.aib.example.eu")
    at.button[0].click().run()
    assert not at.exception
    assert any("administrator account is ready" in s.value for s in at.success)
    again = AppTest.from_file(APP, default_timeout=30).run()
    assert [t.value for t in again.title] == ["Welcome to ClusterXchange"]
    assert any("support@aib.example.eu" in m.value for m in again.markdown)  # its own Support Office


def test_setup_with_bad_input_shows_errors_next_to_fields_and_creates_nothing(sqlite_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="setup_email").input("not-an-email")
    at.text_input(key="setup_username").input("ada")
    at.text_input(key="setup_password").input("short")
    at.button[0].click().run()
    errors = " | ".join(_errors(at))
    assert "This field is required." in errors and "not an e-mail address" in errors and "at least 12" in errors
    # The typed values are kept for correction.
    assert at.text_input(key="setup_username").value == "ada"
    with write_session() as session:
        from services.accounts import instance_needs_setup

        assert instance_needs_setup(session)


def test_registration_page_refuses_bad_input_and_keeps_it(sqlite_url: str) -> None:
    with write_session() as session:
        f.admin(session)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/public/register.py").run()
    at.text_input(key="reg_full_name").input("Ana Sousa")
    at.text_input(key="reg_email").input("ana@@example")
    at.text_input(key="reg_username").input("ana")
    at.text_input(key="reg_password").input(f.PASSWORD)
    at.text_input(key="reg_password_repeat").input(f.PASSWORD)
    at.text_input(key="reg_org_name").input("Porto Digital")
    at.text_input(key="reg_city").input("Porto")
    at.button[0].click().run()
    errors = " | ".join(_errors(at))
    assert (
        "not an e-mail address" in errors
        and "Please choose a type of organisation" in errors
        and "participating country" in errors
    )
    assert at.text_input(key="reg_org_name").value == "Porto Digital"
    with write_session() as session:
        from services.accounts import find_user

        assert find_user(session, "ana") is None


def test_admin_creates_a_partnership_from_the_page(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, admin)
    at.run()
    at.switch_page("pages/admin/partnerships.py").run()
    at.text_input(key="p_name").input("Alpine Bridge")
    at.text_input(key="p_acronym").input("ALB")
    at.text_input(key="p_email").input("alb@example.eu")
    at.multiselect(key="p_countries").set_value(["AT", "SI"])
    at.button[0].click().run()
    assert not at.exception
    with write_session() as session:
        from services.partnerships import list_partnerships

        assert [(p.acronym, p.countries) for p in list_partnerships(session)] == [("ALB", ["AT", "SI"])]


def test_login_form_counts_failures_and_opens_a_server_session(sqlite_url: str) -> None:
    from sqlmodel import select

    from db.models import AuthSession

    with write_session() as session:
        user = f.participant(session, "formuser")
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/public/login.py").run()
    at.text_input(key="login_username").input("FormUser")
    at.text_input(key="login_password").input("wrong-password-here")
    at.button[0].click().run()
    assert "Username or password is incorrect." in _errors(at)
    with write_session() as session:
        assert session.get(User, id_of(user)).failed_logins == 1  # type: ignore[union-attr]
    at.text_input(key="login_password").input(f.PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    with write_session() as session:
        record = session.exec(select(AuthSession)).one()
        assert record.user_id == user.id and record.revoked_at is None
        assert session.get(User, id_of(user)).failed_logins == 0  # type: ignore[union-attr]
    assert at.session_state["cxc_session_id"] == record.id


def test_admin_audit_page_checks_the_chain_and_filters(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        f.partnership(session, admin, "AUD")
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, admin)
    at.run()
    at.switch_page("pages/admin/audit.py").run()
    at.button(key="check_chain").click().run()
    assert any("Intact: 2 events" in s.value for s in at.success)
    at.text_input(key="audit_search").input("partnership 1").run()
    assert not at.exception
    assert list(at.dataframe[0].value["Record"]) == ["partnership 1"]


@pytest.mark.parametrize("role", [None, *Role])
def test_menu_starts_at_the_roles_home_and_ends_with_the_public_pages(role: Role | None) -> None:
    pages = [item for item in navigation_plan(role, needs_setup=False) if item.kind == Kind.PAGE]
    order = [item.spec.url_path for item in menu_order(role, pages)]
    assert order[0] == HOME_OF[role] and sorted(order) == sorted(spec.url_path for spec in pages_for(role))
    assert order[-1] == "accessibility"
