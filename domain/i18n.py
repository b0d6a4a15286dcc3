"""One translation function for every user-visible string, and locale-aware formats.

English is the source language; adding a language is adding a gettext catalogue under
`locales/<lang>/LC_MESSAGES/cxc.mo`.
"""

from __future__ import annotations

import gettext
import os
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"


def current_locale() -> str:
    return os.environ.get("CXC_LOCALE", "en")


@lru_cache(maxsize=8)
def _translation(locale: str) -> gettext.NullTranslations:
    return gettext.translation("cxc", localedir=LOCALE_DIR, languages=[locale], fallback=True)


def _(message: str) -> str:
    return _translation(current_locale()).gettext(message)


def money(cents: int, locale: str | None = None) -> str:
    return format_currency(cents / 100, "EUR", locale=locale or current_locale())


def day(value: date, locale: str | None = None) -> str:
    return _day(value, locale or current_locale())


def moment(value: datetime, locale: str | None = None) -> str:
    return _moment(value, value.tzinfo, locale or current_locale())  # equal moments in two zones differ


# Formatting is pure and Babel is slow at it (a list page formats the same days at every rerun).
@lru_cache(maxsize=4096)
def _day(value: date, locale: str) -> str:
    return format_date(value, format="EEE d MMM y", locale=locale)


@lru_cache(maxsize=4096)
def _moment(value: datetime, _zone: object, locale: str) -> str:
    return format_datetime(value, format="d MMM y, HH:mm", tzinfo=None, locale=locale)
