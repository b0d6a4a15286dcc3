"""A real RFC 3161 time-stamping authority on 127.0.0.1 for tests: OpenSSL's `ts -reply` behind a
small HTTP server. Its root and its certificate (extendedKeyUsage critical, timeStamping) are made
here with `cryptography`; `tsa_openssl.cnf` beside this file configures `openssl ts`."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CONFIG = Path(__file__).resolve().parent / "tsa_openssl.cnf"


@dataclass
class Authority:
    url: str
    folder: Path
    requests: int = 0

    @property
    def root_pem(self) -> bytes:
        return (self.folder / "tsa_ca.pem").read_bytes()


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _make_certificates(folder: Path) -> None:
    now = datetime.now(UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test TSA Root"))
        .issuer_name(_name("Test TSA Root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),  # certificate and CRL signing
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Time-Stamping Authority"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),  # signature, non-repudiation
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    (folder / "tsa_ca.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (folder / "tsa_cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "tsa_key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "serial").write_text("01\n")


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler], authority: Authority) -> Iterator[None]:
    """`handler` on a free port of 127.0.0.1 in a thread, its URL in `authority`, until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    authority.url = f"http://127.0.0.1:{server.server_port}/tsr"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def running_authority() -> Iterator[Authority]:
    """Start the authority; yield its URL and folder; stop it."""
    with tempfile.TemporaryDirectory(prefix="tsa-") as name:
        folder = Path(name)
        _make_certificates(folder)
        lock = threading.Lock()  # one `openssl ts` at a time: they share the serial file
        authority = Authority(url="", folder=folder)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    authority.requests += 1
                    (folder / "query.tsq").write_bytes(query)
                    query_file, reply_file = str(folder / "query.tsq"), str(folder / "reply.tsr")
                    done = subprocess.run(
                        [
                            "openssl",
                            "ts",
                            "-reply",
                            "-config",
                            str(CONFIG),
                            "-queryfile",
                            query_file,
                            "-out",
                            reply_file,
                        ],
                        env={**os.environ, "TSA_DIR": str(folder)},
                        capture_output=True,
                        timeout=30,
                    )
                    reply = (folder / "reply.tsr").read_bytes() if done.returncode == 0 else b""
                if not reply:
                    self.send_error(500, "openssl ts failed")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *_args: object) -> None:
                pass

        with _serving(Handler, authority):
            yield authority


@contextmanager
def failing_authority(status: int = 503) -> Iterator[Authority]:
    """An HTTP server on 127.0.0.1 that answers every time-stamp request with an error (and counts them)."""
    authority = Authority(url="", folder=Path(tempfile.gettempdir()))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            authority.requests += 1
            self.send_error(status, "down for maintenance")

        def log_message(self, *_args: object) -> None:
            pass

    with _serving(Handler, authority):
        yield authority


def closed_port_url() -> str:
    """The URL of a port nobody listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsr"
