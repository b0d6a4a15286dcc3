"""The time-stamping authority as an instance setting, and sealing with it through the journey:
the last signature seals time-stamped documents; an authority that is down costs nobody their
signature and shows on the exchange's timeline; verification names the time-stamp."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from db.engine import data_dir
from db.models import AuditEvent, Exchange, InstanceSetting
from db.types import id_of
from documents.seal import TSA_ROOTS_FILE, check_seal
from domain.enums import DocumentKind, ExchangeState
from domain.errors import PermissionDenied, ValidationFailed
from services import documents, payments, sealing
from services.timeline import timeline
from tests import factories as f
from tests.documents.tsa import Authority, closed_port_url, failing_authority, running_authority
from tests.journey import agreed_exchange, approved_plan, cast, sign_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def authority() -> Iterator[Authority]:
    with running_authority() as running:
        yield running


def _ready_to_sign(session: Session):  # type: ignore[no-untyped-def]
    c = cast(session)
    payments.set_organisation_account(
        session=session, actor=c.visitor, iban="PT50000201231234567890154", bic="CGDIPTPL", holder="Klaster Porto"
    )
    return c, approved_plan(session, c, agreed_exchange(session, c))


def _signed_fa(session: Session, exchange: Exchange) -> bytes:
    final = {d.kind: d for d in documents.current_documents(session, id_of(exchange))}
    return final[DocumentKind.SIGNED_FINANCIAL_AGREEMENT].content or b""


def test_the_environment_applies_until_an_admin_saves_and_an_empty_url_means_none(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(sealing.TSA_ENVIRONMENT, raising=False)
    assert sealing.tsa_url(session) == ""
    monkeypatch.setenv(sealing.TSA_ENVIRONMENT, "http://tsa.example.eu/tsr")
    assert sealing.tsa_url(session) == "http://tsa.example.eu/tsr"
    admin = f.admin(session)
    assert sealing.save_tsa_url(session=session, actor=admin, url=" https://tsa.example.org/ ") == (
        "https://tsa.example.org/"
    )
    assert sealing.tsa_url(session) == "https://tsa.example.org/"
    sealing.save_tsa_url(session=session, actor=admin, url="")
    assert sealing.tsa_url(session) == ""  # cleared by the admin: no time-stamp, whatever the environment says
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "tsa_url")).all()
    assert [e.comment for e in events] == ["https://tsa.example.org/", "(no time-stamp)"]


@pytest.mark.parametrize("bad", ["ftp://tsa.example.eu", "tsa.example.eu/tsr", "http://", "http://a b/", "h" * 301])
def test_a_bad_address_is_refused_and_nothing_changes(session: Session, bad: str) -> None:
    admin = f.admin(session)
    sealing.save_tsa_url(session=session, actor=admin, url="http://tsa.example.eu/tsr")
    with pytest.raises(ValidationFailed) as caught:
        sealing.save_tsa_url(session=session, actor=admin, url=bad)
    session.rollback()
    assert "tsa_url" in caught.value.errors
    assert sealing.tsa_url(session) == "http://tsa.example.eu/tsr"


def test_only_an_admin_sets_or_tries_the_authority(session: Session) -> None:
    someone = f.participant(session)
    with pytest.raises(PermissionDenied):
        sealing.save_tsa_url(session=session, actor=someone, url="http://tsa.example.eu/tsr")
    with pytest.raises(PermissionDenied):
        sealing.try_authority(session=session, actor=someone)
    assert session.get(InstanceSetting, sealing.TSA_KEY) is None


def test_the_last_signature_seals_time_stamped_documents_that_verify_names(
    session: Session, authority: Authority, tmp_path: Path
) -> None:
    c, exchange = _ready_to_sign(session)
    sealing.save_tsa_url(session=session, actor=c.admin, url=authority.url)
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / TSA_ROOTS_FILE).write_bytes(authority.root_pem)
    exchange = sign_all(session, c, exchange)
    assert exchange.state == ExchangeState.READY
    pdf = _signed_fa(session, exchange)
    check = check_seal(pdf, data_dir())
    assert check.intact and check.trusted and check.validation_data
    assert check.time_stamp is not None and check.time_stamp.trusted
    line = documents.verify_pdf(session, pdf).line()
    assert line.startswith("issued by this instance and unchanged") and "time-stamped" in line
    assert "Test Time-Stamping Authority" in line
    path = tmp_path / "fa.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [sys.executable, "manage.py", "verify", str(path)],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.startswith("OK: issued by this instance and unchanged")
    assert "time-stamped" in done.stdout and "(trusted)" in done.stdout


def test_an_authority_that_is_down_costs_nobody_their_signature(session: Session) -> None:
    c, exchange = _ready_to_sign(session)
    with failing_authority(503) as down:
        url = down.url
        sealing.save_tsa_url(session=session, actor=c.admin, url=url)
        exchange = sign_all(session, c, exchange)
    assert down.requests == 1  # asked once for the two documents of the last signature
    assert exchange.state == ExchangeState.READY
    pdf = _signed_fa(session, exchange)
    check = check_seal(pdf, data_dir())
    assert check.intact and check.trusted and check.time_stamp is None
    assert "time-stamped" not in documents.verify_pdf(session, pdf).line()
    lines = [e.line("") for e in timeline(session, "exchange", id_of(exchange))]
    warnings = [line for line in lines if "sealed without time stamp" in line]
    assert len(warnings) == 2 and all(url in line for line in warnings)  # the two signed documents


def test_an_admin_asks_the_authority_for_a_time_stamp(session: Session, authority: Authority) -> None:
    admin = f.admin(session)
    answered, message = sealing.try_authority(session=session, actor=admin)
    assert not answered and "No time-stamping authority" in message
    sealing.save_tsa_url(session=session, actor=admin, url=authority.url)
    answered, message = sealing.try_authority(session=session, actor=admin)
    assert answered and "PAdES B-T" in message and "tsa_roots.pem" in message
    (data_dir() / TSA_ROOTS_FILE).write_bytes(authority.root_pem)
    answered, message = sealing.try_authority(session=session, actor=admin)
    assert answered and "PAdES B-LT" in message and "(trusted)" in message
    sealing.save_tsa_url(session=session, actor=admin, url=closed_port_url())
    answered, message = sealing.try_authority(session=session, actor=admin)
    assert not answered and "did not answer" in message
