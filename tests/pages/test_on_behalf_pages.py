"""Encoding on the organisations' behalf with AppTest: the coordinator's "new organisation" form (a
refusal under its fields that stores nothing, then the organisation with its invited contact), and the
organisations' side: what was entered for them is marked with who entered it, and they confirm it."""

from __future__ import annotations

from sqlmodel import select

from db.engine import read_session, write_session
from db.models import EOI, Exchange, Organisation, Outbox, User
from db.types import id_of
from domain.enums import ExchangeState, OrgType, Side
from services import on_behalf
from tests import factories as f
from tests.pages.test_journey_pages import page_as, texts
from tests.services.test_on_behalf import file


def _coordinator() -> User:
    with write_session() as session:
        admin = f.admin(session)
        return f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")), "coord.pd")


def test_the_create_organisation_form_refuses_under_its_fields_then_creates_and_invites(sqlite_url: str) -> None:
    coordinator = _coordinator()
    with write_session() as session:
        at = page_as(session, coordinator, "pages/coordinator/on_behalf.py")
    assert not at.exception, at.exception
    at.text_input(key="bo_org_name").input("Cluster Porto Digital")
    at.text_input(key="bo_contact_email").input("not an address")
    at.button(key="FormSubmitter:behalf_org-Create the organisation and invite its contact").click().run()
    assert not at.exception, at.exception
    assert at.warning[0].value == "Please correct the fields marked below; nothing was saved yet."
    assert len(at.error) == 5  # type, country, city, contact name and e-mail, each under its field
    assert "participating country" in texts(at)
    with read_session() as session:
        assert session.exec(select(Organisation)).all() == []
    at.selectbox(key="bo_org_type").select(OrgType.CLUSTER.value)
    at.selectbox(key="bo_country").select("PT")
    at.text_input(key="bo_city").input("Porto")
    at.text_input(key="bo_contact_name").input("Rita Reis")
    at.text_input(key="bo_contact_email").input("rita@example.eu")
    at.button(key="FormSubmitter:behalf_org-Create the organisation and invite its contact").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Cluster Porto Digital created; its contact is invited by e-mail."
    with read_session() as session:
        organisation = session.exec(select(Organisation)).one()
        assert organisation.partnership_id == coordinator.partnership_id
        assert (
            session.exec(select(User).where(User.email == "rita@example.eu")).one().organisation_id == organisation.id
        )
        assert session.exec(select(Outbox).where(Outbox.to_email == "rita@example.eu")).one().kind == "invitation"


def test_the_organisations_see_who_entered_their_records_and_confirm_them(sqlite_url: str) -> None:
    coordinator = _coordinator()
    with write_session() as session:
        organisation = on_behalf.create_member(
            session=session,
            actor=coordinator,
            data=on_behalf.NewMember(
                "Cluster Porto Digital", OrgType.CLUSTER.value, "PT", "Porto", "Rita Reis", "rita@example.eu"
            ),
        )
        eoi = file(session, coordinator, id_of(organisation), Side.VISITOR)
        contact = session.exec(select(User).where(User.email == "rita@example.eu")).one()
        at = page_as(session, contact, "pages/participant/eoi.py", id=str(eoi.id))
    assert not at.exception, at.exception
    assert "Entered on your organisation's behalf by Cora Coordinator (PD)" in texts(at)
    with write_session() as session:
        at = page_as(session, contact, "pages/participant/organisation.py")
    assert not at.exception, at.exception
    assert "Entered on your organisation's behalf by Cora Coordinator (PD): check these details" in texts(at)
    with write_session() as session:
        at = page_as(session, coordinator, "pages/coordinator/on_behalf.py")
    assert "Visitor expression of interest of Cluster Porto Digital" in texts(at)
    with read_session() as session:
        assert session.get(EOI, eoi.id).state.value == "draft"  # type: ignore[union-attr]


def test_each_organisation_confirms_an_entered_exchange_on_its_page(sqlite_url: str) -> None:
    from tests.services.test_on_behalf import members_with_approved_eois

    with write_session() as session:
        admin = f.admin(session)
        vop, hop = f.partnership(session, admin, "VOP"), f.partnership(session, admin, "HOP")
        setup = (
            admin,
            vop,
            hop,
            f.coordinator(session, admin, id_of(vop), "coord.v"),
            f.coordinator(session, admin, id_of(hop), "coord.h"),
        )
        visitor, host = members_with_approved_eois(session, setup)
        exchange = on_behalf.propose_for(
            session=session,
            actor=setup[3],
            visitor_org_id=visitor.organisation_id,
            host_org_id=host.organisation_id,  # type: ignore[arg-type]
        )
    for person in (host, visitor):
        with write_session() as session:
            at = page_as(session, person, "pages/exchange/exchange.py", id=str(exchange.id))
        assert not at.exception, at.exception
        assert "Entered on the organisations' behalf by Cora Coordinator (VOP)" in texts(at)
        at.button(key="accept_exchange").click().run()
        assert not at.exception, at.exception
    with read_session() as session:
        assert session.get(Exchange, exchange.id).state == ExchangeState.PLANNING  # type: ignore[union-attr]
