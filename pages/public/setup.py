import streamlit as st

from domain.i18n import _
from services.instance import Identity, set_up_instance
from ui.actions import act
from ui.widgets import browser_address, form_errors_banner, text_field

FORM = "setup"
st.title(_("Set up this instance"))
st.info(
    _(
        "This CXC Desk has no users yet. Create the first administrator: the Support Office account that "
        "creates Partnerships and coordinator accounts. This page disappears once it is done."
    )
)
form_errors_banner(FORM)
st.session_state.setdefault("setup_public_url", browser_address())
with st.form(FORM):
    full_name = text_field(FORM, "full_name", _("Full name"), key="setup_full_name", max_chars=120)
    email = text_field(FORM, "email", _("E-mail"), key="setup_email", max_chars=254)
    username = text_field(FORM, "username", _("User name"), key="setup_username", max_chars=40, help=_("e.g. admin"))
    password = text_field(
        FORM, "password", _("Password"), key="setup_password", help=_("At least 12 characters."), password=True
    )
    password_repeat = text_field(
        FORM, "password_repeat", _("Repeat password"), key="setup_password_repeat", password=True
    )
    st.header(_("Who runs this instance"))
    st.caption(_("Shown on the public pages and used as the sender of e-mails; an administrator can change it later."))
    support = Identity(
        name=text_field(
            FORM,
            "support_name",
            _("Name of the Support Office"),
            key="setup_support_name",
            max_chars=120,
            help=_("e.g. Support Office of the Alpine Industry Bridge"),
        ),
        email=text_field(FORM, "support_email", _("Its e-mail address"), key="setup_support_email", max_chars=254),
        phone=text_field(
            FORM, "support_phone", _("Its phone number"), key="setup_support_phone", max_chars=40, required=False
        ),
        hours=text_field(
            FORM,
            "support_hours",
            _("Its opening hours"),
            key="setup_support_hours",
            max_chars=120,
            required=False,
            help=_("e.g. 9:00–13:00 CET on working days"),
        ),
        public_url=text_field(
            FORM,
            "public_url",
            _("Public address of this instance"),
            key="setup_public_url",
            max_chars=200,
            help=_(
                "The address people type to reach CXC Desk, e.g. https://cxc.example.eu. Links in e-mails and "
                "the verification link printed on documents start with it."
            ),
        ),
    )
    submitted = st.form_submit_button(_("Create the administrator"), type="primary")

if submitted:
    created = act(
        lambda s: set_up_instance(
            session=s,
            username=username,
            email=email,
            full_name=full_name,
            password=password,
            password_repeat=password_repeat,
            support=support,
        ),
        success=_("Administrator created."),
        form=FORM,
    )
    if created is not None:
        st.success(_("The administrator account is ready. Log in with it."))
        # A plain link: this run's menu still holds only the set-up page.
        label = _("Go to the login page")
        st.markdown(f"[{label}](login)")
