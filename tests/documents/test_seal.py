"""The seal as others check it: PAdES (ETSI.CAdES.detached) for poppler's pdfsig, an RFC 3161
time-stamp from a real authority on 127.0.0.1 (OpenSSL's `ts`), validation data (B-LT), and
documents that are never lost to an authority that is down."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from documents.pdf import DocumentContent, Section, minimal_pdf, render_pdf
from documents.seal import TSA_ROOTS_FILE, Profile, check_seal, seal_document
from tests.documents.tsa import Authority, closed_port_url, failing_authority, running_authority


@pytest.fixture
def authority() -> Iterator[Authority]:
    with running_authority() as running:
        yield running


def content() -> DocumentContent:
    return DocumentContent(
        reference="CXC-7-FA-v1",
        title="Financial Agreement",
        subtitle="Exchange 7 · Klaster Łódź → Σύμπλεγμα Αθηνών",
        version=1,
        sections=[Section("Conditions", ["The lump sum is €900.00."])],
        verify_url="https://cxc.example/verify?ref=CXC-7-FA-v1",
    )


def pdfsig(pdf: bytes, folder: Path) -> str:
    """Poppler's verdict (a validator independent of pyHanko)."""
    path = folder / "sealed.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def assert_pdfsig_accepts(report: str) -> None:
    assert "Signature Type: ETSI.CAdES.detached" in report, report
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Signature Field Name: CXCDeskSeal" in report, report


def openssl_verifies_the_time_stamp(pdf: bytes, authority: Authority, folder: Path) -> str:
    """`openssl ts -verify` of the token in the seal against the signature value it stamps:
    a second check of the time-stamp, by OpenSSL rather than pyHanko."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    signer_info = signature.signer_info
    tokens = [a for a in signer_info["unsigned_attrs"] if a["type"].native == "signature_time_stamp_token"]
    assert len(tokens) == 1
    (folder / "token.der").write_bytes(tokens[0]["values"][0].dump())
    (folder / "signature.bin").write_bytes(signer_info["signature"].native)
    token, data, root = folder / "token.der", folder / "signature.bin", authority.folder / "tsa_ca.pem"
    done = subprocess.run(
        ["openssl", "ts", "-verify", "-token_in", "-in", str(token), "-data", str(data), "-CAfile", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout + done.stderr


def test_a_seal_without_authority_is_pades_and_keeps_title_and_language(tmp_path: Path) -> None:
    sealed = seal_document(render_pdf(content()), tmp_path)
    assert sealed.profile == Profile.B_B and not sealed.warning
    report = pdfsig(sealed.pdf, tmp_path)
    assert_pdfsig_accepts(report)
    assert "Total document signed" in report
    check = check_seal(sealed.pdf, tmp_path)
    assert check.intact and check.trusted and check.subfilter == "/ETSI.CAdES.detached"
    assert check.time_stamp is None and not check.validation_data
    reader = PdfReader(io.BytesIO(sealed.pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == "Financial Agreement CXC-7-FA-v1"


def test_every_generated_pdf_names_its_language_and_title() -> None:
    for pdf, title in (
        (render_pdf(content()), "Financial Agreement CXC-7-FA-v1"),
        (minimal_pdf("One line"), "One line"),
    ):
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.trailer["/Root"]["/Lang"] == "en"
        assert reader.metadata.title == title
    other = content()
    other.lang = "pl"
    assert PdfReader(io.BytesIO(render_pdf(other))).trailer["/Root"]["/Lang"] == "pl"


def test_a_trusted_authority_gives_a_time_stamped_seal_with_validation_data(
    tmp_path: Path, authority: Authority
) -> None:
    (tmp_path / TSA_ROOTS_FILE).write_bytes(authority.root_pem)
    before = datetime.now(UTC).replace(microsecond=0)
    sealed = seal_document(render_pdf(content()), tmp_path, authority.url)
    assert sealed.profile == Profile.B_LT and not sealed.warning and not sealed.note
    assert authority.requests >= 1
    # poppler: PAdES and valid (the DSS added after the signature is why it is not "total document signed").
    assert_pdfsig_accepts(pdfsig(sealed.pdf, tmp_path))
    # pyHanko: the time-stamp, its time and its authority, trusted through tsa_roots.pem.
    check = check_seal(sealed.pdf, tmp_path)
    assert check.intact and check.trusted and check.validation_data
    assert check.time_stamp is not None and check.time_stamp.trusted
    assert check.time_stamp.authority == "Test Time-Stamping Authority"
    assert before - timedelta(seconds=2) <= check.time_stamp.at <= datetime.now(UTC) + timedelta(seconds=2)
    assert "time-stamped" in check.time_stamp.line()
    # OpenSSL: the token is the authority's and stamps this very signature.
    assert "Verification: OK" in openssl_verifies_the_time_stamp(sealed.pdf, authority, tmp_path)
    # The document security store holds the seal's and the authority's certificates (B-LT).
    dss = PdfReader(io.BytesIO(sealed.pdf)).trailer["/Root"]["/DSS"]
    assert len(dss["/Certs"]) >= 3  # the seal, the authority and its root


def test_an_authority_without_a_trusted_root_still_time_stamps(tmp_path: Path, authority: Authority) -> None:
    sealed = seal_document(minimal_pdf("B-T"), tmp_path, authority.url)
    assert sealed.profile == Profile.B_T and not sealed.warning and "tsa_roots.pem" in sealed.note
    assert_pdfsig_accepts(pdfsig(sealed.pdf, tmp_path))
    check = check_seal(sealed.pdf, tmp_path)
    assert check.intact and check.trusted and not check.validation_data
    assert check.time_stamp is not None and not check.time_stamp.trusted
    assert "not among this instance's trusted roots" in check.time_stamp.line()
    assert "Verification: OK" in openssl_verifies_the_time_stamp(sealed.pdf, authority, tmp_path)


def test_an_unreadable_roots_file_trusts_nobody_and_still_time_stamps(tmp_path: Path, authority: Authority) -> None:
    (tmp_path / TSA_ROOTS_FILE).write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    sealed = seal_document(minimal_pdf("broken roots"), tmp_path, authority.url)
    assert sealed.profile == Profile.B_T and not sealed.warning
    check = check_seal(sealed.pdf, tmp_path)
    assert check.intact and check.time_stamp is not None and not check.time_stamp.trusted


def test_a_root_that_does_not_match_the_authority_falls_back_to_b_t(tmp_path: Path, authority: Authority) -> None:
    with running_authority() as other:
        (tmp_path / TSA_ROOTS_FILE).write_bytes(other.root_pem)
        sealed = seal_document(minimal_pdf("wrong root"), tmp_path, authority.url)
    assert sealed.profile == Profile.B_T and "did not validate" in sealed.note
    assert check_seal(sealed.pdf, tmp_path).time_stamp is not None


def test_an_authority_that_is_down_never_loses_the_document(tmp_path: Path) -> None:
    url = closed_port_url()
    sealed = seal_document(minimal_pdf("down"), tmp_path, url)
    assert sealed.profile == Profile.B_B and url in sealed.warning and "without a time-stamp" in sealed.warning
    assert_pdfsig_accepts(pdfsig(sealed.pdf, tmp_path))
    check = check_seal(sealed.pdf, tmp_path)
    assert check.intact and check.trusted and check.time_stamp is None
    with failing_authority(503) as failing:
        refused = seal_document(minimal_pdf("refused"), tmp_path, failing.url)
    assert refused.profile == Profile.B_B and "did not answer" in refused.warning and failing.requests == 1
    assert check_seal(refused.pdf, tmp_path).intact


def test_a_page_changed_after_the_seal_is_caught_even_in_an_incremental_update(tmp_path: Path) -> None:
    sealed = seal_document(minimal_pdf("Pay to PT50 0002 0123"), tmp_path).pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    extra = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Pay to XX99) Tj ET"))
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), extra])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    check = check_seal(out.getvalue(), tmp_path)
    assert check.sealed and not check.intact and "changed" in check.reason
