import streamlit as st

from domain.i18n import _
from services.colleagues import accept_invitation
from ui.actions import act
from ui.widgets import field_error, form_errors_banner, text_field

FORM = "accept_invitation"
token = st.query_params.get("token", "")
st.title(_("Join your organisation"))
if not token:
    st.warning(
        _("Open this page with the link of your invitation e-mail. Already have an account? Log in instead."),
        icon=":material/link_off:",
    )
    st.page_link("pages/public/login.py", label=_("Log in"), icon=":material/login:")
    st.stop()
st.caption(_("Choose the password of your account. The link works once; then you log in with your user name."))
form_errors_banner(FORM)
field_error(FORM, "token")
with st.form(FORM):
    new = text_field(FORM, "new", _("New password"), key="invite_new", help=_("At least 12 characters."), password=True)
    new_repeat = text_field(FORM, "new_repeat", _("Repeat new password"), key="invite_new_repeat", password=True)
    submitted = st.form_submit_button(_("Save my password"), type="primary")
if submitted:
    person = act(
        lambda s: accept_invitation(session=s, token=token, new=new, new_repeat=new_repeat),
        success=_("Password saved."),
        form=FORM,
    )
    if person is not None and person is not True:
        st.query_params.clear()
        st.success(
            _("Welcome! Log in now with your user name “{username}” and this password.").format(
                username=person.username
            )
        )
        st.page_link("pages/public/login.py", label=_("Log in"), icon=":material/login:")
