"""Form texts that state a rule name it as a placeholder filled from the rules in force (issue 13, item 1)."""

from __future__ import annotations

import re
from dataclasses import replace

from domain.rules import rule_values, with_rule_values
from forms.spec import SPEC_DIR, load_spec
from tests.bundled_rules import BUNDLED


def test_the_action_plan_says_the_minimum_and_the_longest_stay_in_force() -> None:
    intro = load_spec("action_plan").sections[0].intro
    stricter = replace(BUNDLED, min_working_days=5, max_months=2)
    text = with_rule_values(intro, stricter)
    assert "at least 5 working days" in text and "consecutive months: 2." in text
    assert f"at least {BUNDLED.min_working_days} working days" in with_rule_values(intro, BUNDLED)


def test_free_braces_and_unknown_names_stay_as_written() -> None:
    assert with_rule_values("a {lone brace", BUNDLED) == "a {lone brace"
    assert with_rule_values("{not_a_rule} and {payment_days}", BUNDLED) == f"{{not_a_rule}} and {BUNDLED.payment_days}"


def test_no_spec_text_states_a_rule_number_by_hand() -> None:
    numbers = re.compile(r"\b\d+\s+(working\s+)?(days?|months?)\b|\bone month\b", re.IGNORECASE)
    for path in sorted(SPEC_DIR.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert not numbers.search(text), f"{path.name} states a rule by hand: use {sorted(rule_values(BUNDLED))}"
