"""The public accessibility statement names this instance's Support Office as the contact."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from db.engine import write_session
from services.instance import Identity, save_identity
from tests import factories as f
from tests.pages.test_pages import APP


def test_statement_has_the_model_sections_and_this_instances_contact(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        save_identity(
            session=session,
            actor=admin,
            data=Identity(
                name="Alpine Support Office",
                email="help@alpine.example.eu",
                public_url="https://desk.alpine.example.eu",
            ),
        )
    at = AppTest.from_file(APP, default_timeout=30).run()  # through the app: the page links to the contact page
    at.switch_page("pages/public/accessibility.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Accessibility statement"]
    assert [h.value for h in at.header] == [
        "Compliance status",
        "Non-accessible content",
        "Preparation of this statement",
        "Feedback and contact information",
        "Enforcement procedure",
    ]
    text = " ".join(m.value for m in at.markdown)
    assert "Alpine Support Office is committed" in text and "partially compliant" in text
    assert "E-mail: help@alpine.example.eu" in text


def test_the_statement_names_every_part_the_checks_let_pass_and_points_to_no_repository_file(
    sqlite_url: str,
) -> None:
    """Each part of Streamlit's markup that the automated checks let pass is named in plain words:
    the PDF viewer on a phone (EXCLUDED of the axe test) and the toast (a nameless focus stop of the
    keyboard test; the scrolling <main> is a landmark, announced by its role)."""
    from tests.e2e.test_accessibility import EXCLUDED
    from tests.e2e.test_keyboard_only import NAMELESS

    with write_session() as session:
        f.admin(session)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/public/accessibility.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "docs/" not in text and ".md" not in text and ".py" not in text  # no path of the project's repository
    named = {
        'data-testid="pdf-content"': "**Documents shown on the exchange page, on a phone.**",
        "stToast": "**Confirmation messages.**",
    }
    assert {selector for _rule, selector in EXCLUDED} | (set(NAMELESS) - {"main"}) == set(named)
    for item in named.values():
        assert item in text
    assert "Apart from the last two items above" in text
    for limit in ("**Signed documents (PDF).**", "**Charts.**", "**Page menu.**"):  # docs/accessibility.md's
        assert limit in text
    # One list: the new items continue the list of the translated text, in every language.
    assert "\n- **Documents shown on the exchange page" in text
