import streamlit as st

from domain.enums import Role
from domain.i18n import _
from ui.guard import require_role
from ui.wizard import form_previews

require_role(Role.ADMIN)
st.title(_("Form previews"))
st.caption(
    _(
        "Every form of the journey as participants see it, from its spec file (forms/specs). Nothing typed here is "
        "stored."
    )
)
form_previews()
