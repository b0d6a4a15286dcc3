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
