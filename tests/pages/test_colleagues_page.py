"""The Colleagues section of "My organisation": the contact person invites and removes; others only see."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.engine import read_session, write_session
from db.models import Outbox, User
from db.types import id_of
from domain.enums import OrgRole, Side
from services import colleagues, eois
from tests import factories as f
from tests.journey import eoi_answers

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/participant/organisation.py"


def _open(user: User) -> AppTest:
    with write_session() as session:
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, user)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest) -> list[dict]:
    return at.dataframe[0].value.to_dict("records")


def test_the_contact_person_invites_and_the_list_shows_roles_and_states(sqlite_url: str) -> None:
    with write_session() as session:
        ana = f.participant(session, "ana")
    at = _open(ana)
    assert [(r["Name"], r["Roles"], r["State"]) for r in _table(at)] == [
        ("Pat Participant (you)", "Contact person, Signatory", "active")
    ]
    at.text_input(key="invite_name").input("Bea Colleague")
    at.text_input(key="invite_email").input("ana@example.eu")  # a duplicate first: refused in words
    at.button(key="FormSubmitter:invite_colleague-Send the invitation").click().run()
    assert any("one of the people of Org of ana already" in e.value for e in at.error)
    at.text_input(key="invite_email").input("bea@example.eu")
    at.checkbox(key="invite_role_contact_person").check()
    at.button(key="FormSubmitter:invite_colleague-Send the invitation").click().run()
    assert not at.exception, at.exception
    rows = {r["E-mail"]: r for r in _table(at)}
    assert rows["bea@example.eu"]["Roles"] == "Contact person, Signatory"
    assert rows["bea@example.eu"]["State"].startswith("invited; the link works until")
    with read_session() as session:
        assert session.exec(select(Outbox.to_email).where(Outbox.kind == "invitation")).all() == ["bea@example.eu"]


def test_a_colleague_without_the_contact_role_only_sees_the_list(sqlite_url: str) -> None:
    with write_session() as session:
        ana = f.participant(session, "ana")
        colleagues.invite_colleague(
            session=session, actor=ana, full_name="Bea Colleague", email="bea@example.eu", roles={OrgRole.SIGNATORY}
        )
        bea = session.exec(select(User).where(User.email == "bea@example.eu")).one()
    at = _open(bea)
    assert len(_table(at)) == 2
    assert "Invite a colleague" not in [e.label for e in at.expander]
    assert any(e.label == "Leave Org of ana" for e in at.expander)


def test_a_coordinator_of_its_partnership_manages_people_from_the_review_page(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        partnership = f.partnership(session, admin, "REV")
        coordinator = f.coordinator(session, admin, id_of(partnership), "coord.r")
        ana = f.participant(session, "ana")
        eoi = eois.start_eoi(session=session, actor=ana, side=Side.VISITOR, partnership_id=partnership.id)
        eois.submit_eoi(session=session, actor=ana, eoi_id=id_of(eoi), answers=eoi_answers(["FR"]))
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, coordinator)
    at.run()
    at.switch_page("pages/coordinator/eoi_review.py")
    at.query_params["id"] = str(eoi.id)
    at.run()
    assert not at.exception, at.exception
    assert "Colleagues" in [h.value for h in at.header]
    assert not any(e.label.startswith("Leave") for e in at.expander)  # coordinators do not leave organisations
    at.checkbox(key=f"roles_{ana.id}_contact_person").uncheck()
    at.button(key=f"FormSubmitter:roles_{ana.id}-Save the roles").click().run()
    assert any("last contact person of Org of ana" in e.value for e in at.error)
    with read_session() as session:
        assert session.get(User, ana.id).is_contact_person  # type: ignore[union-attr]
