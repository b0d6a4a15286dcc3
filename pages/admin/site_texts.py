import streamlit as st

from domain.enums import Role
from domain.i18n import _
from services.runtime import read_session
from services.site_texts import DEFAULTS, MAX_TEXT, TITLES, reset_site_text, set_site_text, site_texts
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error

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
