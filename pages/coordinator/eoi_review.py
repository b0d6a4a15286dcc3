import streamlit as st

from ui.guard import require_role
from db.engine import read_session, write_session
from domain.enums import Action, EOIState, Party, Role
from db.models import Document, Organisation, Partnership
from domain.rules import country_name
from services import eois
from domain.errors import NotFound
from services.partnerships import list_partnerships
from services.scope import load_eoi
from services.timeline import timeline
from domain.i18n import _
from ui.journey import badge, history
from domain.labels import ORG_TYPE_LABELS
from ui.widgets import attempt, record_id
from forms.spec import load_spec
from ui.wizard import render_summary

user = require_role(Role.COORDINATOR)
st.title(_("Review an expression of interest"))
eoi_id = record_id()
try:
    if eoi_id is None:
        raise NotFound(_("Open an expression of interest from the work queue."))
    with read_session() as session:
        eoi, parties = load_eoi(session, user, eoi_id)
        organisation = session.get(Organisation, eoi.organisation_id)
        partnership = session.get(Partnership, eoi.partnership_id) if eoi.partnership_id else None
        cv = session.get(Document, eoi.answers.get("cv", {}).get("document_id")) if eoi.answers.get("cv") else None
        events = timeline(session, "eoi", eoi.id)  # type: ignore[arg-type]
        all_partnerships = {p.id: p.name for p in list_partnerships(session)}
except NotFound as exc:
    st.error(str(exc))
    st.page_link("pages/coordinator/home.py", label=_("Back to the work queue"), icon=":material/arrow_back:")
    st.stop()

st.page_link("pages/coordinator/home.py", label=_("Back to the work queue"), icon=":material/arrow_back:")
assert organisation is not None
st.subheader(f"{organisation.legal_name} · {_('Visitor') if eoi.side.value == 'visitor' else _('Host')}")
badge(eoi.state)
st.markdown(
    f"{ORG_TYPE_LABELS[organisation.org_type]} · {organisation.city}, {country_name(organisation.country)}"
    f" · {_('Cluster')}: {organisation.cluster_name or '—'} · {_('Partnership')}: {partnership.name if partnership else _('Assign me')}"
)
render_summary(load_spec(eoi.spec_name), eoi.answers)
if cv is not None and cv.content:
    st.download_button(_("Download the CV"), data=cv.content, file_name=cv.filename, mime=cv.mime_type, icon=":material/download:")

if eoi.state == EOIState.SUBMITTED and Party.PARTNERSHIP in parties:
    if eoi.partnership_id is None:
        st.subheader(_("Assign to a Partnership"))
        target = st.selectbox(_("Partnership"), list(all_partnerships), format_func=lambda i: all_partnerships[i],
                              index=list(all_partnerships).index(user.partnership_id) if user.partnership_id in all_partnerships else 0)
        if st.button(_("Assign"), key="assign_eoi"):
            def assign():  # type: ignore[no-untyped-def]
                with write_session() as session:
                    return eois.assign_eoi(session=session, actor=user, eoi_id=eoi.id, partnership_id=target)  # type: ignore[arg-type]

            if attempt(assign, success=_("Assigned.")):
                st.rerun()
    else:
        st.subheader(_("Your decision"))
        comment = st.text_area(_("Comment to the organisation"), key="eoi_comment", max_chars=2000,
                               help=_("Required when you request changes or reject: say what to change or why."))
        cols = st.columns(3)
        decision = None
        if cols[0].button(_("Approve"), type="primary", key="eoi_approve", icon=":material/check:"):
            decision = Action.APPROVE
        if cols[1].button(_("Request changes"), key="eoi_changes", icon=":material/edit:"):
            decision = Action.REQUEST_CHANGES
        if cols[2].button(_("Reject"), key="eoi_reject", icon=":material/close:"):
            decision = Action.REJECT
        if decision is not None:
            def decide():  # type: ignore[no-untyped-def]
                with write_session() as session:
                    return eois.decide_eoi(session=session, actor=user, eoi_id=eoi.id, action=decision, comment=comment)  # type: ignore[arg-type]

            if attempt(decide, success=_("Decision recorded; the organisation is told by e-mail.")):
                st.rerun()

history(events)
