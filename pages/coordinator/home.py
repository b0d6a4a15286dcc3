import streamlit as st

from auth.guard import require_role
from db.engine import read_session
from db.enums import Role
from db.queries import partnership_of
from forms.i18n import _

user = require_role(Role.COORDINATOR)
with read_session() as session:
    partnership = partnership_of(session, user)

st.title(_("Work queue"))
if partnership is None:
    st.warning(_("Your account is not linked to a Partnership; ask the Support Office."))
    st.stop()
st.caption(_("Everything that waits on {name}, oldest first.").format(name=partnership.name))
st.success(_("Nothing waits on your Partnership right now."), icon=":material/done_all:")
