import streamlit as st

from domain.enums import Role
from domain.i18n import _
from services.accounts import create_coordinator
from services.partnerships import list_partnerships
from services.queries import coordinators_with_partnership
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error, form_errors_banner, text_field

admin = require_role(Role.ADMIN)
FORM = "new_coordinator"
st.title(_("Coordinators"))
with read_session() as session:
    partnerships = {p.id: f"{p.acronym} · {p.name}" for p in list_partnerships(session)}
    rows = coordinators_with_partnership(session)
if rows:
    st.dataframe(
        [
            {_("Partnership"): p.acronym, _("Name"): u.full_name, _("User name"): u.username, _("E-mail"): u.email}
            for u, p in rows
        ],
        hide_index=True,
        width="stretch",
    )
if not partnerships:
    st.info(_("Create a Partnership first: every coordinator belongs to one."))
    st.page_link("pages/admin/partnerships.py", label=_("Create a Partnership"), icon=":material/groups:")
    st.stop()

st.header(_("Create a coordinator account"))
form_errors_banner(FORM)
with st.form(FORM):
    partnership_id = st.selectbox(
        _("Partnership") + " *",
        options=list(partnerships),
        format_func=lambda i: partnerships[i],
        index=None,
        key="c_partnership",
        placeholder=_("Choose the Partnership"),
    )
    field_error(FORM, "partnership_id")
    full_name = text_field(FORM, "full_name", _("Full name"), key="c_full_name", max_chars=120)
    email = text_field(FORM, "email", _("E-mail"), key="c_email", max_chars=254)
    username = text_field(FORM, "username", _("User name"), key="c_username", max_chars=40)
    password = text_field(
        FORM,
        "password",
        _("Initial password"),
        key="c_password",
        help=_("Give it to the coordinator privately; they change it after the first login."),
        password=True,
    )
    password_repeat = text_field(
        FORM, "password_repeat", _("Repeat initial password"), key="c_password_repeat", password=True
    )
    submitted = st.form_submit_button(_("Create coordinator"), type="primary")
if submitted:
    created = act(
        lambda s: create_coordinator(
            session=s,
            actor=admin,
            partnership_id=partnership_id or 0,
            username=username,
            email=email,
            full_name=full_name,
            password=password,
            password_repeat=password_repeat,
        ),
        success=_("Coordinator created."),
        form=FORM,
    )
    if created is not None:
        st.success(
            _("Coordinator “{username}” created; an e-mail tells them how to log in.").format(username=created.username)
        )
