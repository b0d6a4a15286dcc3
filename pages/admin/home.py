from datetime import UTC, datetime

import streamlit as st

from domain.enums import Role
from domain.i18n import _
from services.queries import programme_counts
from services.reminders import send_reminders
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role

admin = require_role(Role.ADMIN)
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

st.header(_("Reminders"))
st.caption(
    _(
        "E-mails for closing reports and payments past their due day; never twice for the same item on the same day. "
        "A daily cron can run `python manage.py remind` instead."
    )
)
if st.button(_("Send reminders now"), icon=":material/notifications_active:", key="send_reminders"):
    report = act(
        lambda s: send_reminders(s, today=datetime.now(UTC).date(), actor=admin),
        success=_("Reminders written to the outbox."),
        form="remind",
    )
    if report is not None:
        st.success(
            _("{sent} reminders sent, {already} already sent today.").format(sent=report.sent, already=report.already)
        )
