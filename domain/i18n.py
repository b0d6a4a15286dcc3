"""One translation function for every user-visible string, and locale-aware formats.

English is the source language; every other language is a gettext catalogue compiled from
`locales/<lang>/LC_MESSAGES/cxc.po` (README: "Languages"). The language is chosen per person:
app.py sets it once per script run (`use_locale`), and background work renders each e-mail in
its recipient's language (`in_language`). It lives in a context variable, so one person's
language never leaks into another's thread or run.
"""

from __future__ import annotations

import gettext
import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal

# The compiled catalogues; CXC_LOCALE_DIR points an instance (or a test) at catalogues of its own.
LOCALE_DIR = Path(os.environ.get("CXC_LOCALE_DIR") or Path(__file__).resolve().parent.parent / "locales")
SOURCE = "en"
# The languages the app ships, in the order of the language switch; each name in its own language.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "pl": "Polski",
}
SHIPPED: tuple[str, ...] = tuple(LANGUAGE_NAMES)

_locale: ContextVar[str | None] = ContextVar("cxc_locale", default=None)
K = TypeVar("K")


def default_locale() -> str:
    """The instance's default (CXC_LOCALE): for background work that has no person to follow."""
    return normalise(os.environ.get("CXC_LOCALE", SOURCE)) or SOURCE


def normalise(value: str | None) -> str | None:
    """A shipped language code from "fr", "fr-BE", "fr_FR"; None when it is none of ours."""
    code = (value or "").strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGE_NAMES else None


def current_locale() -> str:
    return _locale.get() or default_locale()


def use_locale(locale: str | None) -> None:
    """Set the language of the rest of this script run (app.py, once per run)."""
    _locale.set(normalise(locale) or default_locale())


@contextmanager
def in_language(locale: str | None) -> Iterator[str]:
    """Render something in another person's language (an e-mail to its recipient), then come back."""
    token = _locale.set(normalise(locale) or default_locale())
    try:
        yield current_locale()
    finally:
        _locale.reset(token)


def best_match(accept_language: str | None) -> str | None:
    """The first shipped language of an Accept-Language header (weights respected), or None."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        name, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        code = normalise(name)
        if code and weight > 0:
            choices.append((-weight, index, code))
    return min(choices)[2] if choices else None


def catalogue_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "cxc.mo"


@lru_cache(maxsize=16)
def _translation(path: str, _stamp: int) -> gettext.NullTranslations:
    """The compiled catalogue at `path`, read by us: gettext.translation() would keep the first copy
    of each file it read for the life of the process, so a catalogue compiled again would never show."""
    try:
        with open(path, "rb") as mo:
            return gettext.GNUTranslations(mo)
    except FileNotFoundError:
        return gettext.NullTranslations()  # English, the source language, has no catalogue


# Per catalogue folder and language: when its compiled file was last looked at, its path and its
# modification time then.
_stamps: dict[tuple[Path, str], tuple[float, str, int]] = {}
RECHECK_SECONDS = 2.0


def translation(locale: str) -> gettext.NullTranslations:
    """The catalogue of a language, read again when its compiled file changes (`make locales`).

    The file is looked at most every RECHECK_SECONDS: a page calls `_()` a hundred times a run, and
    two file-system calls for each were 8 ms of a 30 ms rerun."""
    key, now = (LOCALE_DIR, locale), time.monotonic()
    seen = _stamps.get(key)
    if seen is None or now - seen[0] > RECHECK_SECONDS:
        path = catalogue_path(locale)
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = 0
        seen = _stamps[key] = (now, str(path), stamp)
    return _translation(seen[1], seen[2])


def _(message: str) -> str:
    if not message:
        return message  # gettext("") is the catalogue's header, never a text
    return translation(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a text for the number `n`, in the language of this run (each language has its own plural rules)."""
    return translation(current_locale()).ngettext(singular, plural, n)


def has_translation(message: str, locale: str) -> bool:
    """Whether the catalogue of `locale` translates this text (English translates everything)."""
    if locale == SOURCE:
        return True
    catalogue = translation(locale)
    return isinstance(catalogue, gettext.GNUTranslations) and bool(catalogue._catalog.get(message))  # type: ignore[attr-defined]


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined; `_()` translates it where it is shown."""
    return message


class Translated(Mapping[K, str]):
    """Labels defined once at import (with `N_`) and translated in the reader's language at each look-up."""

    def __init__(self, source: Mapping[K, str]) -> None:
        self.source = dict(source)

    def __getitem__(self, key: K) -> str:
        return _(self.source[key])

    def __iter__(self) -> Iterator[K]:
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)


def money(cents: int, locale: str | None = None, *, whole: bool = False) -> str:
    """Euros as the language writes them (€1,100.00 · 1.100,00 €); `whole`: no cents when there are none (€900)."""
    locale = locale or current_locale()
    if whole and cents % 100 == 0:
        pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
        return format_currency(cents // 100, "EUR", format=pattern, locale=locale, currency_digits=False)
    return format_currency(cents / 100, "EUR", locale=locale)


def number(value: float, locale: str | None = None, *, digits: int | None = None) -> str:
    """A number as the language writes it (1,198.8 · 1.198,8 · 1 198,8); `digits`: exactly that many decimals."""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale or current_locale())


def day(value: date, locale: str | None = None) -> str:
    """A day with its weekday, short: "Mon 2 Mar 2026", "Mo., 2. März 2026", "lun, 2 mar 2026"."""
    return _day(value, locale or current_locale())


def long_day(value: date, locale: str | None = None, *, with_year: bool = True) -> str:
    """A day in running text: "2 March 2026", "2. März 2026", "2 de marzo de 2026" (without the year: "2 de marzo")."""
    return _long_day(value, locale or current_locale(), with_year)


def day_span(start: date, end: date, locale: str | None = None) -> str:
    """From one day to another as the language writes it: "1–3 November 2027", "1.–3. November 2027",
    "28 de noviembre – 3 de diciembre de 2027"."""
    return _day_span(start, end, locale or current_locale())


def moment(value: datetime, locale: str | None = None) -> str:
    return _moment(value, value.tzinfo, locale or current_locale())  # equal moments in two zones differ


def date_locale(locale: str) -> str:
    """The locale whose date patterns a language uses: the programme's English is British ("2 March 2026")."""
    return "en_GB" if locale == SOURCE else locale


# Formatting is pure and Babel is slow at it (a list page formats the same days at every rerun). The patterns come
# from the locale's data (skeletons), never from a pattern of ours: "d MMM y" is not how German or Spanish write it.
@lru_cache(maxsize=4096)
def _day(value: date, locale: str) -> str:
    return format_skeleton("yMMMEd", value, locale=date_locale(locale))


@lru_cache(maxsize=4096)
def _long_day(value: date, locale: str, with_year: bool) -> str:
    if with_year:
        return format_date(value, format="long", locale=date_locale(locale))
    return format_skeleton("MMMMd", value, locale=date_locale(locale))


@lru_cache(maxsize=1024)
def _day_span(start: date, end: date, locale: str) -> str:
    if start == end:
        return _long_day(end, locale, True)
    data = Locale.parse(date_locale(locale))
    widest = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    full = data.interval_formats.get("yMMMMd")
    parts = full[widest] if full else [_FULL_MONTH.sub("MMMM", part) for part in data.interval_formats["yMMMd"][widest]]
    parts = [_PADDED_DAY.sub("d", part) for part in parts]
    return format_date(start, format=parts[0], locale=data) + format_date(end, format=parts[1], locale=data)


# In running text a month is written out, and a day has no leading zero (Italian intervals pad it: "01–03 nov").
_FULL_MONTH = re.compile(r"(?<!M)MMM(?!M)")
_PADDED_DAY = re.compile(r"(?<!d)dd(?!d)")


@lru_cache(maxsize=4096)
def _moment(value: datetime, _zone: object, locale: str) -> str:
    data = Locale.parse(date_locale(locale))
    when = format_skeleton("yMMMd", value, tzinfo=None, locale=data)
    time = format_skeleton("Hm", value, tzinfo=None, locale=data)
    return str(data.datetime_formats["medium"]).replace("{1}", when).replace("{0}", time)
