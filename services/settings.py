"""Instance settings from the environment, with safe defaults for one small Partnership.

Secrets come from the environment or from files created once in the data folder with mode
0600; they are never logged.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from db.engine import data_dir
from domain.i18n import _


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


def _int_env(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(_("{name} must be a whole number, not “{raw}”").format(name=name, raw=raw)) from exc
    if value < minimum:
        raise SettingsError(
            _("{name} must be at least {minimum}, not {value}").format(name=name, minimum=minimum, value=value)
        )
    return value


def secret_file(name: str, folder: Path | None = None) -> str:
    """Read a secret from the data folder, creating it (mode 0600) on first use."""
    path = (folder or data_dir()) / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    os.chmod(path, 0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    max_failed_logins: int
    lock_minutes: int
    session_hours: int
    password_min_length: int
    reset_token_minutes: int
    invitation_days: int
    bcrypt_rounds: int
    max_evidence_mb: int
    cookie_name: str
    smtp_url: str
    mail_from: str
    smtp_max_attempts: int
    retention_years: int


def load_settings() -> Settings:
    return Settings(
        max_failed_logins=_int_env("CXC_MAX_FAILED_LOGINS", 5, minimum=1),
        lock_minutes=_int_env("CXC_LOCK_MINUTES", 15, minimum=1),
        session_hours=_int_env("CXC_SESSION_HOURS", 12, minimum=1),
        password_min_length=_int_env("CXC_PASSWORD_MIN_LENGTH", 12, minimum=8),
        reset_token_minutes=_int_env("CXC_RESET_TOKEN_MINUTES", 60, minimum=5),
        invitation_days=min(_int_env("CXC_INVITATION_DAYS", 7, minimum=1), 30),
        max_evidence_mb=min(_int_env("CXC_MAX_EVIDENCE_MB", 10, minimum=1), 20),
        bcrypt_rounds=min(_int_env("CXC_BCRYPT_ROUNDS", 12, minimum=4), 16),
        cookie_name=os.environ.get("CXC_COOKIE_NAME", "cxc_session"),
        smtp_url=os.environ.get("SMTP_URL", "").strip(),
        mail_from=os.environ.get("CXC_MAIL_FROM", "").strip(),  # empty: from the instance's identity
        smtp_max_attempts=_int_env("CXC_SMTP_MAX_ATTEMPTS", 8, minimum=1),
        retention_years=_int_env("CXC_RETENTION_YEARS", 10, minimum=1),
    )


def cookie_key() -> str:
    """The key that signs links in e-mails (news unsubscribe): CXC_COOKIE_KEY, or a secret generated once into data/."""
    from_env = os.environ.get("CXC_COOKIE_KEY", "").strip()
    if from_env:
        if len(from_env) < 32:
            raise SettingsError(_("{name} must be at least {n} characters long").format(name="CXC_COOKIE_KEY", n=32))
        return from_env
    return secret_file("cookie_key")


def oidc_auth_section() -> dict[str, str] | None:
    """Streamlit's `[auth]` secrets for sign-in through an OpenID Provider, from the environment.

    Off unless CXC_OIDC_METADATA_URL and CXC_OIDC_CLIENT_ID are set. The provider calls back
    to CXC_PUBLIC_URL/oauth2callback; Streamlit's identity cookie is signed with a secret
    generated once into the data folder (share the folder between app servers, as for the seal).
    An `[auth]` section in .streamlit/secrets.toml works too, when these are not set.
    """
    metadata_url = os.environ.get("CXC_OIDC_METADATA_URL", "").strip()
    client_id = os.environ.get("CXC_OIDC_CLIENT_ID", "").strip()
    if not (metadata_url and client_id):
        return None
    if not metadata_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise SettingsError(_("{name} must be an https:// address").format(name="CXC_OIDC_METADATA_URL"))
    from services.public_address import public_url  # the address in force when the server starts

    return {
        "server_metadata_url": metadata_url,
        "client_id": client_id,
        "client_secret": os.environ.get("CXC_OIDC_CLIENT_SECRET", "").strip(),
        "redirect_uri": f"{public_url()}/oauth2callback",
        "cookie_secret": secret_file("oidc_cookie_secret"),
    }


def oidc_provider_name() -> str:
    """How the sign-in button names the provider (CXC_OIDC_NAME), e.g. "EU Login"."""
    return os.environ.get("CXC_OIDC_NAME", "").strip()[:60]
