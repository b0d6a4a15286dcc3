"""The import page's steps: templates, upload, the mapping of unknown headers, the preview table
where problems sit next to their cells (fixed in place or left out), and the confirmation.

Nothing is written before "Import": the preview only reads; "Import" runs the one service call
that checks every row again and writes all of them in one transaction, or none.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from domain.errors import UploadRefused
from domain.i18n import N_, Translated, _, ngettext
from services.imports.columns import Kind, column, columns_of, match_headers
from services.imports.common import ADD, UNCHANGED, UPDATE, Checked, RowInput
from services.imports.importer import check_rows, header_problems, remember_headers, remembered_headers, rows_of
from services.imports.importer import template as import_template
from services.imports.reading import SeveralSheets, Table, read_table
from services.runtime import read_session
from services.settings import load_settings
from ui.actions import act

if TYPE_CHECKING:
    from db.models import User

KIND_TITLES = Translated(
    {
        Kind.ORGANISATIONS: N_("Organisations"),
        Kind.PEOPLE: N_("People of organisations"),
        Kind.EXCHANGES: N_("Exchanges"),
    }
)
ROW_, LEAVE_OUT_, RESULT_ = N_("Row"), N_("Leave out"), N_("Result")  # columns of the preview, translated when drawn
PROBLEM_MARK = "⚠ "
UPLOAD_KEY = "import_upload"  # (file name, bytes) of the uploaded file
PREVIEW_KEY = "import_preview"
SHEET_KEY = "import_sheet"  # (digest of the file, its sheet to read) for a workbook with several filled sheets
ACTION_WORDS = Translated({ADD: N_("add"), UPDATE: N_("update"), UNCHANGED: N_("unchanged")})


def templates(kind: Kind) -> None:
    st.caption(
        _(
            "Start from the template: its headers are the labels of the app, with the accepted values in brackets, "
            "and one example row to replace. Your own headers work too: case, accents and usual variants are "
            "recognised, and other headers are matched by you below."
        )
    )
    if kind == Kind.PEOPLE:
        st.caption(
            _(
                "Each new person gets the invitation a contact person sends under Colleagues: an e-mail with a "
                "one-time link to choose their password, valid {days} days. The column “{column}” gives their "
                "roles; an organisation always keeps a contact person."
            ).format(days=load_settings().invitation_days, column=_(column(Kind.PEOPLE, "role").label))
        )
    left, right = st.columns(2)
    for place, fmt in ((left, "csv"), (right, "xlsx")):
        with read_session() as session:
            name, data, mime = import_template(session, kind, fmt)
        place.download_button(
            _("Template {name}").format(name=name),
            data=data,
            file_name=name,
            mime=mime,
            key=f"import_template_{fmt}",
            icon=":material/file_download:",
        )


def uploaded() -> tuple[str, bytes] | None:
    """The uploaded file (kept in the session so that a rerun does not need it again)."""
    upload = st.file_uploader(_("CSV or XLSX file"), type=["csv", "txt", "xlsx"], key="import_file")
    if upload is not None:
        st.session_state[UPLOAD_KEY] = (upload.name, upload.getvalue())
    return st.session_state.get(UPLOAD_KEY)


def table_of(name: str, content: bytes) -> Table | None:
    """The file read, or a refusal in words; a workbook with several sheets asks which one."""
    # The choice is kept outside the widget: Streamlit forgets a widget's value on a run that does not draw
    # it, and once the sheet is read the choice is not drawn (the next click would ask again).
    digest = hashlib.sha256(content).hexdigest()
    kept = st.session_state.get(SHEET_KEY)
    try:
        return read_table(name, content, sheet=kept[1] if kept and kept[0] == digest else None)
    except SeveralSheets as several:
        st.info(str(several))
        choice = st.selectbox(_("Sheet"), several.sheets, index=None, key="import_sheet_choice")
        if choice:
            st.session_state[SHEET_KEY] = (digest, choice)
            st.rerun()
        return None
    except UploadRefused as refused:
        st.error(str(refused), icon=":material/block:")
        return None


def mapping_step(user: User, kind: Kind, table: Table) -> dict[str, str]:
    """Headers we do not recognise: the person says which of our columns each one is (remembered)."""
    with read_session() as session:
        remembered = remembered_headers(session, kind)
    match = match_headers(kind, table.headers, remembered)
    if not match.unknown:
        return remembered
    labels = {c.key: _(c.label) for c in columns_of(kind)}
    taken = set(match.by_index.values())
    with st.expander(
        ngettext(
            "Match the columns of your file ({n} unknown column)",
            "Match the columns of your file ({n} unknown columns)",
            len(match.unknown),
        ).format(n=len(match.unknown)),
        expanded=True,
    ):
        choices = {}
        for i, header in enumerate(match.unknown):
            options = ["", *(k for k in labels if k not in taken)]
            choices[header] = st.selectbox(
                _("Your column “{header}” is").format(header=header),
                options,
                format_func=lambda k: labels.get(k) or _("(leave this column out)"),
                key=f"import_map_{kind}_{i}",
            )
        if st.button(_("Use this matching"), key="import_map_save", icon=":material/link:"):
            act(
                lambda s: remember_headers(session=s, actor=user, kind=kind, choices=choices),
                success=_("Matching saved; it is used for your next imports too."),
                rerun=True,
            )
    return remembered


def _frame(kind: Kind, checked: list[Checked]) -> pd.DataFrame:
    """One line per row: leave out?, the cells (editable), each problem in a column right after its cell."""
    with_problems = {key for c in checked for key in c.problems}
    records = []
    for c in checked:
        record: dict[str, object] = {_(LEAVE_OUT_): False, _(ROW_): c.number}
        for col in columns_of(kind):
            record[_(col.label)] = c.values.get(col.key, "")
            if col.key in with_problems:
                record[PROBLEM_MARK + _(col.label)] = c.problems.get(col.key, "")
        record[_(RESULT_)] = _("to fix") if c.problems else ACTION_WORDS[c.action]
        records.append(record)
    return pd.DataFrame.from_records(records)


class ProgressBar:
    """A progress bar that a service reports to (10,000 rows take seconds to check)."""

    def __init__(self, text: str):
        self.bar = st.progress(0.0, text=text)

    def __call__(self, done: int, total: int) -> None:
        text = ngettext("{done} of {all} row checked", "{done} of {all} rows checked", total).format(
            done=done, all=total
        )
        if done >= total:
            text = ngettext("The {all} row is checked.", "All {all} rows checked.", total).format(all=total)
        self.bar.progress(done / total if total else 1.0, text=text)

    def close(self) -> None:
        self.bar.empty()


def check(user: User, kind: Kind, rows: list[RowInput], partnership_id: int | None, file_key: str) -> None:
    """Check every row (reading only) and keep the preview in the session."""
    bar = ProgressBar(_("Checking the rows…"))
    with read_session() as session:
        checked = check_rows(
            session=session, actor=user, kind=kind, rows=rows, partnership_id=partnership_id, progress=bar
        )
    bar.close()
    previous = st.session_state.get(PREVIEW_KEY) or {}
    st.session_state[PREVIEW_KEY] = {
        "key": file_key,
        "version": previous.get("version", 0) + 1,  # a fresh table: edits of the last one are applied already
        "frame": _frame(kind, checked),
    }


def rows_from(kind: Kind, frame: pd.DataFrame) -> tuple[list[RowInput], set[int]]:
    """Every row of the preview as typed or fixed, and the numbers of the rows left out."""
    rows = [
        RowInput(
            int(record[_(ROW_)]),
            {col.key: "" if pd.isna(record[_(col.label)]) else str(record[_(col.label)]) for col in columns_of(kind)},
        )
        for record in frame.to_dict("records")
    ]
    return rows, {int(n) for n in frame.loc[frame[_(LEAVE_OUT_)].astype(bool), _(ROW_)]}


def keep_left_out(left_out: set[int]) -> None:
    """After checking again, the rows the person left out stay left out."""
    frame = st.session_state[PREVIEW_KEY]["frame"]
    frame[_(LEAVE_OUT_)] = frame[_(ROW_)].isin(left_out)


def preview(kind: Kind) -> pd.DataFrame | None:
    state = st.session_state.get(PREVIEW_KEY)
    if not state:
        return None
    frame: pd.DataFrame = state["frame"]
    problems = int(((frame[_(RESULT_)] == _("to fix")) & ~frame[_(LEAVE_OUT_)].astype(bool)).sum())
    if problems:
        st.warning(
            _(
                "{n} rows have problems, shown next to their cells: fix them in the table or tick “Leave out”, "
                "then check again."
            ).format(n=problems),
            icon=":material/warning:",
        )
    editable = {_(c.label) for c in columns_of(kind)} | {_(LEAVE_OUT_)}
    return st.data_editor(
        frame,
        key=f"import_editor_{state['version']}",
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=[name for name in frame.columns if name not in editable],
        column_config={
            _(LEAVE_OUT_): st.column_config.CheckboxColumn(_(LEAVE_OUT_), width="small"),
            _(ROW_): st.column_config.NumberColumn(_(ROW_), width="small"),
            # A long problem would push the next cells out of sight: hovering shows it whole.
            **{
                name: st.column_config.TextColumn(name, width="medium")
                for name in frame.columns
                if str(name).startswith(PROBLEM_MARK)
            },
        },
    )


def file_key(name: str, content: bytes, kind: Kind, partnership_id: int | None) -> str:
    return hashlib.sha256(content + f"|{name}|{kind}|{partnership_id}".encode()).hexdigest()


def header_errors(kind: Kind, table: Table, remembered: dict[str, str]) -> list[str]:
    return header_problems(kind, match_headers(kind, table.headers, remembered))


def file_rows(kind: Kind, table: Table, remembered: dict[str, str]) -> list[RowInput]:
    return rows_of(kind, table, match_headers(kind, table.headers, remembered))
