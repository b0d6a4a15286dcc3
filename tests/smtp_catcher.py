"""A real SMTP server for the tests (aiosmtpd), optionally with STARTTLS and a login."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, to: str, subject_part: str = "", timeout: float = 30) -> EmailMessage:
        """The first message to `to` whose subject contains `subject_part`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for message in self.messages:
                    if to in str(message["To"]) and subject_part in str(message["Subject"]):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no mail to {to} about “{subject_part}” in {timeout}s: {[m['Subject'] for m in self.messages]}"
                    )
                self.arrived.wait(left)


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class SmtpCatcher:
    def __init__(self, *, tls_folder: Path | None = None, login: tuple[str, str] | None = None) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.cafile = ""
        kwargs: dict = {}
        if tls_folder is not None:
            cert, key = self_signed(tls_folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            kwargs.update(tls_context=context, require_starttls=True)
            self.cafile = str(cert)
        if login is not None:

            def check(server, session, envelope, mechanism, auth_data):
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and (auth_data.login.decode(), auth_data.password.decode()) == login
                )
                return AuthResult(success=ok)

            kwargs.update(authenticator=check, auth_require_tls=tls_folder is not None)
        self.controller = Controller(self.inbox, hostname="localhost", port=self.port, **kwargs)

    def url(self, user: str = "", password: str = "") -> str:
        if self.cafile:
            auth = f"{user}:{password}@" if user else ""
            return f"smtp+starttls://{auth}localhost:{self.port}?cafile={self.cafile}"
        return f"smtp://localhost:{self.port}"

    def __enter__(self) -> SmtpCatcher:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()
