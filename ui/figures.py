"""The figures page's cached parts: the figures of one scope and period, and the Vega-Lite specs
of its charts. They live in a module, not in the page: a page script runs again at every rerun,
and Streamlit hashes a cached function's source each time it is defined."""

from __future__ import annotations

from datetime import UTC, date, datetime

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from domain.i18n import _
from services import kpis
from services.runtime import read_session
from services.tags import ACTIVITY, ECOSYSTEM

# Counts of exchanges are whole numbers: no axis tick or legend step at 0.1, 0.2…
WHOLE_AXIS = alt.Axis(format="d", tickMinStep=1)
WHOLE_LEGEND = alt.Legend(format="d", tickMinStep=1)


@st.cache_data(ttl=120, show_spinner=False, max_entries=200)  # the page says "Counting…" in its language
def figures(database: str, partnership_id: int | None, start: date | None, end: date | None) -> dict:
    """All figures of one scope and period, kept two minutes: reruns and other coordinators of the
    same Partnership do not count the programme again. The key holds the scope: no leak between Partnerships."""
    scope = kpis.KpiFilter(partnership_id, start, end)
    with read_session() as session:
        return {
            "states": kpis.by_state(session, scope),
            "pairs": kpis.by_country_pair(session, scope),
            "org_types": kpis.by_org_type(session, scope),
            "ecosystems": kpis.by_tag(session, scope, ECOSYSTEM),
            "activities": kpis.by_tag(session, scope, ACTIVITY),
            "amounts": kpis.money(session, scope),
            "medians": kpis.stage_medians(session, scope),
            "satisfaction": kpis.satisfaction(session, scope),
            "partnerships": kpis.by_partnership(session, scope) if partnership_id is None else [],
            "as_of": datetime.now(UTC),
        }


def _arrow_datasets(spec: dict) -> dict:
    """The spec with its data already in Arrow's format, as st.vega_lite_chart sends it: done once
    here, in a cached spec, instead of at every rerun (a third of the figures page's drawing)."""
    datasets = spec.get("datasets", {})
    return spec | {"datasets": {name: convert_anything_to_arrow_bytes(rows) for name, rows in datasets.items()}}


@st.cache_data(max_entries=100, show_spinner=False)
def bar_spec(rows: tuple[tuple[str, int], ...], label: str, count: str) -> dict:
    """A bar chart's Vega-Lite spec, built and validated once per set of figures (Altair's
    validation costs more than drawing)."""
    frame = pd.DataFrame(rows, columns=[label, count])
    return _arrow_datasets(
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X(f"{count}:Q", axis=WHOLE_AXIS), y=alt.Y(f"{label}:N", sort="-x"), tooltip=[label, count])
        .to_dict()
    )


@st.cache_data(max_entries=100, show_spinner=False)
def heat_spec(rows: tuple[tuple[str, str, int], ...], columns: tuple[str, str, str]) -> dict:
    frame = pd.DataFrame(rows, columns=list(columns))
    return _arrow_datasets(
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X(f"{columns[1]}:N"),
            y=alt.Y(f"{columns[0]}:N"),
            color=alt.Color(f"{columns[2]}:Q", legend=WHOLE_LEGEND),
            tooltip=list(columns),
        )
        .to_dict()
    )


@st.cache_data(max_entries=100, show_spinner=False)
def grouped_spec(rows: tuple[tuple[str, str, int], ...], columns: tuple[str, str, str]) -> dict:
    frame = pd.DataFrame(rows, columns=list(columns))
    side, kind, count = columns
    return _arrow_datasets(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{count}:Q", axis=WHOLE_AXIS),
            y=alt.Y(f"{kind}:N"),
            color=f"{side}:N",
            yOffset=f"{side}:N",
            tooltip=list(columns),
        )
        .to_dict()
    )


def bars(rows: list[tuple[str, int]], label: str, key: str) -> None:
    """A bar chart and, on request, the same figures as a table (for screen readers and copying)."""
    count = _("Exchanges")
    st.vega_lite_chart(bar_spec(tuple(rows), label, count), width="stretch")
    if st.toggle(_("Show as table"), key=f"kpi_table_{key}"):
        st.dataframe(pd.DataFrame(rows, columns=[label, count]), hide_index=True, width="stretch")
