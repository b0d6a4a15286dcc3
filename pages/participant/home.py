import streamlit as st

from auth.guard import require_role
from db.engine import read_session
from db.enums import Role
from db.queries import organisation_of
from forms.i18n import _

user = require_role(Role.PARTICIPANT)
with read_session() as session:
    organisation = organisation_of(session, user)

st.title(_("What to do next"))
st.caption(_("Each card is one open item, with one button that goes straight to it."))
with st.container(border=True):
    st.markdown(_("**Check your organisation profile**"))
    st.write(_("Partnerships and counterparts read it before they agree to an exchange."))
    st.page_link("pages/participant/organisation.py", label=_("Open my organisation"), icon=":material/apartment:")
if organisation is not None:
    st.caption(_("You act for {org}.").format(org=organisation.legal_name))
