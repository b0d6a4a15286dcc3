"""Sealing with this instance's settings: the time-stamping authority an administrator sets (RFC 3161,
for PAdES B-T and B-LT) and a record on the exchange's timeline when it did not answer.

Until an administrator saves a URL, CXC_TSA_URL applies; an empty URL means no time-stamp. An
authority that is down never costs a person their signature: the document is sealed without the
time-stamp, and the audit (the exchange's timeline) and the server log say so.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session

from db.audit import append_event
from db.engine import data_dir
from db.models import InstanceSetting, User
from db.types import utcnow
from documents.pdf import minimal_pdf
from documents.seal import Sealed, check_seal, seal_document
from domain.errors import ValidationFailed
from domain.i18n import _
from domain.validators import at_most_characters
from services import accounts

TSA_KEY = "tsa_url"
TSA_ENVIRONMENT = "CXC_TSA_URL"
MAX_URL = 300  # the instance_setting column


def tsa_url(session: Session) -> str:
    """The authority in force: what an administrator saved (even empty), else the environment's."""
    stored = session.get(InstanceSetting, TSA_KEY)
    return stored.value if stored is not None else os.environ.get(TSA_ENVIRONMENT, "").strip()


def tsa_url_problem(url: str) -> str | None:
    """Why `url` cannot be a time-stamping authority's address; None if it can (empty: no time-stamp)."""
    url = url.strip()
    if not url:
        return None
    if len(url) > MAX_URL:
        return at_most_characters(MAX_URL)
    parts = urlsplit(url)
    # RFC 3161 over plain HTTP is usual: the reply is signed by the authority itself.
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return _("Enter the address the authority publishes, e.g. https://tsa.example.eu/tsr, or leave it empty.")
    return None


def save_tsa_url(*, session: Session, actor: User, url: str) -> str:
    """An administrator sets (or clears) the time-stamping authority; audited."""
    accounts.require_admin(actor)
    url = url.strip()
    problem = tsa_url_problem(url)
    if problem:
        raise ValidationFailed({"tsa_url": problem})
    session.execute(sa.delete(InstanceSetting).where(InstanceSetting.key == TSA_KEY))  # type: ignore[arg-type]
    session.add(InstanceSetting(key=TSA_KEY, value=url, updated_by_user_id=actor.id, updated_at=utcnow()))
    append_event(
        session, actor=actor, entity_type="instance", entity_id=0, action="tsa_url", comment=url or "(no time-stamp)"
    )
    session.commit()
    return url


class Sealer:
    """Seals the documents of one action on an exchange (inside the caller's transaction; the caller
    commits). An authority that did not answer is not asked again in the same action: the person
    waits at most one timeout, and the audit's writers (serialised) are held up at most that long."""

    def __init__(self, session: Session, exchange_id: int) -> None:
        self.session = session
        self.exchange_id = exchange_id
        self.url = tsa_url(session)
        self.down = ""  # why the authority failed earlier in this action

    def __call__(self, pdf: bytes) -> bytes:
        sealed = seal_document(pdf, data_dir(), "" if self.down else self.url)
        if sealed.warning:
            self.down = sealed.warning
        if self.down:
            append_event(
                self.session,
                actor=None,
                entity_type="exchange",
                entity_id=self.exchange_id,
                action="sealed_without_time_stamp",
                comment=self.down,
            )
        return sealed.pdf


def try_authority(*, session: Session, actor: User) -> tuple[bool, str]:
    """An administrator's check of the authority in force: seal a one-line PDF and say what came of it
    (True when the seal carries a time-stamp)."""
    accounts.require_admin(actor)
    url = tsa_url(session)
    if not url:
        return False, _("No time-stamping authority is set: documents are sealed as PAdES B-B, without a time-stamp.")
    sealed: Sealed = seal_document(minimal_pdf("CXC Desk time-stamp check"), data_dir(), url)
    if sealed.warning:
        return False, sealed.warning
    check = check_seal(sealed.pdf, data_dir())
    stamp = check.time_stamp.line() if check.time_stamp else _("no time-stamp found")
    message = _("The authority answered: {profile}, {stamp}.").format(profile=sealed.profile.value, stamp=stamp)
    return check.time_stamp is not None, message + (f" {sealed.note}." if sealed.note else "")
