"""Applying transitions: conditional update, audit row, stale-state refusal, hash chain."""

from itertools import pairwise

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.audit import GENESIS_HASH, append_event, verify_chain
from db.models import EOI, AuditEvent
from db.types import id_of
from domain.enums import Action, EOIState, Party, Side
from domain.errors import StaleState
from domain.workflow import TransitionRefused
from services.transitions import apply_transition
from tests import factories as f


def _eoi(session: Session) -> tuple[EOI, object]:
    admin = f.admin(session)
    partnership = f.partnership(session, admin)
    author = f.participant(session)
    eoi = EOI(
        organisation_id=author.organisation_id,
        author_user_id=author.id,
        side=Side.VISITOR,
        partnership_id=partnership.id,
        spec_name="eoi",
        spec_version=1,
    )
    session.add(eoi)
    session.commit()
    return eoi, author


def test_transition_changes_state_and_writes_one_audit_event(session: Session) -> None:
    eoi, author = _eoi(session)
    before = session.exec(select(sa.func.count()).select_from(AuditEvent)).one()
    apply_transition(session, eoi, Action.SUBMIT, parties={Party.APPLICANT}, actor=author)
    session.commit()
    session.expire_all()
    assert session.get(EOI, id_of(eoi)).state == EOIState.SUBMITTED  # type: ignore[union-attr]
    events = session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert len(events) == before + 1
    last = events[-1]
    assert (last.entity_type, last.entity_id, last.action, last.from_state, last.to_state, last.actor_user_id) == (
        "eoi",
        eoi.id,
        "submit",
        "draft",
        "submitted",
        author.id,
    )


def test_stale_state_is_refused_with_a_clear_message(session: Session, engine: Engine) -> None:
    eoi, author = _eoi(session)
    # Another tab submits meanwhile.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE eoi SET state = 'submitted' WHERE id = :id"), {"id": eoi.id})
    with pytest.raises(StaleState, match=r"changed meanwhile.*Sent to the Partnership"):
        apply_transition(session, eoi, Action.SUBMIT, parties={Party.APPLICANT}, actor=author)
    assert session.exec(select(AuditEvent).where(AuditEvent.entity_type == "eoi")).all() == []


def test_refused_transition_changes_nothing(session: Session) -> None:
    eoi, author = _eoi(session)
    with pytest.raises(TransitionRefused):
        apply_transition(session, eoi, Action.APPROVE, parties={Party.APPLICANT}, actor=author)
    session.rollback()
    session.expire_all()
    assert session.get(EOI, id_of(eoi)).state == EOIState.DRAFT  # type: ignore[union-attr]


def test_audit_chain_verifies_and_links_each_event_to_the_previous(session: Session) -> None:
    for i in range(5):
        append_event(session, actor=None, entity_type="test", entity_id=i, action="create", comment=f"n{i}")
    session.commit()
    events = session.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert events[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    report = verify_chain(session)
    assert report.ok and report.events == 5


def test_tampering_with_an_audit_row_is_detected(session: Session, engine: Engine) -> None:
    for i in range(3):
        append_event(session, actor=None, entity_type="test", entity_id=i, action="create")
    session.commit()
    # Someone with database access disables the guard trigger and edits history.
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
            conn.exec_driver_sql("UPDATE audit_event SET comment = 'forged' WHERE seq = 2")
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
            conn.exec_driver_sql("UPDATE audit_event SET comment = 'forged' WHERE seq = 2")
    session.expire_all()
    report = verify_chain(session)
    assert not report.ok and report.first_bad_seq == 2 and "changed" in report.reason


def test_concurrent_clicks_apply_a_transition_once(session: Session, database_url: str) -> None:
    """Ten tabs submit the same draft at once: one wins, nine are told the state moved."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from db.engine import read_session, write_session

    eoi, author = _eoi(session)
    barrier = Barrier(10)

    def click(_: int) -> str:
        with read_session() as reader:
            mine = reader.get(EOI, eoi.id)
        barrier.wait()
        try:
            with write_session() as writer:
                apply_transition(writer, mine, Action.SUBMIT, parties={Party.APPLICANT}, actor=author)  # type: ignore[arg-type]
                writer.commit()
            return "applied"
        except StaleState:
            return "stale"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = sorted(pool.map(click, range(10)))
    assert outcomes == ["applied"] + ["stale"] * 9
    session.expire_all()
    events = session.exec(select(AuditEvent).where(AuditEvent.entity_type == "eoi")).all()
    assert len(events) == 1
    assert verify_chain(session).ok


def test_the_stale_state_message_speaks_the_reader_language(session: Session, engine: Engine) -> None:
    from domain.i18n import in_language

    eoi, author = _eoi(session)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE eoi SET state = 'submitted' WHERE id = :id"), {"id": eoi.id})
    with in_language("fr"), pytest.raises(StaleState) as stale:
        apply_transition(session, eoi, Action.SUBMIT, parties={Party.APPLICANT}, actor=author)
    assert str(stale.value) == (
        "Ce dossier a changé entre-temps (il est maintenant à l'état « Envoyée au Partenariat ») ; "
        "rechargez la page et réessayez."
    )


def test_the_history_names_each_step_in_the_reader_language(session: Session) -> None:
    from domain.i18n import in_language
    from services.timeline import timeline

    eoi, author = _eoi(session)
    apply_transition(session, eoi, Action.SUBMIT, parties={Party.APPLICANT}, actor=author)
    session.commit()
    [entry] = timeline(session, "eoi", id_of(eoi))
    assert entry.action == "submit"  # the audit log keeps what it recorded
    with in_language("de"):
        assert entry.line("2. März 2026") == f"2. März 2026 · {author.full_name} · an die Partnerschaft gesendet"
    assert entry.line("2 Mar 2026").endswith(" · sent to the Partnership")
