"""The instance's seal: a signing key and certificate (created on first use into the data
folder, mode 0600; an admin may replace both with a certificate from a real authority),
sealing of final PDFs with pyHanko as PAdES, and validation of a seal.

Profiles (ETSI EN 319 142): without a time-stamping authority the seal is PAdES B-B; with one
(its URL is an instance setting that services hand in) the signature carries an RFC 3161
time-stamp (B-T); when the authority's root is trusted here (`tsa_roots.pem` in the data
folder) the certificates and any revocation data are embedded in the document security store
(B-LT). A self-signed seal has no revocation service, so its B-LT holds certificates only.
An authority that does not answer never loses a document: it is sealed without the time-stamp
and the outcome says why, for the caller to record.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from domain.i18n import _, moment

KEY_FILE, CERT_FILE = "seal_key.pem", "seal_cert.pem"
TSA_ROOTS_FILE = "tsa_roots.pem"  # the roots the time-stamping authority's certificate must lead to
TSA_TIMEOUT_SECONDS = 5  # the last signature waits for it; an authority slower than this counts as down
SEAL_FIELD = "CXCDeskSeal"
SEAL_REASON = "Issued and sealed by CXC Desk"
# Updates after the seal that do not change the document: the validation data of B-LT.
UNCHANGED = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)

log = logging.getLogger(__name__)
T = TypeVar("T")


class Profile(StrEnum):
    B_B = "PAdES B-B"
    B_T = "PAdES B-T"
    B_LT = "PAdES B-LT"


@dataclass(frozen=True)
class Sealed:
    pdf: bytes
    profile: Profile
    warning: str = ""  # an authority is set but the seal has no time-stamp: why (the caller records it)
    note: str = ""  # time-stamped, but why not B-LT (for the administrator's check of the authority)


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


def _outside_event_loop(job: Callable[[], T]) -> T:
    """pyHanko's synchronous API starts its own event loop, which cannot nest in a running one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return job()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(job).result()


def tsa_roots(folder: Path) -> list[asn1_x509.Certificate]:
    """The trusted roots of time-stamping authorities: `tsa_roots.pem` in the data folder, if any."""
    path = folder / TSA_ROOTS_FILE
    if not path.is_file():
        return []
    try:
        return list(load_certs_from_pemder([str(path)]))
    except Exception as exc:  # noqa: BLE001 - a broken file must not stop seals or checks: it trusts nothing
        log.warning("seal: %s cannot be read (%s); no time-stamping authority is trusted", path, exc)
        return []


def seal_document(pdf: bytes, folder: Path, tsa_url: str = "") -> Sealed:
    """Seal `pdf` as PAdES, time-stamped by the authority at `tsa_url` when one is given."""
    return _outside_event_loop(lambda: _seal(pdf, folder, tsa_url.strip()))


def seal_pdf(pdf: bytes, folder: Path, tsa_url: str = "") -> bytes:
    return seal_document(pdf, folder, tsa_url).pdf


def _sign(
    pdf: bytes,
    signer: signers.SimpleSigner,
    tsa_url: str = "",
    context: ValidationContext | None = None,
) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=SEAL_REASON,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=context is not None,
        validation_context=context,
        # The seal is an organisation's, not a person's: its self-signed certificate has both usages.
        signer_key_usage={"digital_signature", "non_repudiation"},
    )
    timestamper = HTTPTimeStamper(tsa_url, timeout=TSA_TIMEOUT_SECONDS) if tsa_url else None
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper).getvalue()


def _seal(pdf: bytes, folder: Path, tsa_url: str) -> Sealed:
    key_path, cert_path = ensure_seal_identity(folder)
    signer = _signer(str(key_path), str(cert_path), cert_path.stat().st_mtime_ns)
    if not tsa_url:
        return Sealed(_sign(pdf, signer), Profile.B_B)
    try:
        return _time_stamped(pdf, signer, tsa_url, [load_cert_from_pemder(str(cert_path))], tsa_roots(folder))
    except Exception as exc:  # noqa: BLE001 - whatever the authority did, the person's signature must not be lost
        warning = _(
            "the time-stamping authority at {url} did not answer ({error}); sealed without a time-stamp"
        ).format(url=tsa_url, error=str(exc.__cause__ or exc)[:200] or exc.__class__.__name__)
        log.warning("seal: %s", warning)
        return Sealed(_sign(pdf, signer), Profile.B_B, warning=warning)


def _time_stamped(
    pdf: bytes,
    signer: signers.SimpleSigner,
    tsa_url: str,
    own: list[asn1_x509.Certificate],
    roots: list[asn1_x509.Certificate],
) -> Sealed:
    """B-LT when the authority's chain validates against `roots`, else B-T; an authority that
    does not answer raises (TimestampRequestError) at the first request."""
    if not roots:
        note = _("no root of the time-stamping authority is trusted here (tsa_roots.pem in the data folder)")
        return Sealed(_sign(pdf, signer, tsa_url), Profile.B_T, note=note)
    # Fetching lets pyHanko embed the authority's revocation data when its certificate names a source.
    context = ValidationContext(trust_roots=[*own, *roots], allow_fetching=True)
    try:
        return Sealed(_sign(pdf, signer, tsa_url, context), Profile.B_LT)
    except TimestampRequestError:
        raise
    except Exception as exc:  # noqa: BLE001 - the authority's chain did not validate: B-T still stands
        note = _("the time-stamping authority's certificate did not validate ({error})").format(
            error=exc.__class__.__name__
        )
    log.info("seal: B-T only, %s", note)
    return Sealed(_sign(pdf, signer, tsa_url), Profile.B_T, note=note)


@dataclass(frozen=True)
class TimeStamp:
    at: datetime
    authority: str  # the subject of the authority's certificate
    trusted: bool  # its certificate leads to a root in tsa_roots.pem

    def line(self) -> str:
        trust = _("trusted") if self.trusted else _("its certificate is not among this instance's trusted roots")
        return _("time-stamped {at} UTC by {authority} ({trust})").format(
            at=moment(self.at.astimezone(UTC)), authority=self.authority, trust=trust
        )


@dataclass(frozen=True)
class SealCheck:
    sealed: bool
    intact: bool
    trusted: bool
    reason: str
    subfilter: str = ""  # /ETSI.CAdES.detached for PAdES
    time_stamp: TimeStamp | None = None
    validation_data: bool = False  # a document security store (DSS) is embedded: B-LT


def check_seal(pdf: bytes, folder: Path) -> SealCheck:
    """Is the PDF sealed by this instance, and unchanged since? With its time-stamp, if any."""
    _key, cert_path = ensure_seal_identity(folder)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any unreadable file is simply "not ours"
        return SealCheck(False, False, False, _("not a readable PDF ({error})").format(error=exc.__class__.__name__))
    if not signatures:
        return SealCheck(False, False, False, _("the PDF carries no seal"))
    signature = signatures[-1]
    own = load_cert_from_pemder(str(cert_path))
    try:
        status = _outside_event_loop(
            lambda: validate_pdf_signature(
                signature,
                ValidationContext(trust_roots=[own]),
                ts_validation_context=ValidationContext(trust_roots=tsa_roots(folder)),  # never the system's store
            )
        )
        subfilter = str(signature.sig_object.get("/SubFilter", ""))
        dss = "/DSS" in reader.root
    except Exception as exc:  # noqa: BLE001 - a broken signature structure is a failed check
        return SealCheck(
            True, False, False, _("the seal cannot be checked ({error})").format(error=exc.__class__.__name__)
        )
    stamp = status.timestamp_validity
    time_stamp = (
        TimeStamp(stamp.timestamp, _authority_name(stamp.signing_cert), bool(stamp.trusted))
        if stamp is not None and stamp.intact and stamp.valid
        else None
    )
    intact = bool(status.intact and status.valid) and status.modification_level in UNCHANGED
    if not intact:
        return SealCheck(True, False, bool(status.trusted), _("the PDF was changed after it was sealed"), subfilter)
    if not status.trusted:
        return SealCheck(True, True, False, _("sealed, but not by this instance"), subfilter, time_stamp, dss)
    return SealCheck(True, True, True, _("sealed by this instance and unchanged"), subfilter, time_stamp, dss)


def _authority_name(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name") or cert.subject.human_friendly)
