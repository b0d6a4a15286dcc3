"""The welcome page draws eligibility, countries, length and lump sums from the rules in force."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from db.engine import write_session
from tests import factories as f
from tests.pages.test_pages import APP
from tests.services.test_rules_in_force import activate


def _home() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    return at


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def _table(at: AppTest, column: str) -> list:
    return next(list(df.value[column]) for df in at.dataframe if column in df.value.columns)


def test_welcome_page_follows_the_rules_in_force(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
    at = _home()
    text = _text(at)
    assert "at least **3 working days**" in text and "Kosovo" in text and "Norway" not in text
    assert "daily rate" not in text and "training providers" not in text.lower()
    organisations = _table(at, "Organisation")
    visitor = dict(zip(organisations, _table(at, "Visitor"), strict=True))
    assert visitor["Training provider"] == "—" and visitor["SME"] == "✓"
    assert "Norway" not in _table(at, "Host country")

    with write_session() as session:
        activate(session, admin)
    at = _home()
    text = _text(at)
    assert "at least **5 working days**" in text and "Norway" in text and "Kosovo" not in text
    rates = dict(zip(_table(at, "Host country"), _table(at, "Lump sum"), strict=True))
    assert rates["Norway"] == "€1,000.00" and rates["Denmark"] == "€1,100.00"


def test_the_length_and_the_lump_sums_read_with_each_language_plural_and_numbers(sqlite_url: str) -> None:
    with write_session() as session:
        f.admin(session)  # an instance that is set up: the welcome page
    at = _home()
    at.selectbox(key="cxc_language_switch").set_value("pl").run()
    at.run()  # the page drawn again in the chosen language
    assert not at.exception
    text = _text(at)
    assert "co najmniej **3 dni robocze** i najwyżej **1 miesiąc**" in text  # Polish: 2–4, then 1
    at.selectbox(key="cxc_language_switch").set_value("de").run()
    at.run()
    text = _text(at)
    assert "mindestens **3 Arbeitstage** und höchstens **1 Monat**" in text and "Monat(e)" not in text
    assert "weniger als 200 km" in text or "weniger als 200\xa0km" in text
