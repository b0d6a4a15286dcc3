import streamlit as st

from db.engine import write_session
from services.accounts import request_password_reset, reset_password
from domain.i18n import _
from ui.widgets import text_field, field_error, form_errors_banner, run_action

token = st.query_params.get("token", "")
if not token:
    FORM = "reset_request"
    st.title(_("Forgot your password?"))
    st.caption(_("Enter the e-mail address of your account. If it exists, we send a link to choose a new password."))
    form_errors_banner(FORM)
    with st.form(FORM):
        email = text_field(FORM, "email", _("E-mail"), key="reset_email", max_chars=254)
        submitted = st.form_submit_button(_("Send me a link"), type="primary")
    if submitted:

        def request() -> bool:
            with write_session() as session:
                request_password_reset(session=session, email=email)
            return True

        if run_action(FORM, request, success=_("Request received.")):
            # The same answer whether or not the address has an account (no enumeration).
            st.success(_("If an account uses this address, a link is on its way. It works once, for a limited time."))
else:
    FORM = "reset_password"
    st.title(_("Choose a new password"))
    form_errors_banner(FORM)
    field_error(FORM, "token")
    with st.form(FORM):
        new = text_field(FORM, "new", _("New password"), key="reset_new", help=_("At least 12 characters."), password=True)
        new_repeat = text_field(FORM, "new_repeat", _("Repeat new password"), key="reset_new_repeat", password=True)
        submitted = st.form_submit_button(_("Save my new password"), type="primary")
    if submitted:

        def save() -> bool:
            with write_session() as session:
                reset_password(session=session, token=token, new=new, new_repeat=new_repeat)
            return True

        if run_action(FORM, save, success=_("Password changed.")):
            st.query_params.clear()
            st.success(_("Your password is changed. Log in with it now."))
            st.page_link("pages/public/login.py", label=_("Log in"), icon=":material/login:")
