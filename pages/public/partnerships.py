import streamlit as st

from domain.i18n import _
from domain.rules import country_name
from services.opportunities import partnership_directory
from services.runtime import read_session

st.title(_("Partnerships"))
st.caption(_("Each side of an exchange chooses the Partnership that supervises it. Here is who they are."))
with read_session() as session:
    partnerships = partnership_directory(session)
if not partnerships:
    st.info(_("No Partnership is listed yet."))
for partnership in partnerships:
    with st.container(border=True):
        st.header(f"{partnership.name} ({partnership.acronym})")
        st.write(partnership.profile or "")
        st.markdown(
            f"**{_('Countries')}:** {', '.join(country_name(c) for c in partnership.countries) or '—'}  \n"
            f"**{_('Ecosystems')}:** {', '.join(partnership.ecosystems) or '—'}  \n"
            f"**{_('Contact')}:** {partnership.contact_email}"
        )
