"""The transition tables, as data: exactly the journey of DESIGN.md."""

import pytest

from domain.enums import Action, EOIState, ExchangeState, Party
from domain.workflow import (
    CANCELLABLE,
    EOI_TRANSITIONS,
    EXCHANGE_TRANSITIONS,
    Facts,
    TransitionRefused,
    available_actions,
    check,
    find_transition,
    state_label,
    states_of,
)

X = ExchangeState
MAIN_PATH = [
    (X.PROPOSED, Action.ACCEPT, X.AGREED),
    (X.AGREED, Action.OPEN_PLAN, X.PLANNING),
    (X.PLANNING, Action.SUBMIT_PLAN, X.PLAN_SUBMITTED),
    (X.PLAN_SUBMITTED, Action.APPROVE_PLAN, X.PLAN_APPROVED),
    (X.PLAN_APPROVED, Action.GENERATE_DOCUMENTS, X.SIGNING),
    (X.SIGNING, Action.COMPLETE_SIGNATURES, X.READY),
    (X.READY, Action.START_STAY, X.IN_PROGRESS),
    (X.IN_PROGRESS, Action.END_STAY, X.REPORTING),
    (X.REPORTING, Action.SUBMIT_REPORT, X.REPORT_SUBMITTED),
    (X.REPORT_SUBMITTED, Action.ACCEPT_REPORT, X.REPORT_ACCEPTED),
    (X.REPORT_ACCEPTED, Action.ORDER_PAYMENT, X.PAYMENT_ORDERED),
    (X.PAYMENT_ORDERED, Action.CONFIRM_PAYMENT, X.PAID),
]


def test_every_exchange_state_is_used() -> None:
    assert states_of(EXCHANGE_TRANSITIONS) == set(ExchangeState)


def test_every_eoi_state_is_used() -> None:
    assert states_of(EOI_TRANSITIONS) == set(EOIState)


@pytest.mark.parametrize(("source", "action", "target"), MAIN_PATH)
def test_main_path_of_an_exchange(source, action, target) -> None:
    row = find_transition(EXCHANGE_TRANSITIONS, source, action)
    assert row is not None and row.target == target


@pytest.mark.parametrize(
    ("source", "action", "target"),
    [
        (X.PROPOSED, Action.DECLINE, X.DECLINED),
        (X.PLAN_SUBMITTED, Action.REQUEST_PLAN_CHANGES, X.PLANNING),
        (X.REPORT_SUBMITTED, Action.REQUEST_REPORT_CHANGES, X.REPORTING),
    ],
)
def test_side_paths_of_an_exchange(source, action, target) -> None:
    row = find_transition(EXCHANGE_TRANSITIONS, source, action)
    assert row is not None and row.target == target


def test_cancel_is_possible_exactly_before_the_payment_is_ordered() -> None:
    cancellable = {row.source for row in EXCHANGE_TRANSITIONS if row.action == Action.CANCEL}
    assert cancellable == set(CANCELLABLE)
    assert X.PAYMENT_ORDERED not in cancellable and X.PAID not in cancellable
    assert X.REPORT_ACCEPTED in cancellable


def test_only_the_visitors_partnership_orders_and_confirms_payment() -> None:
    for action in (Action.ORDER_PAYMENT, Action.CONFIRM_PAYMENT, Action.ACCEPT_REPORT):
        rows = [row for row in EXCHANGE_TRANSITIONS if row.action == action]
        assert rows and all(row.by == {Party.VISITOR_PARTNERSHIP} for row in rows)


def test_transitions_are_unique_per_state_and_action() -> None:
    for table in (EOI_TRANSITIONS, EXCHANGE_TRANSITIONS):
        keys = [(row.source, row.action) for row in table]
        assert len(keys) == len(set(keys))


def test_eoi_decisions_belong_to_the_partnership() -> None:
    assert available_actions(EOI_TRANSITIONS, EOIState.SUBMITTED, {Party.PARTNERSHIP}) == [
        Action.APPROVE,
        Action.REQUEST_CHANGES,
        Action.REJECT,
        Action.ASSIGN,
    ]
    assert available_actions(EOI_TRANSITIONS, EOIState.SUBMITTED, {Party.APPLICANT}) == [Action.WITHDRAW]


def test_author_cannot_approve_own_eoi() -> None:
    with pytest.raises(TransitionRefused, match="may not"):
        check(EOI_TRANSITIONS, EOIState.SUBMITTED, Action.APPROVE, {Party.APPLICANT}, Facts())


def test_request_changes_needs_a_comment() -> None:
    with pytest.raises(TransitionRefused, match="comment"):
        check(EOI_TRANSITIONS, EOIState.SUBMITTED, Action.REQUEST_CHANGES, {Party.PARTNERSHIP}, Facts(comment="  "))
    assert (
        check(
            EOI_TRANSITIONS, EOIState.SUBMITTED, Action.REQUEST_CHANGES, {Party.PARTNERSHIP}, Facts(comment="Add a CV")
        ).target
        == EOIState.CHANGES_REQUESTED
    )


def test_no_action_leaves_a_terminal_state_except_nothing() -> None:
    for terminal in (X.PAID, X.CANCELLED, X.DECLINED):
        assert available_actions(EXCHANGE_TRANSITIONS, terminal, set(Party)) == []


def test_guard_blocks_plan_approval_until_both_partnerships_approved() -> None:
    with pytest.raises(TransitionRefused, match="Both Partnerships"):
        check(EXCHANGE_TRANSITIONS, X.PLAN_SUBMITTED, Action.APPROVE_PLAN, {Party.VISITOR_PARTNERSHIP}, Facts())
    facts = Facts(plan_approved_by_both_partnerships=True)
    assert (
        check(EXCHANGE_TRANSITIONS, X.PLAN_SUBMITTED, Action.APPROVE_PLAN, {Party.HOST_PARTNERSHIP}, facts).target
        == X.PLAN_APPROVED
    )


def test_unknown_action_in_a_state_is_refused_with_words() -> None:
    with pytest.raises(TransitionRefused, match="not possible while the record is “Paid”"):
        check(EXCHANGE_TRANSITIONS, X.PAID, Action.CANCEL, {Party.VISITOR}, Facts(comment="x"))


def test_screen_labels_never_show_internal_names() -> None:
    for state in [*ExchangeState, *EOIState]:
        assert "_" not in state_label(state)
    assert state_label(X.PLAN_SUBMITTED) == "Plan sent for approval"


def test_a_refusal_speaks_the_reader_language() -> None:
    from domain.i18n import in_language

    with in_language("de"), pytest.raises(TransitionRefused) as wrong_state:
        check(EXCHANGE_TRANSITIONS, X.PROPOSED, Action.APPROVE_PLAN, {Party.VISITOR_PARTNERSHIP}, Facts())
    assert (
        str(wrong_state.value)
        == "„Plan genehmigen“ ist nicht möglich, solange der Vorgang den Status „Vorgeschlagen“ hat."
    )
    with in_language("fr"), pytest.raises(TransitionRefused) as guard:
        check(EXCHANGE_TRANSITIONS, X.SIGNING, Action.COMPLETE_SIGNATURES, {Party.SYSTEM}, Facts())
    assert str(guard.value) == "Certaines parties n'ont pas encore signé."
    with in_language("pl"), pytest.raises(TransitionRefused) as not_yours:
        check(EXCHANGE_TRANSITIONS, X.REPORT_ACCEPTED, Action.ORDER_PAYMENT, {Party.HOST}, Facts())
    assert str(not_yours.value) == "Działanie „Zleć płatność” nie jest tu dla Państwa dostępne."
