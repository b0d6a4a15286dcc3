import streamlit as st
from sqlmodel import select

from ui.guard import require_role
from db.engine import read_session
from domain.enums import Role
from db.models import Organisation
from services.exchanges import my_exchanges
from domain.i18n import _, day
from ui.journey import badge

user = require_role(Role.COORDINATOR)
st.title(_("Exchanges of my Partnership"))
with read_session() as session:
    rows = my_exchanges(session, user)
    ids = {e.visitor_org_id for e in rows} | {e.host_org_id for e in rows}
    names = {o.id: o.legal_name for o in session.exec(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}  # type: ignore[attr-defined]
if not rows:
    st.info(_("No exchange supervised by your Partnership yet."))
for exchange in rows:
    with st.container(border=True):
        cols = st.columns([4, 2, 1])
        side = _("you supervise the Visitor") if exchange.visitor_partnership_id == user.partnership_id else _("you supervise the Host")
        when = f" · {day(exchange.start_date)}" if exchange.start_date else ""
        cols[0].markdown(f"**{exchange.id}: {names.get(exchange.visitor_org_id)} → {names.get(exchange.host_org_id)}**{when}  \n{side}")
        with cols[1]:
            badge(exchange.state)
        cols[2].page_link("pages/exchange/exchange.py", label=_("Open"), query_params={"id": str(exchange.id)}, icon=":material/open_in_new:")
