import streamlit as st

from domain.enums import Role, Side
from domain.i18n import _
from domain.rules import country_options
from services import on_behalf
from services.eois import SPEC as EOI_SPEC
from services.partnerships import list_partnerships
from services.rules import rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role
from ui.widgets import field_error, form_errors_banner, has_errors, organisation_inputs, text_field
from ui.wizard import Wizard, wizard

user = require_role(Role.COORDINATOR, Role.ADMIN)
ORG_FORM, EXCHANGE_FORM = "behalf_org", "behalf_exchange"
SIDES = {Side.VISITOR: _("Visitor (travels)"), Side.HOST: _("Host (receives)")}

st.title(_("Encode for your members"))
st.caption(
    _(
        "Enter an organisation with its contact person, an expression of interest or an exchange on the "
        "organisations' behalf. They see what you entered, with your name, and confirm it: until they do, it "
        "does not count and goes no further."
    )
)
partnership_id = user.partnership_id
with read_session() as session:
    rules = rules_in_force(session)
    partnerships = {p.id: f"{p.acronym} · {p.name}" for p in list_partnerships(session)}
if user.role == Role.ADMIN:
    partnership_id = st.selectbox(
        _("For the Partnership"),
        [None, *partnerships],
        format_func=lambda pid: partnerships.get(pid) or _("(none: any organisation)"),
        key="behalf_partnership",
    )
with read_session() as session:
    members = {o.id: f"{o.legal_name} ({o.country})" for o in on_behalf.members(session, user)}
    visitors = {o.id: f"{o.legal_name} ({o.country})" for o in on_behalf.approved_organisations(session, Side.VISITOR)}
    hosts = {o.id: f"{o.legal_name} ({o.country})" for o in on_behalf.approved_organisations(session, Side.HOST)}
    waiting = on_behalf.awaiting_confirmation(session, user)

tab_org, tab_eoi, tab_exchange, tab_waiting = st.tabs(
    [
        _("New organisation"),
        _("Expression of interest"),
        _("Exchange"),
        _("Waiting for confirmation ({n})").format(n=len(waiting)),
    ]
)

with tab_org:
    countries = country_options(rules)
    form_errors_banner(ORG_FORM)
    with st.form(ORG_FORM):
        organisation = organisation_inputs(ORG_FORM, "bo", countries)
        st.header(_("Contact person"))
        contact_name = text_field(ORG_FORM, "contact_name", _("Full name"), key="bo_contact_name", max_chars=120)
        contact_email = text_field(
            ORG_FORM,
            "contact_email",
            _("E-mail"),
            key="bo_contact_email",
            max_chars=254,
            help=_("The person gets an account and an e-mail inviting them to choose a password."),
        )
        create = st.form_submit_button(_("Create the organisation and invite its contact"), type="primary")
    if create:
        data = on_behalf.NewMember(contact_name=contact_name, contact_email=contact_email, **organisation)
        made = act(
            lambda s: on_behalf.create_member(session=s, actor=user, data=data, partnership_id=partnership_id),
            success=None,
            form=ORG_FORM,
        )
        if made is None and has_errors(ORG_FORM):
            st.rerun()  # draw the form again with each problem under its field
        if made not in (None, True):
            st.success(_("{org} created; its contact is invited by e-mail.").format(org=made.legal_name))

with tab_eoi:
    if partnership_id is None:
        st.info(_("Choose above the Partnership that the expression of interest goes to."))
    elif not members:
        st.info(_("No member organisation yet: create one first."))
    else:
        organisation_id = st.selectbox(_("Organisation"), list(members), format_func=lambda i: members[i], key="be_org")
        side = st.radio(_("It takes part as"), list(SIDES), format_func=lambda s: SIDES[s], key="be_side")
        form_id = f"behalf_eoi:{organisation_id}:{side}"

        def no_upload(_session, _field, _name, _content):
            raise ValueError(_("The organisation adds its CV itself when it confirms."))

        outcome = wizard(
            EOI_SPEC,
            form_id=form_id,
            stored={},
            version=form_id,
            rules=rules,
            submit_label=_("File it for the organisation"),
            uploader=no_upload,
            can_save=False,
        )
        if outcome.action == "submit":
            act(
                lambda s: on_behalf.file_eoi(
                    session=s,
                    actor=user,
                    organisation_id=organisation_id,
                    side=side,
                    answers=outcome.answers,
                    partnership_id=partnership_id,
                ),
                success=_("Filed: the organisation checks it and sends it to confirm."),
                on_invalid=Wizard(EOI_SPEC, form_id).show_errors,
                rerun=True,
            )

with tab_exchange:
    if not visitors or not hosts:
        st.info(_("An exchange needs a Visitor and a Host with approved expressions of interest."))
    else:
        form_errors_banner(EXCHANGE_FORM)
        with st.form(EXCHANGE_FORM):
            visitor_id = st.selectbox(_("Visitor"), list(visitors), format_func=lambda i: visitors[i], key="bx_visitor")
            field_error(EXCHANGE_FORM, "visitor")
            host_id = st.selectbox(_("Host"), list(hosts), format_func=lambda i: hosts[i], key="bx_host")
            field_error(EXCHANGE_FORM, "host")
            message = st.text_area(_("Message to both organisations (optional)"), key="bx_message", max_chars=2000)
            field_error(EXCHANGE_FORM, "message")
            propose = st.form_submit_button(_("Propose the exchange"), type="primary")
        if propose:
            act(
                lambda s: on_behalf.propose_for(
                    session=s, actor=user, visitor_org_id=visitor_id, host_org_id=host_id, message=message
                ),
                success=_("Proposed: both organisations confirm it (or decline)."),
                form=EXCHANGE_FORM,
                rerun=True,
            )
            if has_errors(EXCHANGE_FORM):
                st.rerun()

with tab_waiting:
    if not waiting:
        st.write(_("Nothing waits for an organisation's confirmation."))
    for item in waiting:
        with st.container(border=True):
            st.markdown(f"**{item.what}**")
            st.caption(_("Waiting for: {who}").format(who=item.waiting_on))
            if item.kind == "exchange" and user.role == Role.COORDINATOR:
                st.page_link(
                    "pages/exchange/exchange.py",
                    label=_("Open"),
                    query_params={"id": str(item.record_id)},
                    icon=":material/open_in_new:",
                )
            elif item.kind == "eoi" and user.role == Role.COORDINATOR:
                st.page_link(
                    "pages/coordinator/eoi_review.py",
                    label=_("Open"),
                    query_params={"id": str(item.record_id)},
                    icon=":material/open_in_new:",
                )
