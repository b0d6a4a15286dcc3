"""The welcome page's facts are drawn from the rules: the lump-sum table agrees with the
calculator for every country in force, and the eligibility table with the checks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.enums import OrgType
from domain.rules import (
    Rules,
    cluster_membership_problem,
    eligibility_table,
    host_membership_problem,
    lump_sum,
    lump_sum_table,
    parse_rules,
    side_type_problem,
)
from tests.bundled_rules import BUNDLED, BUNDLED_TEXT

# A second version: a lower cap (so that some rates are capped) and another full-rate length.
CAPPED = parse_rules(
    BUNDLED_TEXT.replace("cap_eur = 1100", "cap_eur = 700").replace(
        "full_rate_working_days = 5", "full_rate_working_days = 7"
    )
)


def _check(rules: Rules, country: str, days: int, distance: float | None) -> None:
    row = {r.country: r for r in lump_sum_table(rules)}[country]
    computed = lump_sum(rules, host_country=country, working_day_count=days, distance_km=distance)
    halved = days < rules.full_rate_working_days or (distance is not None and distance < rules.halving_distance_km)
    assert computed.amount_cents == (row.halved_cents if halved else row.amount_cents)
    assert row.amount_cents <= rules.cap_eur * 100 and row.capped == computed.cap_applied


@settings(max_examples=300, deadline=None)
@given(
    rules=st.sampled_from([BUNDLED, CAPPED]),
    data=st.data(),
    days=st.integers(min_value=1, max_value=23),
    distance=st.one_of(st.none(), st.floats(min_value=0, max_value=5000, allow_nan=False)),
)
def test_public_lump_sum_table_agrees_with_the_calculator(
    rules: Rules, data: st.DataObject, days: int, distance: float | None
) -> None:
    country = data.draw(st.sampled_from(rules.participating_countries))
    _check(rules, country, days, distance)


def test_the_table_lists_every_country_in_force_once() -> None:
    for rules in (BUNDLED, CAPPED):
        assert sorted(r.country for r in lump_sum_table(rules)) == sorted(rules.participating_countries)
    assert any(r.capped for r in lump_sum_table(CAPPED)) and not any(r.capped for r in lump_sum_table(BUNDLED))


def test_eligibility_table_says_what_the_checks_do() -> None:
    rows = {row.org_type: row for row in eligibility_table(BUNDLED)}
    assert rows[OrgType.TRAINING_PROVIDER].as_host and not rows[OrgType.TRAINING_PROVIDER].as_visitor
    for org_type, row in rows.items():
        assert row.as_visitor == (side_type_problem("visitor", org_type, BUNDLED) is None)
        assert row.as_host == (side_type_problem("host", org_type, BUNDLED) is None)
        member_needed = cluster_membership_problem(org_type, False) is not None
        assert member_needed == (row.condition != "—")
        assert (host_membership_problem(org_type, False, "accepted by the agency, ref 12") is None) == (
            org_type in (OrgType.CLUSTER, OrgType.SME)
        )
