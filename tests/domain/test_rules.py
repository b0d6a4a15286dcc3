import pytest

from domain.enums import OrgType
from domain.rules import RulesError, country_options, parse_rules
from tests.bundled_rules import BUNDLED, BUNDLED_TEXT


def test_default_rules_hold_the_programme_lists() -> None:
    rules = BUNDLED
    assert len(rules.participating_countries) == 38
    assert "XK" in rules.participating_countries and "US" not in rules.participating_countries
    assert len(rules.ecosystems) == 14 and len(rules.activity_types) == 5
    assert OrgType.LARGE_COMPANY in rules.host_types and OrgType.LARGE_COMPANY not in rules.visitor_types


def test_country_names_come_from_babel_including_kosovo() -> None:
    names = country_options(BUNDLED)
    assert names["XK"] == "Kosovo" and names["PL"] == "Poland"
    assert list(names.values()) == sorted(names.values())


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("version = 1\n[countries\n", "not valid TOML"),
        ('version = "x"\n', "countries.participating” is missing"),
        ('version = "x"\n[countries]\nparticipating = ["Portugal"]\n', "not ISO alpha-2"),
    ],
)
def test_broken_rules_file_names_the_problem(text: str, words: str) -> None:
    with pytest.raises(RulesError, match=words):
        parse_rules(text)


def test_unknown_organisation_type_in_rules_is_named() -> None:
    text = BUNDLED_TEXT.replace('visitor_types = ["cluster"', 'visitor_types = ["bank", "cluster"')
    with pytest.raises(RulesError, match="unknown organisation types \\['bank'\\]"):
        parse_rules(text)
