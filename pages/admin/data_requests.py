import streamlit as st

from ui.guard import require_role
from db.engine import read_session, write_session
from domain.enums import Role
from services.data_rights import anonymise_user, erasure_requests
from db.settings import load_settings
from domain.i18n import _, moment
from ui.widgets import run_action

admin = require_role(Role.ADMIN)
st.title(_("Data requests"))
years = load_settings().retention_years
st.caption(_("Erasure is carried out as anonymisation: the person's name, e-mail, user name, typed signatures, comments, CVs and "
             "e-mails are removed; exchanges, payments, signed documents and the audit log are kept for {years} years, as the "
             "programme must.").format(years=years))
with read_session() as session:
    waiting = erasure_requests(session, admin)
if not waiting:
    st.success(_("No request waits."), icon=":material/done_all:")
for person in waiting:
    with st.container(border=True):
        st.markdown(f"**{person.full_name}** · {person.email} · {_('asked')} {moment(person.erasure_requested_at)}")  # type: ignore[arg-type]
        confirm = st.checkbox(_("I have checked the request; anonymise this account now (cannot be undone)"), key=f"erase_ok_{person.id}")
        if st.button(_("Anonymise"), key=f"erase_{person.id}", disabled=not confirm, type="primary"):
            def erase(user_id: int = person.id) -> object:  # type: ignore[assignment]
                with write_session() as session:
                    return anonymise_user(session=session, actor=admin, user_id=user_id)

            if run_action(f"erase_{person.id}", erase, success=_("Anonymised.")) is not None:
                st.rerun()
