"""The work queue pages through the database and the figures page draws only its open tab (AppTest)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from db.engine import write_session
from db.models import ClosingReport, Exchange
from tests.pages.test_journey_pages import page_as, texts
from tests.services.test_payments import accepted_exchange
from ui.figures import bar_spec, grouped_spec, heat_spec


def _copies(session, n: int) -> None:
    """n more exchanges waiting for their payment, accepted on n different days."""
    original = session.exec(select(Exchange)).one()
    report = session.exec(select(ClosingReport)).one()
    for day in range(n):
        copy = Exchange(**original.model_dump(exclude={"id"}))
        session.add(copy)
        session.flush()
        session.add(
            ClosingReport(
                **report.model_dump(exclude={"id", "exchange_id", "accepted_at"}),
                exchange_id=copy.id,
                accepted_at=report.accepted_at - timedelta(days=day + 1),  # type: ignore[operator]
            )
        )
    session.commit()


def links(at) -> list[str]:
    """The queue's items: one link each, to the exchange."""
    return [e.proto.label for e in at.get("page_link") if "exchange" in e.proto.page]


def test_queue_shows_25_a_page_and_the_filters_start_again_at_page_one(sqlite_url: str) -> None:
    with write_session() as session:
        c, _exchange = accepted_exchange(session)
        _copies(session, 30)
        oldest = max(session.exec(select(Exchange.id)).all())
        at = page_as(session, c.vop_coordinator, "pages/coordinator/home.py")
    assert not at.exception
    assert "31 items" in texts(at)
    assert len(links(at)) == 25 and at.number_input(key="queue_page").max == 2
    assert "Page 1 of 2" in texts(at)
    assert f"#{oldest} ·" in links(at)[0]  # oldest first: the last copy was accepted first
    at.number_input(key="queue_page").set_value(2).run()
    assert len(links(at)) == 6 and "Page 2 of 2" in texts(at)
    at.text_input(key="queue_search").input(f"#{oldest}").run()
    assert len(links(at)) == 1 and "1 item matches these filters." in texts(at)
    assert at.session_state["queue_page"] == 1


def test_figures_page_draws_the_open_tab_only_and_offers_a_table(sqlite_url: str) -> None:
    with write_session() as session:
        c, _exchange = accepted_exchange(session)
        at = page_as(session, c.admin, "pages/kpis/kpis.py")
    assert not at.exception
    assert "Exchanges by state" in texts(at)
    assert "From where to where" not in texts(at)  # another tab: not drawn until opened
    assert len(at.dataframe) == 0
    at.toggle(key="kpi_table_states").set_value(True).run()
    assert len(at.dataframe) == 1 and list(at.dataframe[0].value.columns) == ["State", "Exchanges"]


def test_counts_of_exchanges_are_drawn_on_whole_number_axes() -> None:
    whole = {"format": "d", "tickMinStep": 1}
    bars = bar_spec((("Ready", 3), ("Paid", 1)), "State", "Exchanges")
    assert bars["encoding"]["x"]["axis"] == whole
    heat = heat_spec((("Portugal", "France", 2),), ("Visitor country", "Host country", "Exchanges"))
    assert heat["encoding"]["color"]["legend"] == whole
    grouped = grouped_spec((("Visitor", "SME", 1), ("Host", "Cluster", 2)), ("Side", "Type", "Exchanges"))
    assert grouped["encoding"]["x"]["axis"] == whole
