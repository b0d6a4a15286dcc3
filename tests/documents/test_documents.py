"""Commitment to Quality and Financial Agreement: content, signatures, seal, verification."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlmodel import Session, select

from db.engine import data_dir
from db.models import Document, Exchange, Organisation, Partnership, Signature
from db.types import id_of
from documents.seal import seal_paths
from domain.enums import DocumentKind, ExchangeState, Party
from domain.errors import PermissionDenied, StaleState, ValidationFailed
from services import documents, exchanges, payments, reports
from tests.journey import agreed_exchange, approved_plan, cast, plan_answers, sign_all

ROOT = Path(__file__).resolve().parents[2]


def text_of(pdf: bytes) -> str:
    """The PDF's text with white space folded (extraction may widen spaces in long lines)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def pyhanko_status(pdf: bytes):
    """pyHanko's own validator, in a thread of its own: its synchronous API starts an event loop,
    which cannot nest in the one the browser tests keep running in this process."""
    _key, cert = seal_paths(data_dir())

    def validate():
        signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
        return validate_pdf_signature(signature, ValidationContext(trust_roots=[load_cert_from_pemder(str(cert))]))

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate).result()


@pytest.fixture
def signing(session: Session):
    c = cast(session)
    # Names in Polish, Greek and Bulgarian must print.
    visitor_org = session.get(Organisation, c.visitor.organisation_id)
    visitor_org.legal_name = "Klaster Łódź Zażółć"  # type: ignore[union-attr]
    host_org = session.get(Organisation, c.host.organisation_id)
    host_org.legal_name = "Σύμπλεγμα Αθηνών"  # type: ignore[union-attr]
    partnership = session.get(Partnership, c.hop.id)
    partnership.name = "Партньорство София"  # type: ignore[union-attr]
    session.add_all([visitor_org, host_org, partnership])
    session.commit()
    payments.set_organisation_account(
        session=session, actor=c.visitor, iban="PT50000201231234567890154", bic="CGDIPTPL", holder="Klaster Łódź"
    )
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    return c, exchange


def docs(session: Session, exchange: Exchange) -> dict[DocumentKind, Document]:
    return {d.kind: d for d in documents.current_documents(session, id_of(exchange))}


def test_documents_print_the_euro_sign_and_every_alphabet(session: Session, signing) -> None:
    _cast, exchange = signing
    current = docs(session, exchange)
    ctq, fa = (
        text_of(current[DocumentKind.COMMITMENT_TO_QUALITY].content),  # type: ignore[arg-type]
        text_of(current[DocumentKind.FINANCIAL_AGREEMENT].content),  # type: ignore[arg-type]
    )
    for name in ("Klaster Łódź Zażółć", "Σύμπλεγμα Αθηνών", "Партньорство София"):
        assert name in ctq
    assert "Learn the pilot-line onboarding process" in ctq and "Commitments of the Host" in ctq
    assert "€900.00" in fa and "France €900" in fa and "PT50000201231234567890154" in fa
    assert f"CXC-{exchange.id}-FA-v1" in fa and "Page 1 of" in fa


def test_only_the_right_person_signs_once_for_each_party(session: Session, signing) -> None:
    c, exchange = signing
    fa = docs(session, exchange)[DocumentKind.FINANCIAL_AGREEMENT]
    ctq = docs(session, exchange)[DocumentKind.COMMITMENT_TO_QUALITY]

    def sign(user, document, party, **kw):
        return documents.sign_document(
            session=session,
            actor=user,
            document_id=document.id,
            party=party,
            typed_name=kw.get("typed_name", user.full_name),
            agreed=kw.get("agreed", True),
            shown_sha256=kw.get("sha", document.sha256),
        )

    with pytest.raises(PermissionDenied):
        sign(c.host, fa, Party.HOST)  # the Host does not sign the Financial Agreement
    with pytest.raises(PermissionDenied):
        sign(c.host, ctq, Party.VISITOR)  # nobody signs for another party
    with pytest.raises(PermissionDenied):
        sign(c.hop_coordinator, fa, Party.VISITOR_PARTNERSHIP)
    with pytest.raises(ValidationFailed, match="exactly as in your account"):
        sign(c.visitor, ctq, Party.VISITOR, typed_name="Somebody Else")
    with pytest.raises(ValidationFailed, match="changed since you opened it"):
        sign(c.visitor, ctq, Party.VISITOR, sha="0" * 64)
    with pytest.raises(ValidationFailed, match="I have read"):
        sign(c.visitor, ctq, Party.VISITOR, agreed=False)
    signature = sign(c.visitor, ctq, Party.VISITOR)
    assert signature.signed_sha256 == ctq.sha256 and signature.typed_name == c.visitor.full_name
    with pytest.raises(StaleState, match="already"):
        sign(c.visitor, ctq, Party.VISITOR)
    assert documents.parties_to_sign(session, c.visitor, ctq) == []
    assert documents.parties_to_sign(session, c.visitor, fa) == [Party.VISITOR]


def test_a_plan_change_after_two_signatures_clears_them(session: Session, signing) -> None:
    c, exchange = signing
    ctq = docs(session, exchange)[DocumentKind.COMMITMENT_TO_QUALITY]
    for user, party in ((c.visitor, Party.VISITOR), (c.host, Party.HOST)):
        documents.sign_document(
            session=session,
            actor=user,
            document_id=id_of(ctq),
            party=party,
            typed_name=user.full_name,
            agreed=True,
            shown_sha256=ctq.sha256,
        )
    exchanges.reopen_plan(
        session=session, actor=c.hop_coordinator, exchange_id=exchange.id, comment="Two more days, please."
    )
    session.expire_all()
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.PLANNING  # type: ignore[union-attr]
    assert documents.current_documents(session, exchange.id) == []
    with pytest.raises(PermissionDenied, match="replaced"):
        documents.sign_document(
            session=session,
            actor=c.vop_coordinator,
            document_id=id_of(ctq),
            party=Party.VISITOR_PARTNERSHIP,
            typed_name=c.vop_coordinator.full_name,
            agreed=True,
            shown_sha256=ctq.sha256,
        )
    # Re-agreed and re-approved: version 2 of both documents, with no signature yet.
    plan = exchanges.save_plan(
        session=session,
        actor=c.visitor,
        exchange_id=exchange.id,
        answers={**plan_answers(), "expected_results": "A joint proposal and two more visits."},
        base_version=1,
    )
    for side in (c.visitor, c.host):
        exchanges.agree_plan(session=session, actor=side, exchange_id=exchange.id, version=plan.version)
    for coordinator in (c.vop_coordinator, c.hop_coordinator):
        exchanges.decide_plan(session=session, actor=coordinator, exchange_id=exchange.id, approve=True)
    current = docs(session, exchange)
    assert {d.version for d in current.values()} == {2}
    assert all(documents.signatures_of(session, id_of(d)) == [] for d in current.values())
    assert len(session.exec(select(Signature)).all()) == 2  # the old ones are kept, on the superseded version


def test_one_coordinator_of_both_sides_signs_as_each_partnership(session: Session) -> None:
    c = cast(session, same_partnership=True)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    ctq = docs(session, exchange)[DocumentKind.COMMITMENT_TO_QUALITY]
    assert documents.parties_to_sign(session, c.vop_coordinator, ctq) == [
        Party.HOST_PARTNERSHIP,
        Party.VISITOR_PARTNERSHIP,
    ]
    for party in (Party.VISITOR_PARTNERSHIP, Party.HOST_PARTNERSHIP):
        documents.sign_document(
            session=session,
            actor=c.vop_coordinator,
            document_id=id_of(ctq),
            party=party,
            typed_name=c.vop_coordinator.full_name,
            agreed=True,
            shown_sha256=ctq.sha256,
        )
    assert {s.party for s in documents.signatures_of(session, id_of(ctq))} == {
        Party.VISITOR_PARTNERSHIP,
        Party.HOST_PARTNERSHIP,
    }


def test_last_signature_seals_final_pdfs_that_pyhanko_and_verify_accept(
    session: Session, signing, tmp_path: Path
) -> None:
    c, exchange = signing
    exchange = sign_all(session, c, exchange)
    assert exchange.state == ExchangeState.READY
    final = docs(session, exchange)[DocumentKind.SIGNED_FINANCIAL_AGREEMENT]
    pdf = final.content or b""
    text = text_of(pdf)
    assert "Signatures" in text and "Audit trail" in text and c.visitor.full_name in text
    status = pyhanko_status(pdf)
    assert status.intact and status.valid and status.trusted
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    assert not pyhanko_status(bytes(tampered)).intact
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(pdf)
    bad.write_bytes(bytes(tampered))
    assert documents.verify_pdf(session, pdf).issued_here
    assert not documents.verify_pdf(session, bytes(tampered)).issued_here
    env = {**os.environ}
    ok = subprocess.run(
        [sys.executable, "manage.py", "verify", str(good)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        ok.returncode == 0
        and ok.stdout.startswith("OK: issued by this instance and unchanged")
        and ok.stdout.count("\n") == 1
    )
    nok = subprocess.run(
        [sys.executable, "manage.py", "verify", str(bad)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert nok.returncode == 1 and nok.stdout.startswith("NOT OK: ")
    stranger = tmp_path / "other.pdf"
    stranger.write_bytes(b"%PDF-1.4\n%%EOF\n")
    other = subprocess.run(
        [sys.executable, "manage.py", "verify", str(stranger)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other.returncode == 1 and "not issued by this instance" in other.stdout


def test_verification_by_reference_names_signers_and_supersession(session: Session, signing) -> None:
    c, exchange = signing
    ctq = docs(session, exchange)[DocumentKind.COMMITMENT_TO_QUALITY]
    documents.sign_document(
        session=session,
        actor=c.visitor,
        document_id=id_of(ctq),
        party=Party.VISITOR,
        typed_name=c.visitor.full_name,
        agreed=True,
        shown_sha256=ctq.sha256,
    )
    result = documents.verify_reference(session, ctq.filename)
    assert result.issued_here and "current" in result.line() and result.signers[0].startswith("Visitor: ")
    exchanges.reopen_plan(
        session=session, actor=c.vop_coordinator, exchange_id=exchange.id, comment="Change the dates."
    )
    assert "superseded" in documents.verify_reference(session, ctq.filename.removesuffix(".pdf")).line()
    assert not documents.verify_reference(session, "CXC-999-CTQ-v1").issued_here


def test_evidence_pack_holds_documents_and_audit(session: Session, signing) -> None:
    c, exchange = signing
    sign_all(session, c, exchange)
    with pytest.raises(PermissionDenied):
        reports.evidence_pack(session=session, actor=c.visitor, exchange_id=exchange.id)
    pack = zipfile.ZipFile(
        io.BytesIO(reports.evidence_pack(session=session, actor=c.hop_coordinator, exchange_id=exchange.id))
    )
    names = pack.namelist()
    assert f"documents/CXC-{exchange.id}-CTQ-v1-signed.pdf" in names and "audit.json" in names
    assert b'"action": "sign"' in pack.read("audit.json")


def test_seal_key_is_private(session: Session, signing) -> None:
    c, exchange = signing
    sign_all(session, c, exchange)
    key, _cert = seal_paths(data_dir())
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_closing_report_and_payment_confirmation_are_documents(session: Session) -> None:
    from tests.services.test_payments import accepted_exchange

    c, exchange = accepted_exchange(session)
    report = docs(session, exchange)[DocumentKind.CLOSING_REPORT]
    assert "Learnt a lot about pilot lines." in text_of(report.content or b"") and "t.pdf" in text_of(
        report.content or b""
    )
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    from datetime import date

    payments.confirm_payments(
        session=session,
        actor=c.vop_coordinator,
        payment_ids=[id_of(payment)],
        paid_on=date(2026, 11, 20),
        reference="REF-9",
    )
    confirmation = docs(session, exchange)[DocumentKind.PAYMENT_CONFIRMATION]
    assert "€900.00" in text_of(confirmation.content or b"") and "REF-9" in text_of(confirmation.content or b"")
    assert documents.verify_pdf(session, confirmation.content or b"").issued_here


def test_a_handwritten_signature_image_is_printed_on_the_signature_page(session: Session, signing) -> None:
    import segno

    c, exchange = signing
    image = io.BytesIO()
    segno.make("Ana").save(image, kind="png", scale=3)
    fa = docs(session, exchange)[DocumentKind.FINANCIAL_AGREEMENT]
    with pytest.raises(ValidationFailed, match="could not be read"):
        documents.sign_document(
            session=session,
            actor=c.visitor,
            document_id=id_of(fa),
            party=Party.VISITOR,
            typed_name=c.visitor.full_name,
            agreed=True,
            shown_sha256=fa.sha256,
            drawing_png=b"GIF89a not a png",
        )
    documents.sign_document(
        session=session,
        actor=c.visitor,
        document_id=id_of(fa),
        party=Party.VISITOR,
        typed_name=c.visitor.full_name,
        agreed=True,
        shown_sha256=fa.sha256,
        drawing_png=image.getvalue(),
    )
    exchange = sign_all(session, c, exchange)
    final = docs(session, exchange)[DocumentKind.SIGNED_FINANCIAL_AGREEMENT]
    assert (
        len(PdfReader(io.BytesIO(final.content or b"")).pages[-1].images)
        + len(PdfReader(io.BytesIO(final.content or b"")).pages[0].images)
        >= 2
    )


def test_only_a_partnership_reopens_and_a_refusal_keeps_the_documents(session: Session, signing) -> None:
    from domain.workflow import TransitionRefused

    c, exchange = signing
    before = {d.id for d in documents.current_documents(session, exchange.id)}
    with pytest.raises(TransitionRefused):
        exchanges.reopen_plan(session=session, actor=c.visitor, exchange_id=exchange.id, comment="We want other dates")
    session.rollback()
    with pytest.raises(TransitionRefused, match="comment"):
        exchanges.reopen_plan(session=session, actor=c.vop_coordinator, exchange_id=exchange.id, comment=" ")
    session.rollback()
    assert {d.id for d in documents.current_documents(session, exchange.id)} == before
