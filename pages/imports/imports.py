import streamlit as st

from domain.enums import Role
from domain.i18n import _, ngettext
from services.imports.columns import Kind
from services.imports.importer import run_import
from services.partnerships import list_partnerships
from services.runtime import read_session
from ui import imports as step
from ui.actions import act
from ui.guard import require_role

user = require_role(Role.COORDINATOR, Role.ADMIN)
st.title(_("Import from a spreadsheet"))
st.caption(
    _(
        "Bring in your members, their people and exchanges that began before CXC Desk, from CSV or XLSX. "
        "Every row is checked as the forms check it; nothing is stored until you confirm, and then all rows "
        "or none. Importing the same file again changes nothing; a row whose record exists updates it."
    )
)

kind = st.selectbox(_("What to import"), list(Kind), format_func=lambda k: step.KIND_TITLES[k], key="import_kind")
partnership_id = user.partnership_id
if user.role == Role.ADMIN:
    with read_session() as session:
        partnerships = {p.id: f"{p.acronym} · {p.name}" for p in list_partnerships(session)}
    partnership_id = st.selectbox(
        _("For the Partnership"),
        [None, *partnerships],
        format_func=lambda pid: partnerships.get(pid) or _("(none: the Support Office's own records)"),
        key="import_partnership",
    )
step.templates(kind)

upload = step.uploaded()
if upload is None:
    st.stop()
name, content = upload
table = step.table_of(name, content)
if table is None:
    st.stop()
st.caption(
    ngettext("{name}: {n} row ({source}).", "{name}: {n} rows ({source}).", len(table.rows)).format(
        name=name, n=len(table.rows), source=table.source
    )
)
remembered = step.mapping_step(user, kind, table)
missing = step.header_errors(kind, table, remembered)
if missing:
    st.error(" ".join(missing), icon=":material/block:")
    st.stop()

key = step.file_key(name, content, kind, partnership_id)
state = st.session_state.get(step.PREVIEW_KEY)
if state is None or state["key"] != key:
    step.check(user, kind, step.file_rows(kind, table, remembered), partnership_id, key)
edited = step.preview(kind)
if edited is None:
    st.stop()
rows, left_out = step.rows_from(kind, edited)
kept = [row for row in rows if row.number not in left_out]
again, confirm = st.columns(2)
if again.button(_("Check again"), key="import_check", icon=":material/refresh:"):
    step.check(user, kind, rows, partnership_id, key)
    step.keep_left_out(left_out)
    st.rerun()
if confirm.button(
    ngettext("Import {n} row", "Import {n} rows", len(kept)).format(n=len(kept)),
    key="import_confirm",
    type="primary",
    icon=":material/upload:",
):
    progress = step.ProgressBar(_("Checking the rows again, then storing them…"))
    summary = act(
        lambda s: run_import(
            session=s,
            actor=user,
            kind=kind,
            rows=kept,
            partnership_id=partnership_id,
            left_out=len(left_out),
            progress=progress,
        ),
        success=lambda result: result.line(),
    )
    progress.close()
    if summary:
        st.session_state.pop(step.PREVIEW_KEY, None)
        st.session_state.pop(step.UPLOAD_KEY, None)
        st.success(summary.line(), icon=":material/check_circle:")
