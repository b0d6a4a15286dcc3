"""The instance's public address: where people reach it, for links in e-mails, documents and cookies.

Asked at the first-run set-up and edited by administrators with the instance's identity; until
one is stored, CXC_PUBLIC_URL applies, else http://localhost:8501 (what `make run` serves).
E-mails, the verification link of sealed documents and the Secure flag of the login cookie are
built outside any click, so the address is also readable without a session: each process keeps
it for a few seconds, and a change made in one app process reaches the others within that time.
"""

from __future__ import annotations

import os
import threading
import time
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select

from db.engine import database_url, open_write_session, read_session
from db.models import InstanceSetting
from domain.i18n import _
from domain.validators import at_most_characters

KEY = "public_url"
ENVIRONMENT = "CXC_PUBLIC_URL"
DEFAULT = "http://localhost:8501"
LIMIT = 200
# How long one process trusts its copy: short enough that an administrator's change reaches
# every process before anyone notices, long enough that a burst of requests reads it once.
CACHE_SECONDS = 10.0

_lock = threading.Lock()
_cached: dict[tuple[str, str], tuple[float, str]] = {}


def normalise_public_url(value: str) -> str:
    return value.strip().rstrip("/")


def public_url_problem(value: str) -> str | None:
    """Why this cannot be the instance's address, in words; None when it can."""
    url = normalise_public_url(value)
    if not url:
        return _("Enter the address people type to reach this instance, e.g. https://cxc.example.eu.")
    if len(url) > LIMIT:
        return at_most_characters(LIMIT)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return _("Start with https:// (or http://) followed by the server's name, e.g. https://cxc.example.eu.")
    if parts.query or parts.fragment or parts.username or parts.password or " " in url:
        return _("Only the scheme, the server's name, an optional port and path: no spaces, “?”, “#” or password.")
    return None


def _environment_default() -> str:
    return normalise_public_url(os.environ.get(ENVIRONMENT, "")) or DEFAULT


def stored_public_url(session: Session) -> str:
    """What an administrator set, else the environment's, else the local default."""
    return public_url_of(session.exec(select(InstanceSetting.value).where(InstanceSetting.key == KEY)).first())


def public_url_of(stored: str | None) -> str:
    """The address in force given the stored setting (None when an administrator set none)."""
    return normalise_public_url(stored or "") or _environment_default()


def store_public_url(session: Session, value: str, actor_id: int | None) -> None:
    """Write the address (no commit: part of the caller's action)."""
    session.execute(sa.delete(InstanceSetting).where(InstanceSetting.key == KEY))  # type: ignore[arg-type]
    session.add(InstanceSetting(key=KEY, value=normalise_public_url(value), updated_by_user_id=actor_id))
    forget_cached_public_url()


def forget_cached_public_url() -> None:
    with _lock:
        _cached.clear()


def public_url() -> str:
    """The address in force, for code that runs outside a click (mail, cookies, documents)."""
    key = (database_url(), os.environ.get(ENVIRONMENT, ""))
    now = time.monotonic()
    with _lock:
        hit = _cached.get(key)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    action = open_write_session()
    if action is not None:  # inside an action: its own connection, never a second one (db/engine.py)
        value = stored_public_url(action)
    else:
        try:
            with read_session() as session:
                value = stored_public_url(session)
        except sa.exc.SQLAlchemyError:
            # Before the first migration (a command run on an empty database): the environment's.
            return _environment_default()
    with _lock:
        _cached[key] = (now, value)
    return value
