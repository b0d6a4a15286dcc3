"""The eligibility buttons on their pages: the coordinator's exception, and "ask to be let in"."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.engine import write_session
from db.models import EOI, Outbox
from db.types import id_of
from domain.enums import OrgType, Side
from services import organisations
from tests import factories as f
from tests.journey import approved, cast, org_user
from tests.pages.test_journey_pages import APP, page_as, texts
from tests.services.test_eligibility import NOT_A_MEMBER


def test_coordinator_records_the_funding_agencys_exception_from_the_review_page(sqlite_url: str) -> None:
    with write_session() as session:
        c = cast(session)
        sme = org_user(session, "sensors", "FR", OrgType.SME, city="Lyon")
        organisations.update_profile(session=session, actor=sme, answers=NOT_A_MEMBER)
        eoi_id = id_of(approved(session, sme, Side.HOST, c.hop, c.hop_coordinator, ["PT"]))
        at = page_as(session, c.hop_coordinator, "pages/coordinator/eoi_review.py", id=str(eoi_id))
    assert "not a member of a cluster" in texts(at)
    at.text_input(key="membership_exception_reason").input("EISMEA decision 2027/14 of 3 May")
    at.button(key="membership_exception").click().run()
    assert not at.exception
    with write_session() as session:
        assert session.get(EOI, eoi_id).membership_exception == "EISMEA decision 2027/14 of 3 May"  # type: ignore[union-attr]
    assert "Accepted as Host by the funding agency" in texts(at)


def test_registering_an_organisation_twice_offers_to_ask_its_contact(sqlite_url: str) -> None:
    with write_session() as session:
        f.admin(session)
        first = org_user(session, "first", "PT")  # "First Org", Porto
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/public/register.py").run()
    at.text_input(key="reg_full_name").input("Second Person")
    at.text_input(key="reg_email").input("second@example.eu")
    at.text_input(key="reg_username").input("second")
    at.text_input(key="reg_password").input(f.PASSWORD)
    at.text_input(key="reg_password_repeat").input(f.PASSWORD)
    at.text_input(key="reg_org_name").input("FIRST ORG, Lda.")
    at.selectbox(key="reg_org_type").select(OrgType.CLUSTER)
    at.selectbox(key="reg_country").select("PT")
    at.text_input(key="reg_city").input("Porto")
    at.button[0].click().run()
    assert "registered already" in " ".join(e.value for e in at.error) + texts(at)
    at.button(key="reg_ask_to_join").click().run()
    assert not at.exception
    with write_session() as session:
        [mail] = session.exec(select(Outbox).where(Outbox.kind == "join_request")).all()
        assert mail.to_email == first.email and "second@example.eu" in mail.body
