"""Reading uploaded spreadsheets: encodings, separators, headers, formulas, bad files (pure, no database)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from domain.errors import UploadRefused
from services.imports.reading import (
    MAX_ROWS,
    SeveralSheets,
    formula_problem,
    header_key,
    plain_text,
    read_table,
)

ROWS = "Legal name;Country;City\nCafé Zürich Société;CH;Zürich\n"


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (ROWS.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + ROWS.encode("utf-8"), "UTF-8"),
        (ROWS.replace("Société", "Société €").encode("cp1252"), "Windows-1252"),
        # 0x81 is no character in Windows-1252: such a file can only be Latin-1.
        (ROWS.encode("latin-1").replace(b"CH", b"C\x81"), "Latin-1"),
        (ROWS.encode("utf-16"), "UTF-16"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "latin-1", "utf16-bom"],
)
def test_each_accepted_encoding_reads_the_accents_right(content: bytes, encoding: str) -> None:
    table = read_table("members.csv", content)
    assert encoding in table.source
    assert table.headers == ("Legal name", "Country", "City")
    assert table.rows[0].cells[0].startswith("Café Zürich Société")
    assert table.rows[0].cells[2] == "Zürich"


@pytest.mark.parametrize(("separator", "word"), [(";", "semicolon"), (",", "comma"), ("\t", "tab")])
def test_the_separator_is_found_from_the_header_row(separator: str, word: str) -> None:
    text = separator.join(["Legal name", "Country", "City"]) + "\n" + separator.join(["ACME, Lda", "PT", "Porto"])
    if separator == ",":
        text = text.replace("ACME, Lda", '"ACME, Lda"')
    table = read_table("x.csv", text.encode())
    assert word in table.source
    assert table.rows[0].cells == ("ACME, Lda", "PT", "Porto")


def test_row_numbers_are_the_spreadsheets_and_blank_rows_are_skipped() -> None:
    table = read_table("x.csv", b"Legal name,Country\n\nA,PT\n,\nB,FR\n")
    assert [(r.number, r.cells) for r in table.rows] == [(3, ("A", "PT")), (5, ("B", "FR"))]


def test_short_rows_are_padded_to_the_header() -> None:
    assert read_table("x.csv", b"a,b,c\n1\n").rows[0].cells == ("1", "", "")


@pytest.mark.parametrize(
    "variant", ["Contact e-mail", "CONTACT E-MAIL", "contact_email", "Contact Email (required)", " Contact  e‑mail "]
)
def test_headers_match_without_case_accents_punctuation_or_notes(variant: str) -> None:
    assert header_key(variant) == header_key("Contact e-mail") == "contactemail"
    assert header_key("País") == header_key("pais")


@pytest.mark.parametrize("cell", ["=SUM(A1:A3)", '=HYPERLINK("http://x")', "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3+cmd"])
def test_formula_like_cells_are_refused(cell: str) -> None:
    assert formula_problem(cell) is not None


@pytest.mark.parametrize("cell", ["+351 22 607 64 07", "-12.5", "ACME", "", "a=b"])
def test_phone_numbers_negative_numbers_and_text_pass(cell: str) -> None:
    assert formula_problem(cell) is None


def test_an_apostrophe_marks_text_that_only_looks_like_a_formula() -> None:
    assert plain_text("'=not a formula") == "=not a formula"
    assert plain_text("'Tis") == "'Tis"


def test_xlsx_formulas_arrive_as_their_text_and_dates_as_iso() -> None:
    from datetime import datetime

    content = xlsx(("Members", [["Legal name", "Founded", "Staff"], ['=A1&"x"', datetime(2020, 5, 1), 12.0]]))
    table = read_table("members.xlsx", content)
    assert table.sheet == "Members"
    assert table.rows[0].cells == ('=A1&"x"', "2020-05-01", "12")
    assert formula_problem(table.rows[0].cells[0]) is not None


def test_a_workbook_with_several_filled_sheets_asks_which() -> None:
    content = xlsx(("Members", [["Legal name"], ["A"]]), ("Notes", [["x"], ["y"]]), ("Empty", []))
    with pytest.raises(SeveralSheets) as refused:
        read_table("m.xlsx", content)
    assert refused.value.sheets == ["Members", "Notes"]
    assert "Members, Notes" in str(refused.value)
    assert read_table("m.xlsx", content, sheet="Notes").rows[0].cells == ("y",)
    with pytest.raises(UploadRefused, match="no filled sheet “Other”"):
        read_table("m.xlsx", content, sheet="Other")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.csv", b"", "empty"),
        ("x.csv", b"  \n \n", "empty"),
        ("x.csv", b"Legal name,Country\n", "no data rows"),
        ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("x.csv", bytes(range(1, 32)) * 50, "binary"),
        ("x.csv", ROWS.encode("utf-16-le"), "binary"),  # UTF-16 without its byte order mark
        ("x.csv", ROWS.encode("utf-32"), "binary"),
        ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("x.xlsx", b"PK\x03\x04garbage", "damaged"),
        ("x.xlsx", b"Legal name\nA\n", "not an Excel workbook"),
    ],
    ids=[
        "empty",
        "blank",
        "header-only",
        "png",
        "control-chars",
        "utf16-without-bom",
        "utf32",
        "old-xls",
        "damaged-xlsx",
        "misnamed-csv",
    ],
)
def test_bad_files_are_refused_with_a_sentence(name: str, content: bytes, message: str) -> None:
    with pytest.raises(UploadRefused, match=message):
        read_table(name, content)


def test_an_empty_workbook_is_refused() -> None:
    with pytest.raises(UploadRefused, match="workbook is empty"):
        read_table("x.xlsx", xlsx(("Sheet", [])))


def test_too_many_rows_are_refused_with_the_limit() -> None:
    content = ("Legal name\n" + "A\n" * (MAX_ROWS + 1)).encode()
    with pytest.raises(UploadRefused, match="at most 20,000"):
        read_table("x.csv", content)


def test_a_file_part_utf8_part_windows_1252_is_refused_with_the_line_to_look_at() -> None:
    # Rows pasted from another file: read as UTF-8 the last row breaks, read as Windows-1252 "Łódź" would
    # become "Å\x81Ã³dÅº". Either way letters would be stored wrong.
    content = "Legal name;Country;City\nŁódź Textile;PL;Łódź\n".encode() + "Málaga Tech;ES;Málaga\n".encode("cp1252")
    with pytest.raises(UploadRefused, match=r"mixes UTF-8 with another encoding \(line 3 is not UTF-8\)"):
        read_table("members.csv", content)


@pytest.mark.parametrize("text", ["Großhandel „Gruß”;DE;Köln", "SÃO JOÃO «Ltda»;PT;Porto", "Åbo Ärende;FI;Turku"])
def test_windows_1252_text_is_not_mistaken_for_mixed_encodings(text: str) -> None:
    table = read_table("members.csv", f"Legal name;Country;City\n{text}\n".encode("cp1252"))
    assert "Windows-1252" in table.source and ";".join(table.rows[0].cells) == text
