import streamlit as st

from db.engine import write_session
from services.accounts import create_first_admin
from domain.i18n import _
from ui.widgets import text_field, form_errors_banner, run_action

FORM = "setup"
st.title(_("Set up this instance"))
st.info(_("This CXC Desk has no users yet. Create the first administrator: the Support Office account that "
          "creates Partnerships and coordinator accounts. This page disappears once it is done."))
form_errors_banner(FORM)
with st.form(FORM):
    full_name = text_field(FORM, "full_name", _("Full name"), key="setup_full_name", max_chars=120)
    email = text_field(FORM, "email", _("E-mail"), key="setup_email", max_chars=254)
    username = text_field(FORM, "username", _("User name"), key="setup_username", max_chars=40, help=_("e.g. admin"))
    password = text_field(FORM, "password", _("Password"), key="setup_password", help=_("At least 12 characters."), password=True)
    password_repeat = text_field(FORM, "password_repeat", _("Repeat password"), key="setup_password_repeat", password=True)
    submitted = st.form_submit_button(_("Create the administrator"), type="primary")

if submitted:

    def create() -> object:
        with write_session() as session:
            return create_first_admin(
                session=session, username=username, email=email, full_name=full_name,
                password=password, password_repeat=password_repeat,
            )

    if run_action(FORM, create, success=_("Administrator created.")) is not None:
        st.success(_("The administrator account is ready. Log in with it."))
        # A plain link: this run's menu still holds only the set-up page.
        st.markdown(f"[{_('Go to the login page')}](login)")
