import streamlit as st

from ui.guard import require_role
from db.engine import read_session, write_session
from domain.enums import ContactState, Role
from services import contact
from domain.i18n import _, moment
from ui.widgets import field_error, run_action

STATE_LABELS = {ContactState.NEW: _("New"), ContactState.ANSWERED: _("Answered"), ContactState.CLOSED: _("Closed")}

admin = require_role(Role.ADMIN)
st.title(_("Contact messages"))
shown = st.pills(_("Show"), options=list(STATE_LABELS), format_func=lambda s: STATE_LABELS[s], selection_mode="multi",
                 default=[ContactState.NEW], key="message_states")
with read_session() as session:
    found = contact.messages(session, admin, states=shown or None)
if not found:
    st.info(_("No message here."))
for message in found:
    with st.expander(f"{STATE_LABELS[message.state]} · {moment(message.created_at)} · {message.name} <{message.email}> · {message.subject}",
                     expanded=message.state == ContactState.NEW):
        st.text(message.body)
        if message.reply:
            st.caption(_("Answered {when}:").format(when=moment(message.answered_at)) if message.answered_at else _("Answer:"))
            st.text(message.reply)
        if message.state != ContactState.CLOSED:
            text = st.text_area(_("Answer by e-mail"), key=f"reply_{message.id}", max_chars=5000)
            field_error(f"reply_{message.id}", "reply")
            c1, c2 = st.columns(2)
            if c1.button(_("Send the answer"), key=f"send_reply_{message.id}", icon=":material/reply:"):
                def answer(message_id: int = message.id, text: str = text) -> object:  # type: ignore[assignment]
                    with write_session() as session:
                        return contact.reply(session=session, actor=admin, message_id=message_id, text=text)

                if run_action(f"reply_{message.id}", answer, success=_("Answer queued for sending.")) is not None:
                    st.rerun()
            if c2.button(_("Close without answer"), key=f"close_{message.id}"):
                def close(message_id: int = message.id) -> object:  # type: ignore[assignment]
                    with write_session() as session:
                        return contact.close(session=session, actor=admin, message_id=message_id)

                if run_action(f"close_{message.id}", close, success=_("Closed.")) is not None:
                    st.rerun()
