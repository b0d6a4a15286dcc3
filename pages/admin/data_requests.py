import streamlit as st

from domain.enums import Role
from domain.i18n import _, moment
from services.data_rights import anonymise_user, erasure_requests
from services.runtime import read_session
from services.settings import load_settings
from ui.actions import act
from ui.guard import require_role

admin = require_role(Role.ADMIN)
st.title(_("Data requests"))
years = load_settings().retention_years
st.caption(
    _(
        "Erasure is carried out as anonymisation: the person's name, e-mail, user name, typed signatures, comments, "
        "CVs and "
        "e-mails are removed; exchanges, payments, signed documents and the audit log are kept for {years} years, as "
        "the "
        "programme must."
    ).format(years=years)
)
with read_session() as session:
    waiting = erasure_requests(session, admin)
if not waiting:
    st.success(_("No request waits."), icon=":material/done_all:")
for person in waiting:
    with st.container(border=True):
        st.markdown(
            _("**{name}** · {email} · asked on {when}").format(
                name=person.full_name,
                email=person.email,
                when=moment(person.erasure_requested_at),  # type: ignore[arg-type]
            )
        )
        confirm = st.checkbox(
            _("I have checked the request; anonymise this account now (cannot be undone)"), key=f"erase_ok_{person.id}"
        )
        if st.button(_("Anonymise"), key=f"erase_{person.id}", disabled=not confirm, type="primary"):
            act(
                lambda s, user_id=person.id: anonymise_user(session=s, actor=admin, user_id=user_id),
                success=_("Anonymised."),
                form=f"erase_{person.id}",
                rerun=True,
            )
