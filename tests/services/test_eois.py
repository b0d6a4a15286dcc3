"""Expressions of interest through the service functions."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import EOI, AuditEvent, Outbox
from db.types import id_of
from domain.enums import Action, EOIState, OrgType, Side
from domain.errors import NotFound, PermissionDenied, StaleState, UploadRefused, ValidationFailed
from domain.workflow import TransitionRefused
from services import eois
from tests import factories as f
from tests.conftest import table_count
from tests.journey import PDF, PNG, eoi_answers, org_user


@pytest.fixture
def setup(session: Session):
    admin = f.admin(session)
    partnership = f.partnership(session, admin, "PP")
    coordinator = f.coordinator(session, admin, id_of(partnership), "coord")
    other = f.partnership(session, admin, "QQ")
    outsider = f.coordinator(session, admin, id_of(other), "coord.q")
    user = org_user(session, "ana", "PT")
    return admin, partnership, coordinator, outsider, user


def test_submit_then_request_changes_then_resubmit_then_approve(session: Session, setup) -> None:
    _, partnership, coordinator, _, user = setup
    eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    eois.save_eoi_draft(session=session, actor=user, eoi_id=eoi.id, answers={"motivation": "draft text"})
    assert session.get(EOI, id_of(eoi)).answers == {"motivation": "draft text"}  # type: ignore[union-attr]
    eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=eoi_answers(["FR"]))
    assert session.exec(select(Outbox).where(Outbox.kind == "eoi_submitted")).one().to_email == coordinator.email
    with pytest.raises(TransitionRefused, match="comment"):
        eois.decide_eoi(session=session, actor=coordinator, eoi_id=eoi.id, action=Action.REQUEST_CHANGES, comment=" ")
    session.rollback()
    eois.decide_eoi(
        session=session, actor=coordinator, eoi_id=eoi.id, action=Action.REQUEST_CHANGES, comment="Add your offer."
    )
    assert session.get(EOI, id_of(eoi)).state == EOIState.CHANGES_REQUESTED  # type: ignore[union-attr]
    eois.submit_eoi(
        session=session, actor=user, eoi_id=eoi.id, answers={**eoi_answers(["FR"]), "offer": "Contacts in Porto."}
    )
    eois.decide_eoi(session=session, actor=coordinator, eoi_id=eoi.id, action=Action.APPROVE)
    session.expire_all()
    final = session.get(EOI, eoi.id)
    assert final.state == EOIState.APPROVED and final.answers["offer"] == "Contacts in Porto."  # type: ignore[union-attr]
    actions = [
        e.action
        for e in session.exec(select(AuditEvent).where(AuditEvent.entity_type == "eoi").order_by(AuditEvent.seq))
    ]
    assert actions == ["create", "submit", "request_changes", "submit", "approve"]


def test_bad_answers_are_refused_and_nothing_changes(session: Session, engine: Engine, setup) -> None:
    _, partnership, _, _, user = setup
    eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    mails_before = table_count(engine, "outbox")
    bad = {**eoi_answers(["US"]), "motivation": "too short", "period": ["2027-05-01", "2027-04-01"]}
    with pytest.raises(ValidationFailed) as caught:
        eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=bad)
    assert set(caught.value.errors) >= {"motivation", "countries", "period"}
    assert "before the first day" in caught.value.errors["period"]
    session.rollback()
    session.expire_all()
    assert session.get(EOI, eoi.id).state == EOIState.DRAFT and table_count(engine, "outbox") == mails_before


def test_other_partnerships_and_organisations_cannot_touch_it(session: Session, setup) -> None:
    _, partnership, _, outsider, user = setup
    stranger = org_user(session, "bob", "FR")
    eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=eoi_answers(["FR"]))
    with pytest.raises(NotFound):
        eois.decide_eoi(session=session, actor=outsider, eoi_id=eoi.id, action=Action.APPROVE)
    with pytest.raises(NotFound):
        eois.withdraw_eoi(session=session, actor=stranger, eoi_id=eoi.id)
    with pytest.raises(TransitionRefused):
        eois.decide_eoi(session=session, actor=user, eoi_id=eoi.id, action=Action.APPROVE)


def test_assign_me_eoi_is_assigned_then_decided(session: Session, setup) -> None:
    admin, partnership, coordinator, _, user = setup
    eoi = eois.start_eoi(session=session, actor=user, side=Side.HOST, partnership_id=None)
    eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=eoi_answers(["FR"]))
    assert session.exec(select(Outbox).where(Outbox.kind == "eoi_submitted")).one().to_email == admin.email
    assert [e.id for e, _ in eois.eoi_queue(session, coordinator)] == [eoi.id]
    with pytest.raises(PermissionDenied, match="Assign"):
        eois.decide_eoi(session=session, actor=coordinator, eoi_id=eoi.id, action=Action.APPROVE)
    eois.assign_eoi(session=session, actor=admin, eoi_id=id_of(eoi), partnership_id=id_of(partnership))
    eois.decide_eoi(session=session, actor=coordinator, eoi_id=eoi.id, action=Action.APPROVE)
    assert session.get(EOI, id_of(eoi)).partnership_id == id_of(partnership)  # type: ignore[union-attr]


def test_ineligible_side_and_duplicates_are_refused(session: Session, setup) -> None:
    _, partnership, _, _, user = setup
    big = org_user(session, "bigco", "DE", OrgType.LARGE_COMPANY)
    with pytest.raises(ValidationFailed, match="cannot take part as Visitor"):
        eois.start_eoi(session=session, actor=big, side=Side.VISITOR, partnership_id=partnership.id)
    eois.start_eoi(session=session, actor=big, side=Side.HOST, partnership_id=partnership.id)
    eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    with pytest.raises(ValidationFailed, match="already has an expression of interest"):
        eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)


def test_withdraw_before_decision_only(session: Session, setup) -> None:
    _, partnership, coordinator, _, user = setup
    eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=eoi_answers(["FR"]))
    eois.decide_eoi(session=session, actor=coordinator, eoi_id=eoi.id, action=Action.APPROVE)
    with pytest.raises(TransitionRefused):
        eois.withdraw_eoi(session=session, actor=user, eoi_id=eoi.id)


def test_cv_upload_is_checked_by_content(session: Session, setup) -> None:
    _, partnership, _, _, user = setup
    eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    with pytest.raises(UploadRefused, match="not a PDF"):
        eois.attach_cv(session=session, actor=user, eoi_id=eoi.id, filename="cv.pdf", content=PNG)
    with pytest.raises(UploadRefused, match="not a PDF"):
        eois.attach_cv(session=session, actor=user, eoi_id=eoi.id, filename="cv.pdf", content=b"<svg onload=alert(1)>")
    document = eois.attach_cv(session=session, actor=user, eoi_id=eoi.id, filename="../../etc/passwd.pdf", content=PDF)
    assert document.filename == "passwd.pdf" and len(document.sha256) == 64
    answers = {**eoi_answers(["FR"]), "cv": {"document_id": document.id, "filename": document.filename}}
    eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=answers)
    assert session.get(EOI, id_of(eoi)).answers["cv"]["document_id"] == id_of(document)  # type: ignore[union-attr]


def test_double_submit_from_two_tabs_is_refused_cleanly(session: Session, setup) -> None:
    _, partnership, _, _, user = setup
    eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=eoi_answers(["FR"]))
    with pytest.raises((PermissionDenied, StaleState)):
        eois.submit_eoi(session=session, actor=user, eoi_id=eoi.id, answers=eoi_answers(["FR"]))
