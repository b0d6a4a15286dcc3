import streamlit as st

from domain.enums import Role
from domain.i18n import _
from domain.labels import ROLE_LABELS
from services.accounts import change_password
from ui.actions import act
from ui.guard import require_role
from ui.widgets import form_errors_banner, text_field

user = require_role(Role.PARTICIPANT, Role.COORDINATOR, Role.ADMIN)
FORM = "change_password"
st.title(_("My account"))
st.markdown(f"**{user.full_name}** · {user.email} · {ROLE_LABELS[user.role]}")
st.header(_("Change my password"))
form_errors_banner(FORM)
with st.form(FORM, clear_on_submit=False):
    current = text_field(FORM, "current", _("Current password"), key="pw_current", password=True)
    new = text_field(FORM, "new", _("New password"), key="pw_new", help=_("At least 12 characters."), password=True)
    new_repeat = text_field(FORM, "new_repeat", _("Repeat new password"), key="pw_new_repeat", password=True)
    submitted = st.form_submit_button(_("Change password"), type="primary")
if submitted:
    changed = act(
        lambda s: change_password(session=s, actor=user, current=current, new=new, new_repeat=new_repeat),
        success=_("Password changed."),
        form=FORM,
    )
    if changed:
        st.success(_("Your password is changed; use it next time you log in."))
