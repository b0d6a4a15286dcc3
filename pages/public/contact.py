import streamlit as st

from domain.i18n import _
from services.contact import send_message
from services.instance import identity
from services.runtime import read_session
from ui.actions import act
from ui.session import current_user
from ui.widgets import field_error, support_office_lines

user = current_user()
st.title(_("Contact the Support Office"))
with read_session() as session:
    support_office_lines(identity(session))
with st.form("contact_form"):
    name = st.text_input(_("Your name") + " *", value=user.full_name if user else "", key="contact_name", max_chars=120)
    field_error("contact", "name")
    email = st.text_input(
        _("Your e-mail address") + " *", value=user.email if user else "", key="contact_email", max_chars=254
    )
    field_error("contact", "email")
    subject = st.text_input(_("Subject") + " *", key="contact_subject", max_chars=200)
    field_error("contact", "subject")
    body = st.text_area(_("Your message") + " *", key="contact_body", max_chars=5000, height=180)
    field_error("contact", "body")
    sent = st.form_submit_button(_("Send"), icon=":material/send:")
if sent:
    if (
        act(
            lambda s: send_message(session=s, name=name, email=email, subject=subject, body=body),
            success=_("Message sent."),
            form="contact",
        )
        is not None
    ):
        st.success(
            _("Thank you. The Support Office answers by e-mail, at the address you gave."),
            icon=":material/mark_email_read:",
        )
