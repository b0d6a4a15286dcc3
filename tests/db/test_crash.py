"""Crash safety: a worker process firing transitions and payments is killed with SIGKILL at random
moments, many times; after each kill the database is intact, nothing is half applied, and the
audit hash chain verifies. `make test` runs a short version; `make test-long` runs 50 kills."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from db.audit import verify_chain
from db.engine import make_engine, write_session
from db.models import EOI, ActionPlan, AuditEvent, ClosingReport, Document, Exchange, Payment, Signature
from db.types import id_of
from domain.enums import EOIState, ExchangeState, PaymentState
from tests.journey import accepted_exchange

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("CXC_CRASH_ROUNDS", "8"))
COPIES = 3 * ROUNDS


def consistent(url: str) -> tuple[int, int]:
    """Check the database after a kill; returns (paid exchanges, audit events)."""
    engine = make_engine(url)
    try:
        if url.startswith("sqlite"):
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        with Session(engine) as session:
            chain = verify_chain(session)
            assert chain.ok, chain.reason
            payments = {p.exchange_id: p for p in session.exec(select(Payment))}
            for exchange in session.exec(select(Exchange)):
                payment = payments.get(id_of(exchange))
                # A transition and its payment row are one transaction: both or neither.
                if exchange.state in (ExchangeState.PAYMENT_ORDERED, ExchangeState.PAID):
                    assert payment is not None, f"exchange {exchange.id} is {exchange.state} without a payment"
                    assert (payment.state == PaymentState.PAID) == (exchange.state == ExchangeState.PAID)
                else:
                    assert payment is None, f"exchange {exchange.id} is {exchange.state} with a payment"
            last_to = dict(
                session.exec(
                    select(AuditEvent.entity_type + ":" + sa.cast(AuditEvent.entity_id, sa.String), AuditEvent.to_state)
                    .where(AuditEvent.to_state != "")
                    .order_by(AuditEvent.seq)
                ).all()
            )
            for exchange in session.exec(select(Exchange)):
                if f"exchange:{exchange.id}" in last_to:
                    assert last_to[f"exchange:{exchange.id}"] == exchange.state.value, (
                        f"exchange {exchange.id}: audit and state differ"
                    )
            for eoi in session.exec(select(EOI).where(EOI.state != EOIState.DRAFT)):
                assert last_to.get(f"eoi:{eoi.id}") == eoi.state.value, f"EOI {eoi.id}: audit and state differ"
            paid = session.exec(
                select(sa.func.count()).select_from(Exchange).where(Exchange.state == ExchangeState.PAID)
            ).one()
            events = session.exec(select(sa.func.count()).select_from(AuditEvent)).one()
            return paid, events
    finally:
        engine.dispose()


@pytest.fixture
def crash_db(tmp_path: Path, sqlite_url: str) -> str:
    with write_session() as session:
        accepted_exchange(session)
        original = session.exec(select(Exchange)).one()
        report = session.exec(select(ClosingReport)).one()
        plans = session.exec(select(ActionPlan)).all()
        # The signed documents too: a payment is ordered only against a signed Financial Agreement.
        documents = session.exec(select(Document)).all()
        signatures = session.exec(select(Signature)).all()
        for _n in range(COPIES):
            copy = Exchange(**original.model_dump(exclude={"id"}))
            session.add(copy)
            session.flush()
            session.add(ClosingReport(**report.model_dump(exclude={"id", "exchange_id"}), exchange_id=copy.id))
            for plan in plans:
                session.add(ActionPlan(**plan.model_dump(exclude={"id", "exchange_id"}), exchange_id=copy.id))
            for document in documents:
                twin = Document(**document.model_dump(exclude={"id", "exchange_id"}), exchange_id=copy.id)
                session.add(twin)
                session.flush()
                for signature in (s for s in signatures if s.document_id == document.id):
                    session.add(Signature(**signature.model_dump(exclude={"id", "document_id"}), document_id=twin.id))
        session.commit()
    return sqlite_url


def test_sigkill_at_random_moments_leaves_a_consistent_database(crash_db: str, tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("CXC_CRASH_SEED", "20261125")))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    paid_before, events_before = consistent(crash_db)
    for round_no in range(ROUNDS):
        errors = tmp_path / f"worker-{round_no}.err"
        with errors.open("w") as err:
            worker = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        assert worker.stdout is not None
        try:
            assert worker.stdout.readline().strip() == "ready"
            for _step in range(rng.randint(1, 4)):
                assert worker.stdout.readline().strip() == "step", (
                    f"the worker stopped in round {round_no}: {errors.read_text()[-1500:]}"
                )
            # The kill lands somewhere inside the next step: a few milliseconds, chosen at random.
            time.sleep(rng.uniform(0, 0.08))
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
        paid, events = consistent(crash_db)
        assert events >= events_before and paid >= paid_before  # nothing saved is ever lost
        paid_before, events_before = paid, events
    assert events_before > 0 and paid_before > 0, "the worker made no progress: the test proved nothing"
