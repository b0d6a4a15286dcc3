import streamlit as st

from domain.enums import Action, Role, Side
from domain.errors import NotFound
from domain.i18n import _
from domain.labels import ORG_TYPE_LABELS
from domain.rules import country_name
from services import eois
from services.colleagues import managed_people
from services.partnerships import list_partnerships
from services.runtime import read_session
from ui.actions import act
from ui.colleagues import colleagues_section
from ui.guard import require_role
from ui.journey import badge, history
from ui.widgets import record_id
from ui.wizard import render_summary

user = require_role(Role.COORDINATOR)
st.title(_("Review an expression of interest"))
eoi_id = record_id()
try:
    if eoi_id is None:
        raise NotFound(_("Open an expression of interest from the work queue."))
    with read_session() as session:
        view = eois.eoi_view(session, user, eoi_id)
        all_partnerships = {p.id: p.name for p in list_partnerships(session)}
except NotFound as exc:
    st.error(str(exc))
    st.page_link("pages/coordinator/home.py", label=_("Back to the work queue"), icon=":material/arrow_back:")
    st.stop()

st.page_link("pages/coordinator/home.py", label=_("Back to the work queue"), icon=":material/arrow_back:")
eoi, organisation, partnership, cv = view.eoi, view.organisation, view.partnership, view.cv
st.header(f"{organisation.legal_name} · {_('Visitor') if eoi.side == Side.VISITOR else _('Host')}")
badge(eoi.state)
cluster = _("Cluster: {name}").format(name=organisation.cluster_name or "—")
supervisor = _("Partnership: {name}").format(name=partnership.name if partnership else _("Assign me"))
st.markdown(
    f"{ORG_TYPE_LABELS[organisation.org_type]} · {organisation.city}, {country_name(organisation.country)}"
    f" · {cluster} · {supervisor}"
)
if view.entered_by:
    st.info(
        _("Entered on the organisation's behalf by {who}; it counts once the organisation sends it.").format(
            who=view.entered_by
        ),
        icon=":material/how_to_reg:",
    )
render_summary(eoi.spec_name, eoi.answers)
if cv is not None and cv.content:
    st.download_button(
        _("Download the CV"), data=cv.content, file_name=cv.filename, mime=cv.mime_type, icon=":material/download:"
    )

if view.needs_exception:
    if eoi.membership_exception:
        st.info(
            _("Accepted as Host by the funding agency (not a cluster member): {reason}").format(
                reason=eoi.membership_exception
            ),
            icon=":material/verified:",
        )
    else:
        st.warning(
            _(
                "This SME is not a member of a cluster: it can be Host only when the funding agency accepts it. "
                "Record that decision below once you have it; until then no exchange can be proposed with it."
            ),
            icon=":material/warning:",
        )
    if view.may_record_exception:
        reason = st.text_input(
            _("The funding agency's decision (reference and date)"),
            key="membership_exception_reason",
            max_chars=1000,
        )
        if st.button(_("Record the funding agency's exception"), key="membership_exception"):
            act(
                lambda s: eois.record_membership_exception(session=s, actor=user, eoi_id=eoi_id, reason=reason),
                success=_("Recorded; the organisation is told by e-mail."),
                rerun=True,
            )

# The buttons follow from the workflow table: an "assign me" EOI is assigned first, then decided.
if Action.ASSIGN in view.actions:
    st.header(_("Assign to a Partnership"))
    target = st.selectbox(
        _("Partnership"),
        list(all_partnerships),
        format_func=lambda i: all_partnerships[i],
        index=list(all_partnerships).index(user.partnership_id) if user.partnership_id in all_partnerships else 0,
    )
    if st.button(_("Assign"), key="assign_eoi"):
        act(
            lambda s: eois.assign_eoi(session=s, actor=user, eoi_id=eoi_id, partnership_id=target),
            success=_("Assigned."),
            rerun=True,
        )
elif view.actions & {Action.APPROVE, Action.REQUEST_CHANGES, Action.REJECT}:
    st.header(_("Your decision"))
    comment = st.text_area(
        _("Comment to the organisation"),
        key="eoi_comment",
        max_chars=2000,
        help=_("Required when you request changes or reject: say what to change or why."),
    )
    buttons = (
        (Action.APPROVE, _("Approve"), "eoi_approve", ":material/check:"),
        (Action.REQUEST_CHANGES, _("Request changes"), "eoi_changes", ":material/edit:"),
        (Action.REJECT, _("Reject"), "eoi_reject", ":material/close:"),
    )
    for col, (action, label, key, icon) in zip(st.columns(len(buttons)), buttons, strict=True):
        if action in view.actions and col.button(
            label, key=key, icon=icon, type="primary" if action == Action.APPROVE else "secondary"
        ):
            act(
                lambda s, action=action: eois.decide_eoi(
                    session=s, actor=user, eoi_id=eoi_id, action=action, comment=comment
                ),
                success=_("Decision recorded; the organisation is told by e-mail."),
                rerun=True,
            )

with read_session() as session:
    people = managed_people(session, user, organisation.id or 0)
if people is not None:  # a coordinator of the organisation's Partnership manages its people too
    colleagues_section(user, people)

history(view.events)
