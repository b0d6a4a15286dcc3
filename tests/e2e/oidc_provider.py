"""A real OpenID Connect provider for the browser tests: tests/oidc/provider.mjs (the certified
npm `oidc-provider`) run by node as a subprocess on 127.0.0.1.

    with oidc_provider(port, client_id="cxc-desk", client_secret="s3cret",
                       redirect_uris=[f"http://127.0.0.1:{app_port}/oauth2callback"]) as op:
        secrets = {"auth": streamlit_auth_section(op, redirect_uri=..., cookie_secret=...)}

Its sign-in page (GET /interaction/<uid>) has a text input named "login" labelled "Username",
a "Sign in" button and a "Cancel" button; any `sub` of the account table signs in, no password.
Needs `npm ci --prefix tests/oidc --no-audit --no-fund` once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[2]
OIDC_DIR = ROOT / "tests" / "oidc"
PROVIDER_SCRIPT = OIDC_DIR / "provider.mjs"
LISTENING = "oidc-provider (test) listening:"  # provider.mjs prints it once it listens

DEFAULT_ACCOUNTS: tuple[dict[str, Any], ...] = (
    {"sub": "anna", "email": "anna@example.org", "email_verified": True, "name": "Anna Nowak"},
    {"sub": "mallory", "email": "mallory@example.org", "email_verified": False, "name": "Mallory Malicka"},
)


class OIDCProviderError(RuntimeError):
    """The test provider could not be started."""


@dataclass
class OIDCProvider:
    issuer: str
    port: int
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    accounts: list[dict[str, Any]]
    process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def _node() -> str:
    node = os.environ.get("CXC_NODE") or shutil.which("node")
    if not node:
        raise OIDCProviderError(
            "node is not installed: the test OIDC provider needs Node.js (Debian: apt-get install nodejs npm)"
        )
    return node


def _check_installed() -> None:
    if not (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        raise OIDCProviderError(
            f"{OIDC_DIR / 'node_modules'} is missing: run `npm ci --prefix tests/oidc` (from {ROOT}) "
            "to install the test OIDC provider"
        )


def _wait_ready(url: str, process: subprocess.Popen, log_path: Path, log_start: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OIDCProviderError(
                f"the OIDC provider exited with code {process.returncode}:\n"
                f"{log_path.read_text(errors='replace')[-3000:]}"
            )
        # The process's own line first: another server on the port must not pass for it.
        if LISTENING.encode() in log_path.read_bytes()[log_start:]:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200 and json.load(response).get("issuer"):
                        return
            except (OSError, ValueError):
                pass
        # Polling the discovery document: the wait ends as soon as the provider answers.
        time.sleep(0.1)
    raise OIDCProviderError(
        f"the OIDC provider did not answer {url} within {timeout}s:\n{log_path.read_text(errors='replace')[-3000:]}"
    )


def start_oidc_provider(
    port: int,
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: Sequence[str],
    accounts: Sequence[Mapping[str, Any]] = DEFAULT_ACCOUNTS,
    post_logout_redirect_uris: Sequence[str] | None = None,
    consent: Literal["auto", "screen"] = "auto",
    logout: Literal["confirm", "auto"] = "confirm",
    host: str = "127.0.0.1",
    log_path: Path | None = None,
    timeout: float = 30.0,
) -> OIDCProvider:
    """Starts the provider with issuer http://<host>:<port> and waits until its discovery document answers.

    consent="auto" grants the requested scopes without a page; "screen" shows Allow/Deny.
    logout="confirm" shows the "Yes, sign me out" page at end_session; "auto" submits it by itself.
    """
    _check_installed()
    config: dict[str, Any] = {
        "host": host,
        "port": port,
        "client": {"client_id": client_id, "client_secret": client_secret, "redirect_uris": list(redirect_uris)},
        "accounts": [dict(a) for a in accounts],
        "consent": consent,
        "logout": logout,
    }
    if post_logout_redirect_uris is not None:
        config["client"]["post_logout_redirect_uris"] = list(post_logout_redirect_uris)
    if log_path is None:
        fd, name = tempfile.mkstemp(prefix=f"oidc-provider-{port}-", suffix=".log")
        os.close(fd)
        log_path = Path(name)
    issuer = f"http://{host}:{port}"
    log_start = log_path.stat().st_size if log_path.exists() else 0
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [_node(), str(PROVIDER_SCRIPT), "--config-json", json.dumps(config)],
            cwd=OIDC_DIR,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    provider = OIDCProvider(
        issuer, port, client_id, client_secret, list(redirect_uris), config["accounts"], process, log_path
    )
    try:
        _wait_ready(provider.metadata_url, process, log_path, log_start, timeout)
    except BaseException:
        stop_oidc_provider(provider)
        raise
    return provider


def stop_oidc_provider(provider: OIDCProvider, timeout: float = 10.0) -> None:
    """Stops the provider's process (SIGTERM, then SIGKILL); safe to call twice."""
    process = provider.process
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


@contextmanager
def oidc_provider(port: int, **kwargs: Any) -> Iterator[OIDCProvider]:
    """start_oidc_provider(port, **kwargs) for the duration of a with block."""
    provider = start_oidc_provider(port, **kwargs)
    try:
        yield provider
    finally:
        stop_oidc_provider(provider)


def streamlit_auth_section(provider: OIDCProvider, *, redirect_uri: str, cookie_secret: str) -> dict[str, Any]:
    """The `[auth]` secrets section that points st.login() at this provider (for st.App(secrets={"auth": ...}))."""
    return {
        "redirect_uri": redirect_uri,
        "cookie_secret": cookie_secret,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "server_metadata_url": provider.metadata_url,
    }
