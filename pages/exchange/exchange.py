import streamlit as st

from domain.enums import Action, Role
from domain.errors import NotFound
from domain.i18n import _
from services.exchange_view import exchange_view
from services.rules import rules_in_force
from services.runtime import read_session
from ui import exchange as section
from ui.guard import require_role
from ui.journey import history
from ui.widgets import record_id

user = require_role(Role.PARTICIPANT, Role.COORDINATOR)
exchange_id = record_id()
try:
    if exchange_id is None:
        raise NotFound(_("Open an exchange from your list."))
    with read_session() as session:
        view = exchange_view(session, user, exchange_id)
        rules = rules_in_force(session, view.exchange)  # frozen at plan approval, else the version in force
except NotFound as exc:
    st.title(_("Exchange"))
    st.error(str(exc))
    st.stop()

# Which sections and buttons show follows from the workflow table's actions for this person.
actions = view.actions
section.header(view)
section.entered_on_behalf(view)
section.warn_if_moved_on(view)
if Action.ACCEPT in actions:
    section.proposal_answer(view, user)
if Action.SUBMIT_PLAN in actions:
    section.plan_editor(view, user, rules)
else:
    section.plan_summary(view)
if Action.APPROVE_PLAN in actions and view.latest_plan:
    section.plan_decision(view, user)
section.compare_plans(view)
section.account_needed(view)
section.documents_to_sign(view, user)
section.other_documents(view, user)
if Action.REQUEST_PLAN_CHANGES in actions and Action.APPROVE_PLAN not in actions:
    section.reopen_plan(view, user)
for one_click in (Action.START_STAY, Action.END_STAY):
    if one_click in actions:
        section.one_click(view, user, one_click)
if Action.SUBMIT_REPORT in actions:
    section.report_editor(view, user, rules)
else:
    section.report_summary(view)
if view.may_give_host_feedback:
    section.host_feedback(view, user)
if Action.ACCEPT_REPORT in actions:
    section.report_decision(view, user)
if Action.ORDER_PAYMENT in actions:
    section.one_click(view, user, Action.ORDER_PAYMENT)
section.payment_state(view)
if Action.CANCEL in actions:
    section.cancel(view, user)
section.comments(view, user)
history(view.events)
