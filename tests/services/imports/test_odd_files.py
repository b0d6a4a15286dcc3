"""Issue 14's odd files, imported into a database through the command's entry (read the file, match
the headers, run_import): accepted encodings and separators store the names right; formulas and
formula-like cells are refused with their row and column and store nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from db.models import AuditEvent, Organisation, User
from services.imports.columns import Kind, match_headers
from services.imports.common import Summary
from services.imports.importer import ImportRefused, problem_lines, rows_of, run_import
from services.imports.reading import read_table
from tests import factories as f

HEADER = ["Legal name", "Country", "City", "Organisation type"]
ZURICH = ("Zürich Partners GmbH", "DE", "Munich")  # the city list's own name of "München"
UNICODE_ROWS = [
    ["Zürich Partners GmbH", "DE", "München", "sme"],
    ["Łódź Textile Cluster", "PL", "Łódź", "cluster"],
    ["Málaga Tech, S.L.", "ES", "Málaga", "sme"],
]
UNICODE_STORED = {ZURICH, ("Łódź Textile Cluster", "PL", "Łódź"), ("Málaga Tech, S.L.", "ES", "Málaga")}
# Ł is in neither Windows-1252 nor Latin-1: such a file writes "Lodz", which the city list stores as "Łódź".
# Š and € are in Windows-1252 only.
WESTERN_ROWS = [
    ["Zürich Partners GmbH", "DE", "München", "sme"],
    ["Lodz Textile Cluster", "PL", "Lodz", "cluster"],
    ["Málaga Tech, S.L.", "ES", "Málaga", "sme"],
]
WESTERN_STORED = {ZURICH, ("Lodz Textile Cluster", "PL", "Łódź"), ("Málaga Tech, S.L.", "ES", "Málaga")}
WINDOWS_ROWS = [*WESTERN_ROWS, ["Šibenik Nautika €", "HR", "Šibenik", "sme"]]


def csv_text(rows: list[list[str]], separator: str = ";") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if separator in value else value

    return "\n".join(separator.join(cell(v) for v in row) for row in [HEADER, *rows]) + "\n"


def import_file(session: Session, actor: object, name: str, content: bytes) -> tuple[Summary, str]:
    table = read_table(name, content)
    rows = rows_of(Kind.ORGANISATIONS, table, match_headers(Kind.ORGANISATIONS, table.headers))
    return run_import(session=session, actor=actor, kind=Kind.ORGANISATIONS, rows=rows), table.source


def stored(session: Session) -> set[tuple[str, str, str]]:
    return {(o.legal_name, o.country, o.city) for o in session.exec(select(Organisation))}


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize(
    ("content", "read_as", "expected"),
    [
        (csv_text(UNICODE_ROWS).encode("utf-8"), "UTF-8", UNICODE_STORED),
        (csv_text(UNICODE_ROWS).encode("utf-8-sig"), "UTF-8", UNICODE_STORED),
        (csv_text(UNICODE_ROWS).encode("utf-16"), "UTF-16", UNICODE_STORED),
        (
            csv_text(WINDOWS_ROWS).encode("cp1252"),
            "Windows-1252",
            WESTERN_STORED | {("Šibenik Nautika €", "HR", "Šibenik")},
        ),
        # Latin-1 and Windows-1252 write every letter of Latin-1 with the same byte: the file reads the same.
        (csv_text(WESTERN_ROWS).encode("latin-1"), "Windows-1252", WESTERN_STORED),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "windows-1252", "latin-1"],
)
def test_each_accepted_encoding_stores_the_names_as_written(
    session: Session, content: bytes, read_as: str, expected: set[tuple[str, str, str]]
) -> None:
    admin = f.admin(session)
    summary, source = import_file(session, admin, "members.csv", content)
    assert read_as in source
    assert summary.added == len(expected)
    assert stored(session) == expected


@pytest.mark.parametrize(("separator", "word"), [(";", "semicolon"), (",", "comma"), ("\t", "tab")])
def test_semicolon_comma_or_tab_files_store_the_same_records(session: Session, separator: str, word: str) -> None:
    admin = f.admin(session)
    summary, source = import_file(session, admin, "members.csv", csv_text(UNICODE_ROWS, separator).encode())
    assert summary.added == 3 and f"separated by {word}" in source
    assert ("Málaga Tech, S.L.", "ES", "Málaga") in stored(session)  # a quoted separator stays in its cell


FORMULAS = [
    ['=HYPERLINK("http://evil.example","Click")', "PT", "Porto", "sme"],
    ["Lyon Urban Tech", "FR", "@SUM(1+1)", "sme"],
    ["Wiener Netzwerk", "AT", "Wien", "+cmd|' /C calc'!A0"],
    ["-2+3+cmd|' /C calc'!A0", "PT", "Braga", "cluster"],
]


def test_formulas_and_formula_like_cells_are_refused_and_nothing_is_stored(session: Session) -> None:
    admin = f.admin(session)
    events = count(session, AuditEvent)
    good = ["Cluster Porto Digital", "PT", "Porto", "cluster"]
    content = csv_text([good, *FORMULAS]).encode()
    with pytest.raises(ImportRefused) as refused:
        import_file(session, admin, "members.csv", content)
    lines = problem_lines(Kind.ORGANISATIONS, refused.value.checked)
    assert lines[0].startswith("Row 3, column “Legal name”: “=HYPERLINK(")
    assert [line.split(":")[0] for line in lines if "would run as a formula" in line] == [
        "Row 3, column “Legal name”",
        "Row 4, column “City”",
        "Row 5, column “Organisation type”",
        "Row 6, column “Legal name”",
    ]
    session.rollback()
    assert count(session, Organisation) == 0 and count(session, User) == 1 and count(session, AuditEvent) == events


def test_a_formula_in_a_workbook_is_refused_and_an_apostrophe_keeps_text_as_text(session: Session) -> None:
    admin = f.admin(session)
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, ["Cluster Porto Digital", "PT", "Porto", "cluster"], ['=A2&" bis"', "PT", "Braga", "sme"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRefused) as refused:
        import_file(session, admin, "members.xlsx", buffer.getvalue())
    assert problem_lines(Kind.ORGANISATIONS, refused.value.checked) == [
        'Row 3, column “Legal name”: “=A2&" bis"” would run as a formula in a spreadsheet; write it as plain '
        "text (or start it with an apostrophe if it really begins with =)."
    ]
    session.rollback()
    assert count(session, Organisation) == 0
    # A name that only looks like a formula, written as CXC Desk's own exports write it.
    summary, _source = import_file(
        session, admin, "members.csv", csv_text([["'=Equals Partners", "PT", "Porto", "sme"]]).encode()
    )
    assert summary.added == 1 and stored(session) == {("=Equals Partners", "PT", "Porto")}
