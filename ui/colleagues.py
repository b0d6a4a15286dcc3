"""The "Colleagues" section of an organisation: its people with their roles, invitations, role changes,
removal and leaving. Every button is one service call of `services.colleagues` (which re-checks who may)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from domain.enums import OrgRole, Role
from domain.i18n import _, moment
from domain.labels import ORG_ROLE_LABELS
from services.colleagues import (
    Colleague,
    People,
    change_roles,
    invite_colleague,
    leave_organisation,
    remove_person,
    resend_invitation,
    roles_words,
    withdraw_invitation,
)
from ui.actions import act
from ui.widgets import field_error, form_errors_banner, text_field

if TYPE_CHECKING:
    from db.models import User

INVITE_FORM = "invite_colleague"


def _state(person: Colleague) -> str:
    if not person.invited:
        return _("active")
    if person.invitation_expires_at is None:
        return _("invited; the link expired: send it again")
    return _("invited; the link works until {when} UTC").format(when=moment(person.invitation_expires_at))


def _role_boxes(prefix: str, roles: frozenset[OrgRole] = frozenset()) -> list[OrgRole]:
    help_texts = {
        OrgRole.CONTACT_PERSON: _("Invites, changes and removes the organisation's people."),
        OrgRole.SIGNATORY: _("Signs the Commitment to Quality and the Financial Agreement for the organisation."),
    }
    return [
        role
        for role in OrgRole
        if st.checkbox(ORG_ROLE_LABELS[role], value=role in roles, key=f"{prefix}_{role.value}", help=help_texts[role])
    ]


def colleagues_section(user: User, people: People) -> None:
    org = people.organisation
    st.header(_("Colleagues"))
    st.caption(
        _(
            "Everyone here logs in with their own account and works on the organisation's records. A contact "
            "person manages the people; a signatory signs the Commitment to Quality and the Financial Agreement."
        )
    )
    st.dataframe(
        [
            {
                _("Name"): p.full_name + (" " + _("(you)") if p.is_me else ""),
                _("E-mail"): p.email,
                _("User name"): p.username,
                _("Roles"): roles_words(p.roles),
                _("State"): _state(p),
            }
            for p in people.colleagues
        ],
        hide_index=True,
        width="stretch",
    )
    if people.may_manage:
        _invite_form(user, people)
        for person in people.colleagues:
            _manage_one(user, person, org.legal_name)
    if user.role == Role.PARTICIPANT and user.organisation_id == org.id:
        _leave(user, org.legal_name)


def _invite_form(user: User, people: People) -> None:
    with st.expander(_("Invite a colleague"), icon=":material/person_add:", expanded=False):
        st.caption(
            _(
                "They get an e-mail with a link to choose their password; it works once and for a limited time. "
                "Until then you can send it again or withdraw it."
            )
        )
        form_errors_banner(INVITE_FORM)
        with st.form(INVITE_FORM, clear_on_submit=False):
            name = text_field(INVITE_FORM, "full_name", _("Full name"), key="invite_name", max_chars=120)
            email = text_field(INVITE_FORM, "email", _("E-mail"), key="invite_email", max_chars=254)
            roles = _role_boxes("invite_role", frozenset({OrgRole.SIGNATORY}))
            field_error(INVITE_FORM, "roles")
            submitted = st.form_submit_button(_("Send the invitation"), type="primary")
        if submitted:
            act(
                lambda s: invite_colleague(
                    session=s,
                    actor=user,
                    full_name=name,
                    email=email,
                    roles=roles,
                    organisation_id=people.organisation.id,
                ),
                success=lambda person: _("Invitation sent to {email}.").format(email=person.email),
                form=INVITE_FORM,
                rerun=True,
            )


def _manage_one(user: User, person: Colleague, org_name: str) -> None:
    label = f"{person.full_name} · {roles_words(person.roles)}" + (" · " + _("invited") if person.invited else "")
    with st.expander(label, icon=":material/manage_accounts:"):
        if person.invited:
            cols = st.columns(2)
            if cols[0].button(_("Send the invitation again"), key=f"resend_{person.user_id}"):
                act(
                    lambda s: resend_invitation(session=s, actor=user, user_id=person.user_id),
                    success=_("A new link is on its way; the earlier one no longer works."),
                    rerun=True,
                )
            if cols[1].button(_("Withdraw the invitation"), key=f"withdraw_{person.user_id}"):
                act(
                    lambda s: withdraw_invitation(session=s, actor=user, user_id=person.user_id),
                    success=_("Invitation withdrawn; its link no longer works."),
                    rerun=True,
                )
        with st.form(f"roles_{person.user_id}"):
            roles = _role_boxes(f"roles_{person.user_id}", person.roles)
            if st.form_submit_button(_("Save the roles")):
                act(
                    lambda s: change_roles(session=s, actor=user, user_id=person.user_id, roles=roles),
                    success=_("Roles saved."),
                    rerun=True,
                )
        if not person.is_me and not person.invited:
            with st.form(f"remove_{person.user_id}"):
                sure = st.checkbox(
                    _("{name} no longer works with {org}: close their account").format(
                        name=person.full_name, org=org_name
                    ),
                    key=f"remove_sure_{person.user_id}",
                )
                if st.form_submit_button(_("Remove {name}").format(name=person.full_name)):
                    if not sure:
                        st.error(_("Tick the box to confirm first; nothing was changed."), icon=":material/error:")
                    else:
                        act(
                            lambda s: remove_person(session=s, actor=user, user_id=person.user_id),
                            success=_("{name} was removed; their account no longer logs in.").format(
                                name=person.full_name
                            ),
                            rerun=True,
                        )


def _leave(user: User, org_name: str) -> None:
    with st.expander(_("Leave {org}").format(org=org_name), icon=":material/logout:"):
        st.caption(
            _(
                "Your account closes at once and you are logged out; what you did stays in the history. "
                "The last contact person cannot leave."
            )
        )
        with st.form("leave_organisation"):
            sure = st.checkbox(_("I no longer work with {org}").format(org=org_name), key="leave_sure")
            if st.form_submit_button(_("Leave and close my account")):
                if not sure:
                    st.error(_("Tick the box to confirm first; nothing was changed."), icon=":material/error:")
                else:
                    act(lambda s: leave_organisation(session=s, actor=user), success=None, rerun=True)
