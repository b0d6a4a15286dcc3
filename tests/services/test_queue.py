"""The coordinator's work queue: every kind of item, ages, overdue colours, filters; a few queries."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import ClosingReport, Exchange, Payment
from db.types import id_of
from domain.enums import Action, Side
from services import eois, exchanges, payments
from services.queue import QueueFilter, coordinator_queue, queue_page
from tests.journey import (
    accepted_exchange,
    agreed_exchange,
    approved_plan,
    cast,
    eoi_answers,
    plan_answers,
    through_signing,
)


def kinds(session: Session, user, today: date | None = None) -> list[str]:
    return [item.kind for item in coordinator_queue(session, user, today=today)]


def test_eoi_then_plan_wait_on_each_partnership_until_it_acts(session: Session) -> None:
    c = cast(session)
    eoi = eois.start_eoi(session=session, actor=c.visitor, side=Side.VISITOR, partnership_id=c.vop.id)
    eois.submit_eoi(session=session, actor=c.visitor, eoi_id=id_of(eoi), answers=eoi_answers(["FR"]))
    assert kinds(session, c.vop_coordinator) == ["eoi"]
    assert kinds(session, c.hop_coordinator) == []
    eois.decide_eoi(session=session, actor=c.vop_coordinator, eoi_id=id_of(eoi), action=Action.APPROVE)
    exchange = agreed_exchange_after(session, c)
    plan = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=None
    )
    exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=plan.version)
    exchanges.agree_plan(session=session, actor=c.host, exchange_id=id_of(exchange), version=plan.version)
    assert kinds(session, c.vop_coordinator) == kinds(session, c.hop_coordinator) == ["plan"]
    exchanges.decide_plan(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), approve=True)
    assert kinds(session, c.vop_coordinator) == [] and kinds(session, c.hop_coordinator) == ["plan"]


def agreed_exchange_after(session: Session, c) -> Exchange:
    """The Visitor's EOI is approved already: only the Host's side, then the proposal."""
    from tests.journey import approved

    approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    exchange = exchanges.propose_exchange(
        session=session, actor=c.visitor, counterpart_org_id=c.host.organisation_id, message="Shall we?"
    )
    return exchanges.answer_proposal(session=session, actor=c.host, exchange_id=id_of(exchange), accept=True)


def test_signatures_wait_on_each_partnership_that_has_not_signed(session: Session) -> None:
    c = cast(session)
    approved_plan(session, c, agreed_exchange(session, c))
    assert kinds(session, c.vop_coordinator) == kinds(session, c.hop_coordinator) == ["signature"]


def test_payment_due_after_acceptance_turns_overdue(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    accepted = session.exec(select(ClosingReport)).one().accepted_at.date()  # type: ignore[union-attr]
    [item] = coordinator_queue(session, c.vop_coordinator, today=accepted)
    assert item.kind == "payment" and item.due == accepted + timedelta(days=10)
    assert item.urgency(accepted) == "" and item.urgency(accepted + timedelta(days=8)) == "soon"
    assert (
        item.urgency(accepted + timedelta(days=11)) == "overdue" and item.age_days(accepted + timedelta(days=11)) == 11
    )
    assert kinds(session, c.hop_coordinator) == []
    payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    [confirm] = coordinator_queue(session, c.vop_coordinator)
    assert confirm.kind == "payment_confirm" and confirm.due == session.exec(select(Payment)).one().due_date


def test_closing_report_overdue_shows_for_the_paying_partnership(session: Session) -> None:
    c = cast(session)
    exchange = through_signing(session, approved_plan(session, c, agreed_exchange(session, c)), c)
    exchanges.mark_stay(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), action=Action.END_STAY, today=date(2027, 3, 8)
    )
    end = date(2027, 3, 5)
    assert kinds(session, c.vop_coordinator, today=end + timedelta(days=30)) == []
    [late] = coordinator_queue(session, c.vop_coordinator, today=end + timedelta(days=31))
    assert late.kind == "report_overdue" and late.urgency(end + timedelta(days=31)) == "overdue"
    assert kinds(session, c.hop_coordinator, today=end + timedelta(days=31)) == []


def test_filters_by_number_organisation_country_person_and_overdue(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    items = coordinator_queue(session, c.vop_coordinator)

    def shown(today: date | None = None, **wanted) -> list:
        wanted = {k: frozenset(v) if isinstance(v, list) else v for k, v in wanted.items()}
        return list(queue_page(session, c.vop_coordinator, wanted=QueueFilter(**wanted), today=today).items)

    assert shown(text=f"#{exchange.id}") == items
    assert shown(text="99999") == []
    assert shown(text="host org") == items  # organisation name, any case
    assert shown(text="report accepted") == items  # state
    assert shown(text="payment to") == items  # what waits
    assert shown(countries=["fr"]) == items and shown(countries=["DE"]) == []
    assert shown(kinds=["eoi"]) == [] and shown(kinds=["payment", "eoi"]) == items
    assert shown(text="Visitor Person") == items  # a participant's name finds their exchanges
    assert shown(text="Nobody Person") == []
    assert shown(text="100%_") == []  # LIKE's wildcards are searched for, not obeyed
    late = items[0].due + timedelta(days=1)  # type: ignore[operator]
    assert shown(overdue_only=True, today=late) == items
    assert shown(overdue_only=True, today=items[0].due) == []


def with_copies_accepted_on_other_days(session: Session, copies: int = 6):  # type: ignore[no-untyped-def]
    """An accepted exchange and copies of it accepted on other days, older and newer than it."""
    c, _exchange = accepted_exchange(session)
    original = session.exec(select(Exchange)).one()
    report = session.exec(select(ClosingReport)).one()
    for n in range(copies):
        copy = Exchange(**original.model_dump(exclude={"id"}))
        session.add(copy)
        session.flush()
        accepted = report.accepted_at + timedelta(days=n - copies // 2)  # type: ignore[operator]
        session.add(
            ClosingReport(
                **report.model_dump(exclude={"id", "exchange_id", "accepted_at"}),
                exchange_id=copy.id,
                accepted_at=accepted,
            )
        )
    session.commit()
    return c


def test_pages_come_from_the_database_oldest_first_with_counts(session: Session) -> None:
    c = with_copies_accepted_on_other_days(session)
    everything = coordinator_queue(session, c.vop_coordinator)
    assert len(everything) == 7
    assert [item.since for item in everything] == sorted(item.since for item in everything)  # type: ignore[type-var]
    first = queue_page(session, c.vop_coordinator, page=1, page_size=3)
    third = queue_page(session, c.vop_coordinator, page=3, page_size=3)
    assert list(first.items) == everything[:3] and list(third.items) == everything[6:]
    assert (first.total, first.matching) == (7, 7)
    late = everything[0].due + timedelta(days=1)  # type: ignore[operator]
    counted = queue_page(session, c.vop_coordinator, page=1, page_size=3, today=late)
    assert counted.overdue == sum(item.urgency(late) == "overdue" for item in everything) > 0
    beyond = queue_page(session, c.vop_coordinator, page=9, page_size=3)
    assert beyond.items == () and beyond.matching == 7  # a page past the end still says how many there are


def test_filtered_pages_count_and_page_what_the_filters_keep(session: Session) -> None:
    c = with_copies_accepted_on_other_days(session)
    everything = coordinator_queue(session, c.vop_coordinator)
    late = everything[2].due + timedelta(days=1)  # type: ignore[operator]
    overdue = [item for item in everything if item.urgency(late) == "overdue"]
    assert 0 < len(overdue) < len(everything)

    def page(number: int, **wanted):  # type: ignore[no-untyped-def]
        wanted = {k: frozenset(v) if isinstance(v, list) else v for k, v in wanted.items()}
        return queue_page(
            session, c.vop_coordinator, wanted=QueueFilter(**wanted), page=number, page_size=2, today=late
        )

    first, second = page(1, overdue_only=True), page(2, overdue_only=True)
    assert (first.total, first.overdue, first.matching) == (7, len(overdue), len(overdue))
    assert list(first.items + second.items) == overdue[:4]  # oldest first, within what the filter keeps
    kept = page(1, kinds=["payment"], text="visitor person")
    assert kept.matching == 7 and list(kept.items) == everything[:2]
    none = page(1, kinds=["eoi", "plan"])
    assert (none.items, none.total, none.matching) == ((), 7, 0)
    assert list(page(4, kinds=["payment"]).items) == everything[6:]


def test_queue_costs_the_same_queries_for_one_or_many_exchanges(session: Session, engine: sa.Engine) -> None:
    c, _ = accepted_exchange(session)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        coordinator_queue(session, c.vop_coordinator)
        one = len(statements)
        # Copies of the exchange in the same state: the queue grows, the number of queries does not.
        original = session.exec(select(Exchange)).one()
        report = session.exec(select(ClosingReport)).one()
        for _n in range(5):
            copy = Exchange(**original.model_dump(exclude={"id"}))
            session.add(copy)
            session.flush()
            session.add(ClosingReport(**report.model_dump(exclude={"id", "exchange_id"}), exchange_id=copy.id))
        session.commit()
        statements.clear()
        assert len(coordinator_queue(session, c.vop_coordinator)) == 6
        assert len(statements) == one
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
