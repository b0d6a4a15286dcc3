import streamlit as st

from domain.enums import Role
from domain.i18n import _, moment
from domain.labels import ROLE_LABELS
from services.accounts import is_locked, lock_user, send_reset_link, unlock_user
from services.queries import users_page
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role

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
    st.header(_("Lock or reset an account"))
    target = st.selectbox(_("Account"), options=list(others), format_func=lambda i: others[i], key="manage_choice")
    c1, c2 = st.columns(2)
    if c1.button(_("Lock (ends every login)"), key="lock_button", icon=":material/lock:"):
        act(
            lambda s: lock_user(session=s, actor=admin, user_id=target),
            success=_("Account locked."),
            form="lock",
            rerun=True,
        )
    if c2.button(_("Send a password reset link"), key="reset_button", icon=":material/key:"):
        act(
            lambda s: send_reset_link(session=s, actor=admin, user_id=target),
            success=_("Reset link e-mailed."),
            form="reset",
        )
locked = {u.id: u.username for u in users if is_locked(u)}
if locked:
    st.header(_("Unlock an account"))
    chosen = st.selectbox(
        _("Locked account"), options=list(locked), format_func=lambda i: locked[i], key="unlock_choice"
    )
    if st.button(_("Unlock"), key="unlock_button"):
        act(
            lambda s: unlock_user(session=s, actor=admin, user_id=chosen),
            success=_("Account unlocked."),
            form="unlock",
            rerun=True,
        )
