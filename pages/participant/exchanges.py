import streamlit as st

from domain.enums import Role, Side
from domain.i18n import _, day
from domain.rules import country_name
from services import exchanges
from services.eois import approved_eoi
from services.opportunities import suggest_counterparts
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.journey import badge

user = require_role(Role.PARTICIPANT)
st.title(_("My exchanges"))
with read_session() as session:
    mine = exchanges.my_exchanges(session, user)
    names = exchanges.organisation_names(session, mine)
    sides = [side for side in (Side.VISITOR, Side.HOST) if approved_eoi(session, user.organisation_id, side)]  # type: ignore[arg-type]
    suggestions = {side: suggest_counterparts(session, user, side) for side in sides}

if mine:
    for exchange in mine:
        with st.container(border=True):
            cols = st.columns([4, 2, 1])
            when = f" · {day(exchange.start_date)}" if exchange.start_date else ""
            cols[0].markdown(f"**{names.get(exchange.visitor_org_id)} → {names.get(exchange.host_org_id)}**{when}")
            with cols[1]:
                badge(exchange.state)
            cols[2].page_link(
                "pages/exchange/exchange.py",
                label=_("Open"),
                query_params={"id": str(exchange.id)},
                icon=":material/open_in_new:",
            )
else:
    st.info(_("No exchange yet."))

if not sides:
    st.warning(_("To propose an exchange, your organisation needs an approved expression of interest."))
    st.page_link("pages/participant/eoi.py", label=_("Expressions of interest"), icon=":material/description:")
    st.stop()

st.header(_("Suggested counterparts"))
st.caption(
    _(
        "Organisations with an approved expression of interest on the other side, in another country, ranked by "
        "shared ecosystems, activities and dates."
    )
)
for side in sides:
    st.subheader(_("Hosts for your visit") if side == Side.VISITOR else _("Visitors you could invite"))
    if not suggestions[side]:
        st.write(_("No suggestion yet; the catalogue of opportunities may help."))
    for suggestion in suggestions[side]:
        org = suggestion.organisation
        with st.container(border=True):
            st.markdown(f"**{org.legal_name}** · {org.city}, {country_name(org.country)}")
            st.caption(
                _("Shared ecosystems: {e} · shared activities: {a} · overlapping days: {d}").format(
                    e=", ".join(suggestion.shared_ecosystems) or "—",
                    a=", ".join(suggestion.shared_activities) or "—",
                    d=suggestion.overlapping_days,
                )
            )
            message = st.text_input(
                _("Message"), key=f"msg_{side}_{org.id}", max_chars=500, placeholder=_("Why this exchange?")
            )
            if st.button(_("Propose an exchange"), key=f"propose_{side}_{org.id}"):
                created = act(
                    lambda s, org_id=org.id, text=message: exchanges.propose_exchange(
                        session=s, actor=user, counterpart_org_id=org_id, message=text
                    ),
                    success=_("Proposal sent."),
                )
                if created is not None:
                    st.switch_page("pages/exchange/exchange.py", query_params={"id": str(created.id)})
