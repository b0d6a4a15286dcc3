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


def test_the_statement_lists_only_limits_that_exist_and_points_to_no_repository_file(sqlite_url: str) -> None:
    """The Streamlit parts the checks exclude: none (tests/e2e/test_accessibility.py's EXCLUDED is empty)."""
    with write_session() as session:
        f.admin(session)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/public/accessibility.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "docs/" not in text and ".md" not in text and ".py" not in text  # no path of the project's repository
    assert "no control drawn by Streamlit is known to fail them today" in text
    for limit in ("**Signed documents (PDF).**", "**Charts.**", "**Page menu.**"):  # docs/accessibility.md's
        assert limit in text
