import streamlit as st

from domain.enums import Role
from domain.i18n import _, moment
from services.data_rights import personal_data, request_erasure
from services.settings import load_settings
from ui.actions import act
from ui.guard import require_role

user = require_role(Role.PARTICIPANT)
st.title(_("My data"))
st.markdown(
    _(
        "Download everything this app holds about you and your organisation: a zip file with the records as JSON "
        "and the documents and evidence files."
    )
)
if st.button(_("Prepare my data"), key="prepare_data", icon=":material/folder_zip:"):
    package = act(lambda s: personal_data(s, user), success=_("Your file is ready."))
    if package is not None:
        st.session_state["my_data_zip"] = package
if st.session_state.get("my_data_zip"):
    st.download_button(
        _("Download my data (zip)"),
        data=st.session_state["my_data_zip"],
        file_name="my-clusterxchange-data.zip",
        mime="application/zip",
        key="download_data",
        icon=":material/download:",
    )

st.header(_("Erasure"))
years = load_settings().retention_years
st.markdown(
    _(
        "You may ask for your personal data to be erased. The Support Office then removes your name, e-mail and "
        "comments; "
        "exchanges, payments, signed documents and the audit log are kept for {years} years, as the programme must."
    ).format(years=years)
)
if user.erasure_requested_at:
    st.info(
        _("You asked for erasure on {when}; the Support Office carries it out.").format(
            when=moment(user.erasure_requested_at)
        )
    )
else:
    agreed = st.checkbox(
        _("I understand that my account will stop working once the erasure is carried out"), key="erasure_ok"
    )
    if st.button(_("Ask for erasure"), key="ask_erasure", disabled=not agreed):
        act(
            lambda s: request_erasure(session=s, actor=user),
            success=_("Request sent to the Support Office."),
            rerun=True,
        )
