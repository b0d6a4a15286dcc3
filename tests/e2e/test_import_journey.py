"""Issue 14 in a real browser: a coordinator uploads a file with three bad rows, fixes one in the
preview table, leaves two out and confirms; the three good rows are stored, nothing else."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Organisation
from db.types import id_of
from tests import factories as f
from tests.e2e.conftest import Server, button, log_in, open_page, settle

MEMBERS = (
    "Legal name;Country;City;Organisation type\n"
    "Cluster Porto Digital;Portugal;Porto;cluster\n"
    "Braga Makers;Narnia;Braga;sme\n"  # row 3: fixed in the preview
    "Lyon Urban Tech;FR;Lyon;SME\n"
    "Wizards Ltd;IE;Dublin;wizard\n"  # row 5: left out
    "Nowhere Lda;PT;;sme\n"  # row 6: left out
)


ROW_HEIGHT = 35  # Streamlit's data editor: the header row and each row are this high


def _first_cell(page: Page, row: int) -> tuple[float, float]:
    """The "Leave out" cell of a row of the preview (the table is a canvas: no DOM cells to click)."""
    grid = page.get_by_test_id("stDataFrame").first.bounding_box()
    assert grid is not None
    return grid["x"] + 20, grid["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2


def test_upload_fix_one_row_leave_two_out_and_confirm(server: Server, new_page, tmp_path: Path) -> None:
    with write_session() as session:
        admin = f.admin(session)
        f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")), username="coord")
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS, encoding="cp1252")
    page = new_page("coordinator")
    log_in(page, server.url, "coord", f.PASSWORD)
    open_page(page, f"{server.url}/import")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    settle(page)
    expect(page.get_by_text("3 rows have problems").first).to_be_visible()
    # Row 3's country: select its "Legal name" cell, move right to "Country", open the editor, type the fix.
    x, y = _first_cell(page, 1)
    page.mouse.click(x + 150, y)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    editor = page.locator("textarea:focus")  # the cell's editor, once it has opened
    expect(editor).to_have_value("Narnia")
    editor.fill("PT")
    editor.press("Enter")
    settle(page)
    # Rows 5 and 6: tick "Leave out".
    for row in (3, 4):
        x, y = _first_cell(page, row)
        page.mouse.click(x, y)  # selects the cell
        page.keyboard.press(" ")  # ticks it
        settle(page)
    expect(page.get_by_role("button", name="Import 3 rows")).to_be_visible()
    button(page, "Import 3 rows")
    expect(page.get_by_text("3 organisations added, 0 updated, 0 unchanged, 2 left out").first).to_be_visible()
    with read_session() as session:
        stored = {(o.legal_name, o.country) for o in session.exec(select(Organisation))}
    assert stored == {("Cluster Porto Digital", "PT"), ("Braga Makers", "PT"), ("Lyon Urban Tech", "FR")}
