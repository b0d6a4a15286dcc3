"""`manage.py import` as an operator runs it: exit codes, every problem with its row and column,
nothing stored on a bad file, the same file twice changes nothing, a dry run stores nothing."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from tests.test_manage import counts, manage

PASSWORD = "correct-horse-battery-staple"
ORGS = (
    "Legal name;Country;City;Organisation type;Contact person;Contact e-mail\n"
    "Cluster Porto Digital;Portugal;Porto;cluster;Ana Silva;ana@example.eu\n"
    "Lyon Urban Tech;FR;Lyon;SME;;\n"
)


def _admin(tmp_path: Path) -> None:
    made = manage(
        tmp_path,
        "create-admin",
        "--username",
        "ada",
        "--email",
        "ada@example.eu",
        "--name",
        "Ada",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert made.returncode == 0, made.stderr


def test_a_bad_file_lists_every_problem_stores_nothing_and_exits_2(tmp_path: Path) -> None:
    _admin(tmp_path)
    path = tmp_path / "members.csv"
    path.write_text(ORGS + "Bad;Narnia;;wizard;Bob;bob@\n", encoding="cp1252")
    result = manage(tmp_path, "import", "organisations", str(path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: Row 4, column “Country”: “Narnia” is not a participating country we know; choose one from the list.",
        "error: Row 4, column “City”: This field is required.",
        "error: Row 4, column “Organisation type”: “wizard” is not a type of organisation we know; "
        "choose one from the list.",
        "error: Row 4, column “Contact e-mail”: “bob@” is not an e-mail address; it should look like "
        "name@organisation.eu.",
        "nothing stored: 4 problems in 1 of 3 rows",
    ]
    assert counts(tmp_path)["organisation"] == 0


def test_a_good_file_is_imported_once_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    _admin(tmp_path)
    path = tmp_path / "members.csv"
    path.write_text(ORGS, encoding="utf-8-sig")
    dry = manage(tmp_path, "import", "organisations", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run, nothing stored: 2 organisations added" in dry.stdout
    assert counts(tmp_path)["organisation"] == 0
    first = manage(tmp_path, "import", "organisations", str(path))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "members.csv (CSV, UTF-8, separated by semicolon): "
        "2 organisations added, 0 updated, 0 unchanged, 1 contact person added"
    )
    second = manage(tmp_path, "import", "organisations", str(path))
    assert "0 organisations added, 0 updated, 2 unchanged" in second.stdout
    assert counts(tmp_path)["organisation"] == 2 and counts(tmp_path)["user"] == 2


def test_unreadable_files_missing_columns_and_unknown_partnerships_are_refused(tmp_path: Path) -> None:
    _admin(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = manage(tmp_path, "import", "people", str(empty))
    assert result.returncode == 2 and "The file is empty" in result.stderr
    workbook = Workbook()
    workbook.active.append(["Legal name"])
    workbook.active.append(["A"])
    workbook.create_sheet("Notes").append(["x"])
    book = tmp_path / "two.xlsx"
    workbook.save(book)
    result = manage(tmp_path, "import", "organisations", str(book))
    assert result.returncode == 2 and "2 filled sheets (Sheet, Notes); choose the one" in result.stderr
    result = manage(tmp_path, "import", "organisations", str(book), "--sheet", "Sheet")
    assert result.returncode == 2
    assert "The column “Country” is missing." in result.stderr and "nothing stored" in result.stderr
    path = tmp_path / "members.csv"
    path.write_text(ORGS, encoding="utf-8")
    result = manage(tmp_path, "import", "organisations", str(path), "--partnership", "99")
    assert result.returncode == 2 and "Choose a Partnership from the list." in result.stderr
    assert counts(tmp_path)["organisation"] == 0


def test_each_file_kind_that_cannot_be_read_is_refused_with_a_sentence_and_stores_nothing(tmp_path: Path) -> None:
    _admin(tmp_path)
    empty_book = Workbook()
    empty_book.save(tmp_path / "empty.xlsx")
    files = {
        "mixed.csv": (
            (ORGS + "Łódź Textile;PL;Łódź;cluster;;\n").encode() + "Málaga Tech;ES;Málaga;sme;;\n".encode("cp1252"),
            "mixes UTF-8 with another encoding (line 5 is not UTF-8)",
        ),
        "utf16.csv": (ORGS.encode("utf-16-le"), "it holds binary data"),
        "logo.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "it holds binary data"),
        "empty.xlsx": ((tmp_path / "empty.xlsx").read_bytes(), "The workbook is empty"),
    }
    for name, (content, message) in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = manage(tmp_path, "import", "organisations", str(path))
        assert result.returncode == 2, name
        assert result.stderr.startswith(f"error: {name}: ") and message in result.stderr, result.stderr
    assert counts(tmp_path)["organisation"] == 0 and counts(tmp_path)["user"] == 1
