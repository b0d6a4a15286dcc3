"""The comment thread of an exchange: its two organisations and their coordinators talk here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from db.models import Comment, User
from db.types import id_of
from domain.errors import ValidationFailed
from domain.i18n import _, ngettext
from domain.labels import PARTY_LABELS
from services.outbox import notify, organisation_users, partnership_users
from services.permissions import exchange_parties, load_exchange

MAX_COMMENT = 4000


@dataclass(frozen=True)
class ThreadEntry:
    author: str
    as_party: str
    body: str
    at: datetime
    mine: bool


def add_comment(*, session: Session, actor: User, exchange_id: int, body: str) -> Comment:
    """Store the comment and e-mail every other person of the exchange; commits."""
    exchange, _parties = load_exchange(session, actor, exchange_id)
    text = body.strip()
    if not text:
        raise ValidationFailed({"comment": _("Write something first.")})
    if len(text) > MAX_COMMENT:
        raise ValidationFailed(
            {
                "comment": ngettext(
                    "A comment holds at most {n} character.", "A comment holds at most {n} characters.", MAX_COMMENT
                ).format(n=MAX_COMMENT)
            }
        )
    comment = Comment(exchange_id=exchange_id, author_user_id=id_of(actor), body=text)
    session.add(comment)
    people = (
        organisation_users(session, exchange.visitor_org_id)
        + organisation_users(session, exchange.host_org_id)
        + partnership_users(session, exchange.visitor_partnership_id)
        + partnership_users(session, exchange.host_partnership_id)
    )
    excerpt = text if len(text) <= 500 else text[:500] + "…"
    notify(
        session,
        [p for p in people if p.id != actor.id],
        subject=lambda: _("New comment on exchange {id}").format(id=exchange_id),
        body=lambda: _("{name} wrote:\n\n{text}").format(name=actor.full_name, text=excerpt),
        kind="comment",
        link=f"exchange?id={exchange_id}",
    )
    session.commit()
    return comment


def thread(session: Session, actor: User, exchange_id: int) -> list[ThreadEntry]:
    exchange, _parties = load_exchange(session, actor, exchange_id)
    rows = session.exec(
        select(Comment, User)
        .join(User, Comment.author_user_id == User.id)  # type: ignore[arg-type]
        .where(Comment.exchange_id == exchange_id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    entries = []
    for comment, author in rows:
        parties = exchange_parties(author, exchange)
        as_party = ", ".join(PARTY_LABELS[p] for p in sorted(parties)) if parties else _("former participant")
        entries.append(ThreadEntry(author.full_name, as_party, comment.body, comment.created_at, author.id == actor.id))
    return entries
