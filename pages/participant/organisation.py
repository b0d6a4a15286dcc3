import streamlit as st

from auth.guard import require_role
from db.engine import read_session, write_session
from db.enums import Role
from db.queries import colleagues, organisation_of
from db.rules import country_name, load_rules
from db.services.organisations import SPEC, update_profile
from forms.i18n import _
from forms.labels import ORG_TYPE_LABELS
from forms.render import attempt
from forms.spec import load_spec
from forms.wizard import Wizard, wizard

user = require_role(Role.PARTICIPANT)
with read_session() as session:
    organisation = organisation_of(session, user)
    people = colleagues(session, user)

st.title(_("My organisation"))
if organisation is None:
    st.warning(_("Your account is not linked to an organisation; write to the Support Office."))
    st.stop()
st.subheader(organisation.legal_name)
st.markdown(
    "\n".join(
        [
            f"- **{_('Type')}:** {ORG_TYPE_LABELS[organisation.org_type]}",
            f"- **{_('Country')}:** {country_name(organisation.country)}",
            f"- **{_('City')}:** {organisation.city}",
            f"- **{_('Cluster')}:** {organisation.cluster_name or '—'}",
        ]
    )
)
st.subheader(_("People"))
st.dataframe(
    [{_("Name"): p.full_name, _("E-mail"): p.email, _("User name"): p.username} for p in people],
    hide_index=True,
    width="stretch",
)

st.subheader(_("Profile"))
st.caption(_("Partnerships and counterparts read it; it also says whether you are a cluster member."))
spec = load_spec(SPEC)
form_id = "org_profile"
outcome = wizard(spec, form_id=form_id, stored=organisation.profile, version=organisation.profile_spec_version or 0,
                 rules=load_rules(), submit_label=_("Save the profile"))
if outcome.action in ("save", "submit"):
    def save():  # type: ignore[no-untyped-def]
        with write_session() as session:
            return update_profile(session=session, actor=user, answers=outcome.answers)

    if attempt(save, success=_("Profile saved."), on_invalid=Wizard(spec, form_id).show_errors) is not None:
        st.session_state.pop(f"wiz:{form_id}:version", None)
        st.rerun()
