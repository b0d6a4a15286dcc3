import streamlit as st

from domain.enums import ContactState, Role
from domain.i18n import _, moment
from services import contact
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error

STATE_LABELS = {ContactState.NEW: _("New"), ContactState.ANSWERED: _("Answered"), ContactState.CLOSED: _("Closed")}

admin = require_role(Role.ADMIN)
st.title(_("Contact messages"))
shown = st.pills(
    _("Show"),
    options=list(STATE_LABELS),
    format_func=lambda s: STATE_LABELS[s],
    selection_mode="multi",
    default=[ContactState.NEW],
    key="message_states",
)
with read_session() as session:
    found = contact.messages(session, admin, states=shown or None)
if not found:
    st.info(_("No message here."))
for message in found:
    with st.expander(
        f"{STATE_LABELS[message.state]} · {moment(message.created_at)} · {message.name} <{message.email}> · "
        f"{message.subject}",
        expanded=message.state == ContactState.NEW,
    ):
        st.text(message.body)
        if message.reply:
            st.caption(
                _("Answered {when}:").format(when=moment(message.answered_at)) if message.answered_at else _("Answer:")
            )
            st.text(message.reply)
        if message.state != ContactState.CLOSED:
            text = st.text_area(_("Answer by e-mail"), key=f"reply_{message.id}", max_chars=5000)
            field_error(f"reply_{message.id}", "reply")
            c1, c2 = st.columns(2)
            if c1.button(_("Send the answer"), key=f"send_reply_{message.id}", icon=":material/reply:"):
                act(
                    lambda s, message_id=message.id, text=text: contact.reply(
                        session=s, actor=admin, message_id=message_id, text=text
                    ),
                    success=_("Answer queued for sending."),
                    form=f"reply_{message.id}",
                    rerun=True,
                )
            if c2.button(_("Close without answer"), key=f"close_{message.id}"):
                act(
                    lambda s, message_id=message.id: contact.close(session=s, actor=admin, message_id=message_id),
                    success=_("Closed."),
                    form=f"close_{message.id}",
                    rerun=True,
                )
