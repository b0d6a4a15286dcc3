from datetime import date

import pandas as pd
import pydeck as pdk
import streamlit as st

from domain.enums import Role
from domain.i18n import _, money, ngettext, number
from domain.labels import ORG_TYPE_LABELS
from domain.places import country_point
from domain.rules import country_name
from domain.workflow import state_label
from services import kpis
from services.exports import EXPORT_NAMES, export_file
from services.runtime import database_url, read_session
from ui.figures import bars, figures, grouped_spec, heat_spec
from ui.guard import require_role

EXPORT_TITLES = {
    "exchanges": _("Exchanges"),
    "eois": _("Expressions of interest"),
    "organisations": _("Organisations"),
    "payments": _("Payments"),
}

user = require_role(Role.COORDINATOR, Role.ADMIN)
programme = user.role == Role.ADMIN
st.title(_("Programme figures") if programme else _("Our figures"))
st.caption(
    _("Each exchange counts once, for the Visitor's Partnership.")
    if programme
    else _("Exchanges whose Visitor your Partnership supervises.")
)

period = st.date_input(_("Exchanges proposed between"), value=(), key="kpi_period", format="YYYY-MM-DD")
start: date | None = period[0] if len(period) > 0 else None
end: date | None = period[1] if len(period) > 1 else None
f = kpis.filter_for(user, start, end)


with st.spinner(_("Counting…")):
    data = figures(database_url(), f.partnership_id, f.start, f.end)
states, pairs, org_types = data["states"], data["pairs"], data["org_types"]
ecosystems, activities, amounts, medians = data["ecosystems"], data["activities"], data["amounts"], data["medians"]
score, scored = data["satisfaction"]
partnerships = data["partnerships"]
left_caption, right_button = st.columns([4, 1])
left_caption.caption(
    _("Figures as of {time} UTC (counted again every two minutes).").format(time=data["as_of"].strftime("%H:%M:%S"))
)
if right_button.button(_("Count again"), key="kpi_refresh", icon=":material/refresh:"):
    figures.clear()
    st.rerun()

total = sum(n for _s, n in states)
counts = kpis.headline(states)
cols = st.columns(4)
cols[0].metric(
    _("Exchanges with an approved plan"),
    counts.approved,
    help=_(
        "An exchange counts once both Partnerships have approved its action plan, unless it was cancelled afterwards."
    ),
)
cols[1].metric(_("Lump sums committed"), money(amounts.committed_cents))
cols[2].metric(
    _("Lump sums paid"),
    money(amounts.paid_cents),
    help=ngettext("{n} payment", "{n} payments", amounts.paid_count).format(n=amounts.paid_count),
)
cols[3].metric(
    _("Visitor satisfaction"),
    _("{score} / 5").format(score=number(score, digits=1)) if score is not None else "–",
    help=ngettext("{n} closing report", "{n} closing reports", scored).format(n=scored),
)
st.caption(
    _(
        "An exchange counts once both Partnerships have approved its action plan, unless it was cancelled "
        "afterwards. Not counted above: {prep} in preparation (proposed, agreed or with a plan not yet approved) and "
        "{ended} declined or cancelled."
    ).format(prep=counts.in_preparation, ended=counts.ended_without_stay)
)
if not total:
    st.info(_("No exchange in this period yet."), icon=":material/query_stats:")
    st.stop()


# Only the open tab is drawn (on_change="rerun"): a rerun draws one or two charts, not ten.
tab_names = [_("States"), _("Countries"), _("Themes"), _("Organisation types"), _("Stages")]
if programme:
    tab_names.append(_("Partnerships"))
tab_names.append(_("Exports"))
tabs = st.tabs(tab_names, key="kpi_tab", on_change="rerun")

if tabs[0].open:
    with tabs[0]:
        st.header(_("Exchanges by state"))
        bars([(_(state_label(s)), n) for s, n in states], _("State"), "states")

if tabs[1].open:
    with tabs[1]:
        st.header(_("From where to where"))
        pair_columns = (_("Visitor country"), _("Host country"), _("Exchanges"))
        pair_rows = tuple((country_name(v), country_name(h), n) for v, h, n in pairs)
        left, right = st.columns(2)
        left.vega_lite_chart(heat_spec(pair_rows, pair_columns), width="stretch")
        arcs = []
        for v, h, n in pairs:
            a, b = country_point(v), country_point(h)
            if a and b:
                arcs.append(
                    {
                        "from": [a[1], a[0]],
                        "to": [b[1], b[0]],
                        "n": n,
                        "label": f"{country_name(v)} → {country_name(h)}: {n}",
                    }
                )
        if arcs:
            right.pydeck_chart(
                pdk.Deck(
                    layers=[
                        pdk.Layer(
                            "ArcLayer",
                            data=arcs,
                            get_source_position="from",
                            get_target_position="to",
                            get_width="1 + n",
                            get_source_color=[0, 102, 204],
                            get_target_color=[230, 120, 0],
                            pickable=True,
                        )
                    ],
                    initial_view_state=pdk.ViewState(latitude=50, longitude=12, zoom=2.6),
                    map_style=None,
                    tooltip={"text": "{label}"},
                )
            )
        st.dataframe(pd.DataFrame(pair_rows, columns=list(pair_columns)), hide_index=True, width="stretch")

if tabs[2].open:
    with tabs[2]:
        c1, c2 = st.columns(2)
        with c1:
            st.header(_("Ecosystems"))
            # The answers keep the rules' English values; each is shown in the reader's language.
            shown = [(_(name), n) for name, n in ecosystems]
            bars(shown, _("Ecosystem"), "ecosystems") if shown else st.caption(_("None recorded."))
        with c2:
            st.header(_("Activity types"))
            shown = [(_(name), n) for name, n in activities]
            bars(shown, _("Activity type"), "activities") if shown else st.caption(
                _("None recorded yet (they come with approved plans).")
            )

if tabs[3].open:
    with tabs[3]:
        st.header(_("Organisation types"))
        type_columns = (_("Side"), _("Type"), _("Exchanges"))
        type_rows = tuple((_(side), ORG_TYPE_LABELS.get(t, t), n) for side, t, n in org_types)
        st.vega_lite_chart(grouped_spec(type_rows, type_columns), width="stretch")
        if st.toggle(_("Show as table"), key="kpi_table_org_types"):
            st.dataframe(pd.DataFrame(type_rows, columns=list(type_columns)), hide_index=True, width="stretch")

if tabs[4].open:
    with tabs[4]:
        st.header(_("Median days per stage"))
        st.dataframe(
            pd.DataFrame(
                [(_(m.stage), m.median_days if m.median_days is not None else None, m.exchanges) for m in medians],
                columns=[_("Stage"), _("Median days"), _("Exchanges measured")],
            ),
            hide_index=True,
            width="stretch",
        )

if programme and tabs[5].open:
    with tabs[5]:
        st.header(_("By Partnership"))
        st.dataframe(
            pd.DataFrame(
                [(name, n, cents / 100) for name, n, cents in partnerships],
                columns=[_("Partnership"), _("Exchanges"), _("Paid (EUR)")],
            ),
            hide_index=True,
            width="stretch",
        )

if tabs[-1].open:
    with tabs[-1]:
        st.header(_("Exports"))
        st.caption(_("The records behind these figures, for your own reports and for the funder."))
        e1, e2, e3 = st.columns([3, 2, 2])
        chosen = e1.selectbox(_("Records"), EXPORT_NAMES, format_func=lambda n: EXPORT_TITLES[n], key="export_name")
        fmt = e2.radio(_("Format"), ["csv", "xlsx"], format_func=str.upper, horizontal=True, key="export_format")
        for_people = e1.toggle(
            _("Column names for people"),
            key="export_for_people",
            help=_("In your language. Without it, the columns keep names that scripts and spreadsheets can rely on."),
        )
        if e3.button(_("Prepare the file"), key="export_prepare", icon=":material/download:"):
            bar = st.progress(0.0, text=_("Reading the records…"))

            def report(done: int, all_rows: int) -> None:
                bar.progress(
                    done / all_rows if all_rows else 1.0,
                    text=ngettext("{done} of {all} row", "{done} of {all} rows", all_rows).format(
                        done=done, all=all_rows
                    ),
                )

            with read_session() as session:
                name, data, mime = export_file(
                    session, user, chosen, fmt, kpis.KpiFilter(None, start, end), progress=report, for_people=for_people
                )
            bar.empty()
            st.session_state["export_ready"] = (name, data, mime)
        ready = st.session_state.get("export_ready")
        if ready:
            st.download_button(
                _("Download {name}").format(name=ready[0]),
                data=ready[1],
                file_name=ready[0],
                mime=ready[2],
                key="export_download",
                icon=":material/file_download:",
            )
