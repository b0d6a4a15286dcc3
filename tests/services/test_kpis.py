"""Figures for a Partnership and the programme, and the exports behind them."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import AuditEvent, Exchange, Organisation, Payment
from db.types import id_of
from domain.enums import ExchangeState
from domain.errors import PermissionDenied
from services import kpis, payments
from services.exports import export_file
from services.tags import ACTIVITY, ECOSYSTEM
from tests.journey import accepted_exchange


def test_figures_of_one_exchange_count_once_for_the_visitors_partnership(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    mine = kpis.filter_for(c.vop_coordinator)
    assert kpis.by_state(session, mine) == [(ExchangeState.REPORT_ACCEPTED, 1)]
    assert kpis.by_state(session, kpis.filter_for(c.hop_coordinator)) == []  # the Host's Partnership does not count it
    programme = kpis.filter_for(c.admin)
    assert kpis.by_country_pair(session, programme) == [("PT", "FR", 1)]
    assert kpis.by_tag(session, programme, ECOSYSTEM) == [("Digital", 1)]
    assert kpis.by_tag(session, programme, ACTIVITY) == [("Market research", 1)]
    assert sorted(kpis.by_org_type(session, programme)) == [("Host", "cluster", 1), ("Visitor", "cluster", 1)]
    assert kpis.money(session, mine) == kpis.Money(90000, 0, 0)
    assert kpis.satisfaction(session, mine) == (5.0, 1)
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    payments.confirm_payments(
        session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)], paid_on=date.today(), reference="B-1"
    )
    assert kpis.money(session, programme) == kpis.Money(90000, 90000, 1)
    assert kpis.by_partnership(session, programme) == [(c.vop.name, 1, 90000)]
    stages = {m.stage: m for m in kpis.stage_medians(session, programme)}
    assert stages["Report accepted → paid"].exchanges == 1 and stages["Proposal → plan approved"].exchanges == 1
    assert (
        stages["Proposal → plan approved"].median_days is not None
        and stages["Proposal → plan approved"].median_days < 1
    )
    yesterday = date.today() - timedelta(days=1)
    assert kpis.by_state(session, kpis.filter_for(c.admin, end=yesterday)) == []
    assert kpis.by_state(session, kpis.filter_for(c.admin, start=yesterday))[0][1] == 1


def test_median_days_per_stage_is_the_middle_value(session: Session) -> None:
    accepted_exchange(session)
    original = session.exec(select(Exchange)).one()
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    # Four more exchanges, proposed on the same day and approved after 2, 4, 10 and 6 days.
    ids = []
    for _n in range(4):
        copy = Exchange(**original.model_dump(exclude={"id"}))
        session.add(copy)
        session.flush()
        ids.append(copy.id)
    session.commit()
    rows = []
    for exchange_id, days in zip(ids, (2, 4, 10, 6), strict=True):
        rows += [
            {"entity_id": exchange_id, "to_state": "proposed", "created_at": start},
            {"entity_id": exchange_id, "to_state": "plan_approved", "created_at": start + timedelta(days=days)},
        ]
    top = session.exec(select(sa.func.max(AuditEvent.seq))).one()
    for n, row in enumerate(rows, start=1):
        session.add(
            AuditEvent(seq=top + n, entity_type="exchange", action="test", prev_hash="-", hash=f"test-{n}", **row)
        )
    session.commit()
    only_these = kpis.KpiFilter()
    measured = {m.stage: m for m in kpis.stage_medians(session, only_these)}["Proposal → plan approved"]
    # Five exchanges: the journey's (about 0 days) and 2, 4, 6, 10: the middle one is 4.
    assert (measured.median_days, measured.exchanges) == (4.0, 5)


def test_only_coordinators_and_admins_get_figures(session: Session) -> None:
    c, _exchange = accepted_exchange(session)
    with pytest.raises(PermissionDenied):
        kpis.filter_for(c.visitor)
    with pytest.raises(PermissionDenied):
        export_file(session, c.visitor, "exchanges", "csv")


def test_exports_read_back_with_pandas_and_are_scoped(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    visitor = session.get(Organisation, exchange.visitor_org_id)
    visitor.legal_name = '=HYPERLINK("http://evil.example","Visitor Org")'  # type: ignore[union-attr]
    session.add(visitor)
    session.commit()
    name, data, mime = export_file(session, c.vop_coordinator, "exchanges", "csv")
    assert name == "cxc-exchanges.csv" and mime == "text/csv"
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(frame["exchange_id"]) == [exchange.id] and list(frame["state"]) == ["report_accepted"]
    assert frame["visitor"][0].startswith("'=HYPERLINK")  # never a live formula in a spreadsheet
    assert frame["lump_sum_eur"][0] == 900.0
    _name, xlsx, _mime = export_file(session, c.hop_coordinator, "exchanges", "xlsx")
    sheet = pd.read_excel(io.BytesIO(xlsx))
    assert list(sheet["exchange_id"]) == [exchange.id]  # the Host's Partnership exports the exchanges it supervises
    payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    paid = pd.read_csv(io.BytesIO(export_file(session, c.vop_coordinator, "payments", "csv")[1]), encoding="utf-8-sig")
    assert list(paid["amount_eur"]) == [900.0]
    assert pd.read_csv(
        io.BytesIO(export_file(session, c.hop_coordinator, "payments", "csv")[1]), encoding="utf-8-sig"
    ).empty
    seen: list[tuple[int, int]] = []
    export_file(session, c.admin, "organisations", "csv", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)
    eois = pd.read_csv(io.BytesIO(export_file(session, c.vop_coordinator, "eois", "csv")[1]), encoding="utf-8-sig")
    assert list(eois["side"]) == ["visitor"]
    assert session.exec(select(Payment)).one().amount_cents == 90000


def test_figures_page_shows_the_numbers_and_prepares_an_export(sqlite_url: str) -> None:
    from db.engine import write_session
    from tests.pages.test_journey_pages import page_as

    with write_session() as session:
        c, _exchange = accepted_exchange(session)
        at = page_as(session, c.admin, "pages/kpis/kpis.py")
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Exchanges with an approved plan"] == "1"
        and metrics["Lump sums committed"] == "€900.00"
        and metrics["Visitor satisfaction"] == "5.0 / 5"
    )
    assert not [s for s in at.selectbox if s.key == "export_name"]  # the Exports tab is drawn once opened
    at.session_state["kpi_tab"] = "Exports"
    at.run()
    at.selectbox(key="export_name").select("payments").run()
    at.button(key="export_prepare").click().run()
    assert not at.exception, at.exception
    name, data, _mime = at.session_state["export_ready"]
    assert name == "cxc-payments.csv" and data.decode("utf-8-sig").startswith("payment_id,exchange_id")
    with write_session() as session:
        coordinator_view = page_as(session, c.hop_coordinator, "pages/kpis/kpis.py")
    assert {m.label: m.value for m in coordinator_view.metric}[
        "Exchanges with an approved plan"
    ] == "0"  # counted for the Visitor's Partnership only


def test_the_headline_counts_exchanges_with_an_approved_plan_and_shows_the_others_apart() -> None:
    states = [
        (ExchangeState.PROPOSED, 4),
        (ExchangeState.PLAN_SUBMITTED, 1),
        (ExchangeState.PLAN_APPROVED, 2),
        (ExchangeState.PAID, 3),
        (ExchangeState.DECLINED, 5),
        (ExchangeState.CANCELLED, 1),
    ]
    assert kpis.headline(states) == kpis.Headline(approved=5, in_preparation=5, ended_without_stay=6)
    assert kpis.APPROVED_STATES | kpis.ENDED_WITHOUT_STAY | {
        ExchangeState.PROPOSED,
        ExchangeState.AGREED,
        ExchangeState.PLANNING,
        ExchangeState.PLAN_SUBMITTED,
    } == set(ExchangeState)  # every state has its place
