import streamlit as st

from domain.i18n import _
from services.accounts import request_password_reset, reset_password
from ui.actions import act
from ui.widgets import field_error, form_errors_banner, text_field

token = st.query_params.get("token", "")
if not token:
    FORM = "reset_request"
    st.title(_("Forgot your password?"))
    st.caption(_("Enter the e-mail address of your account. If it exists, we send a link to choose a new password."))
    form_errors_banner(FORM)
    with st.form(FORM):
        email = text_field(FORM, "email", _("E-mail"), key="reset_email", max_chars=254)
        submitted = st.form_submit_button(_("Send me a link"), type="primary")
    if submitted and act(
        lambda s: request_password_reset(session=s, email=email), success=_("Request received."), form=FORM
    ):
        # The same answer whether or not the address has an account (no enumeration).
        st.success(_("If an account uses this address, a link is on its way. It works once, for a limited time."))
else:
    FORM = "reset_password"
    st.title(_("Choose a new password"))
    form_errors_banner(FORM)
    field_error(FORM, "token")
    with st.form(FORM):
        new = text_field(
            FORM, "new", _("New password"), key="reset_new", help=_("At least 12 characters."), password=True
        )
        new_repeat = text_field(FORM, "new_repeat", _("Repeat new password"), key="reset_new_repeat", password=True)
        submitted = st.form_submit_button(_("Save my new password"), type="primary")
    if submitted and act(
        lambda s: reset_password(session=s, token=token, new=new, new_repeat=new_repeat),
        success=_("Password changed."),
        form=FORM,
    ):
        st.query_params.clear()
        st.success(_("Your password is changed. Log in with it now."))
        st.page_link("pages/public/login.py", label=_("Log in"), icon=":material/login:")
