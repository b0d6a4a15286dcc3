import streamlit as st

from domain.enums import Role
from domain.i18n import _
from domain.rules import country_name, country_options
from services.partnerships import PartnershipInput, create_partnership, list_partnerships
from services.rules import rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error, form_errors_banner, text_field

admin = require_role(Role.ADMIN)
FORM = "new_partnership"
with read_session() as session:
    rules = rules_in_force(session)
countries = country_options(rules)

st.title(_("Partnerships"))
with read_session() as session:
    partnerships = list_partnerships(session)
if partnerships:
    st.dataframe(
        [
            {
                _("Acronym"): p.acronym,
                _("Name"): p.name,
                _("Countries"): ", ".join(country_name(c) for c in p.countries),
                _("Ecosystems"): ", ".join(p.ecosystems),
                _("Contact"): p.contact_email,
            }
            for p in partnerships
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.info(_("No Partnership yet: create the first one below."))

st.header(_("Create a Partnership"))
form_errors_banner(FORM)
with st.form(FORM):
    name = text_field(FORM, "name", _("Name"), key="p_name", max_chars=200)
    acronym = text_field(FORM, "acronym", _("Acronym"), key="p_acronym", max_chars=40)
    contact_email = text_field(FORM, "contact_email", _("Contact e-mail"), key="p_email", max_chars=254)
    profile = st.text_area(
        _("Profile"),
        key="p_profile",
        max_chars=5000,
        help=_("Who you are and what exchanges you support; shown in the public directory."),
    )
    field_error(FORM, "profile")
    selected_countries = st.multiselect(
        _("Countries"), options=list(countries), format_func=lambda c: countries[c], key="p_countries"
    )
    field_error(FORM, "countries")
    ecosystems = st.multiselect(_("Industrial ecosystems"), options=list(rules.ecosystems), key="p_ecosystems")
    field_error(FORM, "ecosystems")
    website = text_field(FORM, "website", _("Website"), key="p_website", max_chars=300, required=False)
    submitted = st.form_submit_button(_("Create Partnership"), type="primary")
if submitted:
    data = PartnershipInput(
        name=name,
        acronym=acronym,
        contact_email=contact_email,
        profile=profile,
        countries=selected_countries,
        ecosystems=ecosystems,
        website=website,
    )
    created = act(
        lambda s: create_partnership(session=s, actor=admin, data=data), success=_("Partnership created."), form=FORM
    )
    if created is not None:
        st.success(_("Partnership “{name}” created. Now create its coordinators.").format(name=created.name))
        st.page_link("pages/admin/coordinators.py", label=_("Create coordinators"), icon=":material/badge:")
