import streamlit as st

from ui.guard import require_role
from db.engine import read_session, write_session
from domain.enums import Role
from services.queries import coordinators_with_partnership
from services.accounts import create_coordinator
from services.partnerships import list_partnerships
from domain.i18n import _
from ui.widgets import text_field, field_error, form_errors_banner, run_action

admin = require_role(Role.ADMIN)
FORM = "new_coordinator"
st.title(_("Coordinators"))
with read_session() as session:
    partnerships = {p.id: f"{p.acronym} · {p.name}" for p in list_partnerships(session)}
    rows = coordinators_with_partnership(session)
if rows:
    st.dataframe(
        [{_("Partnership"): p.acronym, _("Name"): u.full_name, _("User name"): u.username, _("E-mail"): u.email} for u, p in rows],
        hide_index=True,
        width="stretch",
    )
if not partnerships:
    st.info(_("Create a Partnership first: every coordinator belongs to one."))
    st.page_link("pages/admin/partnerships.py", label=_("Create a Partnership"), icon=":material/groups:")
    st.stop()

st.subheader(_("Create a coordinator account"))
form_errors_banner(FORM)
with st.form(FORM):
    partnership_id = st.selectbox(
        _("Partnership") + " *", options=list(partnerships), format_func=lambda i: partnerships[i], index=None,
        key="c_partnership", placeholder=_("Choose the Partnership"),
    )
    field_error(FORM, "partnership_id")
    full_name = text_field(FORM, "full_name", _("Full name"), key="c_full_name", max_chars=120)
    email = text_field(FORM, "email", _("E-mail"), key="c_email", max_chars=254)
    username = text_field(FORM, "username", _("User name"), key="c_username", max_chars=40)
    password = text_field(FORM, "password", _("Initial password"), key="c_password", help=_("Give it to the coordinator privately; they change it after the first login."), password=True)
    password_repeat = text_field(FORM, "password_repeat", _("Repeat initial password"), key="c_password_repeat", password=True)
    submitted = st.form_submit_button(_("Create coordinator"), type="primary")
if submitted:

    def create() -> object:
        with write_session() as session:
            return create_coordinator(
                session=session, actor=admin, partnership_id=partnership_id or 0, username=username, email=email,
                full_name=full_name, password=password, password_repeat=password_repeat,
            )

    created = run_action(FORM, create, success=_("Coordinator created."))
    if created is not None:
        st.success(_("Coordinator “{username}” created; an e-mail tells them how to log in.").format(username=created.username))  # type: ignore[attr-defined]
