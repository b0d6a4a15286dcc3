import streamlit as st

from domain.i18n import _
from services.accounts import create_first_admin
from ui.actions import act
from ui.widgets import form_errors_banner, text_field

FORM = "setup"
st.title(_("Set up this instance"))
st.info(
    _(
        "This CXC Desk has no users yet. Create the first administrator: the Support Office account that "
        "creates Partnerships and coordinator accounts. This page disappears once it is done."
    )
)
form_errors_banner(FORM)
with st.form(FORM):
    full_name = text_field(FORM, "full_name", _("Full name"), key="setup_full_name", max_chars=120)
    email = text_field(FORM, "email", _("E-mail"), key="setup_email", max_chars=254)
    username = text_field(FORM, "username", _("User name"), key="setup_username", max_chars=40, help=_("e.g. admin"))
    password = text_field(
        FORM, "password", _("Password"), key="setup_password", help=_("At least 12 characters."), password=True
    )
    password_repeat = text_field(
        FORM, "password_repeat", _("Repeat password"), key="setup_password_repeat", password=True
    )
    submitted = st.form_submit_button(_("Create the administrator"), type="primary")

if submitted:
    created = act(
        lambda s: create_first_admin(
            session=s,
            username=username,
            email=email,
            full_name=full_name,
            password=password,
            password_repeat=password_repeat,
        ),
        success=_("Administrator created."),
        form=FORM,
    )
    if created is not None:
        st.success(_("The administrator account is ready. Log in with it."))
        # A plain link: this run's menu still holds only the set-up page.
        st.markdown(f"[{_('Go to the login page')}](login)")
