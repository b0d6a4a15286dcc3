"""News: sign-up with double opt-in, news items that are sent, and unsubscribing.

The confirmation link carries a random token (stored hashed). The unsubscribe link carries an
HMAC of the address under the instance secret, so every news e-mail can carry one without
storing anything, and nobody can unsubscribe someone else. The link in the text opens a page
that asks for one confirming click (mail scanners open links); the List-Unsubscribe header
points at `POST /news/unsubscribe` (RFC 8058 one-click, web/news_unsubscribe.py).

Sending an item: administrators write to every confirmed subscriber; coordinators, when an
administrator allows it, to their Partnership's members: subscribers whose address is that of
an active user of an organisation the Partnership supervises (an EOI assigned to it, or a side
of an exchange it supervises). The click queues the first batch of outbox rows; the mail loop
(`services.mailer.deliver_configured`) queues the next batch of every item still sending
before it delivers, so 50,000 subscribers never block one click. Each address gets one
`news_delivery` row per item (unique), so sending again, or two loops at once, mail nobody
twice; someone who unsubscribes before their batch is queued is not mailed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session, func, select

from db.audit import append_event
from db.models import EOI, Exchange, InstanceSetting, NewsDelivery, NewsItem, NewsSubscriber, Outbox, User
from db.types import id_of, utcnow
from domain.enums import OutboxState
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.i18n import _, current_locale, in_language, ngettext
from domain.validators import at_most_characters, email_problem, normalise_email
from services.outbox import queue_mail
from services.permissions import news_scope, require_admin
from services.public_address import public_url
from services.settings import cookie_key

CONFIRMATIONS_PER_DAY = 3
BATCH = 200  # outbox rows queued per click or per round of the mail loop
TITLE_MAX, BODY_MAX = 200, 20_000
COORDINATORS_SETTING = "news_by_coordinators"
UNSUBSCRIBE_PATH = "news/unsubscribe"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def manage_token(email: str) -> str:
    return hmac.new(cookie_key().encode(), f"news|{email}".encode(), hashlib.sha256).hexdigest()[:32]


def manage_link(email: str, *, unsubscribe: bool = False) -> str:
    query = {"email": email, "token": manage_token(email)} | ({"action": "unsubscribe"} if unsubscribe else {})
    return f"{public_url()}/news?{urlencode(query)}"


def one_click_link(email: str) -> str:
    """The List-Unsubscribe address: a POST there unsubscribes (RFC 8058); a GET shows the confirm page."""
    query = urlencode({"email": email, "token": manage_token(email)})
    return f"{public_url()}/{UNSUBSCRIBE_PATH}?{query}"


def unsubscribe_headers(email: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{one_click_link(email)}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def subscribe(session: Session, email: str) -> None:
    """Always the same answer to the visitor (no telling who is subscribed); a mail only when useful."""
    problem = email_problem(email)
    if problem:
        raise ValidationFailed({"email": problem})
    address = normalise_email(email)
    since = utcnow() - timedelta(days=1)
    sent_today = session.exec(
        select(func.count())
        .select_from(Outbox)
        .where(Outbox.to_email == address, Outbox.kind == "news_confirm", Outbox.created_at >= since)
    ).one()
    if sent_today >= CONFIRMATIONS_PER_DAY:
        raise ValidationFailed(
            {
                "email": ngettext(
                    "We have sent {n} confirmation e-mail to this address today; please look for it.",
                    "We have sent {n} confirmation e-mails to this address today; please look for them.",
                    CONFIRMATIONS_PER_DAY,
                ).format(n=CONFIRMATIONS_PER_DAY)
            }
        )
    token = secrets.token_urlsafe(32)
    subscriber = session.exec(select(NewsSubscriber).where(NewsSubscriber.email == address)).first()
    if subscriber is None:
        subscriber = NewsSubscriber(email=address, token_hash=_hash(token))
    elif subscriber.confirmed_at is not None:
        queue_mail(
            session,
            to=address,
            subject=_("You already receive ClusterXchange news"),
            kind="news_confirm",
            body=_("This address already receives our news. To see or end the subscription:\n\n{link}").format(
                link=manage_link(address)
            ),
        )
        session.commit()
        return
    subscriber.token_hash = _hash(token)
    subscriber.locale = current_locale()  # the language of the page they subscribe from: their mails follow it
    session.add(subscriber)
    url = public_url()
    queue_mail(
        session,
        to=address,
        subject=_("Confirm your subscription to ClusterXchange news"),
        kind="news_confirm",
        body=_(
            "Please confirm that you want ClusterXchange news at this address:\n\n{confirm}\n\n"
            "If you did not ask for it, ignore this e-mail: nothing will be sent.\n\nUnsubscribe at any time: "
            "{unsubscribe}"
        ).format(
            confirm=f"{url}/news?{urlencode({'confirm': token})}", unsubscribe=manage_link(address, unsubscribe=True)
        ),
    )
    session.commit()


def confirm(session: Session, token: str) -> NewsSubscriber:
    subscriber = (
        session.exec(select(NewsSubscriber).where(NewsSubscriber.token_hash == _hash(token))).first() if token else None
    )
    if subscriber is None:
        raise NotFound(_("This confirmation link is not valid (any more). Sign up again to get a new one."))
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = utcnow()
        subscriber.token_hash = _hash(secrets.token_urlsafe(32))  # a link works once
        session.add(subscriber)
        session.commit()
    return subscriber


def _check(email: str, token: str) -> str:
    if not email or not token or not hmac.compare_digest(manage_token(email), token):
        raise NotFound(_("This link is not valid. Use the link of your latest e-mail."))
    return email


def subscription(session: Session, email: str, token: str) -> NewsSubscriber | None:
    address = _check(email, token)
    return session.exec(select(NewsSubscriber).where(NewsSubscriber.email == address)).first()


def unsubscribe(session: Session, email: str, token: str) -> bool:
    """Delete the subscription (nothing of it is kept); False when there was none."""
    subscriber = subscription(session, email, token)
    if subscriber is None:
        return False
    session.delete(subscriber)
    # Mails of this address still waiting in the outbox are not sent either.
    session.execute(
        sa.delete(NewsDelivery).where(
            NewsDelivery.email == subscriber.email,  # type: ignore[arg-type]
            NewsDelivery.outbox_id.in_(  # type: ignore[union-attr]
                select(Outbox.id).where(Outbox.state == OutboxState.QUEUED, Outbox.kind == "news")
            ),
        )
    )
    session.execute(
        sa.delete(Outbox).where(
            Outbox.to_email == subscriber.email,  # type: ignore[arg-type]
            Outbox.kind == "news",  # type: ignore[arg-type]
            Outbox.state == OutboxState.QUEUED,  # type: ignore[arg-type]
        )
    )
    session.commit()
    return True


def confirmed_subscribers(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(NewsSubscriber).where(NewsSubscriber.confirmed_at.is_not(None))  # type: ignore[union-attr]
    ).one()


# --- news items that are sent ------------------------------------------------------------

_HTML_TAG = re.compile(r"<(?!https?://|mailto:)/?[A-Za-z][A-Za-z0-9-]*(\s[^>]*)?/?>")
_BAD_LINK = re.compile(r"\]\(\s*<?\s*(javascript|data|vbscript):", re.IGNORECASE)


def news_problems(title: str, body: str) -> dict[str, str]:
    """What keeps a news item from being stored: Markdown only (it is mailed as text and shown
    without HTML), a closed code block, links to web pages only."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the news item a title.")
    elif len(title.strip()) > TITLE_MAX or "\n" in title.strip():
        errors["title"] = ngettext(
            "The title is one line of at most {n} character.",
            "The title is one line of at most {n} characters.",
            TITLE_MAX,
        ).format(n=TITLE_MAX)
    text = body.strip()
    if not text:
        errors["body"] = _("Write the text of the news item.")
    elif len(text) > BODY_MAX:
        errors["body"] = at_most_characters(BODY_MAX)
    elif tag := _HTML_TAG.search(text):
        errors["body"] = _("Write Markdown, not HTML: remove {tag}.").format(tag=tag.group(0))
    elif _BAD_LINK.search(text):
        errors["body"] = _("Links must lead to web pages (https://…), not scripts or data.")
    elif sum(1 for line in text.splitlines() if line.lstrip().startswith("```")) % 2:
        errors["body"] = _("A code block (```) is opened and not closed.")
    return errors


def coordinators_may_send(session: Session) -> bool:
    setting = session.get(InstanceSetting, COORDINATORS_SETTING)
    return setting is not None and setting.value == "1"


def set_coordinators_may_send(session: Session, actor: User, allowed: bool) -> None:
    require_admin(actor)
    session.execute(sa.delete(InstanceSetting).where(InstanceSetting.key == COORDINATORS_SETTING))  # type: ignore[arg-type]
    session.add(InstanceSetting(key=COORDINATORS_SETTING, value="1" if allowed else "0", updated_by_user_id=actor.id))
    append_event(
        session,
        actor=actor,
        entity_type="setting",
        entity_id=0,
        action="news_by_coordinators",
        to_state="on" if allowed else "off",
    )
    session.commit()


def writer_scope(session: Session, actor: User | None) -> int | None:
    """None: every subscriber; else the Partnership whose members this actor writes to (refused otherwise)."""
    return news_scope(actor, coordinators_allowed=coordinators_may_send(session))


def _member_emails(partnership_id: int) -> sa.Select:
    organisations = sa.union(
        select(EOI.organisation_id).where(EOI.partnership_id == partnership_id),
        select(Exchange.visitor_org_id).where(Exchange.visitor_partnership_id == partnership_id),
        select(Exchange.host_org_id).where(Exchange.host_partnership_id == partnership_id),
    )
    return select(func.lower(User.email)).where(
        User.organisation_id.in_(organisations),  # type: ignore[union-attr]
        User.is_active == True,  # noqa: E712
    )


def audience(partnership_id: int | None) -> sa.Select:
    """The addresses an item of this scope goes to: confirmed subscribers (of the Partnership's members)."""
    query = select(NewsSubscriber.email).where(NewsSubscriber.confirmed_at.is_not(None))  # type: ignore[union-attr]
    if partnership_id is not None:
        query = query.where(NewsSubscriber.email.in_(_member_emails(partnership_id)))  # type: ignore[attr-defined]
    return query


def load_item(session: Session, actor: User | None, item_id: int) -> NewsItem:
    scope = writer_scope(session, actor)
    item = session.get(NewsItem, item_id)
    if item is None or (scope is not None and item.partnership_id != scope):
        raise NotFound(_("No news item with this number is open to you."))
    return item


def save_draft(session: Session, actor: User | None, title: str, body: str, item_id: int | None = None) -> NewsItem:
    """Store (or change) an unsent item; bad input changes nothing. No commit: part of the caller's action."""
    scope = writer_scope(session, actor)
    assert actor is not None
    errors = news_problems(title, body)
    if errors:
        raise ValidationFailed(errors)
    if item_id is None:
        item = NewsItem(title=title.strip(), body=body.strip(), author_user_id=id_of(actor), partnership_id=scope)
    else:
        item = load_item(session, actor, item_id)
        if item.sent_at is not None:
            raise PermissionDenied(_("This news item is sent already; write a new one."))
        item.title, item.body = title.strip(), body.strip()
    session.add(item)
    session.flush()
    return item


def mail_body(item: NewsItem, email: str, locale: str | None) -> str:
    """The item as written, with our footer in the subscriber's language (`locale`; None: the instance's)."""
    with in_language(locale):
        return _("{body}\n\n--\nYou receive ClusterXchange news because you asked for it. Unsubscribe: {link}").format(
            body=item.body, link=manage_link(email, unsubscribe=True)
        )


def send_test(session: Session, actor: User | None, title: str, body: str, item_id: int | None = None) -> NewsItem:
    """Save the draft and mail it to the writer alone, exactly as subscribers will get it."""
    item = save_draft(session, actor, title, body, item_id)
    assert actor is not None
    address = normalise_email(actor.email)
    with in_language(actor.locale):  # the writer reads the test in their own language, wherever it is queued
        subject = _("[Test] {title}").format(title=item.title)
    queue_mail(
        session,
        to=address,
        subject=subject,
        body=mail_body(item, address, actor.locale),
        kind="news_test",
        headers=unsubscribe_headers(address),
    )
    session.commit()
    return item


def send(session: Session, actor: User | None, item_id: int) -> NewsItem:
    """Publish the item and queue its first batch; again later, only addresses not mailed yet."""
    item = load_item(session, actor, item_id)
    if item.sent_at is None:
        item.sent_at = utcnow()
        append_event(session, actor=actor, entity_type="news_item", entity_id=id_of(item), action="send")
    item.queued_all_at = None  # a second send picks up people confirmed since
    session.add(item)
    queue_next_batch(session, item)
    session.commit()
    return item


def queue_next_batch(session: Session, item: NewsItem, limit: int = BATCH) -> int:
    """Queue up to `limit` addresses that have no delivery of this item yet (no commit)."""
    done = select(NewsDelivery.email).where(NewsDelivery.news_item_id == item.id)
    addresses = [
        (address, locale)
        for address, locale in session.execute(  # two columns: not sqlmodel's exec, which yields the first alone
            audience(item.partnership_id)
            .add_columns(NewsSubscriber.locale)
            .where(NewsSubscriber.email.not_in(done))  # type: ignore[attr-defined]
            .order_by(NewsSubscriber.email)
            .limit(limit)
        )
    ]
    mails = [
        queue_mail(
            session,
            to=address,
            subject=item.title,
            body=mail_body(item, address, locale),
            kind="news",
            headers=unsubscribe_headers(address),
        )
        for address, locale in addresses
    ]
    session.flush()
    session.add_all(NewsDelivery(news_item_id=id_of(item), email=mail.to_email, outbox_id=mail.id) for mail in mails)
    if len(addresses) < limit:
        item.queued_all_at = utcnow()
        session.add(item)
    session.flush()
    return len(addresses)


def queue_pending(session: Session, limit: int = BATCH) -> int:
    """One round of the mail loop: the next batch of every item still sending; commits."""
    items = session.exec(
        select(NewsItem).where(NewsItem.sent_at.is_not(None), NewsItem.queued_all_at.is_(None))  # type: ignore[union-attr]
    ).all()
    try:
        queued = sum(queue_next_batch(session, item, limit) for item in items)
        session.commit()
    except sa.exc.IntegrityError:  # another app process queued these addresses first: nobody is mailed twice
        session.rollback()
        return 0
    return queued


@dataclass(frozen=True)
class Progress:
    sent: int  # delivered to the mail server
    waiting: int  # in the outbox, not delivered yet
    failed: int
    not_queued: int  # confirmed subscribers of the audience with no mail of this item yet

    @property
    def left(self) -> int:
        return self.waiting + self.not_queued


def progress(session: Session, item: NewsItem) -> Progress:
    states = dict(
        session.exec(  # type: ignore[call-overload]
            select(Outbox.state, func.count())
            .join(NewsDelivery, NewsDelivery.outbox_id == Outbox.id)  # type: ignore[arg-type]
            .where(NewsDelivery.news_item_id == item.id)
            .group_by(Outbox.state)
        ).all()
    )
    done = select(NewsDelivery.email).where(NewsDelivery.news_item_id == item.id)
    not_queued = (
        session.exec(
            select(func.count()).select_from(
                audience(item.partnership_id).where(NewsSubscriber.email.not_in(done)).subquery()  # type: ignore[attr-defined]
            )
        ).one()
        if item.sent_at is not None
        else 0
    )
    return Progress(
        sent=states.get(OutboxState.SENT, 0),
        waiting=states.get(OutboxState.QUEUED, 0) + states.get(OutboxState.SENDING, 0),
        failed=states.get(OutboxState.FAILED, 0),
        not_queued=not_queued,
    )


def audience_size(session: Session, actor: User | None) -> int:
    scope = writer_scope(session, actor)
    return session.exec(select(func.count()).select_from(audience(scope).subquery())).one()


def items_of(session: Session, actor: User | None) -> list[NewsItem]:
    """The items this writer may see on the news desk, newest first."""
    scope = writer_scope(session, actor)
    query = select(NewsItem).order_by(NewsItem.id.desc())  # type: ignore[union-attr]
    if scope is not None:
        query = query.where(NewsItem.partnership_id == scope)
    return list(session.exec(query))


def published(session: Session, limit: int = 20) -> list[NewsItem]:
    """What the public news page shows: every sent item, newest first."""
    return list(
        session.exec(
            select(NewsItem).where(NewsItem.sent_at.is_not(None)).order_by(NewsItem.sent_at.desc()).limit(limit)  # type: ignore[union-attr]
        )
    )
