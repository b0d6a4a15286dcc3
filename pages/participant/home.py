import streamlit as st

from domain.enums import Role
from domain.i18n import _
from services.queries import organisation_of
from services.runtime import read_session
from services.todo import participant_todos
from ui.guard import require_role

user = require_role(Role.PARTICIPANT)
with read_session() as session:
    organisation = organisation_of(session, user)
    todos = participant_todos(session, user)

st.title(_("What to do next"))
if organisation is not None:
    st.caption(_("You act for {org}.").format(org=organisation.legal_name))
if not todos:
    st.success(_("Nothing waits on you right now."), icon=":material/done_all:")
for todo in todos:
    with st.container(border=True):
        st.markdown(f"**{todo.title}**")
        st.write(todo.detail)
        params = {"id": str(todo.record_id)} if todo.record_id else None
        st.page_link(todo.page, label=_("Go"), query_params=params, icon=":material/arrow_forward:")
