"""Data rights: a participant downloads everything about itself and its organisation, and may ask
for erasure; an admin carries erasure out as anonymisation.

What anonymisation keeps: payments, exchanges, signed documents and the append-only audit log,
which the programme must retain for `CXC_RETENTION_YEARS` (default 10). What it removes: the
person's name, e-mail, user name and password from the account, typed names and signature images,
the person's comments, CVs uploaded with its expressions of interest, e-mails to the address,
contact messages and news subscriptions of the address. Pages show names from the account, so
the person's name no longer appears anywhere in the app.
"""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from db.audit import append_event
from db.models import (
    EOI,
    ActionPlan,
    AuditEvent,
    AuthSession,
    ClosingReport,
    Comment,
    ContactMessage,
    Document,
    Evidence,
    Exchange,
    NewsDelivery,
    NewsSubscriber,
    Organisation,
    Outbox,
    Payment,
    Signature,
    User,
)
from db.types import id_of, utcnow
from domain.enums import DocumentKind, Role
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.i18n import _
from services.accounts import hash_password
from services.outbox import admins, notify
from services.permissions import require_admin

PRIVATE_COLUMNS = {"password_hash", "token_hash", "key_hash", "content", "drawing_png"}


def _plain(record: SQLModel) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in record.model_dump().items():
        if key in PRIVATE_COLUMNS:
            continue
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        data[key] = value
    return data


def personal_data(session: Session, user: User) -> bytes:
    """A zip: `data.json` with every record about the user and its organisation, plus the files."""
    if user.role != Role.PARTICIPANT or user.organisation_id is None:
        raise PermissionDenied(_("This download is for participants; coordinators ask the Support Office."))
    org = session.get(Organisation, user.organisation_id)
    eois = list(session.exec(select(EOI).where(EOI.organisation_id == user.organisation_id)))
    exchanges = list(
        session.exec(
            select(Exchange).where(
                (Exchange.visitor_org_id == user.organisation_id) | (Exchange.host_org_id == user.organisation_id)
            )
        )
    )
    exchange_ids = [x.id for x in exchanges]
    eoi_ids = [e.id for e in eois]
    documents = list(
        session.exec(
            select(Document).where(col(Document.exchange_id).in_(exchange_ids) | col(Document.eoi_id).in_(eoi_ids))
        )
    )
    reports = list(session.exec(select(ClosingReport).where(ClosingReport.exchange_id.in_(exchange_ids))))  # type: ignore[attr-defined]
    evidence = list(session.exec(select(Evidence).where(Evidence.closing_report_id.in_([r.id for r in reports]))))  # type: ignore[attr-defined]
    data = {
        "exported_at": utcnow().isoformat(),
        "account": _plain(user),
        "organisation": _plain(org) if org else None,
        "colleagues": [
            {"full_name": u.full_name, "email": u.email}
            for u in session.exec(select(User).where(User.organisation_id == user.organisation_id, User.id != user.id))
        ],
        "expressions_of_interest": [_plain(e) for e in eois],
        "exchanges": [_plain(x) for x in exchanges],
        "action_plans": [
            _plain(p)
            for p in session.exec(select(ActionPlan).where(ActionPlan.exchange_id.in_(exchange_ids)))  # type: ignore[attr-defined]
        ],
        "closing_reports": [_plain(r) for r in reports],
        "payments": [_plain(p) for p in session.exec(select(Payment).where(Payment.exchange_id.in_(exchange_ids)))],  # type: ignore[attr-defined]
        "signatures_by_you": [_plain(s) for s in session.exec(select(Signature).where(Signature.user_id == user.id))],
        "comments_by_you": [_plain(c) for c in session.exec(select(Comment).where(Comment.author_user_id == user.id))],
        "your_actions": [
            _plain(e)
            for e in session.exec(
                select(AuditEvent).where(AuditEvent.actor_user_id == user.id).order_by(AuditEvent.seq)
            )
        ],
        "emails_to_you": [_plain(m) for m in session.exec(select(Outbox).where(Outbox.to_email == user.email))],
        "documents": [_plain(d) | {"file": f"documents/{d.id}-{d.filename}"} for d in documents],
        "evidence": [_plain(e) | {"file": f"evidence/{e.id}-{e.filename}"} for e in evidence],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        for d in documents:
            if d.content:
                archive.writestr(f"documents/{d.id}-{d.filename}", d.content)
        for e in evidence:
            if e.content:
                archive.writestr(f"evidence/{e.id}-{e.filename}", e.content)
    append_event(session, actor=user, entity_type="user", entity_id=id_of(user), action="download_own_data")
    session.commit()
    return buffer.getvalue()


def request_erasure(*, session: Session, actor: User) -> User:
    if actor.role != Role.PARTICIPANT:
        raise PermissionDenied(_("Coordinators and admins ask the Support Office directly."))
    user = session.get(User, actor.id)
    assert user is not None
    if user.erasure_requested_at is None:
        user.erasure_requested_at = utcnow()
        session.add(user)
        append_event(session, actor=user, entity_type="user", entity_id=id_of(user), action="request_erasure")
        notify(
            session,
            admins(session),
            subject=lambda: _("A request for erasure"),
            body=lambda: _(
                "A participant asks for the erasure of their personal data. Carry it out from the page “Data requests”."
            ),
            kind="erasure_request",
            link="admin_data_requests",
        )
    session.commit()
    return user


def erasure_requests(session: Session, actor: User) -> list[User]:
    require_admin(actor)
    return list(
        session.exec(
            select(User)
            .where(User.erasure_requested_at.is_not(None), col(User.anonymised_at).is_(None))  # type: ignore[union-attr]
            .order_by(User.erasure_requested_at)
        )
    )


def anonymise_user(*, session: Session, actor: User, user_id: int) -> User:
    """Carry out an erasure: the person disappears, the programme's records stay."""
    require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such account."))
    if user.anonymised_at is not None:
        raise ValidationFailed({"user": _("This account is anonymised already.")})
    if user.id == actor.id:
        raise ValidationFailed({"user": _("Ask another administrator to erase your own account.")})
    old_email = user.email
    label = f"erased-{user.id}"
    session.execute(
        sa.update(Signature)
        .where(Signature.user_id == id_of(user))  # type: ignore[arg-type]
        .values(typed_name=_("Erased person"), drawing_png=None)
    )
    session.execute(
        sa.update(Comment)
        .where(Comment.author_user_id == id_of(user))  # type: ignore[arg-type]
        .values(body=_("(removed at the author's request)"))
    )
    cv_of_theirs = select(EOI.id).where(EOI.author_user_id == user.id)
    session.execute(
        sa.update(Document)
        .where(Document.kind == DocumentKind.CV, col(Document.eoi_id).in_(cv_of_theirs))  # type: ignore[arg-type]
        .values(content=None, filename="cv-removed.pdf")
    )
    mails_to_them = select(Outbox.id).where(Outbox.to_email == old_email)
    session.execute(  # which news items went to the address goes too (and first: it points at the mails)
        sa.delete(NewsDelivery).where(
            col(NewsDelivery.outbox_id).in_(mails_to_them) | (NewsDelivery.email == old_email.lower())
        )
    )
    session.execute(sa.delete(Outbox).where(Outbox.to_email == old_email))  # type: ignore[arg-type]
    erased = _("Erased person")
    # Mails to others quote the person ("Ana Sousa wrote: …"): the name goes from them too.
    session.execute(
        sa.update(Outbox)
        .where(Outbox.body.contains(user.full_name, autoescape=True))  # type: ignore[attr-defined]
        .values(body=sa.func.replace(Outbox.body, user.full_name, erased))
    )
    session.execute(sa.delete(NewsSubscriber).where(NewsSubscriber.email == old_email))  # type: ignore[arg-type]
    session.execute(
        sa.update(ContactMessage)
        .where(ContactMessage.email == old_email)  # type: ignore[arg-type]
        .values(name=_("Erased person"), email=f"{label}@invalid.example", body="", reply="")
    )
    session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == id_of(user), col(AuthSession.revoked_at).is_(None))  # type: ignore[arg-type]
        .values(revoked_at=utcnow())
    )
    user.full_name = _("Erased person {id}").format(id=user.id)
    user.username, user.email = label, f"{label}@invalid.example"
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.is_active, user.anonymised_at = False, utcnow()
    session.add(user)
    append_event(session, actor=actor, entity_type="user", entity_id=id_of(user), action="anonymise")
    session.commit()
    return user
