"""Matching, the shared action plan and its approval, through the service functions."""

from datetime import date

import pytest
from sqlmodel import Session, select

from db.models import ActionPlan, Exchange, Outbox
from db.types import id_of
from domain.enums import ExchangeState, OrgType, Side
from domain.errors import NotFound, PermissionDenied, StaleState, ValidationFailed
from domain.workflow import TransitionRefused
from services import exchanges
from services.opportunities import CatalogueFilter, catalogue, publish_opportunity, suggest_counterparts
from tests.journey import agreed_exchange, approved, approved_plan, cast, org_user, plan_answers


def test_proposal_accepted_opens_the_plan(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    assert exchange.state == ExchangeState.PLANNING
    assert (exchange.visitor_partnership_id, exchange.host_partnership_id) == (c.vop.id, c.hop.id)


def test_only_the_counterpart_answers_a_proposal(session: Session) -> None:
    c = cast(session)
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    exchange = exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=c.host.organisation_id)
    with pytest.raises(PermissionDenied):
        exchanges.answer_proposal(session=session, actor=c.visitor, exchange_id=id_of(exchange), accept=True)
    with pytest.raises(PermissionDenied):
        exchanges.answer_proposal(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), accept=True)
    stranger = org_user(session, "stranger", "ES")
    with pytest.raises(NotFound):
        exchanges.answer_proposal(session=session, actor=stranger, exchange_id=id_of(exchange), accept=True)
    exchanges.answer_proposal(
        session=session, actor=c.host, exchange_id=id_of(exchange), accept=False, comment="Not this year"
    )
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.DECLINED  # type: ignore[union-attr]


def test_pairs_in_one_country_or_without_approved_eois_are_refused(session: Session) -> None:
    c = cast(session)
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    neighbour = org_user(session, "neighbour", "PT")
    with pytest.raises(ValidationFailed, match="no approved expression of interest"):
        exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=neighbour.organisation_id)
    approved(session, neighbour, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    with pytest.raises(ValidationFailed, match="both in Portugal"):
        exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=neighbour.organisation_id)
    assert session.exec(select(Exchange)).all() == []


def test_a_host_may_invite_a_visitor(session: Session) -> None:
    c = cast(session)
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    exchange = exchanges.propose_exchange(session=session, actor=c.host, counterpart_org_id=c.visitor.organisation_id)
    assert exchange.visitor_org_id == c.visitor.organisation_id and exchange.proposed_by.value == "host"
    exchanges.answer_proposal(session=session, actor=c.visitor, exchange_id=id_of(exchange), accept=True)
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.PLANNING  # type: ignore[union-attr]


def test_plan_versions_agreement_approval_and_change_request(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    v1 = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=None
    )
    exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=1)
    # The Host edits: a new version, and the Visitor's agreement no longer holds.
    changed = {**plan_answers(), "expected_results": "A joint proposal and a pilot service for SMEs."}
    v2 = exchanges.save_plan(
        session=session, actor=c.host, exchange_id=id_of(exchange), answers=changed, base_version=1
    )
    assert (v1.version, v2.version) == (1, 2) and v2.visitor_agreed_at is None
    with pytest.raises(StaleState):
        exchanges.save_plan(
            session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=1
        )
    with pytest.raises(StaleState):
        exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=1)
    exchanges.agree_plan(session=session, actor=c.host, exchange_id=id_of(exchange), version=2)
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.PLANNING  # type: ignore[union-attr]
    exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=2)
    session.expire_all()
    current = session.get(Exchange, exchange.id)
    assert current.state == ExchangeState.PLAN_SUBMITTED and current.start_date == date(2027, 3, 1)  # type: ignore[union-attr]
    assert {m.to_email for m in session.exec(select(Outbox).where(Outbox.kind == "plan_submitted"))} == {
        c.vop_coordinator.email,
        c.hop_coordinator.email,
    }
    with pytest.raises(TransitionRefused, match="comment"):
        exchanges.decide_plan(session=session, actor=c.hop_coordinator, exchange_id=id_of(exchange), approve=False)
    session.rollback()
    exchanges.decide_plan(
        session=session,
        actor=c.hop_coordinator,
        exchange_id=id_of(exchange),
        approve=False,
        comment="Add a day of networking.",
    )
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.PLANNING  # type: ignore[union-attr]
    assert len(session.exec(select(ActionPlan)).all()) == 2


def test_both_partnerships_must_approve(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    plan = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=None
    )
    exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=plan.version)
    exchanges.agree_plan(session=session, actor=c.host, exchange_id=id_of(exchange), version=plan.version)
    exchanges.decide_plan(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), approve=True)
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.PLAN_SUBMITTED  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        exchanges.decide_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), approve=True)
    exchanges.decide_plan(session=session, actor=c.hop_coordinator, exchange_id=id_of(exchange), approve=True)
    # Approval generates the documents at once: the exchange waits for signatures.
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.SIGNING  # type: ignore[union-attr]


def test_one_partnership_supervising_both_sides_approves_once(session: Session) -> None:
    c = cast(session, same_partnership=True)
    exchange = agreed_exchange(session, c)
    plan = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=None
    )
    exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=plan.version)
    exchanges.agree_plan(session=session, actor=c.host, exchange_id=id_of(exchange), version=plan.version)
    exchanges.decide_plan(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), approve=True)
    # Approval generates the documents at once: the exchange waits for signatures.
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.SIGNING  # type: ignore[union-attr]


def test_plan_with_too_few_working_days_cannot_be_agreed(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    # 14-16 July 2027 in France: Wednesday 14 July is Bastille Day.
    answers = {
        **plan_answers(date(2027, 7, 14), date(2027, 7, 16)),
        "agenda": [{"day": "2027-07-20", "programme": "Tour"}],
    }
    plan = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=answers, base_version=None
    )
    with pytest.raises(ValidationFailed) as caught:
        exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=plan.version)
    assert (
        "2 working days" in caught.value.errors["exchange_dates"] and "14 July" in caught.value.errors["exchange_dates"]
    )
    assert "agenda.0.day" in caught.value.errors
    session.rollback()
    session.expire_all()
    assert session.get(ActionPlan, id_of(plan)).visitor_agreed_at is None  # type: ignore[union-attr]


def test_a_visitor_takes_part_only_once_counted_from_an_approved_plan(session: Session) -> None:
    c = cast(session)
    first = agreed_exchange(session, c)
    second_host = org_user(session, "host2", "ES", OrgType.SME, city="Valencia")
    approved(session, second_host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    # A proposal is not taking part: the Visitor may approach a second Host meanwhile.
    second = exchanges.propose_exchange(
        session=session, actor=c.visitor, counterpart_org_id=second_host.organisation_id
    )
    exchanges.answer_proposal(session=session, actor=second_host, exchange_id=id_of(second), accept=True)
    approved_plan(session, c, first)
    # Once one plan is approved, the other cannot be approved, and no new proposal is accepted.
    plan = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(second), answers=plan_answers(), base_version=None
    )
    for side in (c.visitor, second_host):
        exchanges.agree_plan(session=session, actor=side, exchange_id=id_of(second), version=plan.version)
    with pytest.raises(ValidationFailed, match="only once"):
        exchanges.decide_plan(session=session, actor=c.vop_coordinator, exchange_id=id_of(second), approve=True)
    session.rollback()
    third_host = org_user(session, "host3", "IT", OrgType.SME, city="Milan")
    approved(session, third_host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    with pytest.raises(ValidationFailed, match="only once"):
        exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=third_host.organisation_id)
    session.rollback()
    # A cancelled exchange does not count: after cancelling the first, the second can go ahead.
    exchanges.cancel_exchange(session=session, actor=c.visitor, exchange_id=id_of(first), reason="Host closed")
    done = exchanges.decide_plan(session=session, actor=c.vop_coordinator, exchange_id=id_of(second), approve=True)
    assert done.state == ExchangeState.PLAN_SUBMITTED  # the Host's Partnership approves next


def test_catalogue_and_suggestions(session: Session) -> None:
    c = cast(session)
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    with pytest.raises(PermissionDenied):
        publish_opportunity(session=session, actor=c.visitor, answers={})
    opportunity = publish_opportunity(
        session=session,
        actor=c.host,
        answers={
            "title": "A week in our digital lab",
            "description": "Work with our SMEs on data spaces and digital twins for industry.",
            "ecosystems": ["Digital"],
            "activity_types": ["Market research"],
            "period": ["2027-03-01", "2027-06-30"],
        },
    )
    assert [o.id for o, _ in catalogue(session, CatalogueFilter(country="FR", ecosystem="Digital"))] == [opportunity.id]
    assert catalogue(session, CatalogueFilter(ecosystem="Health")) == []
    assert catalogue(session, CatalogueFilter(available_from=date(2027, 7, 1))) == []
    suggestions = suggest_counterparts(session, c.visitor, Side.VISITOR)
    assert [s.organisation.id for s in suggestions] == [c.host.organisation_id]
    assert suggestions[0].shared_ecosystems == ["Digital"]
    exchange = exchanges.propose_exchange(session=session, actor=c.visitor, opportunity_id=opportunity.id)
    assert exchange.opportunity_id == opportunity.id and exchange.host_org_id == c.host.organisation_id


def test_cancel_needs_a_reason_and_stops_before_payment(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    with pytest.raises(TransitionRefused):
        exchanges.cancel_exchange(session=session, actor=c.visitor, exchange_id=id_of(exchange), reason="")
    session.rollback()
    exchanges.cancel_exchange(
        session=session, actor=c.hop_coordinator, exchange_id=id_of(exchange), reason="Host closed"
    )
    assert session.get(Exchange, id_of(exchange)).state == ExchangeState.CANCELLED  # type: ignore[union-attr]


def test_approved_plan_goes_to_signing_with_both_documents(session: Session) -> None:
    from services.documents import current_documents

    c = cast(session)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    assert exchange.state == ExchangeState.SIGNING
    assert sorted(d.filename for d in current_documents(session, id_of(exchange))) == [
        f"CXC-{exchange.id}-CTQ-v1.pdf",
        f"CXC-{exchange.id}-FA-v1.pdf",
    ]


def test_a_visitor_publishes_a_search_and_a_host_answers_it(session: Session) -> None:
    c = cast(session)
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    search = publish_opportunity(
        session=session,
        actor=c.visitor,
        side=Side.VISITOR,
        answers={
            "title": "Looking for a Host in digital health",
            "description": "We want to learn how a cluster runs a living lab for digital health.",
            "ecosystems": ["Digital"],
            "activity_types": ["Market research"],
            "period": ["2027-03-01", "2027-06-30"],
        },
    )
    assert [o.id for o, _ in catalogue(session, CatalogueFilter(side="visitor"))] == [search.id]
    assert catalogue(session, CatalogueFilter(side="host")) == []
    exchange = exchanges.propose_exchange(session=session, actor=c.host, opportunity_id=search.id)
    assert (exchange.visitor_org_id, exchange.host_org_id, exchange.proposed_by.value) == (
        c.visitor.organisation_id,
        c.host.organisation_id,
        "host",
    )
