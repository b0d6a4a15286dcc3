"""Who runs this instance: the Support Office's name, e-mail, phone and opening hours, and its address.

Asked at the first-run set-up and edited by administrators later; shown on the public pages
and used as the sender of e-mails. Until an administrator sets a value, the environment's
(CXC_SUPPORT_NAME, CXC_SUPPORT_EMAIL, CXC_SUPPORT_PHONE, CXC_SUPPORT_HOURS, CXC_PUBLIC_URL)
applies; no real organisation's address is a default anywhere. The public address has its own
module (`services.public_address`) because mail and cookies read it outside any click.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

import sqlalchemy as sa
from sqlmodel import Session, select

from db.audit import append_event
from db.models import InstanceSetting, User
from db.types import utcnow
from domain.errors import ValidationFailed
from domain.i18n import _
from domain.validators import at_most_characters, email_problem, normalise_email
from services import accounts, public_address

ENVIRONMENT = {
    "name": "CXC_SUPPORT_NAME",
    "email": "CXC_SUPPORT_EMAIL",
    "phone": "CXC_SUPPORT_PHONE",
    "hours": "CXC_SUPPORT_HOURS",
}
LIMITS = {"name": 120, "email": 254, "phone": 40, "hours": 120}


@dataclass(frozen=True)
class Identity:
    name: str = ""
    email: str = ""
    phone: str = ""
    hours: str = ""
    public_url: str = ""


def identity(session: Session) -> Identity:
    """The identity in force: what an administrator set, else the environment, else nothing."""
    stored = {row.key: row.value for row in session.exec(select(InstanceSetting))}
    return Identity(
        **{
            field.name: stored.get(field.name) or os.environ.get(ENVIRONMENT[field.name], "").strip()
            for field in fields(Identity)
            if field.name in ENVIRONMENT
        },
        public_url=public_address.public_url_of(stored.get(public_address.KEY)),  # read above with the rest
    )


def identity_errors(data: Identity) -> dict[str, str]:
    errors = {}
    if not data.name.strip():
        errors["support_name"] = _("Enter the name people should see, e.g. the Support Office of your Partnership.")
    problem = email_problem(data.email)
    if problem:
        errors["support_email"] = problem
    for name, limit in LIMITS.items():
        if len(getattr(data, name).strip()) > limit:
            errors[f"support_{name}"] = at_most_characters(limit)
    problem = public_address.public_url_problem(data.public_url)
    if problem:
        errors["public_url"] = problem
    return errors


def store_identity(session: Session, data: Identity, actor: User | None) -> None:
    """Write the identity (no commit: part of the caller's action)."""
    values = {
        "name": data.name.strip(),
        "email": normalise_email(data.email),
        "phone": data.phone.strip(),
        "hours": data.hours.strip(),
    }
    now = utcnow()
    for key, value in values.items():
        session.execute(sa.delete(InstanceSetting).where(InstanceSetting.key == key))  # type: ignore[arg-type]
        session.add(
            InstanceSetting(key=key, value=value, updated_by_user_id=actor.id if actor else None, updated_at=now)
        )
    public_address.store_public_url(session, data.public_url, actor.id if actor else None)


def save_identity(*, session: Session, actor: User, data: Identity) -> Identity:
    """An administrator changes the identity; audited."""
    accounts.require_admin(actor)
    errors = identity_errors(data)
    if errors:
        raise ValidationFailed(errors)
    store_identity(session, data, actor)
    append_event(
        session,
        actor=actor,
        entity_type="instance",
        entity_id=0,
        action="identity",  # type: ignore[arg-type]
        comment=(
            f"{data.name.strip()} <{normalise_email(data.email)}>, "
            f"{public_address.normalise_public_url(data.public_url)}"
        ),
    )
    session.commit()
    public_address.forget_cached_public_url()
    return identity(session)


def set_up_instance(
    *,
    session: Session,
    username: str,
    email: str,
    full_name: str,
    password: str,
    password_repeat: str,
    support: Identity,
) -> User:
    """The first-run set-up: the first administrator and who runs the instance, in one commit."""
    errors = identity_errors(support) | accounts.account_errors(
        session, username=username, email=email, full_name=full_name, password=password, password_repeat=password_repeat
    )
    if errors:
        raise ValidationFailed(errors)
    store_identity(session, support, None)
    admin = accounts.create_first_admin(
        session=session,
        username=username,
        email=email,
        full_name=full_name,
        password=password,
        password_repeat=password_repeat,
    )
    public_address.forget_cached_public_url()
    return admin
