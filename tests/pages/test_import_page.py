"""The import page with AppTest: the file as uploaded, the preview with problems next to their cells,
a refusal that stores nothing, then a clean import with its summary. (Editing cells in the
preview needs a real browser: tests/e2e/test_import_journey.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from db.engine import read_session, write_session
from db.models import Organisation, Outbox, User
from db.types import id_of
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
GOOD = (
    "Legal name;Country;City;Organisation type\n"
    "Cluster Porto Digital;Portugal;Porto;cluster\n"
    "Lyon Urban Tech;FR;Lyon;SME\n"
)
BAD = GOOD + "Narnia Works;Narnia;Cair;sme\n"


def _organisations() -> int:
    with read_session() as session:
        return session.exec(select(func.count()).select_from(Organisation)).one()


def _page(content: str | bytes, name: str = "members.csv") -> AppTest:
    with write_session() as session:
        admin = f.admin(session)
        coordinator = f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")))
        at = AppTest.from_file(APP, default_timeout=60)
        f.log_in(at, session, coordinator)
    at.run()
    at.switch_page("pages/imports/imports.py").run()
    data = content.encode("cp1252") if isinstance(content, str) else content
    at.session_state["import_upload"] = (name, data)  # as the uploader keeps it
    return at.run()


def test_a_bad_row_is_shown_next_to_its_cell_and_nothing_is_stored(sqlite_url: str) -> None:
    at = _page(BAD)
    assert not at.exception, at.exception
    assert "1 rows have problems" in at.warning[0].value
    table = at.dataframe[0].value
    assert list(table["Row"]) == [2, 3, 4]
    assert table.loc[2, "⚠ Country"].startswith("“Narnia” is not a participating country")
    assert list(table["Result"]) == ["add", "add", "to fix"]
    assert list(table["Country"]) == ["PT", "FR", "Narnia"]  # values as the app understands them
    at.button(key="import_confirm").click().run()
    assert "Row 4, column “Country”" in at.error[0].value
    assert _organisations() == 0


def test_a_clean_file_is_imported_on_confirmation_with_a_summary(sqlite_url: str) -> None:
    at = _page(GOOD)
    assert not at.warning
    assert _organisations() == 0  # the preview wrote nothing
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "2 organisations added, 0 updated, 0 unchanged"
    assert _organisations() == 2


def test_an_imported_paid_exchange_opens_like_any_other_and_says_where_it_was_signed(sqlite_url: str) -> None:
    from services.imports.columns import Kind, match_headers
    from services.imports.importer import rows_of, run_import
    from services.imports.reading import read_table
    from tests.pages.test_journey_pages import page_as, texts

    exchanges = (
        "Reference,Visitor,Visitor country,Host,Host country,State,First day,Last day,Signed outside CXC Desk on,"
        "Paid on\nPD-1,Cluster Porto Digital,PT,Lyon Urban Tech,FR,paid,2023-05-15,2023-05-19,2023-04-20,2023-06-30\n"
    )
    with write_session() as session:
        admin = f.admin(session)
        coordinator = f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")))
        for kind, text in ((Kind.ORGANISATIONS, GOOD), (Kind.EXCHANGES, exchanges)):
            table = read_table("x.csv", text.encode())
            rows = rows_of(kind, table, match_headers(kind, table.headers))
            run_import(session=session, actor=coordinator, kind=kind, rows=rows)
        at = page_as(session, coordinator, "pages/exchange/exchange.py", id="1")
    assert not at.exception, at.exception
    assert any("signed outside CXC Desk on Thu, 20 Apr 2023" in i.value for i in at.info)
    shown = texts(at) + " ".join(str(m.value) for m in at.metric)
    assert "€450" in shown  # 18 May 2023 is Ascension Day in France: 4 working days, so halved


def _workbook(*sheets: tuple[str, str]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, text in sheets:
        sheet = workbook.create_sheet(title)
        for line in text.splitlines():
            sheet.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_several_sheets_asks_which_one_then_imports_it(sqlite_url: str) -> None:
    at = _page(_workbook(("Notes", "Who;When\nAna;Monday\n"), ("Members", GOOD)), "members.xlsx")
    assert not at.exception, at.exception
    assert at.info[0].value == "This workbook has 2 filled sheets (Notes, Members); choose the one to import."
    assert not at.dataframe and _organisations() == 0
    at.selectbox(key="import_sheet_choice").select("Members").run()
    assert "XLSX, sheet “Members”" in " ".join(c.value for c in at.caption)
    at.button(key="import_confirm").click().run()  # a second run: the chosen sheet is still the one read
    assert at.success[0].value == "2 organisations added, 0 updated, 0 unchanged"
    assert _organisations() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "it holds binary data"),
        ("members.csv", b"", "The file is empty"),
        (
            "members.csv",
            GOOD.encode() + "Łódź Textile;PL;Łódź;cluster\n".encode() + "Málaga;ES;Málaga;sme\n".encode("cp1252"),
            "mixes UTF-8",
        ),
    ],
    ids=["binary", "empty", "mixed-encodings"],
)
def test_a_file_that_cannot_be_read_is_refused_in_words_and_offers_no_import(
    sqlite_url: str, name: str, content: bytes, message: str
) -> None:
    at = _page(content, name)
    assert not at.exception, at.exception
    assert message in at.error[0].value
    assert not at.dataframe and not [b for b in at.button if b.key == "import_confirm"]
    assert _organisations() == 0


def test_ten_thousand_rows_are_previewed_and_imported_from_the_page(sqlite_url: str) -> None:
    lines = [
        f"Organização {i:05d};{('PT', 'FR', 'PL')[i % 3]};{('Porto', 'Lyon', 'Łódź')[i % 3]};sme" for i in range(10_000)
    ]
    at = _page(("Legal name;Country;City;Organisation type\n" + "\n".join(lines)).encode("utf-8"))
    assert not at.exception, at.exception
    assert "members.csv: 10000 rows (CSV, UTF-8, separated by semicolon)." in [c.value for c in at.caption]
    assert len(at.dataframe[0].value) == 10_000 and not at.warning
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "10000 organisations added, 0 updated, 0 unchanged"
    assert _organisations() == 10_000


def test_people_are_previewed_with_the_roles_they_will_get_and_imported_with_an_invitation(sqlite_url: str) -> None:
    from services.imports.columns import Kind, match_headers
    from services.imports.importer import rows_of, run_import
    from services.imports.reading import read_table

    with write_session() as session:
        admin = f.admin(session)
        coordinator = f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")))
        table = read_table("members.csv", GOOD.encode())
        rows = rows_of(Kind.ORGANISATIONS, table, match_headers(Kind.ORGANISATIONS, table.headers))
        run_import(session=session, actor=coordinator, kind=Kind.ORGANISATIONS, rows=rows)
        at = AppTest.from_file(APP, default_timeout=60)
        f.log_in(at, session, coordinator)
    at.run()
    at.switch_page("pages/imports/imports.py").run()
    at.selectbox(key="import_kind").set_value(Kind.PEOPLE).run()
    captions = " ".join(c.value for c in at.caption)
    assert "an e-mail with a one-time link to choose their password, valid 7 days" in captions
    assert "an organisation always keeps a contact person" in captions
    people = "Full name;E-mail;Organisation;Country\nBruno Costa;bruno@example.eu;Lyon Urban Tech;FR\n"
    at.session_state["import_upload"] = (
        "people.csv",
        (people + "Carla Dias;carla@example.eu;Lyon Urban Tech;FR\n").encode(),
    )
    at.run()
    assert not at.exception, at.exception
    # The empty role cells as they will be stored: Lyon has no contact person, so its first new person is one.
    assert list(at.dataframe[0].value["Role in the organisation"]) == ["Contact person, Signatory", "Colleague"]
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "2 people added, 0 updated, 0 unchanged"
    with read_session() as session:
        stored = {
            u.email: (u.is_contact_person, u.is_signatory, u.invited_at is not None) for u in session.exec(select(User))
        }
        invited = session.exec(select(Outbox.to_email).where(Outbox.kind == "invitation")).all()
    assert stored["bruno@example.eu"] == (True, True, True) and stored["carla@example.eu"] == (False, False, True)
    assert sorted(invited) == ["bruno@example.eu", "carla@example.eu"]
