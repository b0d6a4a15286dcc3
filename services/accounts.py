"""Accounts: first administrator, registration, login bookkeeping, sessions, passwords.

Every function takes the session as a keyword argument and commits at most once.
Login messages never tell whether a user name exists (no enumeration).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import bcrypt
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from db.audit import append_event
from db.models import AuthSession, Organisation, Outbox, Partnership, PasswordResetToken, User
from db.types import utcnow
from domain.enums import OrgType, Role, TokenPurpose
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.i18n import LANGUAGE_NAMES, _, current_locale, in_language
from domain.places import find_city
from domain.validators import (
    choice_problem,
    collect,
    email_problem,
    normalise_email,
    normalise_legal_name,
    optional_text,
    password_problem,
    registration_key,
    required_text,
    username_problem,
)
from services.outbox import notify, organisation_users, queue_mail
from services.public_address import public_url
from services.rules import rules_in_force
from services.settings import Settings, load_settings

SETUP_LOCK_KEY = 4_242_002


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def hash_password(password: str) -> str:
    # bcrypt, as streamlit-authenticator checks it at login.
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=load_settings().bcrypt_rounds)).decode()


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


# --- reading -------------------------------------------------------------------------


def user_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def instance_needs_setup(session: Session) -> bool:
    return user_count(session) == 0


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def is_locked(user: User, settings: Settings | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def login_credentials(session: Session, username: str | None = None) -> dict:
    """Credentials in streamlit-authenticator's shape, for active, unlocked users only.

    A locked user is simply absent, so the login form answers exactly as for a wrong
    password. Pass `username` to load one user (a logged-in run needs no more).
    """
    query = select(User.username, User.email, User.full_name, User.password_hash, User.role).where(
        User.is_active == True,  # noqa: E712 - SQL expression
        sa.or_(User.locked_until.is_(None), User.locked_until <= utcnow()),  # type: ignore[union-attr]
    )
    if username is not None:
        query = query.where(User.username == username)
    users = {}
    for name, email, full_name, password_hash, role in session.exec(query):
        first, _sep, last = full_name.partition(" ")
        users[name] = {
            "email": email,
            "first_name": first,
            "last_name": last,
            "password": password_hash,
            "roles": [str(role)],
            "failed_login_attempts": 0,
            "logged_in": False,
        }
    return {"usernames": users}


# --- first administrator and registration ---------------------------------------------


def email_taken(session: Session, email: str) -> bool:
    """Does an account use this (valid) address already?"""
    return session.exec(select(User.id).where(func.lower(User.email) == normalise_email(email))).first() is not None


def account_errors(
    session: Session, *, username: str, email: str, full_name: str, password: str, password_repeat: str
) -> dict[str, str]:
    settings = load_settings()
    errors = collect(
        username=username_problem(username),
        email=email_problem(email),
        full_name=required_text(full_name, max_length=120, min_length=2),
        password=password_problem(
            password, min_length=settings.password_min_length, personal=(username, email.split("@")[0])
        ),
    )
    if "password" not in errors and password != password_repeat:
        errors["password_repeat"] = _("The two passwords differ; type the same password twice.")
    if "username" not in errors and find_user(session, username):
        errors["username"] = _("This user name is taken; choose another.")
    if "email" not in errors and email_taken(session, email):
        errors["email"] = _("An account with this e-mail address exists already; use “Forgot password” to get in.")
    return errors


def username_for(email: str, taken: set[str]) -> str:
    """A free user name made from the address ("ana.silva" from ana.silva@…), added to `taken`."""
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@")[0].lower()).lstrip("._-")[:34] or "user"
    base = base if len(base) >= 3 else f"{base}-user"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def _new_user(*, username: str, email: str, full_name: str, password: str, role: Role, **scope: int | None) -> User:
    return User(
        username=username.strip().lower(),
        email=normalise_email(email),
        full_name=" ".join(full_name.split()),
        password_hash=hash_password(password),
        role=role,
        password_changed_at=utcnow(),
        **scope,
    )


def create_first_admin(
    *, session: Session, username: str, email: str, full_name: str, password: str, password_repeat: str
) -> User:
    """The one-time set-up: refused as soon as any user exists, even from a second tab."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK_KEY})
    if not instance_needs_setup(session):
        raise PermissionDenied(_("This instance is set up already; log in instead."))
    return create_admin(
        session=session,
        username=username,
        email=email,
        full_name=full_name,
        password=password,
        password_repeat=password_repeat,
    )


def create_admin(
    *, session: Session, username: str, email: str, full_name: str, password: str, password_repeat: str
) -> User:
    """An administrator account, from the set-up page or from `manage.py create-admin` on the server."""
    errors = account_errors(
        session, username=username, email=email, full_name=full_name, password=password, password_repeat=password_repeat
    )
    if errors:
        raise ValidationFailed(errors)
    admin = _new_user(username=username, email=email, full_name=full_name, password=password, role=Role.ADMIN)
    session.add(admin)
    session.flush()
    append_event(session, actor=admin, entity_type="user", entity_id=admin.id, action="create_admin")  # type: ignore[arg-type]
    session.commit()
    return admin


@dataclass(frozen=True)
class Registration:
    username: str
    email: str
    full_name: str
    password: str
    password_repeat: str
    organisation_name: str
    organisation_type: str
    country: str
    city: str
    cluster_name: str = ""
    registration_number: str = ""  # VAT or national registration number; optional


def duplicate_organisation(
    session: Session, *, name: str, country: str, number: str = "", besides: int | None = None
) -> Organisation | None:
    """An organisation registered already: same country and the same legal name once normalised
    (domain.validators.normalise_legal_name), or the same VAT/registration number in any country
    (domain.validators.registration_key). `besides`: the organisation being edited."""
    key, number_key = normalise_legal_name(name), registration_key(number, country)
    if not key and not number_key:
        return None
    candidates = select(Organisation).where(
        (Organisation.country == country.strip().upper()) | (Organisation.registration_number != "")
    )
    for organisation in session.exec(candidates):
        if organisation.id == besides:
            continue
        same_name = key and organisation.country == country.strip().upper()
        if (same_name and normalise_legal_name(organisation.legal_name) == key) or (
            number_key and registration_key(organisation.registration_number, organisation.country) == number_key
        ):
            return organisation
    return None


class OrganisationInput(Protocol):
    """A new organisation as a form gives it (registration, a coordinator's new member)."""

    organisation_name: str
    organisation_type: str
    country: str
    city: str
    cluster_name: str
    registration_number: str


def organisation_fields(data: OrganisationInput) -> dict[str, str]:
    """The keywords of `organisation_errors` and `new_organisation`."""
    return {
        "name": data.organisation_name,
        "org_type": data.organisation_type,
        "country": data.country,
        "city": data.city,
        "cluster_name": data.cluster_name,
        "number": data.registration_number,
    }


def organisation_errors(
    session: Session, *, name: str, org_type: str, country: str, city: str, cluster_name: str, number: str
) -> dict[str, str]:
    """The checks of a new organisation, as registration makes them (the rules in force); the duplicate
    check is the caller's, as each caller says what to do instead."""
    rules = rules_in_force(session)
    return collect(
        organisation_name=required_text(name, max_length=200, min_length=2),
        organisation_type=choice_problem(org_type, {t.value for t in OrgType}, _("type of organisation")),
        country=choice_problem(country, set(rules.participating_countries), _("participating country")),
        city=required_text(city, max_length=120),
        cluster_name=optional_text(cluster_name, max_length=200),
        registration_number=optional_text(number, max_length=40),
    )


def new_organisation(
    *,
    name: str,
    org_type: str,
    country: str,
    city: str,
    cluster_name: str,
    number: str,
    partnership_id: int | None = None,
) -> Organisation:
    """The record of a checked new organisation, placed on the city list when the city is on it."""
    place = find_city(city, country)
    return Organisation(
        legal_name=" ".join(name.split()),
        org_type=OrgType(org_type),
        country=country,
        city=place.name if place else city.strip(),
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        cluster_name=cluster_name.strip(),
        registration_number=number.strip(),
        partnership_id=partnership_id,
    )


def register_participant(*, session: Session, data: Registration) -> User:
    """Self-registration of a person and the organisation they work for."""
    errors = account_errors(
        session,
        username=data.username,
        email=data.email,
        full_name=data.full_name,
        password=data.password,
        password_repeat=data.password_repeat,
    )
    fields = organisation_fields(data)
    errors.update(organisation_errors(session, **fields))
    if not errors and duplicate_organisation(
        session, name=data.organisation_name, country=data.country, number=data.registration_number
    ):
        # One organisation, one record: a second one would also get round "a Visitor takes part once".
        errors["organisation_name"] = _(
            "This organisation is registered already. Ask its contact to let you in instead (the button below)."
        )
    if errors:
        raise ValidationFailed(errors)
    organisation = new_organisation(**fields)
    session.add(organisation)
    session.flush()
    user = _new_user(
        username=data.username,
        email=data.email,
        full_name=data.full_name,
        password=data.password,
        role=Role.PARTICIPANT,
        organisation_id=organisation.id,
    )
    # Who registers an organisation manages its people and signs for it until they say otherwise.
    user.is_contact_person = user.is_signatory = True
    user.locale = current_locale()  # the language they registered in: their e-mails follow it
    session.add(user)
    session.flush()
    append_event(session, actor=user, entity_type="user", entity_id=user.id, action="register")  # type: ignore[arg-type]
    queue_mail(
        session,
        to=user.email,
        subject=_("Welcome to ClusterXchange"),
        body=_("Hello {name},\n\nyour account “{username}” for {org} is ready. Log in at {url}.").format(
            name=user.full_name, username=user.username, org=organisation.legal_name, url=public_url()
        ),
        kind="welcome",
    )
    session.commit()
    return user


JOIN_REQUESTS_PER_DAY = 5


def ask_to_join(*, session: Session, organisation_id: int, full_name: str, email: str, message: str = "") -> int:
    """Someone whose organisation is registered already asks its people to let them in: an e-mail
    to the organisation's active users (their addresses are never shown to the asker). Returns how
    many were written to."""
    errors = collect(
        full_name=required_text(full_name, max_length=120, min_length=2),
        email=email_problem(email),
        message=optional_text(message, max_length=1000),
    )
    if errors:
        raise ValidationFailed(errors)
    organisation = session.get(Organisation, organisation_id)
    people = organisation_users(session, organisation_id) if organisation else []
    if not people:
        raise NotFound(_("This organisation has no active contact; write to the Support Office instead."))
    # Anyone may ask, without an account: each person of the organisation hears it a few times a day at most.
    asked_today = session.exec(
        select(func.count())
        .select_from(Outbox)
        .where(Outbox.kind == "join_request")
        .where(Outbox.to_email.in_([p.email for p in people]))  # type: ignore[attr-defined]
        .where(Outbox.created_at >= utcnow() - timedelta(days=1))
    ).one()
    if asked_today >= JOIN_REQUESTS_PER_DAY * len(people):
        raise ValidationFailed(
            {
                "message": _(
                    "{org} has been asked to let people in several times today; try again tomorrow or write to "
                    "the Support Office."
                ).format(org=organisation.legal_name)  # type: ignore[union-attr]
            }
        )
    sent = notify(
        session,
        people,
        subject=lambda: _("{name} asks to join {org} in CXC Desk").format(
            name=full_name.strip(), org=organisation.legal_name
        ),  # type: ignore[union-attr]
        body=lambda: _(
            "{name} <{email}> tried to register {org}, which has an account already, and asks to be let in. "
            "If you know them, your contact person invites them under “My organisation” → “Colleagues”."
            "\n\nTheir message: {message}"
        ).format(
            name=full_name.strip(),
            email=normalise_email(email),
            org=organisation.legal_name,  # type: ignore[union-attr]
            message=message.strip() or "—",
        ),
        kind="join_request",
    )
    session.commit()
    return sent


def create_coordinator(
    *,
    session: Session,
    actor: User,
    partnership_id: int,
    username: str,
    email: str,
    full_name: str,
    password: str,
    password_repeat: str,
) -> User:
    require_admin(actor)
    if session.get(Partnership, partnership_id) is None:
        raise ValidationFailed({"partnership_id": _("Choose a Partnership from the list.")})
    errors = account_errors(
        session, username=username, email=email, full_name=full_name, password=password, password_repeat=password_repeat
    )
    if errors:
        raise ValidationFailed(errors)
    user = _new_user(
        username=username,
        email=email,
        full_name=full_name,
        password=password,
        role=Role.COORDINATOR,
        partnership_id=partnership_id,
    )
    session.add(user)
    session.flush()
    append_event(session, actor=actor, entity_type="user", entity_id=user.id, action="create_coordinator")  # type: ignore[arg-type]
    with in_language(user.locale):  # not the admin's language: the instance's, until they choose
        queue_mail(
            session,
            to=user.email,
            subject=_("Your coordinator account on CXC Desk"),
            body=_(
                "Hello {name},\n\nan administrator created the account “{username}” for you. "
                "Log in at {url} with the password you were given, then change it under “My account”."
            ).format(name=user.full_name, username=user.username, url=public_url()),
            kind="account_created",
        )
    session.commit()
    return user


def require_admin(actor: User | None) -> None:
    if actor is None or actor.role != Role.ADMIN or not actor.is_active:
        raise PermissionDenied(_("Only an administrator may do this."))


# --- login bookkeeping and server-side sessions -------------------------------------


def record_failed_login(*, session: Session, username: str) -> None:
    """Count a wrong password in the database, across sessions and browsers; lock at the limit.

    The count stays at the limit while the account is locked (the audit and the users page
    show it) and starts again at the first failure after the lock has run out.
    """
    settings = load_settings()
    user = find_user(session, username)
    if user is None:
        return
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return  # locked already: a guess neither counts nor prolongs the lock
    expired_lock = user.locked_until is not None
    # One UPDATE, so that failures from several browsers at once all count.
    session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(failed_logins=1 if expired_lock else User.failed_logins + 1, locked_until=None)
    )
    failures = session.exec(select(User.failed_logins).where(User.id == user.id)).one()
    if failures >= settings.max_failed_logins:
        locked = session.execute(
            sa.update(User)
            .where(User.id == user.id, User.locked_until.is_(None))  # type: ignore[union-attr]
            .values(locked_until=now + timedelta(minutes=settings.lock_minutes))
        )
        if locked.rowcount == 1:
            revoke_all_sessions(session, user.id)  # type: ignore[arg-type]
            append_event(
                session,
                actor=None,
                entity_type="user",
                entity_id=user.id,
                action="lock",  # type: ignore[arg-type]
                comment=f"{failures} failed logins",
            )
    session.commit()


def active_user(session: Session, auth_session_id: int) -> User | None:
    """The user behind a server-side session, or None once it is revoked, expired or locked.

    One statement: every page run asks it (app.py, then the page's guard)."""
    user = session.exec(
        select(User)
        .join(AuthSession, col(AuthSession.user_id) == col(User.id))
        .where(
            col(AuthSession.id) == auth_session_id,
            col(AuthSession.revoked_at).is_(None),
            col(AuthSession.expires_at) > utcnow(),
        )
    ).first()
    if user is None or not user.is_active or is_locked(user):
        return None
    return user


def revoke_session(*, session: Session, auth_session_id: int) -> None:
    session.execute(
        sa.update(AuthSession)
        .where(AuthSession.id == auth_session_id, AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
        .values(revoked_at=utcnow())
    )
    session.commit()


def revoke_all_sessions(session: Session, user_id: int) -> None:
    """End every login of this user at once (caller commits)."""
    session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
        .values(revoked_at=utcnow())
    )


# --- passwords ----------------------------------------------------------------------


def change_password(*, session: Session, actor: User, current: str, new: str, new_repeat: str) -> None:
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound(_("Your account no longer exists."))
    errors: dict[str, str] = {}
    if not check_password(current or "", user.password_hash):
        errors["current"] = _("This is not your current password.")
    problem = password_problem(
        new, min_length=load_settings().password_min_length, personal=(user.username, user.email.split("@")[0])
    )
    if problem:
        errors["new"] = problem
    elif new != new_repeat:
        errors["new_repeat"] = _("The two passwords differ; type the same password twice.")
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    session.add(user)
    append_event(session, actor=user, entity_type="user", entity_id=user.id, action="change_password")  # type: ignore[arg-type]
    session.commit()


def issue_token(session: Session, user: User, *, purpose: TokenPurpose, minutes: int) -> str:
    """A one-time link's secret for `user` (only its SHA-256 is stored); caller mails it and commits."""
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordResetToken(
            user_id=user.id,  # type: ignore[arg-type]
            token_hash=sha256_hex(token),
            purpose=purpose,
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    return token


def expire_tokens(session: Session, user_id: int) -> None:
    """Every unused link of this user stops working now (caller commits)."""
    now = utcnow()
    session.execute(
        sa.update(PasswordResetToken)
        .where(
            PasswordResetToken.user_id == user_id,
            PasswordResetToken.used_at.is_(None),  # type: ignore[union-attr]
            PasswordResetToken.expires_at > now,
        )
        .values(expires_at=now)
    )


def redeem_token(
    session: Session, *, token: str, purpose: TokenPurpose, new: str, new_repeat: str, invalid: str, used: str
) -> User:
    """Set the password of the link's user, once: the link must be unused, unexpired, of `purpose` and of an
    active account; `invalid` and `used` are the refusals in words. Ends other logins; caller audits and commits."""
    record = session.exec(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == sha256_hex(token or ""))
    ).first()
    if record is None or record.purpose != purpose or record.used_at is not None or record.expires_at <= utcnow():
        raise ValidationFailed({"token": invalid})
    user = session.get(User, record.user_id)
    if user is None or not user.is_active:
        raise ValidationFailed({"token": invalid})
    problem = password_problem(
        new, min_length=load_settings().password_min_length, personal=(user.username, user.email.split("@")[0])
    )
    if problem:
        raise ValidationFailed({"new": problem})
    if new != new_repeat:
        raise ValidationFailed({"new_repeat": _("The two passwords differ; type the same password twice.")})
    taken = session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.id == record.id, PasswordResetToken.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=utcnow())
    )
    if taken.rowcount != 1:
        raise ValidationFailed({"token": used})
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    user.invited_at = None  # whichever link it was, the person now has a password of their own
    session.add(user)
    revoke_all_sessions(session, user.id)  # type: ignore[arg-type]
    return user


def request_password_reset(*, session: Session, email: str) -> None:
    """Queue a one-time link if an account has this address; say nothing either way."""
    if email_problem(email):
        raise ValidationFailed({"email": email_problem(email) or ""})
    settings = load_settings()
    user = session.exec(select(User).where(func.lower(User.email) == normalise_email(email))).first()
    if user is None or not user.is_active:
        return
    token = issue_token(session, user, purpose=TokenPurpose.RESET, minutes=settings.reset_token_minutes)
    with in_language(user.locale):
        queue_mail(
            session,
            to=user.email,
            subject=_("Reset your CXC Desk password"),
            body=_(
                "Hello {name},\n\nsomeone asked to reset the password of “{username}”. If it was you, open this "
                "link within {minutes} minutes:\n\n{url}/reset_password?token={token}\n\nIf not, ignore this e-mail."
            ).format(
                name=user.full_name,
                username=user.username,
                minutes=settings.reset_token_minutes,
                url=public_url(),
                token=token,
            ),
            kind="password_reset",
        )
    session.commit()


def reset_password(*, session: Session, token: str, new: str, new_repeat: str) -> User:
    user = redeem_token(
        session,
        token=token,
        purpose=TokenPurpose.RESET,
        new=new,
        new_repeat=new_repeat,
        invalid=_("This reset link is invalid or has expired; ask for a new one."),
        used=_("This reset link was used already; ask for a new one."),
    )
    append_event(session, actor=user, entity_type="user", entity_id=user.id, action="reset_password")  # type: ignore[arg-type]
    session.commit()
    return user


LOCKED_BY_ADMIN = timedelta(days=365 * 100)  # until an admin unlocks it


def lock_user(*, session: Session, actor: User, user_id: int) -> User:
    """An admin locks an account (a lost laptop, a person who left): every login ends at once."""
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    if user.id == actor.id:
        raise ValidationFailed({"user": _("You cannot lock your own account.")})
    user.locked_until = utcnow() + LOCKED_BY_ADMIN
    session.add(user)
    revoke_all_sessions(session, user.id)  # type: ignore[arg-type]
    append_event(session, actor=actor, entity_type="user", entity_id=user.id, action="lock")  # type: ignore[arg-type]
    session.commit()
    return user


def send_reset_link(*, session: Session, actor: User, user_id: int) -> None:
    """An admin sends a user the same one-time reset link that "Forgot password" sends."""
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound(_("No such active user."))
    append_event(session, actor=actor, entity_type="user", entity_id=user.id, action="send_reset_link")  # type: ignore[arg-type]
    request_password_reset(session=session, email=user.email)


def unlock_user(*, session: Session, actor: User, user_id: int) -> User:
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    user.locked_until = None
    user.failed_logins = 0
    session.add(user)
    append_event(session, actor=actor, entity_type="user", entity_id=user.id, action="unlock")  # type: ignore[arg-type]
    session.commit()
    return user


def set_locale(*, session: Session, actor: User, locale: str) -> User:
    """A person's language: the pages they see and the e-mails they get."""
    if locale not in LANGUAGE_NAMES:
        raise ValidationFailed({"locale": _("There is no language “{locale}”.").format(locale=locale)})
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound(_("Your account no longer exists."))
    if user.locale != locale:  # a preference, like the sidebar's state: no audit event
        user.locale = locale
        session.add(user)
        session.commit()
    return user
