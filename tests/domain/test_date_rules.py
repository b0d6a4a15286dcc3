"""Working days and exchange dates, with examples from RULES.md and properties (hypothesis)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.enums import OrgType
from domain.rules import (
    add_months,
    cluster_membership_problem,
    exchange_dates_problem,
    last_allowed_day,
    public_holiday,
    side_type_problem,
    transnational_problem,
    working_days,
)
from tests.bundled_rules import BUNDLED

RULES = BUNDLED
COUNTRIES = st.sampled_from(list(RULES.participating_countries))
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31))


def test_the_example_of_the_issue_all_saints_in_austria() -> None:
    assert exchange_dates_problem(date(2027, 11, 1), date(2027, 11, 3), "AT", RULES) == (
        "1–3 November 2027 in Austria has 2 working days (1 November is All Saints' Day, a public holiday there); "
        "an exchange needs at least 3."
    )


def test_saint_patricks_day_in_ireland_and_ascension_in_austria() -> None:
    assert public_holiday(date(2027, 3, 17), "IE") is not None
    assert public_holiday(date(2027, 5, 6), "AT") is not None  # Ascension Day 2027
    assert len(working_days(date(2027, 3, 15), date(2027, 3, 19), "IE")) == 4


def test_five_weekdays_without_holidays_are_fine() -> None:
    assert exchange_dates_problem(date(2027, 3, 1), date(2027, 3, 5), "FR", RULES) is None


def test_longer_than_a_month_is_refused_with_the_last_allowed_day() -> None:
    problem = exchange_dates_problem(date(2027, 3, 1), date(2027, 4, 1), "FR", RULES)
    assert (
        problem is not None and "starting on 1 March 2027, the last day can be 31 March 2027 at the latest" in problem
    )
    assert exchange_dates_problem(date(2027, 3, 1), date(2027, 3, 31), "FR", RULES) is None


def test_eligibility_messages() -> None:
    assert side_type_problem("host", OrgType.PUBLIC_AUTHORITY, RULES) is None
    assert "Host only" in (side_type_problem("visitor", OrgType.TRAINING_PROVIDER, RULES) or "")
    assert (
        cluster_membership_problem(OrgType.SME, False) is not None
        and cluster_membership_problem(OrgType.CLUSTER, False) is None
    )
    assert "Portugal" in (transnational_problem("PT", "PT") or "") and transnational_problem("PT", "ES") is None


@given(start=DAYS, length=st.integers(min_value=0, max_value=45), country=COUNTRIES)
@settings(max_examples=200, deadline=None)
def test_working_days_are_weekdays_and_not_holidays(start: date, length: int, country: str) -> None:
    end = start + timedelta(days=length)
    days = working_days(start, end, country)
    assert len(days) <= length + 1
    assert all(start <= d <= end and d.weekday() < 5 and public_holiday(d, country) is None for d in days)
    assert days == sorted(set(days))


@given(start=DAYS, length=st.integers(min_value=-3, max_value=45), country=COUNTRIES)
@settings(max_examples=300, deadline=None)
def test_dates_are_accepted_exactly_when_the_rules_hold(start: date, length: int, country: str) -> None:
    end = start + timedelta(days=length)
    expected_ok = (
        end >= start
        and end <= last_allowed_day(start, RULES)
        and len(working_days(start, end, country)) >= RULES.min_working_days
    )
    problem = exchange_dates_problem(start, end, country, RULES)
    assert (problem is None) == expected_ok
    if problem and end >= start and end <= last_allowed_day(start, RULES):
        assert f"needs at least {RULES.min_working_days}" in problem


@given(start=DAYS)
def test_one_month_is_between_27_and_30_days_after_the_first(start: date) -> None:
    span = (last_allowed_day(start, RULES) - start).days
    assert 27 <= span <= 30
    assert add_months(start, 1) > start


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            "1–3 November 2027 in Austria has 2 working days (1 November is All Saints' Day, a public holiday there)",
        ),
        (
            "de",
            "1.–3. November 2027 umfasst im Gastland Österreich 2 Arbeitstage (1. November ist Allerheiligen, dort ein",
        ),
        ("fr", "1–3 novembre 2027"),
        ("pl", "1–3 listopada 2027"),
    ],
)
def test_a_date_rule_writes_days_and_holidays_as_the_reader_does(locale: str, expected: str) -> None:
    from domain.i18n import in_language

    with in_language(locale):
        problem = exchange_dates_problem(date(2027, 11, 1), date(2027, 11, 3), "AT", RULES)
    assert problem is not None and problem.startswith(expected)


def test_every_date_rule_message_writes_days_in_the_reader_language() -> None:
    from domain.i18n import in_language

    with in_language("de"):
        backwards = exchange_dates_problem(date(2027, 3, 5), date(2027, 3, 1), "FR", RULES)
        too_long = exchange_dates_problem(date(2027, 3, 1), date(2027, 4, 1), "FR", RULES)
    assert backwards == "Der letzte Tag (1. März 2027) liegt vor dem ersten Tag (5. März 2027)."
    assert too_long == (
        "Ein Austausch dauert höchstens 1 Monat am Stück: Beginnt er am 1. März 2027, kann der letzte Tag "
        "spätestens der 31. März 2027 sein."
    )
    with in_language("es"):
        backwards = exchange_dates_problem(date(2027, 3, 5), date(2027, 3, 1), "FR", RULES)
    assert backwards == "El último día (1 de marzo de 2027) es anterior al primer día (5 de marzo de 2027)."


def test_holiday_names_follow_the_reader_where_the_country_has_them() -> None:
    assert public_holiday(date(2027, 11, 1), "AT", "de") == "Allerheiligen"
    assert public_holiday(date(2027, 11, 1), "AT", "en") == "All Saints' Day"
    assert public_holiday(date(2027, 11, 1), "FR", "fr") == "Toussaint"
    assert public_holiday(date(2027, 11, 1), "IT", "it") == "Ognissanti"
    assert public_holiday(date(2027, 11, 1), "AT", "es") == "All Saints' Day"  # no Spanish names for Austria: English


@pytest.mark.parametrize(
    ("locale", "country", "expected"),
    [
        ("de", "SK", "Besucher und Gastgeber befinden sich beide im selben Land (Slowakei); "),
        ("it", "NL", "Il Visitatore e l'Ospitante si trovano entrambi nello stesso paese (Paesi Bassi); "),
    ],
)
def test_a_country_name_needs_no_article_in_any_language(locale: str, country: str, expected: str) -> None:
    """German and Italian put an article before some countries ("in der Slowakei", "nei Paesi Bassi"): the
    texts name the country where no article is needed."""
    from domain.i18n import in_language
    from domain.rules import transnational_problem

    with in_language(locale):
        assert (transnational_problem(country, country) or "").startswith(expected)
        span = exchange_dates_problem(date(2027, 11, 1), date(2027, 11, 2), country, RULES) or ""
    assert " in Slowakei" not in span and " in Paesi Bassi" not in span
    assert ("im Gastland Slowakei" if locale == "de" else "nel paese ospitante (Paesi Bassi)") in span
