"""Random actions by random parties on the transition table (hypothesis state machine):
no approval is ever skipped, no unknown state is reached, no party acts for another."""

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.enums import Action, ExchangeState, Party
from domain.workflow import EXCHANGE_TRANSITIONS, Facts, TransitionRefused, check, find_transition

ALL_FACTS = st.builds(
    Facts,
    comment=st.sampled_from(["", "please change"]),
    both_eois_approved=st.booleans(),
    both_sides_confirmed=st.booleans(),
    plan_agreed_by_both=st.booleans(),
    plan_approved_by_both_partnerships=st.booleans(),
    all_signatures_in=st.booleans(),
    stay_started=st.booleans(),
    stay_ended=st.booleans(),
    report_complete=st.booleans(),
)


class ExchangeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state = ExchangeState.PROPOSED
        self.history: list[tuple[ExchangeState, Action, ExchangeState, Party, Facts]] = []

    @rule(action=st.sampled_from(list(Action)), party=st.sampled_from(list(Party)), facts=ALL_FACTS)
    def act(self, action: Action, party: Party, facts: Facts) -> None:
        row = find_transition(EXCHANGE_TRANSITIONS, self.state, action)
        try:
            applied = check(EXCHANGE_TRANSITIONS, self.state, action, {party}, facts)
        except TransitionRefused:
            # Refused: either no row, another party's row, or a guard said no.
            assert row is None or party not in row.by or row.guard(facts) is not None
            return
        assert row is not None and party in row.by and row.guard(facts) is None
        self.history.append((self.state, action, applied.target, party, facts))
        self.state = applied.target  # type: ignore[assignment]

    @invariant()
    def known_state(self) -> None:
        assert self.state in set(ExchangeState)

    @invariant()
    def approvals_are_never_skipped(self) -> None:
        for source, action, target, party, facts in self.history:
            if target == ExchangeState.PLAN_APPROVED:
                assert source == ExchangeState.PLAN_SUBMITTED and facts.plan_approved_by_both_partnerships
                assert party in {Party.VISITOR_PARTNERSHIP, Party.HOST_PARTNERSHIP, Party.SYSTEM}
            if target == ExchangeState.AGREED:  # entered on their behalf: both organisations confirmed
                assert facts.both_sides_confirmed and party in {Party.VISITOR, Party.HOST}
            if target == ExchangeState.PLAN_SUBMITTED:
                assert facts.plan_agreed_by_both
            if target == ExchangeState.REPORT_ACCEPTED:
                assert party == Party.VISITOR_PARTNERSHIP
            if target in (ExchangeState.PAYMENT_ORDERED, ExchangeState.PAID):
                assert party == Party.VISITOR_PARTNERSHIP
            if target == ExchangeState.READY:
                assert facts.all_signatures_in
            if action in (Action.REQUEST_PLAN_CHANGES, Action.REQUEST_REPORT_CHANGES, Action.CANCEL):
                assert facts.comment.strip()

    @invariant()
    def participants_never_approve(self) -> None:
        for _, action, _, party, _ in self.history:
            if action in (Action.APPROVE_PLAN, Action.ACCEPT_REPORT, Action.ORDER_PAYMENT, Action.CONFIRM_PAYMENT):
                assert party not in {Party.VISITOR, Party.HOST}


ExchangeMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestExchangeWorkflow = ExchangeMachine.TestCase
