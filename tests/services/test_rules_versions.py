"""Rate-table versions: checked, compared, activated; frozen amounts keep their version."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from db.models import Exchange, RulesVersion
from db.types import id_of
from domain.errors import PermissionDenied, ValidationFailed
from services import rules_admin
from services.rules import active_version, rules_in_force
from tests.bundled_rules import BUNDLED_TEXT
from tests.journey import agreed_exchange, approved_plan, cast

NEW = BUNDLED_TEXT.replace('version = "2020"', 'version = "2027"').replace("FR = 900", "FR = 950")


def test_a_broken_rules_file_is_refused_with_its_reason_and_nothing_is_stored(session: Session) -> None:
    c = cast(session)
    for text, words in (
        (NEW.replace("[lump_sum]", "[lump_sum"), "not valid TOML"),
        (NEW.replace("FR = 950", "FR = -5"), "whole euros above 0"),
        (NEW.replace('version = "2027"', 'version = "2020"'), "exists already"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            rules_admin.add_rules_version(session=session, actor=c.admin, text=text)
        assert words in caught.value.errors["content"]
        session.rollback()
    assert [v.label for v in session.exec(select(RulesVersion))] == ["2020"]  # version 1 only, seeded
    with pytest.raises(PermissionDenied):
        rules_admin.add_rules_version(session=session, actor=c.vop_coordinator, text=NEW)


def test_preview_names_the_changed_rates() -> None:
    before, after = rules_admin.check_rules_text(BUNDLED_TEXT), rules_admin.check_rules_text(NEW)
    assert [(c.country, c.before, c.after) for c in rules_admin.rate_changes(before, after)] == [("FR", 900, 950)]


def test_new_version_applies_to_new_approvals_only(session: Session) -> None:
    c = cast(session)
    first = approved_plan(session, c, agreed_exchange(session, c))
    seeded = active_version(session)
    assert first.lump_sum_cents == 90000 and seeded is not None and first.rules_version_id == seeded.id
    version = rules_admin.add_rules_version(session=session, actor=c.admin, text=NEW)
    assert rules_in_force(session).version == "2020"  # stored, not yet in force
    rules_admin.activate_rules_version(session=session, actor=c.admin, version_id=id_of(version))
    assert rules_in_force(session).host_rates_eur["FR"] == 950
    session.expire_all()
    kept = session.get(Exchange, first.id)
    assert kept.lump_sum_cents == 90000 and kept.lump_sum_breakdown["rates_version"] == "2020"  # type: ignore[union-attr]
    # Reopened and approved again, the exchange takes the rates in force then.
    from services import exchanges
    from tests.journey import plan_answers

    exchanges.reopen_plan(session=session, actor=c.vop_coordinator, exchange_id=id_of(first), comment="New dates")
    plan = exchanges.save_plan(
        session=session,
        actor=c.visitor,
        exchange_id=id_of(first),
        answers={**plan_answers(), "expected_results": "A joint proposal and more."},
        base_version=1,
    )
    for side in (c.visitor, c.host):
        exchanges.agree_plan(session=session, actor=side, exchange_id=id_of(first), version=plan.version)
    for coordinator in (c.vop_coordinator, c.hop_coordinator):
        again = exchanges.decide_plan(session=session, actor=coordinator, exchange_id=id_of(first), approve=True)
    assert (
        again.lump_sum_cents == 95000
        and again.rules_version_id == version.id
        and again.lump_sum_breakdown["rates_version"] == "2027"
    )
