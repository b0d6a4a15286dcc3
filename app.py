"""CXC Desk: page config, login, and the navigation of the logged-in role. Nothing else."""

import streamlit as st

from domain.i18n import _
from domain.labels import ROLE_LABELS
from services.accounts import instance_needs_setup
from services.runtime import read_session
from ui.navigation import build_pages
from ui.session import logout, resolve_user

st.set_page_config(page_title="CXC Desk", page_icon=":material/travel_explore:", layout="wide")

user = resolve_user()
with st.sidebar:
    st.markdown(f"### {_('CXC Desk')}")
    st.caption(_("ClusterXchange: short stays abroad between cluster members"))
    if user is not None:
        st.write(_("Logged in as **{name}** ({role})").format(name=user.full_name, role=ROLE_LABELS[user.role]))
        if st.button(_("Log out"), key="logout_button", icon=":material/logout:"):
            logout()
            user = None
            st.toast(_("You are logged out."))

with read_session() as session:
    needs_setup = user is None and instance_needs_setup(session)

st.navigation(build_pages(user.role if user else None, needs_setup=needs_setup)).run()
