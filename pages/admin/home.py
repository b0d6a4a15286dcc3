import streamlit as st

from auth.guard import require_role
from db.engine import read_session
from db.enums import Role
from db.queries import programme_counts
from forms.i18n import _

require_role(Role.ADMIN)
with read_session() as session:
    counts = programme_counts(session)

st.title(_("Support Office overview"))
cols = st.columns(3)
cols[0].metric(_("Partnerships"), counts.partnerships)
cols[1].metric(_("Organisations"), counts.organisations)
cols[2].metric(_("Participants"), counts.participants)
cols = st.columns(3)
cols[0].metric(_("Coordinators"), counts.coordinators)
cols[1].metric(_("E-mails waiting in the outbox"), counts.queued_mails)
cols[2].metric(_("Audit events"), counts.audit_events)
