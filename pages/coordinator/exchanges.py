import streamlit as st

from domain.enums import Role
from domain.i18n import _, day
from services.exchanges import my_exchanges, organisation_names
from services.runtime import read_session
from ui.guard import require_role
from ui.journey import badge

user = require_role(Role.COORDINATOR)
st.title(_("Exchanges of my Partnership"))
with read_session() as session:
    rows = my_exchanges(session, user)
    names = organisation_names(session, rows)
if not rows:
    st.info(_("No exchange supervised by your Partnership yet."))
for exchange in rows:
    with st.container(border=True):
        cols = st.columns([4, 2, 1])
        side = (
            _("you supervise the Visitor")
            if exchange.visitor_partnership_id == user.partnership_id
            else _("you supervise the Host")
        )
        when = f" · {day(exchange.start_date)}" if exchange.start_date else ""
        cols[0].markdown(
            f"**{exchange.id}: {names.get(exchange.visitor_org_id)} → {names.get(exchange.host_org_id)}**{when}  "
            f"\n{side}"
        )
        with cols[1]:
            badge(exchange.state)
        cols[2].page_link(
            "pages/exchange/exchange.py",
            label=_("Open"),
            query_params={"id": str(exchange.id)},
            icon=":material/open_in_new:",
        )
