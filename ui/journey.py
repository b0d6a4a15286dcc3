"""How the journey is shown: phases, the step inside them, who acts next, badge colours."""

from __future__ import annotations

from enum import StrEnum

import streamlit as st

from domain.enums import EOIState, ExchangeState
from domain.i18n import N_, _
from domain.workflow import state_label
from services.timeline import TimelineEntry

X = ExchangeState
PHASES: dict[str, tuple[ExchangeState, ...]] = {
    N_("Preparation"): (X.PROPOSED, X.AGREED, X.PLANNING, X.PLAN_SUBMITTED, X.PLAN_APPROVED, X.SIGNING, X.READY),
    N_("Execution"): (X.IN_PROGRESS, X.REPORTING, X.REPORT_SUBMITTED),
    N_("Finalisation"): (X.REPORT_ACCEPTED, X.PAYMENT_ORDERED, X.PAID),
}

NEXT_ACTOR: dict[ExchangeState, str] = {
    X.PROPOSED: N_("Waiting for the other organisation to accept or decline the proposal"),
    X.AGREED: N_("Waiting for Visitor and Host to open the action plan"),
    X.PLANNING: N_("Waiting for Visitor and Host to write and agree the action plan"),
    X.PLAN_SUBMITTED: N_("Waiting for both Partnerships to approve the action plan"),
    X.PLAN_APPROVED: N_("Waiting for the Commitment to Quality and the Financial Agreement"),
    X.SIGNING: N_("Waiting for the signatures"),
    X.READY: N_("Waiting for the stay to start"),
    X.IN_PROGRESS: N_("The stay is under way; the Visitor records its end"),
    X.REPORTING: N_("Waiting for the Visitor's closing report"),
    X.REPORT_SUBMITTED: N_("Waiting for the Visitor's Partnership to accept the closing report"),
    X.REPORT_ACCEPTED: N_("Waiting for the Visitor's Partnership to order the payment"),
    X.PAYMENT_ORDERED: N_("Waiting for the payment to be confirmed"),
    X.PAID: N_("Done: the lump sum is paid"),
    X.CANCELLED: N_("Cancelled"),
    X.DECLINED: N_("Declined by the other organisation"),
}

COLOURS: dict[StrEnum, str] = {
    EOIState.DRAFT: "gray",
    EOIState.SUBMITTED: "blue",
    EOIState.APPROVED: "green",
    EOIState.CHANGES_REQUESTED: "orange",
    EOIState.REJECTED: "red",
    EOIState.WITHDRAWN: "gray",
    X.CANCELLED: "red",
    X.DECLINED: "red",
    X.PAID: "green",
    X.PLAN_SUBMITTED: "blue",
    X.REPORT_SUBMITTED: "blue",
    X.PLANNING: "orange",
    X.REPORTING: "orange",
}


def phase_of(state: ExchangeState) -> str | None:
    for phase, states in PHASES.items():
        if state in states:
            return phase
    return None


def badge(state: StrEnum) -> None:
    """A coloured badge with a word: never colour alone."""
    st.badge(_(state_label(state)), color=COLOURS.get(state, "violet"))  # type: ignore[arg-type]


def stepper(state: ExchangeState) -> None:
    current_phase = phase_of(state)
    cols = st.columns(3)
    reached = True
    for col, phase in zip(cols, PHASES, strict=True):
        if phase == current_phase:
            col.markdown(f"**● {_(phase)}**  \n{_(state_label(state))}")
            reached = False
        else:
            mark = "✓" if reached and current_phase else "○"
            col.markdown(f"{mark} {_(phase)}")
    st.info(_(NEXT_ACTOR[state]), icon=":material/schedule:")


def history(entries: list[TimelineEntry]) -> None:
    """The audit trail of a record, oldest first, as plain text (names and comments are never markup)."""
    from domain.i18n import moment

    st.header(_("History"))
    if not entries:
        st.caption(_("Nothing recorded yet."))
    for entry in entries:
        st.text("• " + entry.line(moment(entry.at)))
