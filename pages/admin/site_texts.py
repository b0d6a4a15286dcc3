import streamlit as st

from domain.enums import Role
from domain.i18n import LANGUAGE_NAMES, SOURCE, _
from services.instance import Identity, identity, save_identity
from services.runtime import read_session
from services.sealing import MAX_URL, save_tsa_url, try_authority, tsa_url
from services.site_texts import MAX_TEXT, TITLES, edited_texts, reset_site_text, set_site_text, site_texts
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error, form_errors_banner

admin = require_role(Role.ADMIN)
st.title(_("Public texts"))
st.caption(_("The texts of the welcome page. Markdown: **bold**, lists, links. HTML is shown as text, never run."))
language = (
    st.segmented_control(
        _("Language"), list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get, default=SOURCE, key="site_text_locale"
    )
    or SOURCE
)
key = st.selectbox(_("Text"), list(TITLES), format_func=lambda k: _(TITLES[k]), key="site_text_key")
with read_session() as session:
    texts = site_texts(session, language)
    own = edited_texts(session, language)
if key not in own:
    st.caption(
        _("No text of its own in {language} yet: readers see this one until you save.").format(
            language=LANGUAGE_NAMES[language]
        )
    )
state_key = f"site_text_body_{language}_{key}"
body = st.text_area(_("Text"), value=texts[key], key=state_key, height=220, max_chars=MAX_TEXT)
field_error("site_text", "body")
c1, c2 = st.columns(2)
if c1.button(_("Save"), key="site_text_save", type="primary"):
    act(
        lambda s: set_site_text(session=s, actor=admin, key=key, body=body, locale=language),
        success=_("Saved: the welcome page shows it now."),
        form="site_text",
        rerun=True,
    )
if key in own and c2.button(_("Back to the built-in text"), key="site_text_reset"):
    if act(
        lambda s: reset_site_text(session=s, actor=admin, key=key, locale=language),
        success=_("The built-in text is back."),
        form="site_text",
    ):
        st.session_state.pop(state_key, None)
        st.rerun()
st.header(_("Preview"))
with st.container(border=True):
    st.markdown(body)

st.divider()
st.header(_("Who runs this instance"))
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
        public_url=st.text_input(
            _("Public address of this instance") + " *",
            value=current.public_url,
            key="identity_public_url",
            max_chars=200,
            help=_(
                "The address people type to reach CXC Desk. Links in e-mails and on documents start with it. "
                "Sign-in through an OpenID Provider calls back to it: tell the provider when it changes, then "
                "restart the app servers."
            ),
        ),
    )
    for field in ("support_name", "support_email", "support_phone", "support_hours", "public_url"):
        field_error("instance_identity", field)
    saved = st.form_submit_button(_("Save"), type="primary")
if saved:
    act(
        lambda s: save_identity(session=s, actor=admin, data=support),
        success=_("Saved: the public pages show it now."),
        form="instance_identity",
        rerun=True,
    )

st.divider()
st.header(_("Time-stamp of the seal"))
st.caption(
    _(
        "The address of an RFC 3161 time-stamping authority. With one, every seal carries a time-stamp "
        "(PAdES B-T; B-LT when the authority's root is in tsa_roots.pem in the data folder). Empty: no "
        "time-stamp. If the authority does not answer, documents are sealed without it and the exchange's "
        "timeline says so."
    )
)
with read_session() as session:
    current_tsa = tsa_url(session)
form_errors_banner("instance_tsa")
with st.form("instance_tsa"):
    url = st.text_input(
        _("Time-stamping authority (URL)"),
        value=current_tsa,
        key="tsa_url",
        max_chars=MAX_URL,
        placeholder="https://tsa.example.eu/tsr",
    )
    field_error("instance_tsa", "tsa_url")
    saved_tsa = st.form_submit_button(_("Save"), type="primary")
if saved_tsa:
    act(
        lambda s: save_tsa_url(session=s, actor=admin, url=url),
        success=_("Saved: the next seals use it."),
        form="instance_tsa",
        rerun=True,
    )
if current_tsa and st.button(_("Ask the authority for a time-stamp now"), key="tsa_try"):
    with st.spinner(_("Asking the authority…")):
        with read_session() as session:
            answered, message = try_authority(session=session, actor=admin)
    (st.success if answered else st.warning)(message)
