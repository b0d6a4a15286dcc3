import streamlit as st

from domain.i18n import _
from ui import oidc
from ui.session import render_login_form

st.title(_("Log in to CXC Desk"))
if render_login_form() is not None:
    # The next run builds this role's menu and goes home; the cookie follows from there.
    st.rerun()
oidc.render_sign_in_button()
st.page_link(
    "pages/public/register.py", label=_("No account yet? Register your organisation"), icon=":material/person_add:"
)
st.page_link("pages/public/reset_password.py", label=_("Forgot your password?"), icon=":material/key:")
