"""The journey as data: transition tables for expressions of interest and exchanges.

Pure: no I/O. A row says from which state an action leads to which state, which parties
may take it, and a guard: a function of the facts about the record that returns None when
the action is allowed, or a sentence saying why not. Pages derive their buttons from
`available_actions` (through `services.permissions`); `services.transitions.apply_transition` applies one row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from domain.enums import Action, EOIState, ExchangeState, Party
from domain.i18n import N_, Translated, _


@dataclass(frozen=True)
class Facts:
    """What guards may look at: a snapshot taken by the service before applying an action."""

    comment: str = ""
    partnership_assigned: bool = True
    both_eois_approved: bool = True
    both_sides_confirmed: bool = True  # an exchange encoded by a Partnership: each organisation confirmed it
    plan_agreed_by_both: bool = False
    plan_approved_by_both_partnerships: bool = False
    all_signatures_in: bool = False
    stay_started: bool = False
    stay_ended: bool = False
    report_complete: bool = False
    extra: dict[str, bool] = field(default_factory=dict)


Guard = Callable[[Facts], str | None]


def always(_: Facts) -> str | None:
    return None


def comment_required(facts: Facts) -> str | None:
    return None if facts.comment.strip() else _("Please write a comment that says what to change or why.")


def partnership_assigned(facts: Facts) -> str | None:
    if facts.partnership_assigned:
        return None
    return _("Assign this expression of interest to a Partnership first.")


def not_yet_assigned(facts: Facts) -> str | None:
    return None if not facts.partnership_assigned else _("This expression of interest already has a Partnership.")


def both_eois_approved(facts: Facts) -> str | None:
    if facts.both_eois_approved:
        return None
    return _("Both sides need an approved expression of interest before the exchange is agreed.")


def both_eois_approved_and_confirmed(facts: Facts) -> str | None:
    if not facts.both_sides_confirmed:
        return _("Both organisations must confirm the exchange that their Partnership entered on their behalf.")
    return both_eois_approved(facts)


def both_sides_agreed_plan(facts: Facts) -> str | None:
    if facts.plan_agreed_by_both:
        return None
    return _("Visitor and Host must both agree to the same version of the action plan.")


def both_partnerships_approved(facts: Facts) -> str | None:
    if facts.plan_approved_by_both_partnerships:
        return None
    return _("Both Partnerships must approve the action plan.")


def all_signatures_in(facts: Facts) -> str | None:
    return None if facts.all_signatures_in else _("Some parties have not signed yet.")


def stay_started(facts: Facts) -> str | None:
    return None if facts.stay_started else _("The stay has not started yet.")


def stay_ended(facts: Facts) -> str | None:
    return None if facts.stay_ended else _("The stay has not ended yet.")


def report_complete(facts: Facts) -> str | None:
    return None if facts.report_complete else _("The closing report is not complete.")


@dataclass(frozen=True)
class T:
    source: StrEnum
    action: Action
    target: StrEnum
    by: frozenset[Party]
    guard: Guard = always


def _t(source: StrEnum, action: Action, target: StrEnum, by: Iterable[Party], guard: Guard = always) -> T:
    return T(source, action, target, frozenset(by), guard)


A = Party.APPLICANT
P = Party.PARTNERSHIP
SO = Party.SUPPORT_OFFICE

EOI_TRANSITIONS: tuple[T, ...] = (
    _t(EOIState.DRAFT, Action.SUBMIT, EOIState.SUBMITTED, {A}),
    _t(EOIState.CHANGES_REQUESTED, Action.SUBMIT, EOIState.SUBMITTED, {A}),
    _t(EOIState.SUBMITTED, Action.APPROVE, EOIState.APPROVED, {P}, partnership_assigned),
    _t(EOIState.SUBMITTED, Action.REQUEST_CHANGES, EOIState.CHANGES_REQUESTED, {P}, comment_required),
    _t(EOIState.SUBMITTED, Action.REJECT, EOIState.REJECTED, {P}, comment_required),
    _t(EOIState.SUBMITTED, Action.ASSIGN, EOIState.SUBMITTED, {P, SO}, not_yet_assigned),
    _t(EOIState.DRAFT, Action.WITHDRAW, EOIState.WITHDRAWN, {A}),
    _t(EOIState.SUBMITTED, Action.WITHDRAW, EOIState.WITHDRAWN, {A}),
    _t(EOIState.CHANGES_REQUESTED, Action.WITHDRAW, EOIState.WITHDRAWN, {A}),
)

V = Party.VISITOR
H = Party.HOST
VP = Party.VISITOR_PARTNERSHIP
HP = Party.HOST_PARTNERSHIP
SYS = Party.SYSTEM
X = ExchangeState

# Any party or supervising Partnership may cancel before the payment is ordered.
CANCELLABLE: tuple[ExchangeState, ...] = (
    X.PROPOSED,
    X.AGREED,
    X.PLANNING,
    X.PLAN_SUBMITTED,
    X.PLAN_APPROVED,
    X.SIGNING,
    X.READY,
    X.IN_PROGRESS,
    X.REPORTING,
    X.REPORT_SUBMITTED,
    X.REPORT_ACCEPTED,
)

# From the first Financial Agreement until the lump sum is paid, the agreement binds the Visitor's paying
# account: a change of that account replaces the agreement in these states.
ACCOUNT_BOUND_STATES: tuple[ExchangeState, ...] = (
    X.SIGNING,
    X.READY,
    X.IN_PROGRESS,
    X.REPORTING,
    X.REPORT_SUBMITTED,
    X.REPORT_ACCEPTED,
    X.PAYMENT_ORDERED,
)
# After the signing step, a replaced agreement is signed again without moving the exchange back.
AGREEMENT_RESIGN_STATES: tuple[ExchangeState, ...] = ACCOUNT_BOUND_STATES[1:]

EXCHANGE_TRANSITIONS: tuple[T, ...] = (
    # The counterpart answers a proposal; "counterpart" is checked by the service (the
    # proposing side may not accept its own proposal), the parties here are the candidates.
    # An exchange a Partnership entered on the organisations' behalf is agreed when both of them confirmed it.
    _t(X.PROPOSED, Action.ACCEPT, X.AGREED, {V, H}, both_eois_approved_and_confirmed),
    _t(X.PROPOSED, Action.DECLINE, X.DECLINED, {V, H}),
    _t(X.AGREED, Action.OPEN_PLAN, X.PLANNING, {V, H}),
    _t(X.PLANNING, Action.SUBMIT_PLAN, X.PLAN_SUBMITTED, {V, H, SYS}, both_sides_agreed_plan),
    _t(X.PLAN_SUBMITTED, Action.APPROVE_PLAN, X.PLAN_APPROVED, {VP, HP, SYS}, both_partnerships_approved),
    _t(X.PLAN_SUBMITTED, Action.REQUEST_PLAN_CHANGES, X.PLANNING, {VP, HP}, comment_required),
    _t(X.PLAN_APPROVED, Action.GENERATE_DOCUMENTS, X.SIGNING, {VP, HP, SYS}),
    # A change after approval (even after signatures) reopens the plan; the documents are superseded.
    _t(X.PLAN_APPROVED, Action.REQUEST_PLAN_CHANGES, X.PLANNING, {VP, HP}, comment_required),
    _t(X.SIGNING, Action.REQUEST_PLAN_CHANGES, X.PLANNING, {VP, HP}, comment_required),
    _t(X.SIGNING, Action.COMPLETE_SIGNATURES, X.READY, {SYS}, all_signatures_in),
    _t(X.READY, Action.START_STAY, X.IN_PROGRESS, {V, VP, SYS}, stay_started),
    _t(X.IN_PROGRESS, Action.END_STAY, X.REPORTING, {V, VP, SYS}, stay_ended),
    _t(X.REPORTING, Action.SUBMIT_REPORT, X.REPORT_SUBMITTED, {V}, report_complete),
    _t(X.REPORT_SUBMITTED, Action.ACCEPT_REPORT, X.REPORT_ACCEPTED, {VP}),
    _t(X.REPORT_SUBMITTED, Action.REQUEST_REPORT_CHANGES, X.REPORTING, {VP}, comment_required),
    _t(X.REPORT_ACCEPTED, Action.ORDER_PAYMENT, X.PAYMENT_ORDERED, {VP}),
    _t(X.PAYMENT_ORDERED, Action.CONFIRM_PAYMENT, X.PAID, {VP}),
    *(_t(state, Action.CANCEL, X.CANCELLED, {V, H, VP, HP}, comment_required) for state in CANCELLABLE),
)

TERMINAL_EOI_STATES = frozenset({EOIState.APPROVED, EOIState.REJECTED, EOIState.WITHDRAWN})
TERMINAL_EXCHANGE_STATES = frozenset({X.PAID, X.CANCELLED, X.DECLINED})


class TransitionRefused(Exception):
    """The action is not possible now; the message says why in words a user understands."""


def find_transition(table: Iterable[T], source: StrEnum, action: Action) -> T | None:
    for row in table:
        if row.source == source and row.action == action:
            return row
    return None


def check(table: Iterable[T], source: StrEnum, action: Action, parties: Iterable[Party], facts: Facts) -> T:
    """The transition to apply, or TransitionRefused naming the reason."""
    row = find_transition(table, source, action)
    if row is None:
        raise TransitionRefused(
            _("“{action}” is not possible while the record is “{state}”.").format(
                action=action_label(action), state=_(state_label(source))
            )
        )
    if not row.by & frozenset(parties):
        raise TransitionRefused(_("You may not “{action}” here.").format(action=action_label(action)))
    reason = row.guard(facts)
    if reason:
        raise TransitionRefused(reason)
    return row


def available_actions(
    table: Iterable[T], source: StrEnum, parties: Iterable[Party], facts: Facts | None = None
) -> list[Action]:
    """Actions the given parties may take from this state (guards are checked on click).

    With `facts`, actions whose guard already refuses are left out too, except for a missing
    comment: the comment is typed with the click.
    """
    mine = frozenset(parties)
    rows = [row for row in table if row.source == source and row.by & mine]
    if facts is not None:
        rows = [row for row in rows if row.guard is comment_required or row.guard(facts) is None]
    return [row.action for row in rows]


def states_of(table: Iterable[T]) -> set[StrEnum]:
    rows = list(table)
    return {row.source for row in rows} | {row.target for row in rows}


STATE_LABELS: dict[StrEnum, str] = {
    EOIState.DRAFT: N_("Draft"),
    EOIState.SUBMITTED: N_("Sent to the Partnership"),
    EOIState.APPROVED: N_("Approved"),
    EOIState.CHANGES_REQUESTED: N_("Changes requested"),
    EOIState.REJECTED: N_("Rejected"),
    EOIState.WITHDRAWN: N_("Withdrawn"),
    X.PROPOSED: N_("Proposed"),
    X.AGREED: N_("Agreed"),
    X.PLANNING: N_("Writing the action plan"),
    X.PLAN_SUBMITTED: N_("Plan sent for approval"),
    X.PLAN_APPROVED: N_("Plan approved"),
    X.SIGNING: N_("Signing"),
    X.READY: N_("Ready to go"),
    X.IN_PROGRESS: N_("Stay in progress"),
    X.REPORTING: N_("Closing report due"),
    X.REPORT_SUBMITTED: N_("Closing report sent"),
    X.REPORT_ACCEPTED: N_("Closing report accepted"),
    X.PAYMENT_ORDERED: N_("Payment ordered"),
    X.PAID: N_("Paid"),
    X.CANCELLED: N_("Cancelled"),
    X.DECLINED: N_("Declined"),
}


def state_label(state: StrEnum) -> str:
    return STATE_LABELS.get(state, str(state).replace("_", " ").capitalize())


# What a step is called where a sentence names it ("“Approve the plan” is not possible while …"), in the reader's
# language.
ACTION_LABELS: Translated[Action] = Translated(
    {
        Action.SUBMIT: N_("Send to the Partnership"),
        Action.APPROVE: N_("Approve"),
        Action.REQUEST_CHANGES: N_("Ask for changes"),
        Action.REJECT: N_("Reject"),
        Action.WITHDRAW: N_("Withdraw"),
        Action.ASSIGN: N_("Assign to a Partnership"),
        Action.ACCEPT: N_("Accept the proposal"),
        Action.DECLINE: N_("Decline the proposal"),
        Action.OPEN_PLAN: N_("Open the action plan"),
        Action.SUBMIT_PLAN: N_("Send the action plan for approval"),
        Action.APPROVE_PLAN: N_("Approve the plan"),
        Action.REQUEST_PLAN_CHANGES: N_("Ask for changes to the plan"),
        Action.GENERATE_DOCUMENTS: N_("Issue the documents"),
        Action.COMPLETE_SIGNATURES: N_("Complete the signatures"),
        Action.START_STAY: N_("Start the stay"),
        Action.END_STAY: N_("End the stay"),
        Action.SUBMIT_REPORT: N_("Send the closing report"),
        Action.ACCEPT_REPORT: N_("Accept the closing report"),
        Action.REQUEST_REPORT_CHANGES: N_("Ask for changes to the closing report"),
        Action.ORDER_PAYMENT: N_("Order the payment"),
        Action.CONFIRM_PAYMENT: N_("Confirm the payment"),
        Action.CANCEL: N_("Cancel the exchange"),
    }
)


def action_label(action: Action) -> str:
    """The step's name in the reader's language."""
    return ACTION_LABELS[action] if action in ACTION_LABELS.source else str(action).replace("_", " ")


# An exchange counts (in the figures, and as "the Visitor took part") once its action plan is
# approved and it was not cancelled since; proposals, and exchanges declined or cancelled, do not.
APPROVED_STATES = frozenset(
    {
        ExchangeState.PLAN_APPROVED,
        ExchangeState.SIGNING,
        ExchangeState.READY,
        ExchangeState.IN_PROGRESS,
        ExchangeState.REPORTING,
        ExchangeState.REPORT_SUBMITTED,
        ExchangeState.REPORT_ACCEPTED,
        ExchangeState.PAYMENT_ORDERED,
        ExchangeState.PAID,
    }
)
