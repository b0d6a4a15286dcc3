"""Pages read in another language than English show no English: steps, history, lump sum, queue, figures (AppTest,
with the shipped catalogues)."""

from __future__ import annotations

from db.engine import write_session
from db.types import id_of
from domain.enums import Side
from services import accounts, eois
from tests import factories as f
from tests.journey import agreed_exchange, approved_plan, cast, eoi_answers, org_user
from tests.pages.test_journey_pages import page_as, texts
from tests.services.test_payments import accepted_exchange


def _in(session, user, locale: str):
    accounts.set_locale(session=session, actor=user, locale=locale)
    return user


def test_the_exchange_page_in_german_explains_the_lump_sum_and_the_history_in_german(sqlite_url: str) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = approved_plan(session, c, agreed_exchange(session, c))
        at = page_as(session, _in(session, c.host, "de"), "pages/exchange/exchange.py", id=str(exchange.id))
    assert not at.exception
    assert "**Pauschalbetrag:** 900,00\xa0€  \nFrankreich 900\xa0€ · 900\xa0€ (Sätze 2020)" in texts(at)
    assert "**Daten des Austauschs:** Mo., 1. März 2027 – Fr., 5. März 2027" in texts(at)
    history = [t.value for t in at.text if str(t.value).startswith("• ")]
    steps = [line.split(" · ")[2].split(":")[0] for line in history]
    assert steps[:3] == ["vorgeschlagen", "Vorschlag angenommen", "Aktionsplan eröffnet"]
    assert steps[-2:] == ["Aktionsplan genehmigt", "Dokumente ausgestellt"]
    assert not any("_" in step for step in steps)


def test_the_work_queue_in_german_names_the_side_of_an_unassigned_expression_of_interest(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        partnership = f.partnership(session, admin, "REV")
        coordinator = _in(session, f.coordinator(session, admin, id_of(partnership), "coord.r"), "de")
        user = org_user(session, "applicant", "PT")
        eoi = eois.start_eoi(session=session, actor=user, side=Side.HOST, partnership_id=None)
        eois.submit_eoi(session=session, actor=user, eoi_id=id_of(eoi), answers=eoi_answers(["FR"]))
        at = page_as(session, coordinator, "pages/coordinator/home.py")
    assert not at.exception
    [label] = [e.proto.label for e in at.get("page_link") if "eoi_review" in e.proto.page]
    assert label.startswith("**Interessenbekundung** · #1 · Applicant Org · Gastgeber · zuzuweisen · ")


def test_the_figures_in_french_name_ecosystems_and_activities_in_french(sqlite_url: str) -> None:
    with write_session() as session:
        c, _exchange = accepted_exchange(session)
        at = page_as(session, _in(session, c.admin, "fr"), "pages/kpis/kpis.py")
    assert not at.exception
    at.session_state["kpi_tab"] = "Thèmes"
    at.run()
    at.toggle(key="kpi_table_ecosystems").set_value(True).run()
    at.toggle(key="kpi_table_activities").set_value(True).run()
    ecosystems, activities = (table.value for table in at.dataframe)
    assert ecosystems.values.tolist() == [["Numérique", 1]]  # stored as the rules' English "Digital"
    assert activities.values.tolist() == [["Études de marché", 1]]
    satisfaction = next(m for m in at.metric if m.label == "Satisfaction des Visiteurs")
    assert (satisfaction.value, satisfaction.proto.help) == ("5,0 / 5", "1 rapport de clôture")
