"""One translation function for every user-visible string, and locale-aware formats.

English is the source language; adding a language is adding a gettext catalogue under
`locales/<lang>/LC_MESSAGES/cxc.mo`.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
# The languages the app ships, each named in itself (how a speaker looks for it in a list).
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "pl": "Polski",
}
_language: ContextVar[str | None] = ContextVar("cxc_language", default=None)


def current_locale() -> str:
    return _language.get() or os.environ.get("CXC_LOCALE", "en")


@contextmanager
def in_language(locale: str) -> Iterator[None]:
    """Everything `_()` and the formats give inside the block is in `locale` (a document's second
    language, an e-mail to its recipient), whatever the person who caused it reads."""
    token = _language.set(locale)
    try:
        yield
    finally:
        _language.reset(token)


@lru_cache(maxsize=8)
def _translation(locale: str) -> gettext.NullTranslations:
    return gettext.translation("cxc", localedir=LOCALE_DIR, languages=[locale], fallback=True)


def _(message: str) -> str:
    return _translation(current_locale()).gettext(message)


def money(cents: int, locale: str | None = None) -> str:
    return format_currency(cents / 100, "EUR", locale=locale or current_locale())


def day(value: date, locale: str | None = None) -> str:
    return format_date(value, format="EEE d MMM y", locale=locale or current_locale())


def moment(value: datetime, locale: str | None = None) -> str:
    return format_datetime(value, format="d MMM y, HH:mm", tzinfo=None, locale=locale or current_locale())
