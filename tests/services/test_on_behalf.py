"""Encoded by the Partnership: organisations, expressions of interest and exchanges entered on the
organisations' behalf, which count only once the organisations confirm them."""

import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import EOI, AuditEvent, Exchange, Organisation, Outbox, User
from db.types import id_of
from domain.enums import Action, EOIState, ExchangeState, OrgType, Role, Side
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.workflow import TransitionRefused
from services import eois, exchanges, on_behalf
from services.colleagues import accept_invitation
from services.on_behalf import NewMember
from services.permissions import exchange_actions, exchange_parties
from services.todo import participant_todos
from tests import factories as f
from tests.conftest import table_count
from tests.journey import eoi_answers, org_user, plan_answers


def member(name: str, country: str = "PT", city: str = "Porto", email: str = "") -> NewMember:
    return NewMember(
        organisation_name=name,
        organisation_type=OrgType.CLUSTER.value,
        country=country,
        city=city,
        contact_name=f"{name} Contact",
        contact_email=email or f"{name.split()[0].lower()}@example.eu",
    )


@pytest.fixture
def setup(session: Session):
    admin = f.admin(session)
    vop, hop = f.partnership(session, admin, "VOP"), f.partnership(session, admin, "HOP")
    return (
        admin,
        vop,
        hop,
        f.coordinator(session, admin, id_of(vop), "coord.v"),
        f.coordinator(session, admin, id_of(hop), "coord.h"),
    )


def file(session: Session, actor: User, organisation_id: int | None, side: Side = Side.HOST, **extra) -> EOI:
    """An expression of interest entered for the organisation (wishing for France unless `answers` says)."""
    answers = extra.pop("answers", eoi_answers(["FR"]))
    return on_behalf.file_eoi(
        session=session,
        actor=actor,
        organisation_id=organisation_id,  # type: ignore[arg-type]
        side=side,
        answers=answers,
        **extra,
    )


def contact_of(session: Session, organisation: Organisation) -> User:
    return session.exec(select(User).where(User.organisation_id == organisation.id)).one()


def joined(session: Session, contact: User) -> User:
    """The invited contact person follows the link of the invitation and chooses a password."""
    mail = session.exec(select(Outbox).where(Outbox.to_email == contact.email, Outbox.kind == "invitation")).one()
    token = re.search(r"accept_invitation\?token=(\S+)", mail.body).group(1)  # type: ignore[union-attr]
    return accept_invitation(session=session, token=token, new=f.PASSWORD, new_repeat=f.PASSWORD)


def events(session: Session, entity_type: str, entity_id: int) -> list[tuple[str, str, str]]:
    query = select(AuditEvent).where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    return [(e.action, e.actor_label, e.comment) for e in session.exec(query.order_by(AuditEvent.seq))]


def test_a_coordinator_creates_a_member_whose_contact_is_invited_and_sets_a_password(session: Session, setup) -> None:
    _admin, vop, _hop, coordinator, _ = setup
    organisation = on_behalf.create_member(session=session, actor=coordinator, data=member("Porto Cluster"))
    assert organisation.partnership_id == vop.id and organisation.country == "PT"
    contact = contact_of(session, organisation)
    assert (contact.role, contact.full_name, contact.email) == (
        Role.PARTICIPANT,
        "Porto Cluster Contact",
        "porto@example.eu",
    )
    assert events(session, "organisation", id_of(organisation)) == [
        ("create_on_behalf", "coord.v", f"contact {contact.username}")
    ]
    assert [e[:2] for e in events(session, "user", id_of(contact))] == [("invite", "coord.v")]
    assert contact.is_contact_person and contact.is_signatory
    mail = session.exec(select(Outbox).where(Outbox.to_email == "porto@example.eu")).one()
    assert mail.kind == "invitation" and "added you to the people of Porto Cluster" in mail.body
    joined(session, contact)
    session.refresh(contact)
    assert contact.password_changed_at is not None


def test_bad_input_duplicates_and_known_addresses_are_refused_and_nothing_is_stored(
    session: Session, engine: Engine, setup
) -> None:
    _admin, _vop, _hop, coordinator, _ = setup
    on_behalf.create_member(session=session, actor=coordinator, data=member("Porto Cluster"))
    before = (table_count(engine, "organisation"), table_count(engine, "user"), table_count(engine, "outbox"))
    bad = NewMember("", "spaceship", "US", "", "X", "not-an-address")
    with pytest.raises(ValidationFailed) as refused:
        on_behalf.create_member(session=session, actor=coordinator, data=bad)
    assert set(refused.value.errors) == {
        "organisation_name",
        "organisation_type",
        "country",
        "city",
        "contact_name",
        "contact_email",
    }
    session.rollback()
    with pytest.raises(ValidationFailed, match="registered already") as twin:
        on_behalf.create_member(
            session=session, actor=coordinator, data=member("PORTO  cluster", email="other@example.eu")
        )
    assert set(twin.value.errors) == {"organisation_name"}
    session.rollback()
    with pytest.raises(ValidationFailed) as taken:
        on_behalf.create_member(
            session=session, actor=coordinator, data=member("Braga Cluster", email="porto@example.eu")
        )
    assert set(taken.value.errors) == {"contact_email"}
    session.rollback()
    after = (table_count(engine, "organisation"), table_count(engine, "user"), table_count(engine, "outbox"))
    assert after == before


def test_a_coordinator_creates_for_their_own_partnership_only_and_an_admin_for_any(session: Session, setup) -> None:
    admin, _vop, hop, coordinator, _ = setup
    with pytest.raises(PermissionDenied, match="own Partnership"):
        on_behalf.create_member(session=session, actor=coordinator, data=member("Porto Cluster"), partnership_id=hop.id)
    participant = org_user(session, "ana", "PT")
    with pytest.raises(PermissionDenied):
        on_behalf.create_member(session=session, actor=participant, data=member("Braga Cluster"))
    session.rollback()
    made = on_behalf.create_member(
        session=session, actor=admin, data=member("Lyon Cluster", "FR", "Lyon"), partnership_id=hop.id
    )
    assert made.partnership_id == hop.id
    assert [o.legal_name for o in on_behalf.members(session, coordinator)] == []
    assert [o.legal_name for o in on_behalf.members(session, admin, hop.id)] == ["Lyon Cluster"]


def test_an_eoi_entered_for_a_member_waits_until_the_organisation_sends_it(session: Session, setup) -> None:
    _admin, vop, _hop, coordinator, outsider = setup
    organisation = on_behalf.create_member(session=session, actor=coordinator, data=member("Porto Cluster"))
    contact = joined(session, contact_of(session, organisation))  # mails reach people who joined
    eoi = file(session, coordinator, id_of(organisation), Side.VISITOR)
    assert (eoi.state, eoi.partnership_id, eoi.author_user_id) == (EOIState.DRAFT, vop.id, coordinator.id)
    assert eois.eoi_queue(session, coordinator) == []  # unconfirmed: nothing to review yet
    view = eois.eoi_view(session, contact, id_of(eoi))
    assert view.entered_by == "Cora Coordinator (VOP)" and Action.SUBMIT in view.actions
    assert "Confirm the expression of interest as Visitor that your Partnership entered" in [
        t.title for t in participant_todos(session, contact)
    ]
    mail = session.exec(select(Outbox).where(Outbox.kind == "eoi_entered")).one()
    assert mail.to_email == contact.email and f"my_eois?id={eoi.id}" in mail.body
    # The coordinator can neither confirm it nor approve it before the organisation did.
    with pytest.raises(PermissionDenied):
        eois.submit_eoi(session=session, actor=coordinator, eoi_id=id_of(eoi), answers=eoi.answers)
    with pytest.raises(TransitionRefused):
        eois.decide_eoi(session=session, actor=coordinator, eoi_id=id_of(eoi), action=Action.APPROVE)
    session.rollback()
    with pytest.raises(NotFound):  # another Partnership does not even see it
        eois.eoi_view(session, outsider, id_of(eoi))
    eois.submit_eoi(session=session, actor=contact, eoi_id=id_of(eoi), answers=eoi.answers)
    eois.decide_eoi(session=session, actor=coordinator, eoi_id=id_of(eoi), action=Action.APPROVE)
    assert events(session, "eoi", id_of(eoi)) == [
        ("create_on_behalf", "coord.v", f"for organisation {organisation.id}"),
        ("submit", contact.username, "confirms what coord.v entered on its behalf"),
        ("approve", "coord.v", ""),
    ]


def test_eois_are_entered_only_for_members_and_checked_as_the_organisations_own(session: Session, setup) -> None:
    admin, vop, hop, coordinator, outsider = setup
    organisation = on_behalf.create_member(session=session, actor=coordinator, data=member("Porto Cluster"))
    self_registered = org_user(session, "ana", "PT")
    for actor, org_id in ((outsider, organisation.id), (coordinator, self_registered.organisation_id)):
        with pytest.raises(NotFound, match="member of your Partnership"):
            file(session, actor, org_id)
    with pytest.raises(ValidationFailed) as refused:
        file(session, coordinator, id_of(organisation), answers={})
    assert "motivation" in refused.value.errors
    with pytest.raises(ValidationFailed, match="Partnership that supervises"):
        file(session, admin, id_of(organisation), Side.HOST)
    session.rollback()
    assert session.exec(select(EOI)).all() == []
    file(session, admin, id_of(organisation), Side.HOST, partnership_id=vop.id)
    # The Support Office enters records for any organisation, to the Partnership it names.
    anyone = file(session, admin, self_registered.organisation_id, Side.VISITOR, partnership_id=hop.id)
    assert (anyone.partnership_id, anyone.state) == (hop.id, EOIState.DRAFT)
    with pytest.raises(ValidationFailed, match="already has an expression of interest as Host"):
        file(session, coordinator, id_of(organisation), Side.HOST)


def members_with_approved_eois(session: Session, setup) -> tuple[User, User]:
    """The Visitor (PT) brought in by the Visitor's Partnership and the Host (FR) by the Host's, each with
    an expression of interest entered for it, confirmed by its contact and approved: the contacts."""
    _admin, _vop, _hop, vop_coordinator, hop_coordinator = setup
    contacts = []
    for coordinator, name, side, country, city, wanted in (
        (vop_coordinator, "Porto Cluster", Side.VISITOR, "PT", "Porto", "FR"),
        (hop_coordinator, "Lyon Cluster", Side.HOST, "FR", "Lyon", "PT"),
    ):
        organisation = on_behalf.create_member(session=session, actor=coordinator, data=member(name, country, city))
        contact = joined(session, contact_of(session, organisation))
        eoi = file(session, coordinator, id_of(organisation), side, answers=eoi_answers([wanted]))
        eois.submit_eoi(session=session, actor=contact, eoi_id=id_of(eoi), answers=eoi.answers)
        eois.decide_eoi(session=session, actor=coordinator, eoi_id=id_of(eoi), action=Action.APPROVE)
        contacts.append(contact)
    return contacts[0], contacts[1]


def test_an_exchange_entered_by_a_coordinator_reaches_plan_approval_once_both_organisations_confirmed(
    session: Session, setup
) -> None:
    _admin, _vop, _hop, vop_coordinator, hop_coordinator = setup
    visitor, host = members_with_approved_eois(session, setup)
    exchange = on_behalf.propose_for(
        session=session,
        actor=vop_coordinator,
        visitor_org_id=visitor.organisation_id,  # type: ignore[arg-type]
        host_org_id=host.organisation_id,  # type: ignore[arg-type]
        message="Pilot lines",
    )
    xid = id_of(exchange)
    assert (exchange.state, exchange.entered_by_user_id) == (ExchangeState.PROPOSED, vop_coordinator.id)
    entered = session.exec(select(Outbox).where(Outbox.kind == "exchange_entered")).all()
    assert sorted(m.to_email for m in entered) == sorted([visitor.email, host.email, hop_coordinator.email])
    # Nothing moves on before both confirm: no plan, no approval; a coordinator cannot confirm for them.
    with pytest.raises(PermissionDenied, match="confirm an exchange entered on their behalf"):
        exchanges.answer_proposal(session=session, actor=vop_coordinator, exchange_id=xid, accept=True)
    with pytest.raises(PermissionDenied):
        exchanges.save_plan(session=session, actor=visitor, exchange_id=xid, answers=plan_answers(), base_version=None)
    assert Action.ACCEPT in exchange_actions(exchange, exchange_parties(host, exchange))
    assert [t.title for t in participant_todos(session, host)] == [
        "Complete your organisation profile",
        "Publish an exchange opportunity",
        "Confirm the exchange your Partnership entered",
    ]
    exchanges.answer_proposal(session=session, actor=host, exchange_id=xid, accept=True)
    session.refresh(exchange)
    assert exchange.state == ExchangeState.PROPOSED and exchange.host_confirmed_at is not None
    assert Action.ACCEPT not in exchange_actions(exchange, exchange_parties(host, exchange))
    with pytest.raises(PermissionDenied):  # once only
        exchanges.answer_proposal(session=session, actor=host, exchange_id=xid, accept=True)
    exchanges.answer_proposal(session=session, actor=visitor, exchange_id=xid, accept=True)
    session.refresh(exchange)
    assert exchange.state == ExchangeState.PLANNING
    # The organisations write the plan; both Partnerships approve it.
    plan = exchanges.save_plan(
        session=session, actor=visitor, exchange_id=xid, answers=plan_answers(), base_version=None
    )
    exchanges.agree_plan(session=session, actor=visitor, exchange_id=xid, version=plan.version)
    exchanges.agree_plan(session=session, actor=host, exchange_id=xid, version=plan.version)
    exchanges.decide_plan(session=session, actor=vop_coordinator, exchange_id=xid, approve=True)
    exchanges.decide_plan(session=session, actor=hop_coordinator, exchange_id=xid, approve=True)
    session.refresh(exchange)
    assert exchange.state == ExchangeState.PLAN_APPROVED
    assert events(session, "exchange", xid)[:5] == [
        ("propose_on_behalf", "coord.v", "Pilot lines"),
        ("confirm", host.username, "host confirms what coord.v entered on its behalf"),
        ("confirm", visitor.username, "visitor confirms what coord.v entered on its behalf"),
        ("accept", visitor.username, ""),
        ("open_plan", visitor.username, ""),
    ]


def test_exchanges_are_entered_only_by_a_partnership_of_one_side_for_approved_members(session: Session, setup) -> None:
    admin, _vop, _hop, _vop_coordinator, _hop_coordinator = setup
    visitor, host = members_with_approved_eois(session, setup)
    third = f.coordinator(session, admin, id_of(f.partnership(session, admin, "TRD")), "coord.t")
    pair = {"visitor_org_id": visitor.organisation_id, "host_org_id": host.organisation_id}
    with pytest.raises(PermissionDenied, match="supervises one side"):
        on_behalf.propose_for(session=session, actor=third, **pair)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        on_behalf.propose_for(session=session, actor=visitor, **pair)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed, match="no approved expression of interest as Visitor"):
        on_behalf.propose_for(
            session=session,
            actor=admin,
            visitor_org_id=host.organisation_id,
            host_org_id=visitor.organisation_id,  # type: ignore[arg-type]
        )
    session.rollback()
    assert session.exec(select(Exchange)).all() == []
    exchange = on_behalf.propose_for(session=session, actor=admin, **pair)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed, match="already have an open exchange"):
        on_behalf.propose_for(session=session, actor=admin, **pair)  # type: ignore[arg-type]
    session.rollback()
    # A side declines: the exchange ends, and the other side and the Partnerships are told.
    exchanges.answer_proposal(session=session, actor=host, exchange_id=id_of(exchange), accept=False, comment="No time")
    session.refresh(exchange)
    assert exchange.state == ExchangeState.DECLINED
    told = {m.to_email for m in session.exec(select(Outbox).where(Outbox.kind == "exchange_answered"))}
    assert visitor.email in told and host.email not in told
    with pytest.raises(PermissionDenied):
        exchanges.answer_proposal(session=session, actor=visitor, exchange_id=id_of(exchange), accept=True)


def test_both_sides_confirming_at_once_agree_the_exchange_exactly_once(session: Session, setup) -> None:
    """The Visitor and the Host press "Confirm" at the same moment: whichever comes second sees the first's
    confirmation (one UPDATE sets its own and reads the other's), so the exchange is agreed once, never stuck."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from db.engine import write_session

    visitor, host = members_with_approved_eois(session, setup)
    exchange = on_behalf.propose_for(
        session=session,
        actor=setup[3],
        visitor_org_id=visitor.organisation_id,  # type: ignore[arg-type]
        host_org_id=host.organisation_id,  # type: ignore[arg-type]
    )
    barrier = Barrier(2)

    def confirm(person: User) -> None:
        barrier.wait()
        with write_session() as writer:
            exchanges.answer_proposal(session=writer, actor=person, exchange_id=id_of(exchange), accept=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(confirm, (visitor, host)))
    session.expire_all()
    agreed = session.get(Exchange, exchange.id)
    assert agreed.state == ExchangeState.PLANNING  # type: ignore[union-attr]
    assert agreed.visitor_confirmed_at and agreed.host_confirmed_at  # type: ignore[union-attr]
    actions = [e[0] for e in events(session, "exchange", id_of(exchange))]
    assert sorted(actions) == sorted(["propose_on_behalf", "confirm", "confirm", "accept", "open_plan"])
