import streamlit as st

from domain.i18n import _
from domain.rules import country_options
from services.accounts import Registration, ask_to_join, duplicate_organisation, register_participant
from services.rules import rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.widgets import field_error, form_errors_banner, organisation_inputs, text_field
from ui import oidc

FORM = "register"

st.title(_("Register your organisation"))
st.caption(_("One account per person. Your organisation can then send expressions of interest as Visitor or Host."))
with read_session() as session:
    countries = country_options(rules_in_force(session))
if oidc.verified_email():
    # Signed in at the organisation's provider: register with the address it vouches for.
    st.session_state.setdefault("reg_email", oidc.verified_email())
form_errors_banner(FORM)
with st.form(FORM):
    st.header(_("You"))
    full_name = text_field(
        FORM,
        "full_name",
        _("Full name"),
        key="reg_full_name",
        max_chars=120,
        help=_("As it should appear on the documents you sign."),
    )
    email = text_field(
        FORM,
        "email",
        _("E-mail"),
        key="reg_email",
        max_chars=254,
        help=_("We send notifications and password resets here."),
    )
    username = text_field(
        FORM,
        "username",
        _("User name"),
        key="reg_username",
        max_chars=40,
        help=_("3–40 lower-case letters or digits, e.g. ana.sousa"),
    )
    password = text_field(
        FORM, "password", _("Password"), key="reg_password", help=_("At least 12 characters."), password=True
    )
    password_repeat = text_field(
        FORM, "password_repeat", _("Repeat password"), key="reg_password_repeat", password=True
    )
    st.header(_("Your organisation"))
    organisation = organisation_inputs(FORM, "reg", countries)
    submitted = st.form_submit_button(_("Create my account"), type="primary")

if submitted:
    data = Registration(
        username=username,
        email=email,
        full_name=full_name,
        password=password,
        password_repeat=password_repeat,
        **organisation,
    )
    # Read before the attempt: a refused form is drawn again at once, with its errors.
    with read_session() as session:
        existing = duplicate_organisation(
            session, name=data.organisation_name, country=data.country, number=data.registration_number
        )
    st.session_state["reg_existing"] = (existing.id, existing.legal_name) if existing else None
    if (
        act(
            lambda s: register_participant(session=s, data=data),
            success=_("Account created: you can log in now."),
            form=FORM,
        )
        is not None
    ):
        if oidc.verified_email() == data.email.strip().lower():
            st.rerun()  # the provider's identity now matches this account: the next run logs it in
        st.success(_("Your account is ready. Log in with your user name and password."))
        st.page_link("pages/public/login.py", label=_("Log in"), icon=":material/login:")

# The organisation exists already: instead of a second record, ask its people to let this person in.
if st.session_state.get("reg_existing"):
    existing_id, existing_name = st.session_state["reg_existing"]
    with st.container(border=True):
        st.markdown(_("**{org}** has an account already.").format(org=existing_name))
        note = st.text_area(_("A message to its contact (optional)"), key="reg_join_message", max_chars=1000)
        field_error(FORM, "message")
        if st.button(_("Ask {org}'s contact to let me in").format(org=existing_name), key="reg_ask_to_join"):
            if act(
                lambda s: ask_to_join(
                    session=s,
                    organisation_id=existing_id,
                    full_name=st.session_state.get("reg_full_name", ""),
                    email=st.session_state.get("reg_email", ""),
                    message=note,
                ),
                success=_("Sent: its contact will answer you by e-mail."),
                form=FORM,
            ):
                st.session_state["reg_existing"] = None
