"""The administrator sets the seal's time-stamping authority on the Public texts page (AppTest)."""

from __future__ import annotations

from db.engine import write_session
from db.models import InstanceSetting
from services.sealing import TSA_KEY, tsa_url
from tests import factories as f
from tests.documents.tsa import running_authority
from tests.pages.test_journey_pages import page_as, texts

PAGE = "pages/admin/site_texts.py"


def _submit(at, url: str):  # type: ignore[no-untyped-def]
    at.text_input(key="tsa_url").input(url)
    return at.button(key="FormSubmitter:instance_tsa-Save").click().run()


def test_an_admin_sets_the_authority_and_asks_it_for_a_time_stamp(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        at = page_as(session, admin, PAGE)
    assert "Time-stamp of the seal" in texts(at) and "tsa_try" not in {b.key for b in at.button}
    at = _submit(at, "tsa.example.eu")  # no scheme: refused, nothing stored
    assert "leave it empty" in texts(at)
    with write_session() as session:
        assert session.get(InstanceSetting, TSA_KEY) is None
    with running_authority() as authority:
        at = _submit(at, authority.url)
        assert not at.exception
        with write_session() as session:
            assert tsa_url(session) == authority.url
        at.button(key="tsa_try").click().run()
        assert [s.value for s in at.success if "The authority answered: PAdES B-T" in s.value]
