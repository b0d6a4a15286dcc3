import streamlit as st

from domain.enums import Role
from domain.i18n import _
from services.instance import Identity, identity, save_identity
from services.runtime import read_session
from services.site_texts import DEFAULTS, MAX_TEXT, TITLES, reset_site_text, set_site_text, site_texts
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error, form_errors_banner

admin = require_role(Role.ADMIN)
st.title(_("Public texts"))
st.caption(_("The texts of the welcome page. Markdown: **bold**, lists, links. HTML is shown as text, never run."))
with read_session() as session:
    texts = site_texts(session)
builtin = {key: text for key, _title, text in DEFAULTS}
key = st.selectbox(_("Text"), list(TITLES), format_func=lambda k: _(TITLES[k]), key="site_text_key")
body = st.text_area(_("Text"), value=texts[key], key=f"site_text_body_{key}", height=220, max_chars=MAX_TEXT)
field_error("site_text", "body")
c1, c2 = st.columns(2)
if c1.button(_("Save"), key="site_text_save", type="primary"):
    act(
        lambda s: set_site_text(session=s, actor=admin, key=key, body=body),
        success=_("Saved: the welcome page shows it now."),
        form="site_text",
        rerun=True,
    )
if texts[key] != builtin[key] and c2.button(_("Back to the built-in text"), key="site_text_reset"):
    if act(
        lambda s: reset_site_text(session=s, actor=admin, key=key),
        success=_("The built-in text is back."),
        form="site_text",
    ):
        st.session_state.pop(f"site_text_body_{key}", None)
        st.rerun()
st.subheader(_("Preview"))
with st.container(border=True):
    st.markdown(body)

st.divider()
st.subheader(_("Who runs this instance"))
st.caption(_("The Support Office shown on the public pages and used as the sender of e-mails."))
with read_session() as session:
    current = identity(session)
form_errors_banner("instance_identity")
with st.form("instance_identity"):
    support = Identity(
        name=st.text_input(
            _("Name of the Support Office") + " *", value=current.name, key="identity_name", max_chars=120
        ),
        email=st.text_input(_("Its e-mail address") + " *", value=current.email, key="identity_email", max_chars=254),
        phone=st.text_input(_("Its phone number"), value=current.phone, key="identity_phone", max_chars=40),
        hours=st.text_input(_("Its opening hours"), value=current.hours, key="identity_hours", max_chars=120),
    )
    for field in ("support_name", "support_email", "support_phone", "support_hours"):
        field_error("instance_identity", field)
    saved = st.form_submit_button(_("Save"), type="primary")
if saved:
    act(
        lambda s: save_identity(session=s, actor=admin, data=support),
        success=_("Saved: the public pages show it now."),
        form="instance_identity",
        rerun=True,
    )
