import streamlit as st

from domain.enums import Action, EOIState, Role, Side
from domain.errors import NotFound
from domain.i18n import _, day
from services import eois
from services.partnerships import list_partnerships
from services.rules import rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.journey import badge, history
from ui.widgets import record_id
from ui.wizard import Wizard, render_summary, wizard

user = require_role(Role.PARTICIPANT)
SIDES = {Side.VISITOR: _("Visitor (we travel)"), Side.HOST: _("Host (we receive)")}
st.title(_("Expressions of interest"))

eoi_id = record_id()
if eoi_id is None:
    with read_session() as session:
        mine = eois.my_eois(session, user)
        partnerships = {p.id: f"{p.acronym} · {p.name}" for p in list_partnerships(session)}
    if mine:
        for eoi in mine:
            with st.container(border=True):
                cols = st.columns([3, 2, 2])
                cols[0].markdown(_("**{side}** · number {id}").format(side=SIDES[eoi.side], id=eoi.id))
                with cols[1]:
                    badge(eoi.state)
                cols[2].page_link(
                    "pages/participant/eoi.py",
                    label=_("Open"),
                    query_params={"id": str(eoi.id)},
                    icon=":material/open_in_new:",
                )
    else:
        st.info(
            _(
                "Your organisation has no expression of interest yet. Start one below: it is the first step of every "
                "exchange."
            )
        )
    st.header(_("Start an expression of interest"))
    with st.form("start_eoi"):
        side = st.radio(
            _("Your organisation takes part as") + " *", list(SIDES), format_func=lambda s: SIDES[s], key="eoi_side"
        )
        options: list[int | None] = [None, *partnerships]
        partnership_id = st.selectbox(
            _("Partnership that supervises your side") + " *",
            options,
            key="eoi_partnership",
            format_func=lambda i: (
                _("Assign me: the first Partnership to take it up supervises it") if i is None else partnerships[i]
            ),
            help=_("Each side chooses its Partnership; they may differ."),
        )
        start = st.form_submit_button(_("Start"), type="primary")
    if start:
        created = act(
            lambda s: eois.start_eoi(session=s, actor=user, side=side, partnership_id=partnership_id),
            success=_("Draft created: fill it in step by step."),
        )
        if created is not None:
            st.query_params["id"] = str(created.id)
            st.rerun()
    st.stop()

try:
    with read_session() as session:
        view = eois.eoi_view(session, user, eoi_id)
except NotFound as exc:
    st.error(str(exc))
    st.stop()

eoi, partnership = view.eoi, view.partnership
st.page_link("pages/participant/eoi.py", label=_("All expressions of interest"), icon=":material/arrow_back:")
supervisor = partnership.name if partnership else _("Assign me")
st.header(f"{SIDES[eoi.side]} · {supervisor}")
badge(eoi.state)
if view.entered_by:
    st.info(
        _("Entered on your organisation's behalf by {who} on {day}.").format(
            who=view.entered_by, day=day(eoi.created_at)
        )
        + (
            " " + _("Check every step, change what needs changing, and send it: that is your confirmation.")
            if Action.SUBMIT in view.actions
            else ""
        ),
        icon=":material/how_to_reg:",
    )
if eoi.last_comment and eoi.state in (EOIState.CHANGES_REQUESTED, EOIState.REJECTED):
    st.warning(_("Comment from the Partnership: {comment}").format(comment=eoi.last_comment), icon=":material/comment:")

if Action.SUBMIT in view.actions:
    form_id = f"eoi{eoi_id}"

    def upload(session, field, filename, content):
        document = eois.attach_cv(session=session, actor=user, eoi_id=eoi_id, filename=filename, content=content)
        return {
            "document_id": document.id,
            "filename": document.filename,
            "size_bytes": document.size_bytes,
            "sha256": document.sha256,
        }

    with read_session() as session:
        rules = rules_in_force(session)
    outcome = wizard(
        eoi.spec_name,
        form_id=form_id,
        stored=eoi.answers,
        version=(eoi_id, eoi.state.value),
        rules=rules,
        submit_label=_("Confirm and send to the Partnership") if view.entered_by else _("Send to the Partnership"),
        uploader=upload,
    )
    if outcome.action == "save":
        act(
            lambda s: eois.save_eoi_draft(session=s, actor=user, eoi_id=eoi_id, answers=outcome.answers),
            success=_("Draft saved; you can come back to it later."),
        )
    elif outcome.action == "submit":
        act(
            lambda s: eois.submit_eoi(session=s, actor=user, eoi_id=eoi_id, answers=outcome.answers),
            success=_("Sent: your Partnership reviews it next."),
            on_invalid=Wizard(eoi.spec_name, form_id).show_errors,
            rerun=True,
        )
else:
    render_summary(eoi.spec_name, eoi.answers)

if Action.WITHDRAW in view.actions:
    with st.expander(_("Withdraw this expression of interest")):
        st.write(_("Withdrawing is final; you can start a new one later."))
        if st.button(_("Withdraw"), key="withdraw_eoi"):
            act(lambda s: eois.withdraw_eoi(session=s, actor=user, eoi_id=eoi_id), success=_("Withdrawn."), rerun=True)

history(view.events)
