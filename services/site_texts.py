"""The free texts of the public landing page: built-in defaults (site_texts.toml), each editable by an admin
in each language.

Which text a reader sees, in order: the text an admin wrote in the reader's language; else the English
text an admin wrote (an edit must not be hidden by a translation of the old built-in text); else the
built-in text in the reader's language (the catalogues); else the built-in English text.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlmodel import Session, select

from db.models import SiteText, User
from db.types import utcnow
from domain.errors import ValidationFailed
from domain.i18n import LANGUAGE_NAMES, SOURCE, _, current_locale
from domain.validators import at_most_characters
from services.permissions import require_admin

MAX_TEXT = 10_000
TEXTS_FILE = Path(__file__).with_name("site_texts.toml")


def _defaults() -> tuple[tuple[str, str, str], ...]:
    """(key, what the admin edits, built-in text) from site_texts.toml, in page order."""
    data = tomllib.loads(TEXTS_FILE.read_text(encoding="utf-8"))
    return tuple((row["key"], row["title"], row["body"]) for row in data["text"])


DEFAULTS = _defaults()
TITLES = {key: title for key, title, _text in DEFAULTS}


def edited_texts(session: Session, locale: str) -> dict[str, str]:
    """The texts an admin wrote in one language (key → text)."""
    return {row.key: row.body for row in session.exec(select(SiteText).where(SiteText.locale == locale))}


def site_texts(session: Session, locale: str | None = None) -> dict[str, str]:
    """Every text of the welcome page in a language (the reader's by default)."""
    locale = locale or current_locale()
    own = edited_texts(session, locale)
    english = edited_texts(session, SOURCE) if locale != SOURCE else own
    return {key: own.get(key) or english.get(key) or _(text) for key, _title, text in DEFAULTS}


def _check_key(key: str, locale: str) -> None:
    if key not in TITLES:
        raise ValidationFailed({"key": _("There is no text called “{key}”.").format(key=key)})
    if locale not in LANGUAGE_NAMES:
        raise ValidationFailed({"locale": _("There is no language “{locale}”.").format(locale=locale)})


def set_site_text(*, session: Session, actor: User, key: str, body: str, locale: str = SOURCE) -> SiteText:
    require_admin(actor)
    _check_key(key, locale)
    text = body.strip()
    if not text:
        raise ValidationFailed({"body": _("A text cannot be empty; use “Back to the built-in text” instead.")})
    if len(text) > MAX_TEXT:
        raise ValidationFailed({"body": at_most_characters(MAX_TEXT)})
    row = session.get(SiteText, (key, locale)) or SiteText(key=key, locale=locale, body=text)
    row.body, row.updated_by_user_id, row.updated_at = text, actor.id, utcnow()
    session.add(row)
    session.commit()
    return row


def reset_site_text(*, session: Session, actor: User, key: str, locale: str = SOURCE) -> None:
    """Drop the admin's text of one language: the reader sees the next one in the order above."""
    require_admin(actor)
    _check_key(key, locale)
    row = session.get(SiteText, (key, locale))
    if row is not None:
        session.delete(row)
        session.commit()
