import streamlit as st

from ui.session import render_login_form
from domain.i18n import _

st.title(_("Log in to CXC Desk"))
if render_login_form() is not None:
    st.success(_("You are logged in."))
    st.stop()
st.page_link("pages/public/register.py", label=_("No account yet? Register your organisation"), icon=":material/person_add:")
st.page_link("pages/public/reset_password.py", label=_("Forgot your password?"), icon=":material/key:")
