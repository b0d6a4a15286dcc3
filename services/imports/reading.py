"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text: pure, no database, no Streamlit.

Whatever cannot be read is refused with one sentence that says what to do instead (an empty or
binary file, an old .xls, a damaged workbook, an XLSX with several filled sheets and none chosen,
too many rows). Row numbers are the spreadsheet's own: the header is row 1, data starts at row 2,
so a problem can be found in the file by its row and column.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook

from domain.errors import UploadRefused
from domain.i18n import _

MAX_ROWS = 20_000
MAX_BYTES = 30 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) container
SEPARATORS = (";", ",", "\t")
# Text that Excel or LibreOffice would run as a formula. "+351 22 607 64 07" and "-12.5" are not:
# a sign followed only by digits, spaces, dots, dashes and parentheses is a number or a phone number.
FORMULA_START = ("=", "@", "+", "-")
PLAIN_SIGNED = re.compile(r"^[+-][\d\s.,()/-]*$")
# A UTF-8 letter of Western or Central Europe (à…ÿ, Ā…ſ: é, ü, ł, ő, š…); in Windows-1252 these two
# bytes would read as "Ã©", "Ã¼", "Å‚": text no one writes.
UTF8_LETTER = re.compile(rb"[\xc3-\xc5][\x80-\xbf]")


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    cells: tuple[str, ...]  # as many as there are headers


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    source: str  # how it was read, for the person: "CSV, Windows-1252, separator ;" or "XLSX, sheet Members"
    sheet: str = ""


class SeveralSheets(UploadRefused):
    """An XLSX with more than one filled sheet and none chosen: the caller asks which."""

    def __init__(self, sheets: list[str]):
        super().__init__(
            _("This workbook has {n} filled sheets ({names}); choose the one to import.").format(
                n=len(sheets), names=", ".join(sheets)
            )
        )
        self.sheets = sheets


def header_key(text: str) -> str:
    """What two header spellings share: "Contact e-mail" = "CONTACT E-MAIL" = "Contact Email" = "contact_email".

    Accents, case, punctuation and a bracketed note (the template's accepted values) are ignored.
    """
    without_note = re.sub(r"\(.*\)|\[.*\]", "", text)
    decomposed = unicodedata.normalize("NFKD", without_note.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def formula_problem(value: str) -> str | None:
    """Cells a spreadsheet would run as a formula are refused (never stored, never neutralised silently)."""
    if value.startswith(FORMULA_START) and not PLAIN_SIGNED.match(value):
        return _(
            "“{value}” would run as a formula in a spreadsheet; write it as plain text "
            "(or start it with an apostrophe if it really begins with {char})."
        ).format(value=value[:40], char=value[0])
    return None


def plain_text(value: str) -> str:
    """A leading apostrophe marks text that only looks like a formula (as CXC Desk's exports write it)."""
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def read_table(filename: str, content: bytes, *, sheet: str | None = None) -> Table:
    """The headers and filled rows of a CSV or XLSX file; UploadRefused when it cannot be read."""
    if not content or not content.strip():
        raise UploadRefused(_("The file is empty; export your spreadsheet again with a header row and data."))
    if len(content) > MAX_BYTES:
        raise UploadRefused(
            _("The file is larger than {mb} MB; split it into several files.").format(mb=MAX_BYTES // 1024 // 1024)
        )
    if content.startswith(OLE_MAGIC):
        raise UploadRefused(_("This is an old Excel file (.xls); save it as .xlsx or CSV and upload that."))
    if content.startswith(XLSX_MAGIC):
        return _read_xlsx(content, sheet)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise UploadRefused(_("This file is not an Excel workbook (.xlsx) as its name says; save it again as .xlsx."))
    return _read_csv(content)


# --- CSV --------------------------------------------------------------------------------


def decode(content: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252, else Latin-1."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "UTF-16"
    if b"\x00" in content[:8192]:
        raise UploadRefused(_("This is not a CSV or XLSX file (it holds binary data); upload a spreadsheet."))
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="strict"), "UTF-8"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        if UTF8_LETTER.search(content):
            # Part UTF-8, part not (rows pasted from another file): either reading garbles some letters.
            raise UploadRefused(
                _(
                    "The file mixes UTF-8 with another encoding (line {line} is not UTF-8), so some letters would "
                    "be stored wrong; save it again as CSV UTF-8 and upload it again."
                ).format(line=content[: exc.start].count(b"\n") + 1)
            ) from None
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "Latin-1"


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > max(2, len(sample) // 100)


SAMPLE_RECORDS = 20


def separator_of(text: str) -> str:
    """The separator of a CSV text: ';' (European Excel), ',' or a tab. The one that splits the
    first records into the same number of cells, more than one, wins (the most cells if several
    do); a header whose notes hold commas, saved again by Excel with ';', splits the header row
    more by ',' than by ';' but not the rows under it. Without such a separator, the one that
    splits the header row most."""
    head = text[:65_536]
    cells: dict[str, list[int]] = {}
    for sep in SEPARATORS:
        try:
            records = list(itertools.islice(csv.reader(io.StringIO(head, newline=""), delimiter=sep), SAMPLE_RECORDS))
        except csv.Error:
            records = []
        cells[sep] = [len(record) for record in records if any(cell.strip() for cell in record)]
    even = [sep for sep in SEPARATORS if len(set(cells[sep])) == 1 and cells[sep][0] > 1 and len(cells[sep]) > 1]
    if even:
        return max(even, key=lambda sep: cells[sep][0])
    first = {sep: cells[sep][0] if cells[sep] else 0 for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: first[sep])
    return best if first[best] > 1 else ","


def _read_csv(content: bytes) -> Table:
    try:
        text, encoding = decode(content)
    except UnicodeDecodeError:
        raise UploadRefused(_("The file's text cannot be read; save it as CSV UTF-8 and upload it again.")) from None
    if _looks_binary(text):
        raise UploadRefused(_("This is not a CSV or XLSX file (it holds binary data); upload a spreadsheet."))
    separator = separator_of(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        raise UploadRefused(_("The CSV file is damaged ({problem}); export it again.").format(problem=exc)) from None
    words = {";": _("semicolon"), ",": _("comma"), "\t": _("tab")}
    source = _("CSV, {encoding}, separated by {sep}").format(encoding=encoding, sep=words[separator])
    return _table(records, source)


# --- XLSX -------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = getattr(value, "text", None)  # an array formula keeps its text here
    return str(text if isinstance(text, str) else value)


def _read_xlsx(content: bytes, sheet: str | None) -> Table:
    try:
        # data_only=False: a formula arrives as its text ("=SUM(A1:A3)"), so that it is seen and refused.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UploadRefused(_("This Excel file is damaged or not a workbook; save it again as .xlsx.")) from None
    try:
        filled = {}
        for worksheet in workbook.worksheets:
            records = [[_cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
            if any(cell.strip() for record in records for cell in record):
                filled[worksheet.title] = records
    finally:
        workbook.close()
    if sheet is not None:
        if sheet not in filled:
            raise UploadRefused(
                _("The workbook has no filled sheet “{sheet}”; its sheets are {names}.").format(
                    sheet=sheet, names=", ".join(filled) or "—"
                )
            )
        chosen = sheet
    elif len(filled) > 1:
        raise SeveralSheets(list(filled))
    elif not filled:
        raise UploadRefused(_("The workbook is empty; fill a header row and data, or upload another file."))
    else:
        chosen = next(iter(filled))
    return _table(filled[chosen], _("XLSX, sheet “{sheet}”").format(sheet=chosen), sheet=chosen)


# --- both -------------------------------------------------------------------------------


def _table(records: list[list[str]], source: str, sheet: str = "") -> Table:
    numbered = [(i + 1, [c.strip() for c in record]) for i, record in enumerate(records)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        raise UploadRefused(_("The file is empty; export your spreadsheet again with a header row and data."))
    _header_number, header = numbered[0]
    while header and not header[-1]:
        header.pop()
    data = numbered[1:]
    if not data:
        raise UploadRefused(_("The file has a header row but no data rows."))
    if len(data) > MAX_ROWS:
        raise UploadRefused(
            _("The file has {n:,} rows; at most {max:,} are imported at once. Split it into several files.").format(
                n=len(data), max=MAX_ROWS
            )
        )
    width = len(header)
    rows = tuple(Row(number, tuple((cells + [""] * width)[:width])) for number, cells in data)
    return Table(tuple(header), rows, source, sheet)
