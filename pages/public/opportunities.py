import streamlit as st

from domain.enums import Role, Side
from domain.i18n import _, day, ngettext
from domain.rules import country_name, country_options
from services.eois import approved_eoi
from services.exchanges import propose_exchange
from services.opportunities import CatalogueFilter, catalogue
from services.rules import rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.session import current_user

with read_session() as session:
    rules = rules_in_force(session)
countries = country_options(rules)
st.title(_("Exchange opportunities"))
st.caption(
    _("Hosts publish what a Visitor can do with them. Filter, read, and (as an approved Visitor) propose an exchange.")
)
SIDES = {"": _("Hosts and Visitors"), "host": _("Hosts offering a stay"), "visitor": _("Visitors looking for a Host")}
cols = st.columns(5)
side = cols[4].selectbox(_("Published by"), list(SIDES), format_func=lambda s: SIDES[s], key="cat_side")
country = cols[0].selectbox(
    _("Country"), ["", *countries], format_func=lambda c: countries.get(c, _("Any")), key="cat_country"
)
ecosystem = cols[1].selectbox(
    _("Ecosystem"), ["", *rules.ecosystems], format_func=lambda e: e or _("Any"), key="cat_ecosystem"
)
activity = cols[2].selectbox(
    _("Activity"), ["", *rules.activity_types], format_func=lambda a: a or _("Any"), key="cat_activity"
)
period = cols[3].date_input(_("Available between"), value=[], key="cat_period", format="YYYY-MM-DD")
start, end = (period[0], period[1]) if isinstance(period, tuple | list) and len(period) == 2 else (None, None)

user = current_user()
with read_session() as session:
    rows = catalogue(
        session,
        CatalogueFilter(
            country=country,
            ecosystem=ecosystem,
            activity_type=activity,
            available_from=start,
            available_until=end,
            side=side,
        ),
    )
    my_sides = {
        s
        for s in Side
        if user is not None and user.role == Role.PARTICIPANT and approved_eoi(session, user.organisation_id, s)  # type: ignore[arg-type]
    }

st.write(ngettext("{n} opportunity", "{n} opportunities", len(rows)).format(n=len(rows)))
for opportunity, organisation in rows:
    with st.container(border=True):
        st.header(opportunity.title)
        who = _("Host") if opportunity.side == Side.HOST else _("Visitor looking for a Host")
        st.markdown(
            f"**{organisation.legal_name}** ({who}) · {organisation.city}, {country_name(organisation.country)}"
        )
        if opportunity.period_start and opportunity.period_end:
            st.caption(
                f"{day(opportunity.period_start)} – {day(opportunity.period_end)} · "
                f"{', '.join(opportunity.ecosystems)} · {', '.join(opportunity.activity_types)}"
            )
        st.write(opportunity.answers.get("description", ""))
        answering_side = Side.VISITOR if opportunity.side == Side.HOST else Side.HOST
        if answering_side in my_sides and user is not None and organisation.id != user.organisation_id:
            if st.button(_("Propose an exchange"), key=f"propose_opportunity_{opportunity.id}"):
                created = act(
                    lambda s, opportunity_id=opportunity.id: propose_exchange(
                        session=s, actor=user, opportunity_id=opportunity_id
                    ),
                    success=_("Proposal sent."),
                )
                if created is not None:
                    st.switch_page("pages/exchange/exchange.py", query_params={"id": str(created.id)})
