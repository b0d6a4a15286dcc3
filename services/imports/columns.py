"""The columns of each import kind, how headers and values are recognised, and the templates.

One table per kind names each column once (its label as the app shows it, the usual variants of
its header, whether it is required, an example); the template a person downloads, the header
matching and the accepted values all come from it and from the rules in force, never written twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from babel import Locale

from domain.enums import ExchangeState, OrgRole, OrgType
from domain.i18n import N_, SHIPPED, _, in_language
from domain.labels import ORG_ROLE_LABELS, ORG_TYPE_LABELS
from domain.rules import Rules
from domain.workflow import state_label
from services.imports.reading import header_key


class Kind(StrEnum):
    ORGANISATIONS = "organisations"
    PEOPLE = "people"
    EXCHANGES = "exchanges"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # as the app's forms call it
    required: bool = False
    aliases: tuple[str, ...] = ()  # the usual other spellings of the header
    example: str = ""

    def keys(self) -> set[str]:
        """The English headers: label, key and usual variants (`match_headers` adds the label in every language)."""
        return {header_key(self.label), header_key(self.key), *(header_key(a) for a in self.aliases)}


def in_every_language(texts: Mapping[str, str]) -> dict[str, str]:
    """header_key of each source text as every shipped language writes it -> the text's value.

    English comes first, then each language in turn: a word that two languages give two meanings keeps the
    first one. For tables read once per process (the catalogues do not change while it runs).
    """
    found: dict[str, str] = {}
    for language in SHIPPED:
        with in_language(language):
            for text, value in texts.items():
                found.setdefault(header_key(_(text)), value)
    return found


# States an exchange can be imported in: those a programme that ran on paper reaches without the
# app. Plan approval and signing happen in the app (the PDFs are generated and signed there), so an
# exchange is imported before them (proposed, planning) or after them, signed outside CXC Desk.
IN_APP_ONLY = frozenset(
    {ExchangeState.AGREED, ExchangeState.PLAN_SUBMITTED, ExchangeState.PLAN_APPROVED, ExchangeState.SIGNING}
)
NOT_IMPORTED = frozenset({ExchangeState.CANCELLED, ExchangeState.DECLINED})
IMPORTABLE_STATES: tuple[ExchangeState, ...] = tuple(s for s in ExchangeState if s not in IN_APP_ONLY | NOT_IMPORTED)
SIGNED_STATES = frozenset(IMPORTABLE_STATES[IMPORTABLE_STATES.index(ExchangeState.READY) :])
REPORT_STATES = frozenset(IMPORTABLE_STATES[IMPORTABLE_STATES.index(ExchangeState.REPORT_SUBMITTED) :])
PAYMENT_STATES = frozenset({ExchangeState.PAYMENT_ORDERED, ExchangeState.PAID})

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.ORGANISATIONS: (
        Column(
            "legal_name",
            N_("Legal name"),
            True,
            ("Organisation", "Organisation name", "Organization", "Organization name", "Name", "Company"),
            "Cluster Porto Digital",
        ),
        Column("country", N_("Country"), True, ("Country code", "Nation"), "Portugal"),
        Column("city", N_("City"), True, ("Town", "Place", "Location"), "Porto"),
        Column(
            "org_type",
            N_("Organisation type"),
            True,
            ("Type", "Type of organisation", "Organization type", "Org type"),
            "cluster",
        ),
        Column("cluster_name", N_("Cluster"), False, ("Cluster name", "Which cluster", "Member of"), ""),
        Column(
            "registration_number",
            N_("VAT or registration number"),
            False,
            ("VAT", "VAT number", "VAT ID", "Registration number", "Company number"),
            "PT501234567",
        ),
        Column("website", N_("Website"), False, ("Web site", "Web", "URL", "Homepage"), "https://www.example.eu"),
        Column(
            "ecosystems", N_("Industrial ecosystems"), False, ("Ecosystems", "Ecosystem", "Sector"), "Digital; Health"
        ),
        Column("contact_name", N_("Contact person"), False, ("Contact", "Contact name"), "Ana Silva"),
        Column(
            "contact_email",
            N_("Contact e-mail"),
            False,
            ("E-mail", "Email", "Mail", "Contact email address", "E-mail address"),
            "ana.silva@example.eu",
        ),
        Column("iban", N_("IBAN"), False, ("Bank account", "Account number"), ""),
        Column("bic", N_("BIC"), False, ("SWIFT", "BIC/SWIFT", "SWIFT code"), ""),
        Column("account_holder", N_("Account holder"), False, ("Account name", "Holder"), ""),
    ),
    Kind.PEOPLE: (
        Column("full_name", N_("Full name"), True, ("Name", "Person", "Contact person", "Contact name"), "Ana Silva"),
        Column(
            "email",
            N_("E-mail"),
            True,
            ("Email", "Mail", "Contact e-mail", "E-mail address", "Email address"),
            "ana.silva@example.eu",
        ),
        Column(
            "organisation",
            N_("Organisation"),
            True,
            ("Legal name", "Organisation name", "Organization", "Company"),
            "Cluster Porto Digital",
        ),
        Column("country", N_("Country"), False, ("Country code", "Organisation country"), "PT"),
        Column("registration_number", N_("VAT or registration number"), False, ("VAT", "VAT number", "VAT ID"), ""),
        Column("username", N_("User name"), False, ("Username", "Login"), ""),
        Column(
            "role",
            N_("Role in the organisation"),
            False,
            ("Role", "Roles", "Organisation role", "Role in organisation", "Role in the organization"),
            "",
        ),
    ),
    Kind.EXCHANGES: (
        Column(
            "reference", N_("Reference"), True, ("Exchange reference", "Exchange", "Ref", "Number", "ID"), "PD-2023-07"
        ),
        Column(
            "visitor",
            N_("Visitor"),
            True,
            ("Visitor organisation", "Visiting organisation", "VO"),
            "Cluster Porto Digital",
        ),
        Column("visitor_country", N_("Visitor country"), True, ("VO country", "Country of the Visitor"), "PT"),
        Column("host", N_("Host"), True, ("Host organisation", "HO"), "Lyon Urban Tech"),
        Column("host_country", N_("Host country"), True, ("HO country", "Country of the Host"), "France"),
        Column("visitor_partnership", N_("Visitor's Partnership"), False, ("Visitor Partnership", "VOP"), ""),
        Column("host_partnership", N_("Host's Partnership"), False, ("Host Partnership", "HOP"), ""),
        Column("state", N_("State"), True, ("Status", "Stage"), "Paid"),
        Column("start", N_("First day"), False, ("Start", "Start date", "From", "First exchange day"), "2023-05-08"),
        Column("end", N_("Last day"), False, ("End", "End date", "To", "Last exchange day"), "2023-05-12"),
        Column(
            "signed_on",
            N_("Signed outside CXC Desk on"),
            False,
            ("Signed on", "Signature date", "Date signed", "Signed"),
            "2023-04-20",
        ),
        Column("paid_on", N_("Paid on"), False, ("Payment date", "Date paid"), "2023-06-30"),
        Column("bank_reference", N_("Bank reference"), False, ("Payment reference", "Bank ref"), "SEPA-2023-0612"),
    ),
}


def columns_of(kind: Kind) -> tuple[Column, ...]:
    return COLUMNS[kind]


def column(kind: Kind, key: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.key == key)


# --- headers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderMatch:
    by_index: dict[int, str]  # column position in the file -> our column key
    unknown: tuple[str, ...]  # headers of the file that match none of ours (ignored unless mapped)
    missing: tuple[str, ...]  # labels of required columns not found
    duplicates: tuple[str, ...]  # our labels that two headers of the file match


@lru_cache(maxsize=len(Kind))
def known_headers(kind: Kind) -> dict[str, str]:
    """header_key -> column key: each column's label in every shipped language (a template downloaded in
    French reads back), then its English label, key and variants, which win over a translation."""
    translated = in_every_language({c.label: c.key for c in COLUMNS[kind]})
    return translated | {key: c.key for c in COLUMNS[kind] for key in c.keys()}


def match_headers(kind: Kind, headers: Sequence[str], remembered: Mapping[str, str] | None = None) -> HeaderMatch:
    """Each header of the file to one of our columns: by label (in any shipped language) or usual variant, else
    as a person mapped it before.

    `remembered` maps `header_key(header)` to a column key (the mapping step's choices; "" = leave out).
    """
    known = known_headers(kind)
    remembered = remembered or {}
    by_index: dict[int, str] = {}
    unknown: list[str] = []
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        target = remembered.get(key, known.get(key)) if key else None
        if not target:
            if header.strip() and key not in remembered:
                unknown.append(header)
            continue
        if target in seen:
            duplicates.append(column(kind, target).label)
            continue
        seen[target] = index
        by_index[index] = target
    missing = tuple(c.label for c in COLUMNS[kind] if c.required and c.key not in seen)
    return HeaderMatch(by_index, tuple(unknown), missing, tuple(dict.fromkeys(duplicates)))


# --- values as people write them ---------------------------------------------------------

COUNTRY_VARIANTS = {
    "turkey": "TR",
    "czech republic": "CZ",
    "macedonia": "MK",
    "republic of north macedonia": "MK",
    "bosnia and herzegovina": "BA",
    "republic of moldova": "MD",
    "the netherlands": "NL",
    "holland": "NL",
    "slovak republic": "SK",
    "greece": "GR",
    "hellas": "GR",
    "el": "GR",  # the EU's own code for Greece
    "uk": "GB",
}


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces, "&" read as "and"."""
    key = header_key(text.replace("&", " and ").replace(" ", "\x00"))  # keep word breaks
    return key.replace("\x00", " ")


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every country's name in every shipped language (English first: a name two languages give two countries
    keeps its English meaning), then the usual variants."""
    names: dict[str, str] = {}
    for language in SHIPPED:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2:
                names.setdefault(_plain(name), code)
    names.update({_plain(k): v for k, v in COUNTRY_VARIANTS.items()})
    return names


def country_code(value: str) -> str:
    """ "pt", "PT", "Portugal", "Türkiye", "Turkey", "Portogallo", "Niemcy" -> the ISO code; anything else comes
    back as typed."""
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        upper = text.upper()
        return "GR" if upper == "EL" else upper
    return _country_names().get(re.sub(r"\s+", " ", _plain(text)).strip(), text)


@lru_cache(maxsize=1)
def _org_types() -> dict[str, str]:
    """Codes and labels in every shipped language."""
    # header_key drops a label's bracketed explanation: "Scaling-up support organisation (…)" is found by its words.
    labels = in_every_language({ORG_TYPE_LABELS.source[t]: t.value for t in OrgType})
    return labels | {header_key(t): t.value for t in OrgType}


def org_type_code(value: str) -> str:
    """The type's code for "cluster", "SME", "Large company", the full label or its translation ("Grande
    entreprise"); else the value as typed."""
    return _org_types().get(header_key(value), value.strip())


@lru_cache(maxsize=1)
def _states() -> dict[str, str]:
    labels = in_every_language({state_label(s): s.value for s in ExchangeState})
    return labels | {header_key(s.value): s.value for s in ExchangeState}


def state_code(value: str) -> str:
    return _states().get(header_key(value), value.strip())


# A person's roles in their organisation as the people template writes them (besides the roles' own labels).
BOTH_ROLES, NO_ROLE = N_("both"), N_("Colleague")
ROLE_VALUES = {
    OrgRole.CONTACT_PERSON.value: frozenset({OrgRole.CONTACT_PERSON}),
    OrgRole.SIGNATORY.value: frozenset({OrgRole.SIGNATORY}),
    "both": frozenset(OrgRole),
    "colleague": frozenset(),
}


@lru_cache(maxsize=1)
def _role_words() -> dict[str, str]:
    labels = {ORG_ROLE_LABELS.source[r]: r.value for r in OrgRole} | {BOTH_ROLES: "both", NO_ROLE: "colleague"}
    return in_every_language(labels) | {header_key(code): code for code in ROLE_VALUES}


def role_words() -> str:
    """The accepted values of the role column, in the reader's language."""
    return " | ".join(
        [ORG_ROLE_LABELS[OrgRole.CONTACT_PERSON], ORG_ROLE_LABELS[OrgRole.SIGNATORY], _(BOTH_ROLES), _(NO_ROLE)]
    )


def org_roles_of(value: str) -> frozenset[OrgRole] | None:
    """ "Contact person", "signatory", "both", "Colleague" or "Contact person, Signatory" (as the app lists
    them), in any shipped language -> the roles; None when a part is none of these."""
    roles: set[OrgRole] = set()
    for part in re.split(r"[;,|/+&]", value):
        if not part.strip():
            continue
        code = _role_words().get(header_key(part))
        if code is None:
            return None
        roles |= ROLE_VALUES[code]
    return frozenset(roles)


DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$"),  # European: day first
)


def parse_day(value: str) -> date | None:
    """2023-05-08, 8/5/2023 or 8.5.2023 (day first, as in Europe); None when it is none of these."""
    text = value.strip().split(" ")[0]
    for pattern in DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;|\n]", value) if part.strip()]


# --- templates ------------------------------------------------------------------------------


def accepted_values(kind: Kind, key: str, rules: Rules) -> str:
    """The accepted values of a column, in words, from the rules in force (shown in the template's header)."""
    if key in {"country", "visitor_country", "host_country"}:
        return _("a participating country: {codes} (or its name in one of the languages of CXC Desk)").format(
            codes=", ".join(rules.participating_countries)
        )
    if key == "org_type":
        return " | ".join(t.value for t in OrgType)
    if key == "ecosystems":
        return _("separated by ;") + ": " + " | ".join(rules.ecosystems)
    if key == "state":
        return " | ".join(s.value for s in IMPORTABLE_STATES)
    if key in {"start", "end", "signed_on", "paid_on"}:
        return _("YYYY-MM-DD or DD/MM/YYYY")
    if key in {"visitor_partnership", "host_partnership"}:
        return _("acronym; empty: the Partnership you import for")
    if key == "role":
        return (
            role_words()
            + "; "
            + _(
                "empty: a person already in CXC Desk keeps their roles; a new person is contact person and "
                "signatory when their organisation has no contact person (in CXC Desk or in this file), else a "
                "colleague. An organisation always keeps a contact person."
            )
        )
    return ""


def template_header(kind: Kind, rules: Rules) -> list[str]:
    headers = []
    for c in COLUMNS[kind]:
        notes = [_("required")] if c.required else []
        if accepted := accepted_values(kind, c.key, rules):
            notes.append(accepted)
        headers.append(f"{_(c.label)} ({'; '.join(notes)})" if notes else _(c.label))
    return headers


def template_example(kind: Kind) -> list[str]:
    return [c.example for c in COLUMNS[kind]]
