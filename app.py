"""CXC Desk: page config, login, and the navigation of the logged-in role. Nothing else."""

from pathlib import Path

import streamlit as st

from domain.i18n import _
from domain.labels import ROLE_LABELS
from services.accounts import instance_needs_setup
from services.runtime import read_session
from ui import language, oidc, style
from ui.navigation import build_pages
from ui.session import logged_out_just_now, logout, render_cookie_handoff, resolve_user
from web import metrics

# A local icon: the Content-Security-Policy lets the page load nothing from other sites.
FAVICON = Path(__file__).resolve().with_name("web") / "favicon.png"
st.set_page_config(page_title="CXC Desk", page_icon=str(FAVICON), layout="wide")
style.apply()

user = resolve_user()
locale = language.apply(user)  # the language of this run: every _() below follows it
with st.sidebar:
    st.markdown("**CXC Desk**")  # the product's name in every language; not a heading: the page's h1 comes first
    st.caption(_("ClusterXchange: short stays abroad between cluster members"))
    if user is not None:
        st.write(_("Logged in as **{name}** ({role})").format(name=user.full_name, role=ROLE_LABELS[user.role]))
        if st.button(_("Log out"), key="logout_button", icon=":material/logout:"):
            if logout():
                st.stop()  # on the way to the identity provider's logout
            st.rerun()  # this run has drawn the logged-in sidebar already; the next one draws the public side
    elif logged_out_just_now():
        st.toast(_("You are logged out."))
    language.render_switch(locale)
    render_cookie_handoff()

with read_session() as session:
    needs_setup = user is None and instance_needs_setup(session)

# expanded: every page of the role one click away, never behind "View N more".
page = st.navigation(build_pages(user.role if user else None, needs_setup=needs_setup), expanded=True)
if user is None:
    oidc.render_notice()  # after st.navigation: its link needs the registered pages
with metrics.timed_run():  # the load figures of /metrics
    page.run()
