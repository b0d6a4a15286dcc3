import streamlit as st

from ui.guard import require_role
from db.engine import read_session, write_session
from domain.enums import Role
from services.queries import users_page
from services.accounts import is_locked, lock_user, send_reset_link, unlock_user
from domain.i18n import _, moment
from domain.labels import ROLE_LABELS
from ui.widgets import run_action

admin = require_role(Role.ADMIN)
st.title(_("Users"))
search = st.text_input(_("Search by name, user name or e-mail"), key="user_search", max_chars=100)
with read_session() as session:
    users = users_page(session, search=search)
st.dataframe(
    [
        {
            _("User name"): u.username,
            _("Name"): u.full_name,
            _("E-mail"): u.email,
            _("Role"): ROLE_LABELS[u.role],
            _("Locked until"): moment(u.locked_until) if is_locked(u) and u.locked_until else "",
            _("Last login"): moment(u.last_login_at) if u.last_login_at else "",
        }
        for u in users
    ],
    hide_index=True,
    width="stretch",
)
others = {u.id: f"{u.username} · {u.full_name}" for u in users if u.id != admin.id and u.is_active}
if others:
    st.subheader(_("Lock or reset an account"))
    target = st.selectbox(_("Account"), options=list(others), format_func=lambda i: others[i], key="manage_choice")
    c1, c2 = st.columns(2)
    if c1.button(_("Lock (ends every login)"), key="lock_button", icon=":material/lock:"):
        def lock() -> object:
            with write_session() as session:
                return lock_user(session=session, actor=admin, user_id=target)  # type: ignore[arg-type]

        if run_action("lock", lock, success=_("Account locked.")) is not None:
            st.rerun()
    if c2.button(_("Send a password reset link"), key="reset_button", icon=":material/key:"):
        def reset() -> object:
            with write_session() as session:
                send_reset_link(session=session, actor=admin, user_id=target)  # type: ignore[arg-type]
            return True

        run_action("reset", reset, success=_("Reset link e-mailed."))
locked = {u.id: u.username for u in users if is_locked(u)}
if locked:
    st.subheader(_("Unlock an account"))
    chosen = st.selectbox(_("Locked account"), options=list(locked), format_func=lambda i: locked[i], key="unlock_choice")
    if st.button(_("Unlock"), key="unlock_button"):

        def unlock() -> object:
            with write_session() as session:
                return unlock_user(session=session, actor=admin, user_id=chosen)  # type: ignore[arg-type]

        if run_action("unlock", unlock, success=_("Account unlocked.")) is not None:
            st.rerun()
