"""The programme rules: parsed, validated, and read through small pure functions.

Every number comes from the rules version in force, never from code. Services and pages get it
from `services.rules.rules_in_force`; the bundled `rules.toml` only seeds version 1
(`db.rules_seed`), so this module parses texts and opens no file.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays
from babel import Locale

from domain.enums import OrgType
from domain.i18n import N_, _, current_locale, day_span, long_day, money, ngettext, number


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
    min_working_days: int
    max_months: int
    full_rate_working_days: int
    report_due_days: int
    cap_eur: int
    halving_factor: float
    halving_distance_km: float
    payment_days: int
    host_rates_eur: dict[str, int]
    raw: dict


def _require(data: dict, dotted: str) -> object:
    node: object = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise RulesError(_("rules file: “{key}” is missing").format(key=dotted))
        node = node[part]
    return node


def _str_list(data: dict, dotted: str) -> tuple[str, ...]:
    value = _require(data, dotted)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise RulesError(_("rules file: “{key}” must be a non-empty list of texts").format(key=dotted))
    return tuple(value)


def _positive_int(data: dict, dotted: str) -> int:
    value = _require(data, dotted)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RulesError(
            _("rules file: “{key}” must be a whole number of at least 1, not {value}").format(
                key=dotted, value=repr(value)
            )
        )
    return value


def _positive_number(data: dict, dotted: str) -> float:
    value = _require(data, dotted)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise RulesError(
            _("rules file: “{key}” must be a positive number, not {value}").format(key=dotted, value=repr(value))
        )
    return float(value)


def _fraction(data: dict, dotted: str) -> float:
    value = _positive_number(data, dotted)
    if value > 1:
        raise RulesError(
            _("rules file: “{key}” must be between 0 and 1, not {value}").format(key=dotted, value=repr(value))
        )
    return value


def _rates(data: dict, countries: tuple[str, ...]) -> dict[str, int]:
    table = _require(data, "lump_sum.host_rates_eur")
    if not isinstance(table, dict):
        raise RulesError(
            _("rules file: “{key}” must be a table of country = amount").format(key="lump_sum.host_rates_eur")
        )
    bad = {
        code: value
        for code, value in table.items()
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0
    }
    if bad:
        raise RulesError(_("rules file: host rates must be whole euros above 0; wrong: {bad}").format(bad=bad))
    missing = sorted(set(countries) - set(table))
    if missing:
        raise RulesError(
            _("rules file: “{key}” has no rate for {countries}").format(
                key="lump_sum.host_rates_eur", countries=", ".join(missing)
            )
        )
    return dict(table)


def _org_types(data: dict, dotted: str) -> frozenset[OrgType]:
    values = _str_list(data, dotted)
    known = {t.value for t in OrgType}
    unknown = [v for v in values if v not in known]
    if unknown:
        raise RulesError(
            _("rules file: “{key}” has unknown organisation types {unknown}; use {known}").format(
                key=dotted, unknown=unknown, known=sorted(known)
            )
        )
    return frozenset(OrgType(v) for v in values)


def parse_rules(text: str) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(_("rules file is not valid TOML: {problem}").format(problem=exc)) from exc
    countries = _str_list(data, "countries.participating")
    bad = [c for c in countries if len(c) != 2 or not c.isupper()]
    if bad:
        raise RulesError(
            _("rules file: {key} has codes that are not ISO alpha-2: {bad}").format(
                key="countries.participating", bad=bad
            )
        )
    return Rules(
        version=str(_require(data, "version")),
        participating_countries=countries,
        visitor_types=_org_types(data, "organisations.visitor_types"),
        host_types=_org_types(data, "organisations.host_types"),
        ecosystems=_str_list(data, "lists.ecosystems"),
        activity_types=_str_list(data, "lists.activity_types"),
        min_working_days=_positive_int(data, "duration.min_working_days"),
        max_months=_positive_int(data, "duration.max_months"),
        full_rate_working_days=_positive_int(data, "duration.full_rate_working_days"),
        report_due_days=_positive_int(data, "deadlines.report_due_days"),
        cap_eur=_positive_int(data, "lump_sum.cap_eur"),
        halving_factor=_fraction(data, "lump_sum.halving_factor"),
        halving_distance_km=_positive_number(data, "lump_sum.halving_distance_km"),
        payment_days=_positive_int(data, "lump_sum.payment_days_after_acceptance"),
        host_rates_eur=_rates(data, countries),
        raw=data,
    )


def country_name(code: str, locale: str | None = None) -> str:
    """A country's name in a language (the reader's by default)."""
    return Locale.parse(locale or current_locale()).territories.get(code, code)


def country_options(rules: Rules, locale: str | None = None) -> dict[str, str]:
    """Participating countries as code -> name, sorted by name for pickers."""
    names = {code: country_name(code, locale) for code in rules.participating_countries}
    return dict(sorted(names.items(), key=lambda item: item[1]))


# --- eligibility ----------------------------------------------------------------------


ORG_TYPE_WORDS = {
    OrgType.CLUSTER: N_("a cluster organisation"),
    OrgType.SCALING_UP_SUPPORT: N_("a scaling-up support organisation"),
    OrgType.SME: N_("an SME"),
    OrgType.TRAINING_PROVIDER: N_("a training provider"),
    OrgType.LARGE_COMPANY: N_("a large company"),
    OrgType.PUBLIC_AUTHORITY: N_("a public authority"),
}


def side_type_problem(side: str, org_type: OrgType, rules: Rules) -> str | None:
    allowed = rules.visitor_types if side == "visitor" else rules.host_types
    if org_type in allowed:
        return None
    role = _("Visitor") if side == "visitor" else _("Host")
    return (
        _("{kind} cannot take part as {role}; it can take part as Host only.")
        if (side == "visitor" and org_type in rules.host_types)
        else _("{kind} cannot take part as {role}.")
    ).format(kind=_kind(org_type), role=role)


def _kind(org_type: OrgType) -> str:
    words = _(ORG_TYPE_WORDS[org_type])
    return words[:1].upper() + words[1:]


def cluster_membership_problem(org_type: OrgType, is_cluster_member: bool) -> str | None:
    if org_type == OrgType.CLUSTER or is_cluster_member:
        return None
    return _("{kind} must be a member of a cluster; say which one in your organisation profile.").format(
        kind=_kind(org_type)
    )


def host_membership_problem(org_type: OrgType, is_cluster_member: bool, exception: str = "") -> str | None:
    """A Host must be a cluster member too (a public authority: active in a cluster), except a
    non-member SME that the funding agency accepted: its coordinator records that decision."""
    if org_type == OrgType.CLUSTER or is_cluster_member:
        return None
    if org_type == OrgType.SME:
        if exception.strip():
            return None
        return _(
            "An SME that is not a member of a cluster can be Host only when the funding agency accepts it; "
            "its Partnership's coordinator records that decision on its expression of interest."
        )
    return _(
        "{kind} can be Host only as a member of a cluster (or active in one); say which one in its profile."
    ).format(kind=_kind(org_type))


def country_problem(country: str, rules: Rules) -> str | None:
    if country in rules.participating_countries:
        return None
    return _("{country} is not a participating country of ClusterXchange.").format(country=country_name(country))


def transnational_problem(visitor_country: str, host_country: str) -> str | None:
    if visitor_country != host_country:
        return None
    return _("Visitor and Host are both in {country}; an exchange must cross a border.").format(
        country=country_name(visitor_country)
    )


def visitor_once_problem(previous_visits: int) -> str | None:
    if previous_visits == 0:
        return None
    return _("This organisation has already taken part as Visitor; a Visitor takes part only once in the scheme.")


# --- dates --------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _holidays(country: str, year: int, language: str) -> dict[date, str]:
    try:
        return dict(holidays.country_holidays(country, years=year, language=language))
    except (NotImplementedError, KeyError):
        return {}


@lru_cache(maxsize=512)
def _holiday_language(country: str, locale: str) -> str:
    """The language of a country's holiday names closest to the reader's ("it" → "it_IT"), else English."""
    try:
        supported = holidays.country_holidays(country).supported_languages
    except (NotImplementedError, KeyError):
        return "en_US"
    for language in (locale, f"{locale}_{country}"):
        if language in supported:
            return language
    same = [language for language in supported if language.split("_")[0] == locale]
    return same[0] if same else "en_US"


def public_holiday(day: date, country: str, locale: str | None = None) -> str | None:
    """The name of the public holiday on `day` in `country`, in the reader's language where the country's holiday
    data has it (else in English); None on a day that is not one."""
    return _holidays(country, day.year, _holiday_language(country, locale or current_locale())).get(day)


def working_days(start: date, end: date, country: str) -> list[date]:
    """Monday to Friday, not a public holiday in `country`, from start to end inclusive."""
    days = []
    current = start
    while current <= end:
        if current.weekday() < 5 and public_holiday(current, country, "en") is None:
            days.append(current)
        current += timedelta(days=1)
    return days


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def rule_values(rules: Rules) -> dict[str, object]:
    """The numbers a form's text may name as {placeholders}, so that it says what the checks do."""
    return {
        "min_working_days": rules.min_working_days,
        "max_months": rules.max_months,
        "report_due_days": rules.report_due_days,
        "payment_days": rules.payment_days,
        "cap_eur": rules.cap_eur,
    }


def with_rule_values(text: str, rules: Rules) -> str:
    """`text` with its rule placeholders filled from `rules`; other braces stay as written."""
    try:
        return text.format_map(_KeepUnknown(rule_values(rules)))
    except (ValueError, IndexError):  # a lone brace in free text: shown as typed
        return text


def last_allowed_day(start: date, rules: Rules) -> date:
    """One month, consecutive: the last day is at most start + 1 calendar month - 1 day."""
    return add_months(start, rules.max_months) - timedelta(days=1)


def exchange_dates_problem(start: date, end: date, host_country: str, rules: Rules) -> str | None:
    """Why these exchange dates (travel excluded) do not fit the programme, or None."""
    if end < start:
        return _("The last day ({end}) is before the first day ({start}).").format(
            end=long_day(end), start=long_day(start)
        )
    latest = last_allowed_day(start, rules)
    if end > latest:
        return ngettext(
            "An exchange lasts at most {n} month, consecutive: starting on {start}, "
            "the last day can be {latest} at the latest.",
            "An exchange lasts at most {n} months, consecutive: starting on {start}, "
            "the last day can be {latest} at the latest.",
            rules.max_months,
        ).format(n=rules.max_months, start=long_day(start), latest=long_day(latest))
    count = len(working_days(start, end, host_country))
    if count >= rules.min_working_days:
        return None
    holidays_in_span = [
        _("{day} is {holiday}").format(day=long_day(d, with_year=False), holiday=name)
        for d in _dates(start, end)
        if d.weekday() < 5 and (name := public_holiday(d, host_country))
    ]
    why = (
        " ("
        + ngettext(
            "{holidays}, a public holiday there", "{holidays}, public holidays there", len(holidays_in_span)
        ).format(holidays="; ".join(holidays_in_span))
        + ")"
    )
    return ngettext(
        "{span} in {country} has {count} working day{why}; an exchange needs at least {minimum}.",
        "{span} in {country} has {count} working days{why}; an exchange needs at least {minimum}.",
        count,
    ).format(
        span=day_span(start, end),
        country=country_name(host_country),
        count=count,
        why=why if holidays_in_span else "",
        minimum=rules.min_working_days,
    )


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# --- lump sum -------------------------------------------------------------------------


@dataclass(frozen=True)
class LumpSum:
    """The amount and every step that led to it, shown to everyone concerned."""

    amount_cents: int
    rates_version: str
    host_country: str
    host_rate_eur: int
    working_days: int
    distance_km: float | None
    halved_because: tuple[str, ...]
    cap_eur: int
    cap_applied: bool
    # The thresholds that halved it (None: not known, e.g. a breakdown frozen before they were kept).
    full_rate_working_days: int | None = None
    halving_distance_km: float | None = None

    @property
    def amount_eur(self) -> float:
        return self.amount_cents / 100

    def as_dict(self) -> dict:
        return {
            "amount_eur": self.amount_cents / 100,
            "working_days": self.working_days,
            "distance_km": round(self.distance_km, 1) if self.distance_km is not None else None,
            "host_country": self.host_country,
            "host_rate_eur": self.host_rate_eur,
            "halved_because": list(self.halved_because),
            "cap_eur": self.cap_eur,
            "cap_applied": self.cap_applied,
            "rates_version": self.rates_version,
            "full_rate_working_days": self.full_rate_working_days,
            "halving_distance_km": self.halving_distance_km,
        }

    @classmethod
    def from_breakdown(cls, breakdown: Mapping[str, Any]) -> LumpSum | None:
        """The lump sum an exchange keeps as its breakdown (`as_dict`), or None when the breakdown lacks a figure."""
        try:
            distance = breakdown.get("distance_km")
            days, limit = breakdown.get("full_rate_working_days"), breakdown.get("halving_distance_km")
            if days is None or limit is None:  # frozen before the thresholds were kept: read them from the reasons
                days, limit = _thresholds(breakdown.get("halved_because") or ())
            return cls(
                amount_cents=round(float(breakdown["amount_eur"]) * 100),
                rates_version=str(breakdown.get("rates_version", "")),
                host_country=str(breakdown["host_country"]),
                host_rate_eur=int(breakdown["host_rate_eur"]),
                working_days=int(breakdown["working_days"]),
                distance_km=None if distance is None else float(distance),
                halved_because=tuple(breakdown.get("halved_because") or ()),
                cap_eur=int(breakdown["cap_eur"]),
                cap_applied=bool(breakdown["cap_applied"]),
                full_rate_working_days=None if days is None else int(days),
                halving_distance_km=None if limit is None else float(limit),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def explain(self) -> str:
        """One line, e.g. "France €900 · 4 working days < 5 → halved · €450": in English, as it is frozen
        into the exchange's record at plan approval (never in the approver's language)."""
        parts = [f"{country_name(self.host_country, 'en')} €{self.host_rate_eur:,}"]
        if self.cap_applied:
            parts.append(f"capped at €{self.cap_eur:,}")
        if self.halved_because:  # two reasons still halve once: say so once
            parts.append(" and ".join(self.halved_because) + " → halved")
        amount = self.amount_cents / 100
        parts.append(f"€{amount:,.0f}" if amount == int(amount) else f"€{amount:,.2f}")
        return " · ".join(parts)

    def explained(self) -> str:
        """The line of `explain` in the reader's language, with the reader's way of writing money and numbers,
        e.g. "Frankreich 900 € · 4 Arbeitstage < 5 → halbiert · 450 €"."""
        parts = [f"{country_name(self.host_country)} {money(self.host_rate_eur * 100, whole=True)}"]
        if self.cap_applied:
            parts.append(_("capped at {cap}").format(cap=money(self.cap_eur * 100, whole=True)))
        reasons = self._reasons()
        if len(reasons) == 2:  # two reasons still halve once: say so once
            parts.append(_("{first} and {second} → halved").format(first=reasons[0], second=reasons[1]))
        elif reasons:
            parts.append(_("{reason} → halved").format(reason=reasons[0]))
        parts.append(money(self.amount_cents, whole=True))
        return " · ".join(parts)

    def _reasons(self) -> list[str]:
        reasons = []
        if self.full_rate_working_days is not None and self.working_days < self.full_rate_working_days:
            reasons.append(
                ngettext(
                    "{count} working day < {minimum}", "{count} working days < {minimum}", self.working_days
                ).format(count=number(self.working_days), minimum=number(self.full_rate_working_days))
            )
        if (
            self.halving_distance_km is not None
            and self.distance_km is not None
            and self.distance_km < self.halving_distance_km
        ):
            reasons.append(
                _("{distance} km < {limit} km").format(
                    distance=number(self.distance_km, digits=0), limit=number(self.halving_distance_km, digits=0)
                )
            )
        return reasons


def explain_breakdown(breakdown: Mapping[str, Any]) -> str:
    """How an exchange's lump sum was computed, in the reader's language; a breakdown this cannot read shows
    the English line frozen with it."""
    amount = LumpSum.from_breakdown(breakdown)
    if amount is None or len(amount._reasons()) != len(amount.halved_because):
        return str(breakdown.get("explained", ""))
    return amount.explained()


def _thresholds(reasons: Iterable[str]) -> tuple[int | None, float | None]:
    """The thresholds named in the English reasons of an older breakdown ("4 working days < 5", "12 km < 50 km")."""
    days: int | None = None
    limit: float | None = None
    for reason in reasons:
        if match := re.fullmatch(r"\d+ working days < (\d+)", reason):
            days = int(match.group(1))
        elif match := re.fullmatch(r"[\d,.]+ km < ([\d,.]+) km", reason):
            limit = float(match.group(1).replace(",", ""))
    return days, limit


def lump_sum(rules: Rules, *, host_country: str, working_day_count: int, distance_km: float | None) -> LumpSum:
    """Host-country rate, capped, halved once when the stay is short and/or the organisations are close."""
    if host_country not in rules.host_rates_eur:
        raise RulesError(
            _("{country} has no rate in the rules (version {version}).").format(
                country=country_name(host_country), version=rules.version
            )
        )
    rate = rules.host_rates_eur[host_country]
    capped = min(rate, rules.cap_eur)
    reasons = []
    if working_day_count < rules.full_rate_working_days:
        reasons.append(f"{working_day_count} working days < {rules.full_rate_working_days}")
    if distance_km is not None and distance_km < rules.halving_distance_km:
        reasons.append(f"{distance_km:,.0f} km < {rules.halving_distance_km:,.0f} km")
    # Both reasons at once still halve only once.
    factor = rules.halving_factor if reasons else 1.0
    amount_cents = min(round(capped * 100 * factor), rules.cap_eur * 100)
    return LumpSum(
        amount_cents,
        rules.version,
        host_country,
        rate,
        working_day_count,
        distance_km,
        tuple(reasons),
        rules.cap_eur,
        rate > rules.cap_eur,
        rules.full_rate_working_days,
        rules.halving_distance_km,
    )


# --- the public facts: drawn from the rules, so that the welcome page cannot contradict them ----


@dataclass(frozen=True)
class EligibilityRow:
    org_type: OrgType
    as_visitor: bool
    as_host: bool
    condition: str  # what the organisation must be besides its type


def eligibility_table(rules: Rules) -> list[EligibilityRow]:
    """Who may be Visitor, who may be Host, by organisation type (the same checks as `side_type_problem`,
    `cluster_membership_problem` and `host_membership_problem`)."""
    rows = []
    for org_type in OrgType:
        if org_type == OrgType.CLUSTER:
            condition = "—"
        elif org_type == OrgType.SME:
            condition = N_("a member of a cluster (as Host: or accepted case by case by the funding agency)")
        elif org_type == OrgType.PUBLIC_AUTHORITY:
            condition = N_("active in a cluster")
        else:
            condition = N_("a member of a cluster")
        rows.append(EligibilityRow(org_type, org_type in rules.visitor_types, org_type in rules.host_types, condition))
    return [row for row in rows if row.as_visitor or row.as_host]


@dataclass(frozen=True)
class RateRow:
    country: str
    amount_cents: int  # a stay of the full length, far enough away
    halved_cents: int  # a short stay and/or a near Host
    capped: bool


def lump_sum_table(rules: Rules) -> list[RateRow]:
    """Host country → amount, computed by the calculator itself (`lump_sum`), in name order."""
    rows = []
    for country in rules.participating_countries:
        full = lump_sum(rules, host_country=country, working_day_count=rules.full_rate_working_days, distance_km=None)
        halved = lump_sum(rules, host_country=country, working_day_count=rules.full_rate_working_days, distance_km=0.0)
        rows.append(RateRow(country, full.amount_cents, halved.amount_cents, full.cap_applied))
    return sorted(rows, key=lambda row: country_name(row.country))
