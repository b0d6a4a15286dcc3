"""The language switch on every page, the saved language after login, and the form preview's warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.engine import read_session, write_session
from db.models import User
from forms.spec import SPEC_DIR
from services import accounts
from tests import factories as f
from tests.catalogue import use_catalogues
from tests.pages.test_pages import APP, ROOT

FRENCH = {
    "Welcome to ClusterXchange": "Bienvenue dans ClusterXchange",
    "Language": "Langue",
    "Logged in as **{name}** ({role})": "Connecté en tant que **{name}** ({role})",
    "Administrator": "Administrateur",
    "Form previews": "Aperçus des formulaires",
}
SWITCH = "cxc_language_switch"


@pytest.fixture(autouse=True)
def _catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalogues(monkeypatch, tmp_path / "locales", {"fr": FRENCH})


def _sidebar_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.sidebar.markdown)


def _language_scripts(at: AppTest) -> list[str]:
    return [node.proto.body for node in at.get("html")]


def test_switching_the_language_changes_the_page_and_tells_the_browser(sqlite_url: str) -> None:
    with write_session() as session:
        f.admin(session)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert at.title[0].value == "Welcome to ClusterXchange"
    switch = at.selectbox(key=SWITCH)
    assert switch.value == "en" and switch.label.endswith("Language")
    assert switch.options == ["English", "Français", "Deutsch", "Español", "Italiano", "Polski"]
    switch.set_value("fr").run()
    assert not at.exception
    assert at.title[0].value == "Bienvenue dans ClusterXchange"
    assert at.selectbox(key=SWITCH).label.endswith("Langue")
    # The browser is told (cookie and <html lang>) through the language route, loaded as a script.
    assert any('src="api/language?lang=fr"' in body for body in _language_scripts(at))
    at.run()
    assert at.title[0].value == "Bienvenue dans ClusterXchange"  # the choice holds on the next run


def test_the_saved_language_is_used_after_login_and_a_switch_is_saved(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        accounts.set_locale(session=session, actor=admin, locale="fr")
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, admin)
    at.run()
    assert not at.exception
    assert "Connecté en tant que **Ada Admin** (Administrateur)" in _sidebar_text(at)
    assert at.selectbox(key=SWITCH).value == "fr"
    at.selectbox(key=SWITCH).set_value("de").run()
    assert "Logged in as **Ada Admin** (Administrator)" in _sidebar_text(at)  # no German catalogue: English
    with read_session() as session:
        assert session.get(User, admin.id).locale == "de"  # type: ignore[union-attr]


def test_a_first_login_gives_the_account_the_language_in_use(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        assert admin.locale is None
        at = AppTest.from_file(APP, default_timeout=30).run()
        at.selectbox(key=SWITCH).set_value("fr").run()
        f.log_in(at, session, admin)
    at.run()
    assert "Connecté en tant que" in _sidebar_text(at)
    with read_session() as session:
        assert session.get(User, admin.id).locale == "fr"  # type: ignore[union-attr]


def test_the_form_preview_warns_of_texts_without_a_translation(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    text = (SPEC_DIR / "host_feedback.toml").read_text(encoding="utf-8")
    (specs / "host_feedback.toml").write_text(
        text.replace('title = "', 'title_fr = "Retour de l\'hôte"\ntitle = "', 1), encoding="utf-8"
    )
    for other in SPEC_DIR.glob("*.toml"):
        if other.name != "host_feedback.toml":
            shutil.copy(other, specs / other.name)
    monkeypatch.setenv("CXC_SPEC_DIR", str(specs))
    with write_session() as session:
        admin = f.admin(session)
        accounts.set_locale(session=session, actor=admin, locale="fr")
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, admin)
    at.run()
    at.switch_page(str(ROOT / "pages/admin/forms.py")).run()
    assert not at.exception
    at.selectbox(key="preview_spec").set_value("host_feedback").run()
    warnings = " ".join(w.value for w in at.warning)
    assert "have no translation in Français; readers see them in English" in warnings
    assert "Retour de l'hôte" in " ".join(str(o) for o in at.selectbox(key="preview_spec").options)


def test_the_menu_kept_in_the_session_follows_a_switch_and_a_login(sqlite_url: str) -> None:
    """The pages are built once per session, role and language (ui/navigation.py): a switch of
    language or a login must give the menu of the new language and role."""
    from ui.navigation import BUILT_KEY

    def menu(at: AppTest) -> set[str]:
        return {page.title for page in at.session_state[BUILT_KEY][1] if page.visibility == "visible"}

    with write_session() as session:
        admin = f.admin(session)
        accounts.set_locale(session=session, actor=admin, locale="fr")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "Form previews" not in menu(at) and "Aperçus des formulaires" not in menu(at)  # not logged in
    with write_session() as session:
        f.log_in(at, session, session.get(User, admin.id))
    at.run()
    assert not at.exception
    assert "Aperçus des formulaires" in menu(at)  # the administrator's menu, in the account's language
    at.selectbox(key=SWITCH).set_value("en").run()
    assert "Form previews" in menu(at) and "Aperçus des formulaires" not in menu(at)


def test_a_login_revoked_meanwhile_ends_at_the_next_run(sqlite_url: str) -> None:
    """The user is read once per script run (ui/session.py), never kept from one run to the next."""
    with write_session() as session:
        admin = f.admin(session)
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, admin)
    at.run()
    assert "Logged in as **Ada Admin** (Administrator)" in _sidebar_text(at)
    with write_session() as session:
        accounts.revoke_all_sessions(session, admin.id)  # type: ignore[arg-type]
        session.commit()
    at.run()
    assert not at.exception
    assert "Logged in as" not in _sidebar_text(at)
