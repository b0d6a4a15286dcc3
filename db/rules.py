"""The programme rules file: loaded once, validated, and read through small pure functions.

Later issues add the lump sum, working days and distance here; every number comes from
`rules.toml` (or an admin's newer version), never from code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale

from db.enums import OrgType

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")


class RulesError(ValueError):
    """The rules file is not usable; the message names the key and the problem."""


@dataclass(frozen=True)
class Rules:
    version: str
    participating_countries: tuple[str, ...]
    visitor_types: frozenset[OrgType]
    host_types: frozenset[OrgType]
    ecosystems: tuple[str, ...]
    activity_types: tuple[str, ...]
    raw: dict


def _require(data: dict, dotted: str) -> object:
    node: object = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise RulesError(f"rules file: “{dotted}” is missing")
        node = node[part]
    return node


def _str_list(data: dict, dotted: str) -> tuple[str, ...]:
    value = _require(data, dotted)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise RulesError(f"rules file: “{dotted}” must be a non-empty list of texts")
    return tuple(value)


def _org_types(data: dict, dotted: str) -> frozenset[OrgType]:
    values = _str_list(data, dotted)
    known = {t.value for t in OrgType}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise RulesError(f"rules file: “{dotted}” has unknown organisation types {unknown}; use {sorted(known)}")
    return frozenset(OrgType(v) for v in values)


def parse_rules(text: str) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"rules file is not valid TOML: {exc}") from exc
    countries = _str_list(data, "countries.participating")
    bad = [c for c in countries if len(c) != 2 or not c.isupper()]
    if bad:
        raise RulesError(f"rules file: countries.participating has codes that are not ISO alpha-2: {bad}")
    return Rules(
        version=str(_require(data, "version")),
        participating_countries=countries,
        visitor_types=_org_types(data, "organisations.visitor_types"),
        host_types=_org_types(data, "organisations.host_types"),
        ecosystems=_str_list(data, "lists.ecosystems"),
        activity_types=_str_list(data, "lists.activity_types"),
        raw=data,
    )


@lru_cache(maxsize=4)
def load_rules(path: Path = DEFAULT_RULES_PATH) -> Rules:
    return parse_rules(path.read_text(encoding="utf-8"))


def country_name(code: str, locale: str = "en") -> str:
    return Locale.parse(locale).territories.get(code, code)


def country_options(rules: Rules, locale: str = "en") -> dict[str, str]:
    """Participating countries as code -> name, sorted by name for pickers."""
    names = {code: country_name(code, locale) for code in rules.participating_countries}
    return dict(sorted(names.items(), key=lambda item: item[1]))
