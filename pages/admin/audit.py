import streamlit as st

from domain.enums import Role
from domain.i18n import _, moment, ngettext
from services.queries import audit_page, check_audit_chain
from services.runtime import read_session
from ui.guard import require_role

require_role(Role.ADMIN)
st.title(_("Audit log"))
st.caption(
    _(
        "Every change of state, signature and administrative action, newest first. Each event carries a SHA-256 hash "
        "of the one before it, so that a changed, removed or inserted event is detected."
    )
)
with read_session() as session:
    if st.button(_("Check the hash chain"), key="check_chain", icon=":material/link:"):
        report = check_audit_chain(session)
        if report.ok:
            st.success(
                ngettext(
                    "Intact: {n} event, linked to the one before.",
                    "Intact: {n} events, each linked to the one before.",
                    report.events,
                ).format(n=report.events),
                icon=":material/verified:",
            )
        else:
            st.error(
                ngettext(
                    "Broken: {reason} (after {n} good event).",
                    "Broken: {reason} (after {n} good events).",
                    report.events,
                ).format(reason=report.reason, n=report.events),
                icon=":material/gpp_bad:",
            )
    search = st.text_input(_("Filter by record (e.g. exchange 12) or person"), key="audit_search", max_chars=60)
    events = audit_page(session, search=search)
st.dataframe(
    [
        {
            _("No."): e.seq,
            _("When"): moment(e.created_at),
            _("Who"): who or e.actor_label,
            _("Record"): f"{e.entity_type} {e.entity_id}",
            _("Action"): e.action.replace("_", " "),
            _("From"): e.from_state,
            _("To"): e.to_state,
            _("Comment"): e.comment,
            _("Hash"): e.hash[:12],
        }
        for e, who in events
    ],
    hide_index=True,
    width="stretch",
)
