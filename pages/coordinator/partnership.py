import streamlit as st

from auth.guard import require_role
from db.engine import read_session
from db.enums import Role
from db.queries import colleagues, partnership_of
from db.rules import country_name
from forms.i18n import _

user = require_role(Role.COORDINATOR)
with read_session() as session:
    partnership = partnership_of(session, user)
    people = colleagues(session, user)

if partnership is None:
    st.warning(_("Your account is not linked to a Partnership; ask the Support Office."))
    st.stop()
st.title(f"{partnership.name} ({partnership.acronym})")
st.write(partnership.profile or _("No profile text yet."))
st.markdown(
    "\n".join(
        [
            f"- **{_('Countries')}:** {', '.join(country_name(c) for c in partnership.countries) or '—'}",
            f"- **{_('Ecosystems')}:** {', '.join(partnership.ecosystems) or '—'}",
            f"- **{_('Contact')}:** {partnership.contact_email}",
        ]
    )
)
st.subheader(_("Coordinators"))
st.dataframe([{_("Name"): p.full_name, _("E-mail"): p.email} for p in people], hide_index=True, width="stretch")
