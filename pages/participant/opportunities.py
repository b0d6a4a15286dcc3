import streamlit as st

from ui.guard import require_role
from db.engine import read_session, write_session
from domain.enums import Role, Side
from domain.rules import load_rules
from services.eois import approved_eoi
from services.opportunities import SPEC, my_opportunities, publish_opportunity, unpublish_opportunity
from domain.i18n import _, day
from ui.widgets import attempt
from forms.spec import load_spec
from ui.wizard import Wizard, wizard

user = require_role(Role.PARTICIPANT)
st.title(_("My opportunities"))
with read_session() as session:
    sides = [s for s in (Side.HOST, Side.VISITOR) if approved_eoi(session, user.organisation_id, s)]  # type: ignore[arg-type]
    published = my_opportunities(session, user)

for opportunity in published:
    with st.container(border=True):
        cols = st.columns([4, 2, 1])
        period = f"{day(opportunity.period_start)} – {day(opportunity.period_end)}" if opportunity.period_start and opportunity.period_end else ""
        cols[0].markdown(f"**{opportunity.title}**  \n{period}")
        cols[1].write(_("Published") if opportunity.is_published else _("Not published"))
        if opportunity.is_published and cols[2].button(_("Unpublish"), key=f"unpublish_{opportunity.id}"):
            def unpublish(opportunity_id: int = opportunity.id):  # type: ignore[assignment, no-untyped-def]
                with write_session() as session:
                    return unpublish_opportunity(session=session, actor=user, opportunity_id=opportunity_id)

            if attempt(unpublish, success=_("Removed from the catalogue.")):
                st.rerun()

if not sides:
    st.info(_("Publishing an opportunity needs an approved expression of interest (as Host to offer a stay, as Visitor to look for a Host)."))
    st.page_link("pages/participant/eoi.py", label=_("Expressions of interest"), icon=":material/description:")
    st.stop()

st.subheader(_("Publish a new opportunity"))
SIDE_WORDS = {Side.HOST: _("We offer to host a Visitor"), Side.VISITOR: _("We are looking for a Host")}
side = st.radio(_("The opportunity"), sides, format_func=lambda s: SIDE_WORDS[s], key="opportunity_side", horizontal=True)
spec = load_spec(SPEC)
form_id = "opportunity_new"
outcome = wizard(spec, form_id=form_id, stored={}, version=len(published), rules=load_rules(), submit_label=_("Publish in the catalogue"))
if outcome.action == "submit":
    def publish():  # type: ignore[no-untyped-def]
        with write_session() as session:
            return publish_opportunity(session=session, actor=user, answers=outcome.answers, side=side)

    if attempt(publish, success=_("Published: it is in the public catalogue now."), on_invalid=Wizard(spec, form_id).show_errors):
        st.rerun()
elif outcome.action == "save":
    st.info(_("Opportunities are published in one go; what you typed stays here while you work."))
