"""An organisation's people: invitations by e-mail, roles inside the organisation, leaving and removal.

- A contact person (or a coordinator of the organisation's Partnership) invites someone by name and
  e-mail with their roles: an account of the organisation whose password nobody knows, and a one-time
  link to choose it (`services.accounts` tokens, purpose "invitation", valid `CXC_INVITATION_DAYS`).
  Until the link is used the invitation can be sent again (the old link stops working) or withdrawn.
- Roles (`OrgRole`): the contact person manages the people; a signatory signs the Commitment to Quality
  and the Financial Agreement for the organisation (`permissions.may_sign_for`).
- A person leaves, or is removed by a contact person or a coordinator: the account stops working at
  once (its logins end), its audit history and signatures stay. The last contact person can neither
  leave, be removed nor lose the role.

Every change writes an audit event and its e-mails, and commits once (`invite_person` leaves the
commit to its caller, so that creating an organisation with its contact person is one transaction).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from db.audit import append_event
from db.models import Organisation, PasswordResetToken, User
from db.types import id_of, utcnow
from domain.enums import OrgRole, Role, TokenPurpose
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.i18n import _
from domain.labels import ORG_ROLE_LABELS
from domain.validators import collect, email_problem, normalise_email, required_text
from services.accounts import expire_tokens, hash_password, issue_token, redeem_token, revoke_all_sessions, username_for
from services.outbox import notify
from services.permissions import may_manage_people, org_roles, require_people_manager
from services.settings import load_settings


@dataclass(frozen=True)
class Colleague:
    user_id: int
    full_name: str
    email: str
    username: str
    roles: frozenset[OrgRole]
    invited: bool  # the invitation is not accepted yet
    invitation_expires_at: datetime | None  # of the newest link, while invited
    is_me: bool


@dataclass(frozen=True)
class People:
    organisation: Organisation
    colleagues: list[Colleague]
    may_manage: bool  # the reader may invite, change roles and remove


def roles_words(roles: Iterable[OrgRole]) -> str:
    """ "Contact person, Signatory", or "Colleague" for a person with no role."""
    chosen = [ORG_ROLE_LABELS[r] for r in OrgRole if r in set(roles)]
    return ", ".join(chosen) or _("Colleague")


# --- reading -----------------------------------------------------------------------------


def _organisation_for(session: Session, actor: User, organisation_id: int | None) -> Organisation:
    """The organisation whose people `actor` may see: their own, or one their Partnership may manage."""
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is not None and actor.is_active:
        if actor.role == Role.PARTICIPANT and actor.organisation_id == organisation.id:
            return organisation
        if may_manage_people(session, actor, organisation):
            return organisation
    raise NotFound(_("No organisation with this number is open to you."))


def people_of(session: Session, actor: User, organisation_id: int | None = None) -> People:
    """The active people and open invitations of the actor's organisation (or of `organisation_id`)."""
    organisation = _organisation_for(session, actor, organisation_id or actor.organisation_id)
    users = session.exec(
        select(User)
        .where(User.organisation_id == organisation.id, User.is_active == True)  # noqa: E712 - SQL expression
        .order_by(col(User.invited_at).is_not(None), func.lower(User.full_name))
    ).all()
    expiry = dict(
        session.exec(
            select(PasswordResetToken.user_id, func.max(PasswordResetToken.expires_at))
            .where(
                col(PasswordResetToken.user_id).in_([id_of(u) for u in users]),
                PasswordResetToken.purpose == TokenPurpose.INVITATION,
                col(PasswordResetToken.used_at).is_(None),
            )
            .group_by(PasswordResetToken.user_id)
        ).all()
    )
    return People(
        organisation,
        [
            Colleague(
                id_of(u),
                u.full_name,
                u.email,
                u.username,
                org_roles(u),
                u.invited_at is not None,
                _open_until(expiry.get(id_of(u))) if u.invited_at is not None else None,
                u.id == actor.id,
            )
            for u in users
        ],
        may_manage_people(session, actor, organisation),
    )


def _open_until(expires_at: datetime | None) -> datetime | None:
    """When the newest link of an invitation expires; None once it has."""
    return expires_at if expires_at is not None and expires_at > utcnow() else None


def managed_people(session: Session, actor: User, organisation_id: int) -> People | None:
    """The organisation's people when `actor` may manage them (a coordinator of its Partnership), else None."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or not may_manage_people(session, actor, organisation):
        return None
    return people_of(session, actor, organisation_id)


# --- helpers -----------------------------------------------------------------------------


def _clean_roles(roles: Iterable[OrgRole | str]) -> frozenset[OrgRole]:
    try:
        return frozenset(OrgRole(r) for r in roles)
    except ValueError as exc:
        raise ValidationFailed({"roles": _("Choose roles from the list.")}) from exc


def _set_roles(user: User, roles: frozenset[OrgRole]) -> None:
    user.is_contact_person = OrgRole.CONTACT_PERSON in roles
    user.is_signatory = OrgRole.SIGNATORY in roles


def _lock(session: Session, organisation_id: int) -> Organisation:
    """The organisation's row, locked until commit on PostgreSQL, so that two contact persons removing
    each other at once cannot both pass the last-contact-person check."""
    organisation = session.exec(select(Organisation).where(Organisation.id == organisation_id).with_for_update()).one()
    return organisation


def _other_contact_persons(session: Session, organisation_id: int, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(
            User.organisation_id == organisation_id,
            User.id != user_id,
            User.is_active == True,  # noqa: E712 - SQL expression
            User.is_contact_person == True,  # noqa: E712
            col(User.invited_at).is_(None),  # an invitation not accepted yet cannot manage anything
        )
    ).one()


def _keep_a_contact_person(session: Session, organisation: Organisation, person: User, what: str) -> None:
    if person.is_contact_person and _other_contact_persons(session, id_of(organisation), id_of(person)) == 0:
        raise PermissionDenied(
            _(
                "{name} is the last contact person of {org}, so they cannot {what}. Make another colleague "
                "contact person first."
            ).format(name=person.full_name, org=organisation.legal_name, what=what)
        )


def _person(session: Session, actor: User, user_id: int) -> tuple[User, Organisation]:
    """A person of an organisation the actor may manage (or the actor themself), locked with it."""
    person = session.get(User, user_id)
    if person is None or person.role != Role.PARTICIPANT or person.organisation_id is None or not person.is_active:
        raise NotFound(_("This person is not one of the organisation's people."))
    organisation = _lock(session, person.organisation_id)
    # Read again behind the lock: the actor may have been removed a moment ago (by the person they remove).
    session.refresh(person)
    actor = session.get(User, id_of(actor), populate_existing=True) or actor
    if not actor.is_active or not person.is_active:
        raise PermissionDenied(_("This account was closed a moment ago; nothing was changed."))
    if person.id != actor.id and not may_manage_people(session, actor, organisation):
        if actor.role == Role.PARTICIPANT and actor.organisation_id == organisation.id:
            require_people_manager(session, actor, organisation)  # a colleague: refused in words
        raise NotFound(_("This person is not one of the organisation's people."))
    return person, organisation


def send_invitations(session: Session, invitations: Iterable[tuple[User, str]], inviter: User) -> None:
    """The invitation e-mail to each (person, their organisation's legal name), with a new one-time link valid
    `CXC_INVITATION_DAYS`, in the person's language: one person invited here, or every new person of an import."""
    days = load_settings().invitation_days
    for person, organisation_name in invitations:
        _invitation_mail(session, person, organisation_name, inviter, days)


def _invitation_mail(session: Session, person: User, organisation_name: str, inviter: User, days: int) -> None:
    token = issue_token(session, person, purpose=TokenPurpose.INVITATION, minutes=days * 24 * 60)
    notify(
        session,
        [person],
        subject=lambda: _("{inviter} invites you to {org} on CXC Desk").format(
            inviter=inviter.full_name, org=organisation_name
        ),
        body=lambda: _(
            "{inviter} added you to the people of {org} in CXC Desk, where ClusterXchange exchanges are run, "
            "as: {roles}. Your user name is “{username}”.\n\nChoose your password with the link below. It works "
            "once and expires in {days} days; after that, ask {inviter} to send the invitation again."
        ).format(
            inviter=inviter.full_name,
            org=organisation_name,
            roles=roles_words(org_roles(person)),
            username=person.username,
            days=days,
        ),
        kind="invitation",
        link=f"accept_invitation?token={token}",
    )


def roles_codes(roles: Iterable[OrgRole]) -> str:
    """Roles as the audit writes them: "contact_person, signatory", or "colleague" for none."""
    return ", ".join(sorted(roles)) or "colleague"


def invitation_comment(organisation_name: str, roles: Iterable[OrgRole]) -> str:
    """What the audit says of an invitation: "Cluster Porto Digital · contact_person, signatory"."""
    return f"{organisation_name} · {roles_codes(roles)}"


# --- invitations ---------------------------------------------------------------------------


def invite_person(
    session: Session,
    *,
    actor: User,
    organisation: Organisation,
    full_name: str,
    email: str,
    roles: Iterable[OrgRole | str],
) -> User:
    """Invite someone to `organisation` (its contact person or a coordinator of its Partnership): their
    account with `roles` and the e-mail with a one-time link to choose a password. Caller commits.

    A person removed earlier (or whose invitation was withdrawn) is invited again on the same account."""
    require_people_manager(session, actor, organisation)
    return invite_checked(
        session, actor=actor, organisation=organisation, full_name=full_name, email=email, roles=roles
    )


def invite_checked(
    session: Session,
    *,
    actor: User,
    organisation: Organisation,
    full_name: str,
    email: str,
    roles: Iterable[OrgRole | str],
) -> User:
    """`invite_person` once the caller has checked who may (a record encoded by a Partnership or the
    Support Office, services.on_behalf). Caller commits."""
    chosen = _clean_roles(roles)
    errors = collect(full_name=required_text(full_name, max_length=120, min_length=2), email=email_problem(email))
    if errors:
        raise ValidationFailed(errors)
    address = normalise_email(email)
    person = session.exec(select(User).where(func.lower(User.email) == address)).first()
    if person is not None and not (person.organisation_id == organisation.id and person.removed_at is not None):
        if person.organisation_id == organisation.id and person.invited_at is not None and person.is_active:
            message = _("{email} is invited already; send the invitation again from the list of people.")
        elif person.organisation_id == organisation.id and person.is_active:
            message = _("{email} is one of the people of {org} already.")
        else:
            message = _(
                "An account with the address {email} exists already, and a person belongs to one organisation "
                "only. Invite them with another address, or ask the Support Office."
            )
        raise ValidationFailed({"email": message.format(email=address, org=organisation.legal_name)})
    now = utcnow()
    if person is None:
        taken = set(session.exec(select(User.username)))
        person = User(
            username=username_for(address, taken),
            email=address,
            full_name=" ".join(full_name.split()),
            password_hash=hash_password(secrets.token_urlsafe(32)),  # nobody knows it: the link sets one
            role=Role.PARTICIPANT,
            organisation_id=organisation.id,
        )
        action = "invite"
    else:
        person.full_name = " ".join(full_name.split())
        person.password_hash = hash_password(secrets.token_urlsafe(32))
        person.is_active, person.removed_at = True, None
        expire_tokens(session, id_of(person))
        action = "invite_again"
    _set_roles(person, chosen)
    person.invited_at = now
    session.add(person)
    session.flush()
    append_event(
        session,
        actor=actor,
        entity_type="user",
        entity_id=id_of(person),
        action=action,
        comment=invitation_comment(organisation.legal_name, chosen),
    )
    send_invitations(session, [(person, organisation.legal_name)], actor)
    return person


def invite_colleague(
    *,
    session: Session,
    actor: User,
    full_name: str,
    email: str,
    roles: Iterable[OrgRole | str],
    organisation_id: int | None = None,
) -> User:
    """The "Invite" button: `invite_person` for the actor's organisation (or `organisation_id`), committed."""
    organisation = _organisation_for(session, actor, organisation_id or actor.organisation_id)
    person = invite_person(
        session, actor=actor, organisation=organisation, full_name=full_name, email=email, roles=roles
    )
    session.commit()
    return person


def _invitation(session: Session, actor: User, user_id: int) -> tuple[User, Organisation]:
    person, organisation = _person(session, actor, user_id)
    if person.id == actor.id or person.invited_at is None:
        raise NotFound(_("There is no open invitation for this person; it was accepted or withdrawn."))
    require_people_manager(session, actor, organisation)
    return person, organisation


def resend_invitation(*, session: Session, actor: User, user_id: int) -> User:
    """A new link (and the expiry starts again); the links sent before stop working."""
    person, organisation = _invitation(session, actor, user_id)
    expire_tokens(session, id_of(person))
    person.invited_at = utcnow()
    session.add(person)
    append_event(session, actor=actor, entity_type="user", entity_id=id_of(person), action="resend_invitation")
    send_invitations(session, [(person, organisation.legal_name)], actor)
    session.commit()
    return person


def withdraw_invitation(*, session: Session, actor: User, user_id: int) -> User:
    """The invitation's link stops working and the account is closed before anyone used it."""
    person, organisation = _invitation(session, actor, user_id)
    _close(session, person)
    append_event(
        session,
        actor=actor,
        entity_type="user",
        entity_id=id_of(person),
        action="withdraw_invitation",
        comment=organisation.legal_name,
    )
    session.commit()
    return person


def accept_invitation(*, session: Session, token: str, new: str, new_repeat: str) -> User:
    """The invited person chooses their password with the link, once; then they log in as usual."""
    person = redeem_token(
        session,
        token=token,
        purpose=TokenPurpose.INVITATION,
        new=new,
        new_repeat=new_repeat,
        invalid=_(
            "This invitation link was used already, withdrawn or has expired. If you chose your password with it, "
            "log in; otherwise ask your organisation's contact person to send the invitation again."
        ),
        used=_("This invitation was accepted already: log in, or use “Forgot password”."),
    )
    append_event(session, actor=person, entity_type="user", entity_id=id_of(person), action="accept_invitation")
    organisation = session.get(Organisation, person.organisation_id)
    notify(
        session,
        _contact_persons(session, person),
        subject=lambda: _("{name} joined {org} on CXC Desk").format(
            name=person.full_name, org=organisation.legal_name if organisation else ""
        ),
        body=lambda: _("{name} accepted the invitation and can now log in as “{username}”.").format(
            name=person.full_name, username=person.username
        ),
        kind="invitation_accepted",
        link="my_organisation",
    )
    session.commit()
    return person


def _contact_persons(session: Session, person: User) -> list[User]:
    return list(
        session.exec(
            select(User).where(
                User.organisation_id == person.organisation_id,
                User.id != person.id,
                User.is_active == True,  # noqa: E712 - SQL expression
                User.is_contact_person == True,  # noqa: E712
            )
        )
    )


# --- roles and removal -----------------------------------------------------------------------


def change_roles(*, session: Session, actor: User, user_id: int, roles: Iterable[OrgRole | str]) -> User:
    """A contact person (or a coordinator) sets a person's roles; the last contact person keeps theirs."""
    person, organisation = _person(session, actor, user_id)
    require_people_manager(session, actor, organisation)
    chosen = _clean_roles(roles)
    before = org_roles(person)
    if chosen == before:
        return person
    if OrgRole.CONTACT_PERSON not in chosen:
        _keep_a_contact_person(session, organisation, person, _("lose this role"))
    _set_roles(person, chosen)
    session.add(person)
    append_event(
        session,
        actor=actor,
        entity_type="user",
        entity_id=id_of(person),
        action="change_org_roles",
        comment=f"{roles_codes(before)} → {roles_codes(chosen)}",
    )
    tell_roles_changed(session, person, organisation.legal_name, actor)
    session.commit()
    return person


def tell_roles_changed(session: Session, person: User, organisation_name: str, actor: User) -> None:
    """The e-mail to a person whose roles changed (here or by an import); an invitation not accepted yet is not
    told (the person learns their roles when they join)."""
    if person.invited_at is not None:
        return
    chosen = org_roles(person)
    notify(
        session,
        [person],
        subject=lambda: _("Your roles in {org} changed").format(org=organisation_name),
        body=lambda: _("{actor} changed your roles in {org}: you are now {roles}.").format(
            actor=actor.full_name, org=organisation_name, roles=roles_words(chosen)
        ),
        kind="org_roles_changed",
        link="my_organisation",
    )


def _close(session: Session, person: User) -> None:
    """The account stops working now: no role, no login, no link. Its history stays."""
    person.is_active = False
    person.removed_at = utcnow()
    person.invited_at = None
    _set_roles(person, frozenset())
    session.add(person)
    revoke_all_sessions(session, id_of(person))
    expire_tokens(session, id_of(person))


def remove_person(*, session: Session, actor: User, user_id: int) -> User:
    """A person leaves (their own `user_id`) or is removed by a contact person or a coordinator; the last
    contact person cannot be. An invitation not accepted yet is withdrawn instead."""
    person, organisation = _person(session, actor, user_id)
    leaving = person.id == actor.id
    if not leaving and person.invited_at is not None:
        return withdraw_invitation(session=session, actor=actor, user_id=user_id)
    _keep_a_contact_person(session, organisation, person, _("leave") if leaving else _("be removed"))
    _close(session, person)
    append_event(
        session,
        actor=actor,
        entity_type="user",
        entity_id=id_of(person),
        action="leave_organisation" if leaving else "remove_from_organisation",
        comment=organisation.legal_name,
    )
    notify(
        session,
        [person, *_contact_persons(session, person)],
        subject=lambda: _("{name} no longer works with {org} on CXC Desk").format(
            name=person.full_name, org=organisation.legal_name
        ),
        body=lambda: (
            _("{name} left {org}; their account no longer logs in. What they did stays in the history.")
            if leaving
            else _(
                "{actor} removed {name} from {org}; their account no longer logs in. What they did stays in the "
                "history."
            )
        ).format(actor=actor.full_name, name=person.full_name, org=organisation.legal_name),
        kind="left_organisation" if leaving else "removed_from_organisation",
    )
    session.commit()
    return person


def leave_organisation(*, session: Session, actor: User) -> User:
    """The "Leave" button: the actor removes themself (not the last contact person)."""
    return remove_person(session=session, actor=actor, user_id=id_of(actor))
