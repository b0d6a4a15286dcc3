"""The lump sum: RULES.md's worked examples, properties, the quote command, the frozen amount."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from domain.places import distance_km, find_city
from domain.quote import QuoteError, locate, quote
from domain.rules import lump_sum
from tests.bundled_rules import BUNDLED
from tests.journey import agreed_exchange, approved_plan, cast

RULES = BUNDLED
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("visitor", "host", "start", "end", "amount", "halved"),
    [
        (("Porto", "PT"), ("Lyon", "FR"), date(2027, 3, 1), date(2027, 3, 5), 900, 0),
        (("Porto", "PT"), ("Lyon", "FR"), date(2027, 3, 1), date(2027, 3, 3), 450, 1),
        (("Vienna", "AT"), ("Bratislava", "SK"), date(2027, 3, 1), date(2027, 3, 12), 305, 1),
        (("Porto", "PT"), ("Copenhagen", "DK"), date(2027, 3, 1), date(2027, 3, 10), 1100, 0),
    ],
)
def test_worked_examples_of_the_rules(visitor, host, start, end, amount, halved) -> None:
    result = quote(RULES, visitor=locate(*visitor, RULES), host=locate(*host, RULES), start=start, end=end)
    assert result.amount_cents == amount * 100
    assert len(result.halved_because) == halved


def test_distance_of_the_examples() -> None:
    porto, lyon = find_city("Porto", "PT"), find_city("Lyon", "FR")
    vienna, bratislava = find_city("Wien", "AT"), find_city("Bratislava", "SK")
    assert porto and lyon and vienna and bratislava
    assert 1150 < distance_km((porto.latitude, porto.longitude), (lyon.latitude, lyon.longitude)) < 1250
    assert 50 < distance_km((vienna.latitude, vienna.longitude), (bratislava.latitude, bratislava.longitude)) < 60


def test_explanation_reads_like_the_ux_guide() -> None:
    result = lump_sum(RULES, host_country="FR", working_day_count=4, distance_km=1200)
    assert result.explain() == "France €900 · 4 working days < 5 → halved · €450"


def test_explanation_says_halved_once_when_both_reasons_apply() -> None:
    result = lump_sum(RULES, host_country="FR", working_day_count=4, distance_km=120)
    assert result.explain() == "France €900 · 4 working days < 5 and 120 km < 200 km → halved · €450"
    assert result.explain().count("halved") == 1


@given(
    country=st.sampled_from(sorted(RULES.host_rates_eur)),
    days=st.integers(0, 23),
    km=st.floats(0, 5000, allow_nan=False),
)
def test_amount_never_exceeds_cap_or_host_rate_and_halves_exactly_once(country: str, days: int, km: float) -> None:
    result = lump_sum(RULES, host_country=country, working_day_count=days, distance_km=km)
    rate = RULES.host_rates_eur[country]
    assert result.amount_cents <= min(rate, RULES.cap_eur) * 100
    short, close = days < RULES.full_rate_working_days, km < RULES.halving_distance_km
    expected = min(rate, RULES.cap_eur) * 100 * (RULES.halving_factor if (short or close) else 1)
    assert result.amount_cents == round(expected)
    assert len(result.halved_because) == int(short) + int(close)


@given(a=st.tuples(st.floats(-89, 89), st.floats(-179, 179)), b=st.tuples(st.floats(-89, 89), st.floats(-179, 179)))
def test_distance_does_not_depend_on_the_order_of_the_two_places(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    assert distance_km(a, b) == pytest.approx(distance_km(b, a), abs=1e-6)
    assert distance_km(a, a) == pytest.approx(0, abs=1e-6)


def test_unknown_city_or_country_is_named() -> None:
    with pytest.raises(QuoteError, match="Atlantis"):
        locate("Atlantis", "FR", RULES)
    with pytest.raises(QuoteError, match="not a participating country"):
        locate("Boston", "US", RULES)
    assert locate("", "PT", RULES, (41.0, -8.0)).latitude == 41.0


@pytest.fixture(autouse=True)
def _own_database(request: pytest.FixtureRequest) -> None:
    # The quote command reads the rules in force from the database: give each test its own.
    if "session" not in request.fixturenames:
        request.getfixturevalue("sqlite_url")


def run_quote(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "quote", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )


def test_quote_command_prints_the_breakdown_as_json() -> None:
    done = run_quote("--visitor", "Porto,PT", "--host", "Lyon,FR", "--start", "2027-03-01", "--end", "2027-03-05")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["amount_eur"] == 900 and data["working_days"] == 5 and data["host_rate_eur"] == 900
    assert data["halved_because"] == [] and data["rates_version"] == "2020" and 1150 < data["distance_km"] < 1250


def test_quote_command_accepts_coordinates() -> None:
    done = run_quote(
        "--visitor",
        "AT",
        "--visitor-coords",
        "48.2085,16.3721",
        "--host",
        "SK",
        "--host-coords",
        "48.1482,17.1067",
        "--start",
        "2027-03-01",
        "--end",
        "2027-03-12",
    )
    assert done.returncode == 0 and json.loads(done.stdout)["amount_eur"] == 305


@pytest.mark.parametrize(
    "args",
    [
        ("--visitor", "Porto,PT", "--host", "Atlantis,FR", "--start", "2027-03-01", "--end", "2027-03-05"),
        ("--visitor", "Porto,PT", "--host", "Boston,US", "--start", "2027-03-01", "--end", "2027-03-05"),
        ("--visitor", "Porto,PT", "--host", "Lyon,FR", "--start", "2027-03-05", "--end", "2027-03-01"),
        ("--visitor", "Porto,PT", "--host", "Lyon,FR", "--start", "tomorrow", "--end", "2027-03-01"),
        (
            "--visitor",
            "PT",
            "--visitor-coords",
            "91,0",
            "--host",
            "Lyon,FR",
            "--start",
            "2027-03-01",
            "--end",
            "2027-03-05",
        ),
    ],
)
def test_quote_command_bad_input_exits_2_with_a_reason(args: tuple[str, ...]) -> None:
    done = run_quote(*args)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.startswith("error: ")


def test_plan_approval_freezes_the_lump_sum_with_its_breakdown(session: Session) -> None:
    c = cast(session)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    assert exchange.lump_sum_cents == 90000
    assert exchange.lump_sum_breakdown["explained"] == "France €900 · €900"
    assert exchange.lump_sum_breakdown["rates_version"] == "2020"


def test_the_explanation_is_shown_in_the_reader_language_and_the_frozen_line_stays_english() -> None:
    from domain.i18n import in_language
    from domain.rules import explain_breakdown

    result = lump_sum(RULES, host_country="FR", working_day_count=4, distance_km=120)
    breakdown = {**result.as_dict(), "explained": result.explain()}
    with in_language("de"):
        assert result.explained() == "Frankreich 900\xa0€ · 4 Arbeitstage < 5 und 120 km < 200 km → halbiert · 450\xa0€"
        assert explain_breakdown(breakdown) == result.explained()
    with in_language("fr"):
        assert explain_breakdown(breakdown) == (
            "France 900\xa0€ · 4 jours ouvrables < 5 et 120 km < 200 km → réduit de moitié · 450\xa0€"
        )
    assert explain_breakdown(breakdown) == breakdown["explained"]  # English reads as it was frozen
    # A breakdown frozen before the thresholds were kept: read from its English reasons.
    older = {k: v for k, v in breakdown.items() if k not in ("full_rate_working_days", "halving_distance_km")}
    with in_language("it"):
        assert explain_breakdown(older) == (
            "Francia 900\xa0€ · 4 giorni lavorativi < 5 e 120 km < 200 km → dimezzato · 450\xa0€"
        )
    assert explain_breakdown({"explained": "Greece €780 · €780"}) == "Greece €780 · €780"  # nothing to read: as frozen


def test_a_quote_error_speaks_the_reader_language() -> None:
    from domain.i18n import in_language

    with in_language("de"), pytest.raises(QuoteError) as error:
        locate("Nowhere", "XX", RULES)
    assert str(error.value).startswith("„XX“ ist kein teilnehmendes Land")
    with in_language("es"), pytest.raises(QuoteError) as error:
        locate("Atlantis", "FR", RULES)
    assert (
        str(error.value) == "«Atlantis» no es una localidad que conozcamos en el país Francia; indique sus coordenadas."
    )
