"""Field checks shared by every form and by the service functions behind them.

Each check returns None when the value is fine, or a sentence for the person typing it:
what is wrong and how to fix it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from babel import Locale
from email_validator import EmailNotValidError, validate_email

from domain.i18n import _, ngettext

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


def at_most_characters(limit: int) -> str:
    """The error of a text longer than `limit`, with the noun agreeing with the number in every language."""
    return ngettext("At most {n} character.", "At most {n} characters.", limit).format(n=limit)


def too_long(limit: int, length: int) -> str:
    """The error of a text of `length` characters where at most `limit` fit."""
    return ngettext(
        "Please keep this under {n} character (it has {m}).",
        "Please keep this under {n} characters (it has {m}).",
        limit,
    ).format(n=limit, m=length)


def required_text(value: str, *, max_length: int, min_length: int = 1) -> str | None:
    text = (value or "").strip()
    if not text:
        return _("This field is required.")
    if len(text) < min_length:
        return ngettext(
            "Please enter at least {n} character.", "Please enter at least {n} characters.", min_length
        ).format(n=min_length)
    if len(text) > max_length:
        return too_long(max_length, len(text))
    return None


def optional_text(value: str, *, max_length: int) -> str | None:
    text = (value or "").strip()
    if len(text) > max_length:
        return too_long(max_length, len(text))
    return None


def email_problem(value: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return _("This field is required.")
    if len(text) > 254:
        return _("An e-mail address has at most 254 characters.")
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return _("“{value}” is not an e-mail address; it should look like name@organisation.eu.").format(
            value=text[:60]
        )
    return None


def normalise_email(value: str) -> str:
    return validate_email(value.strip(), check_deliverability=False).normalized.lower()


def username_problem(value: str) -> str | None:
    text = (value or "").strip().lower()
    if not text:
        return _("This field is required.")
    if not USERNAME_RE.match(text):
        return _(
            "Use 3 to 40 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit."
        )
    return None


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, min_length: int, personal: tuple[str, ...] = ()) -> str | None:
    if len(password or "") < min_length:
        return ngettext(
            "Use at least {n} character; a short sentence is easy to remember.",
            "Use at least {n} characters; a short sentence is easy to remember.",
            min_length,
        ).format(n=min_length)
    if len(password.encode()) > 72:
        # bcrypt reads at most 72 bytes; a longer password would be silently truncated.
        return _("Use at most 72 bytes (about 70 letters without accents).")
    lowered = password.lower()
    if lowered in common_passwords():
        return _("This password is among the most common ones; choose another.")
    if any(part and len(part) >= 3 and part.lower() in lowered for part in personal):
        return _("Do not use your user name or e-mail address in the password.")
    return None


def choice_problem(value: str, allowed: set[str] | frozenset[str] | dict[str, str], what: str) -> str | None:
    if not value:
        return _("Please choose a {what}.").format(what=what)
    if value not in allowed:
        return _("“{value}” is not a {what} we know; choose one from the list.").format(value=value[:40], what=what)
    return None


def collect(**checks: str | None) -> dict[str, str]:
    """Keep only the fields that have a problem."""
    return {field: message for field, message in checks.items() if message}


# --- one organisation, one record ----------------------------------------------------------

# Legal-form words dropped from the end of a name before comparing ("Alfa, Lda." is "Alfa"),
# after dots are removed ("S.A." → "sa", "Sp. z o.o." → "sp z oo"). Common EU and associated forms.
_ONE_WORD_FORMS = (
    "ab ag aps as asbl bv cic cv ehf ek ev eg gbr gmbh ggmbh kft kg ks lda ltd limited llc nv oy oyj plc "
    "sa sae sarl sas sasu scrl sl slu snc spa srl sro doo dd ad ood eood se sce zrt nyrt bvba vzw ohg"
).split()
LEGAL_FORMS: tuple[tuple[str, ...], ...] = (
    *((form,) for form in _ONE_WORD_FORMS),
    ("sp", "z", "oo"),
    ("s", "r", "o"),
    ("d", "o", "o"),
    ("co", "kg"),
    ("gmbh", "co", "kg"),
    ("e", "v"),
)


def normalise_legal_name(name: str) -> str:
    """The key two spellings of one organisation share: case, accents, punctuation, spacing and a
    trailing legal form do not count ("Cluster Açores, Lda." = "cluster acores")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("ß", "ss")
    plain = plain.replace(".", "")
    words = re.sub(r"[^\w]+|_", " ", plain).split()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for form in sorted(LEGAL_FORMS, key=len, reverse=True):
            if len(words) > len(form) and tuple(words[-len(form) :]) == form:
                words, changed = words[: -len(form)], True
                break
    return " ".join(words)


def normalise_registration_number(number: str) -> str:
    """A VAT or registration number without spaces, dots, dashes or case: "PT 501 234 567" = "pt501234567"."""
    return re.sub(r"[^0-9a-z]", "", (number or "").casefold())


# VAT numbers carry their country as a prefix; Greece writes EL for GR.
_VAT_PREFIX_COUNTRY = {"EL": "GR"}
_COUNTRY_CODES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


def registration_key(number: str, country: str) -> tuple[str, str] | None:
    """Who a VAT/registration number names, wherever it was typed: (country, number without prefix).

    "PT 501 234 567" given in Spain and "501234567" given in Portugal are one organisation; a bare
    national number names one in the organisation's own country only."""
    plain = normalise_registration_number(number).upper()
    if not plain:
        return None
    prefix = _VAT_PREFIX_COUNTRY.get(plain[:2], plain[:2])
    if len(plain) > 4 and plain[:2].isalpha() and prefix in _COUNTRY_CODES:
        return prefix, plain[2:]
    return country.strip().upper(), plain
