import streamlit as st

from domain.enums import Role, Side
from domain.i18n import _, day
from services.eois import approved_eoi
from services.opportunities import SPEC, my_opportunities, publish_opportunity, unpublish_opportunity
from services.rules import rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.wizard import Wizard, wizard

user = require_role(Role.PARTICIPANT)
st.title(_("My opportunities"))
with read_session() as session:
    sides = [s for s in (Side.HOST, Side.VISITOR) if approved_eoi(session, user.organisation_id, s)]  # type: ignore[arg-type]
    published = my_opportunities(session, user)
    rules = rules_in_force(session)

for opportunity in published:
    with st.container(border=True):
        cols = st.columns([4, 2, 1])
        period = (
            f"{day(opportunity.period_start)} – {day(opportunity.period_end)}"
            if opportunity.period_start and opportunity.period_end
            else ""
        )
        cols[0].markdown(f"**{opportunity.title}**  \n{period}")
        cols[1].write(_("Published") if opportunity.is_published else _("Not published"))
        if opportunity.is_published and cols[2].button(_("Unpublish"), key=f"unpublish_{opportunity.id}"):
            act(
                lambda s, opportunity_id=opportunity.id: unpublish_opportunity(
                    session=s, actor=user, opportunity_id=opportunity_id
                ),
                success=_("Removed from the catalogue."),
                rerun=True,
            )

if not sides:
    st.info(
        _(
            "Publishing an opportunity needs an approved expression of interest (as Host to offer a stay, as Visitor "
            "to look for a Host)."
        )
    )
    st.page_link("pages/participant/eoi.py", label=_("Expressions of interest"), icon=":material/description:")
    st.stop()

st.header(_("Publish a new opportunity"))
SIDE_WORDS = {Side.HOST: _("We offer to host a Visitor"), Side.VISITOR: _("We are looking for a Host")}
side = st.radio(
    _("The opportunity"), sides, format_func=lambda s: SIDE_WORDS[s], key="opportunity_side", horizontal=True
)
form_id = "opportunity_new"
outcome = wizard(
    SPEC,
    form_id=form_id,
    stored={},
    version=len(published),
    rules=rules,
    submit_label=_("Publish in the catalogue"),
)
if outcome.action == "submit":
    act(
        lambda s: publish_opportunity(session=s, actor=user, answers=outcome.answers, side=side),
        success=_("Published: it is in the public catalogue now."),
        on_invalid=Wizard(SPEC, form_id).show_errors,
        rerun=True,
    )
elif outcome.action == "save":
    st.info(_("Opportunities are published in one go; what you typed stays here while you work."))
