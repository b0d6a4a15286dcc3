"""The append-only audit log and its SHA-256 hash chain.

Each event's hash covers its own fields and the previous event's hash, so that changing,
removing or inserting a row anywhere breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import AuditEvent, User
from db.types import utcnow

GENESIS_HASH = "0" * 64
# Any constant works; it only has to be the same in every process that writes audit events.
AUDIT_LOCK_KEY = 4_242_001


def event_digest(prev_hash: str, event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "comment": event.comment,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _serialise_writers(session: Session) -> None:
    # Two writers reading the same "last hash" would fork the chain. SQLite write
    # transactions are already exclusive (BEGIN IMMEDIATE); PostgreSQL needs a lock.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


def append_event(
    session: Session,
    *,
    actor: User | None,
    entity_type: str,
    entity_id: int,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
) -> AuditEvent:
    """Add one event to the chain, inside the caller's transaction (the caller commits)."""
    _serialise_writers(session)
    last = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()  # type: ignore[attr-defined]
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        created_at=utcnow(),
        actor_user_id=actor.id if actor else None,
        actor_label=actor.username if actor else "system",
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        from_state=str(from_state),
        to_state=str(to_state),
        comment=comment,
        prev_hash=last.hash if last else GENESIS_HASH,
        hash="",
    )
    event.hash = event_digest(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class NewEvent:
    entity_type: str
    entity_id: int
    action: str
    to_state: str = ""
    comment: str = ""


def append_events(session: Session, *, actor: User | None, events: list[NewEvent]) -> int:
    """Many events of one action (an import) in one go: the last hash is read once, not once per
    event, and the rows go in as one INSERT (10,000 ORM objects would cost more than the SQL)."""
    if not events:
        return 0
    _serialise_writers(session)
    session.flush()
    last = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()  # type: ignore[attr-defined]
    seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    now = utcnow()
    rows = []
    for new in events:
        seq += 1
        row = {
            "seq": seq,
            "created_at": now,
            "actor_user_id": actor.id if actor else None,
            "actor_label": actor.username if actor else "system",
            "entity_type": new.entity_type,
            "entity_id": new.entity_id,
            "action": new.action,
            "from_state": "",
            "to_state": new.to_state,
            "comment": new.comment,
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = event_digest(prev_hash, SimpleNamespace(**row))  # type: ignore[arg-type]
        rows.append(row)
    session.execute(sa.insert(AuditEvent.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(session: Session, batch: int = 5_000) -> ChainReport:
    """Walk the whole chain in order, in batches so that memory stays flat."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)  # type: ignore[arg-type]
        ).all()
        if not rows:
            return ChainReport(True, count)
        for event in rows:
            if event.seq != expected_seq:
                return ChainReport(False, count, expected_seq, f"event {expected_seq} is missing")
            if event.prev_hash != prev_hash:
                return ChainReport(False, count, event.seq, f"event {event.seq} does not follow its predecessor")
            if event_digest(prev_hash, event) != event.hash:
                return ChainReport(False, count, event.seq, f"event {event.seq} was changed after it was written")
            prev_hash = event.hash
            expected_seq += 1
            count += 1
            last_seq = event.seq
