"""The free texts of the public landing page: built-in defaults (site_texts.toml), each editable by an admin."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlmodel import Session, select

from db.models import SiteText, User
from db.types import utcnow
from domain.errors import ValidationFailed
from domain.i18n import _
from services.permissions import require_admin

MAX_TEXT = 10_000
TEXTS_FILE = Path(__file__).with_name("site_texts.toml")


def _defaults() -> tuple[tuple[str, str, str], ...]:
    """(key, what the admin edits, built-in text) from site_texts.toml, in page order."""
    data = tomllib.loads(TEXTS_FILE.read_text(encoding="utf-8"))
    return tuple((row["key"], row["title"], row["body"]) for row in data["text"])


DEFAULTS = _defaults()
TITLES = {key: title for key, title, _text in DEFAULTS}


def site_texts(session: Session) -> dict[str, str]:
    stored = {row.key: row.body for row in session.exec(select(SiteText))}
    return {key: stored.get(key, text) for key, _title, text in DEFAULTS}


def set_site_text(*, session: Session, actor: User, key: str, body: str) -> SiteText:
    require_admin(actor)
    if key not in TITLES:
        raise ValidationFailed({"key": _("There is no text called “{key}”.").format(key=key)})
    text = body.strip()
    if not text:
        raise ValidationFailed({"body": _("A text cannot be empty; use “Back to the built-in text” instead.")})
    if len(text) > MAX_TEXT:
        raise ValidationFailed({"body": _("At most {n} characters.").format(n=MAX_TEXT)})
    row = session.get(SiteText, key) or SiteText(key=key, body=text)
    row.body, row.updated_by_user_id, row.updated_at = text, actor.id, utcnow()
    session.add(row)
    session.commit()
    return row


def reset_site_text(*, session: Session, actor: User, key: str) -> None:
    require_admin(actor)
    row = session.get(SiteText, key)
    if row is not None:
        session.delete(row)
        session.commit()
