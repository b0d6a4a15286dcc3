"""A tiny compiled catalogue for tests that need a language before the real catalogues are merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

import domain.i18n as i18n


def write_catalogue(locale_dir: Path, locale: str, messages: dict[Any, Any], *, fuzzy: tuple[str, ...] = ()) -> Path:
    """locale_dir/<locale>/LC_MESSAGES/cxc.po and its compiled cxc.mo; returns the .po. A text with a number
    is a (singular, plural) key with a tuple of forms."""
    catalogue = Catalog(locale=locale, domain="cxc")
    for msgid, msgstr in messages.items():
        catalogue.add(msgid, msgstr, flags=("fuzzy",) if msgid in fuzzy else ())
    folder = locale_dir / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "cxc.po").open("wb") as po:
        write_po(po, catalogue)
    with (folder / "cxc.mo").open("wb") as mo:
        write_mo(mo, catalogue)
    return folder / "cxc.po"


def use_catalogues(monkeypatch: pytest.MonkeyPatch, locale_dir: Path, catalogues: dict[str, dict[Any, Any]]) -> None:
    """Make the app read these catalogues (and only these) for the rest of the test."""
    for locale, messages in catalogues.items():
        write_catalogue(locale_dir, locale, messages)
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    i18n._translation.cache_clear()
