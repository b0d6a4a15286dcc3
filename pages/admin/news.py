import streamlit as st

from domain.enums import Role
from domain.errors import PermissionDenied
from domain.i18n import _, moment, ngettext
from services import news
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error, form_errors_banner

user = require_role(Role.ADMIN, Role.COORDINATOR)
st.title(_("News desk"))

with read_session() as session:
    coordinators_allowed = news.coordinators_may_send(session)
if user.role == Role.ADMIN:
    wanted = st.toggle(
        _("Coordinators may send news to the members of their Partnership"),
        value=coordinators_allowed,
        key="news_coordinators",
    )
    if wanted != coordinators_allowed:
        act(lambda s: news.set_coordinators_may_send(s, user, wanted), success=_("Saved."), rerun=True)

try:
    with read_session() as session:
        scope = news.writer_scope(session, user)
        audience = news.audience_size(session, user)
        items = news.items_of(session, user)
        progress = {item.id: news.progress(session, item) for item in items if item.sent_at}
except PermissionDenied as exc:
    st.info(str(exc), icon=":material/block:")
    st.stop()

st.caption(
    (
        ngettext(
            "Goes to every confirmed subscriber ({n} subscriber now).",
            "Goes to every confirmed subscriber ({n} subscribers now).",
            audience,
        )
        if scope is None
        else ngettext(
            "Goes to the confirmed subscribers who are members of your Partnership ({n} subscriber now).",
            "Goes to the confirmed subscribers who are members of your Partnership ({n} subscribers now).",
            audience,
        )
    ).format(n=audience)
    + " "
    + _("Write in Markdown, send a test to yourself, then send. Sent items appear on the public news page.")
)

form_errors_banner("news")
title = st.text_input(_("Title") + " *", key="news_title", max_chars=news.TITLE_MAX)
field_error("news", "title")
body = st.text_area(_("Text (Markdown)") + " *", key="news_body", height=260, max_chars=news.BODY_MAX)
field_error("news", "body")
st.header(_("Preview"))
with st.container(border=True):
    st.markdown(f"### {title}" if title.strip() else _("*No title yet*"))
    st.markdown(body or _("*No text yet*"))

draft_id = st.session_state.get("news_draft_id")
tested = st.session_state.get("news_tested") == [title, body]
if st.button(_("Send a test to me ({email})").format(email=user.email), key="news_test", icon=":material/science:"):
    item = act(
        lambda s: news.send_test(s, user, title, body, draft_id),
        success=_("Test queued: look in your inbox."),
        form="news",
    )
    if item not in (None, True):
        st.session_state["news_draft_id"] = item.id  # type: ignore[union-attr]
        st.session_state["news_tested"] = [title, body]
        st.rerun()
if draft_id and tested:
    if st.button(
        ngettext("Send to {n} subscriber", "Send to {n} subscribers", audience).format(n=audience),
        key="news_send",
        type="primary",
        icon=":material/send:",
    ):
        if act(lambda s: news.send(s, user, draft_id), success=_("Sending: batches leave with the mail loop.")):
            for key in ("news_draft_id", "news_tested", "news_title", "news_body"):
                st.session_state.pop(key, None)
            st.rerun()
else:
    st.caption(_("Send a test to yourself first (again after any change); then you can send it to subscribers."))

drafts = [item for item in items if not item.sent_at and item.id != draft_id]
if drafts:
    st.divider()
    st.header(_("Drafts"))
    for item in drafts:
        c1, c2 = st.columns([4, 1])
        c1.markdown(f"**{item.title}**  \n" + _("Written on {day}").format(day=moment(item.created_at)))
        # Back into the editor (a callback: it runs before the fields exist); a new test comes before sending.
        c2.button(
            _("Open"),
            key=f"news_open_{item.id}",
            icon=":material/edit:",
            on_click=st.session_state.update,
            kwargs={"news_draft_id": item.id, "news_title": item.title, "news_body": item.body, "news_tested": None},
        )

sent = [item for item in items if item.sent_at]
if sent:
    st.divider()
    st.header(_("Sent"))
    for item in sent:
        done = progress[item.id]
        with st.container(border=True):
            st.markdown(f"**{item.title}**  \n" + _("Sent on {day}").format(day=moment(item.sent_at)))
            c1, c2, c3 = st.columns(3)
            c1.metric(_("Sent to"), done.sent)
            c2.metric(_("Left"), done.left)
            c3.metric(_("Failed"), done.failed)
