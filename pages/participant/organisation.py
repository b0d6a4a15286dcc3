import streamlit as st

from auth.guard import require_role
from db.engine import read_session
from db.enums import Role
from db.queries import colleagues, organisation_of
from db.rules import country_name
from forms.i18n import _
from forms.labels import ORG_TYPE_LABELS

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
