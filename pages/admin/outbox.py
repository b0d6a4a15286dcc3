import streamlit as st

from auth.guard import require_role
from db.engine import read_session
from db.enums import Role
from db.queries import outbox_page
from forms.i18n import _, moment

require_role(Role.ADMIN)
st.title(_("Outbox"))
st.caption(_("E-mails the app has written. Until SMTP is configured (SMTP_URL), they wait here."))
with read_session() as session:
    mails = outbox_page(session)
if not mails:
    st.info(_("No e-mail yet."))
for mail in mails:
    with st.expander(f"{moment(mail.created_at)} · {mail.to_email} · {mail.subject}"):
        st.caption(f"{_('State')}: {mail.state.value} · {_('Kind')}: {mail.kind}")
        st.text(mail.body)
