"""Putting a rules version in force: the Support Office sees what it changes and which open
exchanges it strands; a plan of a country that left is refused in words, never with an error page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from db.models import ActionPlan, RulesVersion
from db.types import id_of
from domain.enums import Side
from domain.errors import ValidationFailed
from domain.rules import parse_rules
from services import exchanges, rules_admin
from services.queue import coordinator_queue
from services.rules import rules_in_force
from tests import factories as f
from tests.bundled_rules import BUNDLED
from tests.journey import accepted_exchange, approved, cast, org_user, plan_answers
from tests.services.test_rules_in_force import NEW, activate


def test_the_preview_names_every_rule_the_version_changes() -> None:
    changes = {c.rule: (c.before, c.after) for c in rules_admin.rule_changes(BUNDLED, parse_rules(NEW))}
    assert changes["Countries leaving the programme"] == ("Kosovo", "")
    assert changes["Countries joining the programme"] == ("", "Norway")
    assert changes["Minimum working days"] == ("3", "5")
    assert changes["Days to pay after acceptance"] == ("10", "20")
    assert changes["Days to file the closing report"] == ("30", "15")
    assert "Longest stay (months)" not in changes and rules_admin.rule_changes(BUNDLED, BUNDLED) == []


def test_a_plan_with_a_host_in_a_country_that_left_is_refused_in_words_and_the_admin_was_warned(
    session: Session,
) -> None:
    c = cast(session)
    c = replace(c, host=org_user(session, "prishtina", "XK", city="Pristina"))
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["XK"])
    approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    exchange = exchanges.propose_exchange(session=session, actor=c.visitor, counterpart_org_id=c.host.organisation_id)
    exchanges.answer_proposal(session=session, actor=c.host, exchange_id=id_of(exchange), accept=True)
    plan = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=None
    )
    for side in (c.visitor, c.host):
        exchanges.agree_plan(session=session, actor=side, exchange_id=id_of(exchange), version=plan.version)

    version = rules_admin.add_rules_version(session=session, actor=c.admin, text=NEW)
    impact = rules_admin.version_impact(session, rules_in_force(session), version)
    assert impact is not None and impact.open_exchanges_in_left_countries == [exchange.id]
    assert impact.organisations_in_left_countries == 1
    rules_admin.activate_rules_version(session=session, actor=c.admin, version_id=id_of(version))

    with pytest.raises(ValidationFailed) as refused:
        exchanges.decide_plan(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), approve=True)
    assert "Kosovo is not a participating country" in refused.value.errors["approve"]
    session.rollback()
    stored = session.exec(select(ActionPlan).where(ActionPlan.exchange_id == exchange.id)).one()
    assert stored.visitor_partnership_approved_at is None and stored.host_partnership_approved_at is None
    # Sending the plan back for changes still works: the Partnerships can settle it with the parties.
    exchanges.decide_plan(
        session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), approve=False, comment="Kosovo left."
    )
    assert len(session.exec(select(RulesVersion)).all()) == 2


def test_a_payment_of_an_exchange_approved_under_the_new_version_is_due_after_its_delay(session: Session) -> None:
    activate(session, f.admin(session, "boss"))  # 20 days to pay, before any exchange exists
    c, accepted = accepted_exchange(session)
    assert rules_in_force(session, accepted).payment_days == 20
    [payment] = [i for i in coordinator_queue(session, c.vop_coordinator) if i.kind == "payment"]
    assert payment.record_id == accepted.id and payment.due == payment.since.date() + timedelta(days=20)  # type: ignore[union-attr]
