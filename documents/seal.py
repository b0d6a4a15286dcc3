"""The instance's seal: a signing key and certificate (created on first use into the data
folder, mode 0600; an admin may replace both with a certificate from a real authority),
sealing of final PDFs with pyHanko, and validation of a seal."""

from __future__ import annotations

import asyncio
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

KEY_FILE, CERT_FILE = "seal_key.pem", "seal_cert.pem"


def seal_paths(folder: Path) -> tuple[Path, Path]:
    """The key and certificate in `folder` (the data folder, which services pass in)."""
    return folder / KEY_FILE, folder / CERT_FILE


def ensure_seal_identity(folder: Path, common_name: str = "CXC Desk instance seal") -> tuple[Path, Path]:
    """Create a self-signed EC P-256 key and certificate once; keep existing ones."""
    key_path, cert_path = seal_paths(folder)
    if key_path.exists() and cert_path.exists():
        os.chmod(key_path, 0o600)
        return key_path, cert_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CXC Desk"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@lru_cache(maxsize=4)
def _signer(key_path: str, cert_path: str, _mtime: int) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load(key_path, cert_path)
    if signer is None:
        raise RuntimeError(f"the seal key {key_path} or certificate {cert_path} cannot be read")
    return signer


def seal_pdf(pdf: bytes, folder: Path) -> bytes:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _seal(pdf, folder)
    # pyHanko's synchronous API starts its own event loop, which cannot nest in a running one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_seal, pdf, folder).result()


def _seal(pdf: bytes, folder: Path) -> bytes:
    key_path, cert_path = ensure_seal_identity(folder)
    signer = _signer(str(key_path), str(cert_path), cert_path.stat().st_mtime_ns)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="CXCDeskSeal", reason="Issued and sealed by CXC Desk")
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@dataclass(frozen=True)
class SealCheck:
    sealed: bool
    intact: bool
    trusted: bool
    reason: str


def check_seal(pdf: bytes, folder: Path) -> SealCheck:
    """Is the PDF sealed by this instance, and unchanged since?"""
    _key, cert_path = ensure_seal_identity(folder)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any unreadable file is simply "not ours"
        return SealCheck(False, False, False, f"not a readable PDF ({exc.__class__.__name__})")
    if not signatures:
        return SealCheck(False, False, False, "the PDF carries no seal")
    try:
        context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])
        try:
            asyncio.get_running_loop()
            with ThreadPoolExecutor(max_workers=1) as pool:
                status = pool.submit(validate_pdf_signature, signatures[-1], context).result()
        except RuntimeError:
            status = validate_pdf_signature(signatures[-1], context)
    except Exception as exc:  # noqa: BLE001 - a broken signature structure is a failed check
        return SealCheck(True, False, False, f"the seal cannot be checked ({exc.__class__.__name__})")
    intact = bool(status.intact and status.valid)
    if not intact:
        return SealCheck(True, False, bool(status.trusted), "the PDF was changed after it was sealed")
    if not status.trusted:
        return SealCheck(True, True, False, "sealed, but not by this instance")
    return SealCheck(True, True, True, "sealed by this instance and unchanged")
