import streamlit as st

from domain.enums import Role
from domain.i18n import LANGUAGE_NAMES, _
from domain.labels import ORG_TYPE_LABELS
from domain.rules import country_name
from services.colleagues import people_of
from services.on_behalf import organisation_entered_by
from services.organisations import SPEC, set_document_language, set_location, update_profile
from services.payments import set_organisation_account
from services.queries import organisation_of
from services.rules import rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.bank import bank_account_form
from ui.colleagues import colleagues_section
from ui.guard import require_role
from ui.wizard import Wizard, wizard

user = require_role(Role.PARTICIPANT)
with read_session() as session:
    organisation = organisation_of(session, user)
    people = people_of(session, user) if organisation is not None else None
    rules = rules_in_force(session)
    entered_by = organisation_entered_by(session, organisation.id) if organisation else ""

st.title(_("My organisation"))
if organisation is None:
    st.warning(_("Your account is not linked to an organisation; write to the Support Office."))
    st.stop()
st.header(organisation.legal_name)
if entered_by:
    st.info(
        _("Entered on your organisation's behalf by {who}: check these details and complete the profile below.").format(
            who=entered_by
        ),
        icon=":material/how_to_reg:",
    )
st.markdown(
    "\n".join(
        [
            f"- **{_('Type')}:** {ORG_TYPE_LABELS[organisation.org_type]}",
            f"- **{_('Country')}:** {country_name(organisation.country)}",
            f"- **{_('City')}:** {organisation.city}",
            f"- **{_('Cluster')}:** {organisation.cluster_name or '—'}",
        ]
    )
)
if organisation.latitude is not None and organisation.longitude is not None:
    st.caption(
        _("Location used for travel distances: {lat:.4f}, {lon:.4f}").format(
            lat=organisation.latitude, lon=organisation.longitude
        )
    )
else:
    st.warning(
        _(
            "We could not find “{city}” in our list of places; add its coordinates so that the travel distance "
            "for the lump sum can be measured."
        ).format(city=organisation.city),
        icon=":material/location_off:",
    )
    with st.form("location_form"):
        cols = st.columns(2)
        latitude = cols[0].number_input(
            _("Latitude") + " *", min_value=-90.0, max_value=90.0, value=None, format="%.5f", key="org_lat"
        )
        longitude = cols[1].number_input(
            _("Longitude") + " *", min_value=-180.0, max_value=180.0, value=None, format="%.5f", key="org_lon"
        )
        if st.form_submit_button(_("Save the location")):
            act(
                lambda s: set_location(session=s, actor=user, latitude=latitude, longitude=longitude),
                success=_("Location saved."),
                rerun=True,
            )

st.header(_("Bank account for the lump sum"))
st.caption(
    _(
        "The Financial Agreement names this account and the lump sum is paid to it after the closing report is "
        "accepted. A change after an agreement was issued replaces that agreement: your organisation and its "
        "Partnership sign the new version, and the Partnership's coordinators are told."
    )
)
bank_account_form(
    "org_bank",
    iban=organisation.iban,
    bic=organisation.bic,
    holder=organisation.account_holder or organisation.legal_name,
    save=lambda s, iban, bic, holder: set_organisation_account(
        session=s, actor=user, iban=iban, bic=bic, holder=holder
    ),
)

st.header(_("Language of your documents"))
st.caption(
    _(
        "The Commitment to Quality and the Financial Agreement are issued in English, the programme's language. "
        "They can carry a translation into your language after the English text, which is the one signed. "
        "It applies to documents issued from now on."
    )
)
choices = ["", *(code for code in LANGUAGE_NAMES if code != "en")]
chosen = st.selectbox(
    _("Add a translation into"),
    choices,
    index=choices.index(organisation.document_language) if organisation.document_language in choices else 0,
    format_func=lambda code: LANGUAGE_NAMES.get(code) or _("No translation (English only)"),
    key="document_language",
)
if chosen != organisation.document_language and st.button(_("Save the language"), key="save_document_language"):
    act(
        lambda s: set_document_language(session=s, actor=user, language=chosen),
        success=_("Saved: the next documents carry it."),
        rerun=True,
    )

if people is not None:
    colleagues_section(user, people)

st.header(_("Profile"))
st.caption(_("Partnerships and counterparts read it; it also says whether you are a cluster member."))
form_id = "org_profile"
outcome = wizard(
    SPEC,
    form_id=form_id,
    stored=organisation.profile,
    version=organisation.profile_spec_version or 0,
    rules=rules,
    submit_label=_("Save the profile"),
)
if outcome.action in ("save", "submit"):
    if (
        act(
            lambda s: update_profile(session=s, actor=user, answers=outcome.answers),
            success=_("Profile saved."),
            on_invalid=Wizard(SPEC, form_id).show_errors,
        )
        is not None
    ):
        st.session_state.pop(f"wiz:{form_id}:version", None)
        st.rerun()
