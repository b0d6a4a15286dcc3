"""The programme's facts on the public pages, drawn from the rules in force: who may take part,
where, how long, and the lump sums. Nothing here is typed by hand, so it cannot contradict them."""

from __future__ import annotations

import streamlit as st

from domain.i18n import _, money, ngettext, number
from domain.labels import ORG_TYPE_LABELS
from domain.rules import Rules, country_name, eligibility_table, lump_sum_table


def eligibility(rules: Rules) -> None:
    yes, no = "✓", "—"
    st.dataframe(
        [
            {
                _("Organisation"): ORG_TYPE_LABELS[row.org_type],
                _("Visitor"): yes if row.as_visitor else no,
                _("Host"): yes if row.as_host else no,
                _("Condition"): _(row.condition),
            }
            for row in eligibility_table(rules)
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption(_("A Visitor takes part once in the scheme; a Host may host several exchanges."))


def countries(rules: Rules) -> None:
    names = sorted(country_name(code) for code in rules.participating_countries)
    st.markdown(
        ngettext(
            "Organisations registered in this country take part: {names}.",
            "Organisations registered in one of these {n} countries take part: {names}.",
            len(names),
        ).format(n=len(names), names=", ".join(names))
    )


def length(rules: Rules) -> None:
    shortest = ngettext("{n} working day", "{n} working days", rules.min_working_days)
    longest = ngettext("{n} month", "{n} months", rules.max_months)
    st.markdown(
        _(
            "An exchange lasts at least **{shortest}** and at most **{longest}**, consecutive, travel excluded; "
            "Visitor and Host are in different participating countries."
        ).format(shortest=shortest.format(n=rules.min_working_days), longest=longest.format(n=rules.max_months))
    )


def lump_sums(rules: Rules) -> None:
    st.markdown(
        ngettext(
            "One amount per host country, at most **{cap}**. It is **halved** (once, even when both apply) when the "
            "stay has fewer than {days} working day or the two organisations are less than {km} km apart.",
            "One amount per host country, at most **{cap}**. It is **halved** (once, even when both apply) when the "
            "stay has fewer than {days} working days or the two organisations are less than {km} km apart.",
            rules.full_rate_working_days,
        ).format(
            cap=money(rules.cap_eur * 100),
            days=rules.full_rate_working_days,
            km=number(rules.halving_distance_km, digits=0),
        )
    )
    st.dataframe(
        [
            {
                _("Host country"): country_name(row.country),
                _("Lump sum"): money(row.amount_cents),
                _("Halved"): money(row.halved_cents),
            }
            for row in lump_sum_table(rules)
        ],
        hide_index=True,
        width="stretch",
        height=260,
    )
