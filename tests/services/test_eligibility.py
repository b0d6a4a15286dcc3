"""Eligibility as the programme states it: both sides' cluster membership with the funding
agency's exception, and one organisation, one record."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from db.models import EOI, AuditEvent, Outbox
from db.types import id_of
from domain.enums import OrgType, Side
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.validators import normalise_legal_name, normalise_registration_number, registration_key
from services import eois, exchanges, organisations
from services.accounts import JOIN_REQUESTS_PER_DAY, Registration, ask_to_join, register_participant
from tests import factories as f
from tests.journey import approved, cast, org_user

NOT_A_MEMBER = {"description": "A family firm making sensors.", "ecosystems": ["Digital"], "cluster_member": False}


def test_a_non_member_sme_hosts_only_with_the_funding_agencys_exception_recorded_by_its_coordinator(
    session: Session,
) -> None:
    c = cast(session)
    sme = org_user(session, "sensors", "FR", OrgType.SME, city="Lyon")
    organisations.update_profile(session=session, actor=sme, answers=NOT_A_MEMBER)
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    host_eoi = approved(session, sme, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    with pytest.raises(ValidationFailed, match="funding agency"):
        exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=sme.organisation_id)
    session.rollback()
    # Only the coordinator of the Partnership reviewing the Host's EOI records it, with a reason.
    for someone in (c.vop_coordinator, sme):
        with pytest.raises((PermissionDenied, NotFound)):
            eois.record_membership_exception(
                session=session, actor=someone, eoi_id=id_of(host_eoi), reason="Agency decision 2027/14"
            )
        session.rollback()
    with pytest.raises(ValidationFailed) as short:
        eois.record_membership_exception(session=session, actor=c.hop_coordinator, eoi_id=id_of(host_eoi), reason="ok")
    assert "reason" in short.value.errors
    session.rollback()
    assert session.get(EOI, id_of(host_eoi)).membership_exception == ""  # type: ignore[union-attr]
    eois.record_membership_exception(
        session=session, actor=c.hop_coordinator, eoi_id=id_of(host_eoi), reason="EISMEA decision 2027/14 of 3 May"
    )
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "membership_exception")).one()
    assert (event.entity_id, event.actor_user_id, event.comment) == (
        host_eoi.id,
        c.hop_coordinator.id,
        "EISMEA decision 2027/14 of 3 May",
    )
    exchange = exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=sme.organisation_id)
    assert exchange.host_org_id == sme.organisation_id


def test_the_host_must_be_a_cluster_member_too_and_other_types_have_no_exception(session: Session) -> None:
    c = cast(session)
    company = org_user(session, "bigco", "FR", OrgType.LARGE_COMPANY, city="Lyon")
    organisations.update_profile(session=session, actor=company, answers=NOT_A_MEMBER)
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    host_eoi = approved(session, company, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    with pytest.raises(ValidationFailed, match="member of a cluster"):
        exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=company.organisation_id)
    session.rollback()
    with pytest.raises(PermissionDenied):
        eois.record_membership_exception(
            session=session, actor=c.hop_coordinator, eoi_id=id_of(host_eoi), reason="Agency decision 2027/14"
        )


def _registration(username: str, name: str, country: str = "PT", number: str = "") -> Registration:
    return Registration(
        username=username,
        email=f"{username}@example.eu",
        full_name=f"{username.title()} Person",
        password=f.PASSWORD,
        password_repeat=f.PASSWORD,
        organisation_name=name,
        organisation_type=OrgType.CLUSTER.value,
        country=country,
        city="Porto",
        registration_number=number,
    )


@pytest.mark.parametrize(
    ("name", "country", "number", "refused"),
    [
        ("CLUSTER  AÇORES, Lda.", "PT", "", True),  # case, accents, spaces, punctuation, legal form
        ("Cluster-Acores S.A.", "PT", "", True),
        ("Another name", "PT", "pt 501.234.567", True),  # the same VAT number, written otherwise
        ("Cluster Açores", "ES", "", False),  # another country: another organisation
        ("Other name", "ES", "PT501234567", True),  # a VAT number names its country, wherever it is typed
        ("Other name", "PT", "501 234 567", True),  # the national number without the VAT prefix
        ("Other name", "ES", "501234567", False),  # a bare number in Spain is a Spanish one
        ("Cluster Açores Norte", "PT", "", False),
    ],
)
def test_registration_refuses_a_second_record_of_one_organisation(
    session: Session, name: str, country: str, number: str, refused: bool
) -> None:
    first = register_participant(session=session, data=_registration("first", "Cluster Açores", number="PT501234567"))
    if not refused:
        assert register_participant(session=session, data=_registration("second", name, country, number)).id
        return
    with pytest.raises(ValidationFailed) as caught:
        register_participant(session=session, data=_registration("second", name, country, number))
    assert "registered already" in caught.value.errors["organisation_name"]
    session.rollback()
    # Instead, the contact of the existing organisation is asked to let the person in.
    assert (
        ask_to_join(
            session=session,
            organisation_id=first.organisation_id,  # type: ignore[arg-type]
            full_name="Second Person",
            email="second@example.eu",
            message="I run the Azores office.",
        )
        == 1
    )
    mail = session.exec(select(Outbox).where(Outbox.kind == "join_request")).one()
    assert mail.to_email == first.email and "second@example.eu" in mail.body and "Azores office" in mail.body


def test_legal_names_and_numbers_are_compared_normalised() -> None:
    assert normalise_legal_name("Müller GmbH & Co. KG") == normalise_legal_name("MULLER")
    assert normalise_legal_name("Klaster Łódź Sp. z o.o.") == normalise_legal_name("klaster łódź")
    assert normalise_legal_name("Alfa Beta") != normalise_legal_name("Alfa")
    assert normalise_legal_name("SA") == "sa"  # a name is never reduced to nothing
    assert normalise_registration_number("DE 123-456.789") == "de123456789"
    assert registration_key("EL 123456789", "DE") == registration_key("123456789", "GR") == ("GR", "123456789")
    assert registration_key("", "PT") is None


def test_a_profile_cannot_take_another_organisations_number(session: Session) -> None:
    register_participant(session=session, data=_registration("first", "Cluster Açores", number="PT501234567"))
    other = register_participant(session=session, data=_registration("other", "Lisbon Robotics"))
    answers = {
        "description": "Robots for small workshops.",
        "ecosystems": ["Digital"],
        "cluster_member": True,
        "cluster_name": "X",
    }
    with pytest.raises(ValidationFailed) as caught:
        organisations.update_profile(
            session=session, actor=other, answers={**answers, "registration_number": "501234567"}
        )
    assert "Cluster Açores" in caught.value.errors["registration_number"]
    session.rollback()
    saved = organisations.update_profile(
        session=session, actor=other, answers={**answers, "registration_number": "PT509999999"}
    )
    assert saved.registration_number == "PT509999999"


def test_an_organisation_hears_a_few_join_requests_a_day_at_most(session: Session) -> None:
    first = register_participant(session=session, data=_registration("first", "Cluster Açores"))
    for n in range(JOIN_REQUESTS_PER_DAY):
        ask_to_join(
            session=session,
            organisation_id=first.organisation_id,  # type: ignore[arg-type]
            full_name=f"Asker {n}",
            email=f"asker{n}@example.eu",
        )
    with pytest.raises(ValidationFailed) as caught:
        ask_to_join(
            session=session,
            organisation_id=first.organisation_id,  # type: ignore[arg-type]
            full_name="One Too Many",
            email="more@example.eu",
        )
    session.rollback()
    assert "try again tomorrow" in caught.value.errors["message"]
    assert len(session.exec(select(Outbox).where(Outbox.kind == "join_request")).all()) == JOIN_REQUESTS_PER_DAY
