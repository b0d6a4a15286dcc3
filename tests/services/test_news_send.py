"""News that is sent: who may send to whom, batches through the outbox, one mail per address,
unsubscribing (a confirming click on the page, or the RFC 8058 POST), and 500 subscribers
through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from db.engine import read_session
from db.models import NewsDelivery, NewsItem, NewsSubscriber, Outbox
from db.types import id_of
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from services import mailer, news
from tests import factories as f
from tests import journey as j
from tests.pages.test_journey_pages import APP
from tests.smtp_catcher import SmtpCatcher

TEXT = "Dear readers,\n\nThe **spring call** is open: see <https://example.eu/call>.\n\n- Porto\n- Lyon\n"


def subscribed(session: Session, email: str) -> None:
    """A confirmed subscriber, made as a visitor does: sign up, then the link of the e-mail."""
    news.subscribe(session, email)
    mail = session.exec(select(Outbox).where(Outbox.to_email == email).order_by(Outbox.id.desc())).first()
    assert mail is not None
    news.confirm(session, parse_qs(urlsplit(_link(mail.body, "confirm=")).query)["confirm"][0])


def _link(body: str, marker: str) -> str:
    return next(u for u in re.findall(r"https?://\S+", body) if marker in u)


def news_mails(session: Session) -> list[str]:
    session.expire_all()
    found = sorted(m.to_email for m in session.exec(select(Outbox).where(Outbox.kind == "news")))
    session.commit()  # the test's session writes (BEGIN IMMEDIATE): never hold it across a page run
    return found


def is_subscribed(email: str) -> bool:
    with read_session() as check:
        return check.exec(select(NewsSubscriber).where(NewsSubscriber.email == email)).first() is not None


def test_participants_never_send_coordinators_only_when_allowed_and_only_to_their_members(session: Session) -> None:
    c = j.cast(session)
    j.agreed_exchange(session, c)  # the visitor's organisation is supervised by VOP, the host's by HOP
    for email in ("visitor@example.eu", "host@example.eu", "outsider@example.org"):
        subscribed(session, email)

    with pytest.raises(PermissionDenied):
        news.send_test(session, c.visitor, "Hello", TEXT)
    with pytest.raises(PermissionDenied):  # not until an administrator allows it
        news.send_test(session, c.vop_coordinator, "Hello", TEXT)
    with pytest.raises(PermissionDenied):
        news.set_coordinators_may_send(session, c.vop_coordinator, True)
    news.set_coordinators_may_send(session, c.admin, True)

    item = news.send_test(session, c.vop_coordinator, "VOP news", TEXT)
    assert item.partnership_id == c.vop.id
    with pytest.raises(NotFound):  # another Partnership's item is not theirs to send
        news.send(session, c.hop_coordinator, id_of(item))
    news.send(session, c.vop_coordinator, id_of(item))
    assert news_mails(session) == ["visitor@example.eu"]
    assert news.progress(session, item) == news.Progress(sent=0, waiting=1, failed=0, not_queued=0)

    news.send(session, c.admin, id_of(news.send_test(session, c.admin, "Everyone", TEXT)))
    assert news_mails(session) == [
        "host@example.eu",
        "outsider@example.org",
        "visitor@example.eu",
        "visitor@example.eu",
    ]

    news.set_coordinators_may_send(session, c.admin, False)
    with pytest.raises(PermissionDenied):
        news.send(session, c.vop_coordinator, id_of(item))


def test_sending_twice_mails_nobody_twice_and_skips_who_left(session: Session) -> None:
    admin = f.admin(session)
    for email in ("a@example.org", "b@example.org", "gone@example.org"):
        subscribed(session, email)
    news.subscribe(session, "unconfirmed@example.org")
    gone = news.manage_token("gone@example.org")
    assert news.unsubscribe(session, "gone@example.org", gone)

    item = news.send_test(session, admin, "Spring call", TEXT)
    news.send(session, admin, id_of(item))
    news.send(session, admin, id_of(item))  # a second click, or a second tab
    assert news_mails(session) == ["a@example.org", "b@example.org"]
    subscribed(session, "late@example.org")
    news.send(session, admin, id_of(item))  # sending again reaches only who confirmed since
    assert news_mails(session) == ["a@example.org", "b@example.org", "late@example.org"]
    assert news.queue_pending(session) == 0

    # Someone who leaves while their mail waits in the outbox is not mailed either.
    assert news.unsubscribe(session, "b@example.org", news.manage_token("b@example.org"))
    assert news_mails(session) == ["a@example.org", "late@example.org"]
    assert [i.title for i in news.published(session)] == ["Spring call"]


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", TEXT, "title"),
        ("   ", TEXT, "title"),
        ("Two\nlines", TEXT, "title"),
        ("Title", "  ", "body"),
        ("Title", "Hello <script>alert(1)</script>", "body"),
        ("Title", 'See <a href="https://x.eu">this</a>', "body"),
        ("Title", "[click](javascript:alert(1))", "body"),
        ("Title", "```\nunclosed code", "body"),
        ("Title", "x" * (news.BODY_MAX + 1), "body"),
    ],
)
def test_bad_markdown_or_empty_title_is_refused_and_nothing_stored(
    session: Session, title: str, body: str, field: str
) -> None:
    admin = f.admin(session)
    with pytest.raises(ValidationFailed) as refused:
        news.send_test(session, admin, title, body)
    assert field in refused.value.errors
    session.rollback()
    assert session.exec(select(NewsItem)).all() == []
    assert session.exec(select(Outbox).where(Outbox.kind.in_(["news", "news_test"]))).all() == []  # type: ignore[attr-defined]


def test_markdown_people_write_is_accepted() -> None:
    assert news.news_problems("Spring call", TEXT + "\n```\ncode\n```\n[site](https://example.eu) 3 < 4") == {}


def test_a_sent_item_cannot_be_changed(session: Session) -> None:
    admin = f.admin(session)
    item = news.send_test(session, admin, "Spring call", TEXT)
    news.send(session, admin, id_of(item))
    with pytest.raises(PermissionDenied):
        news.send_test(session, admin, "Changed", TEXT, id_of(item))


def _unsubscribe_page(email: str, token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/public/news.py")
    at.query_params.update(email=email, token=token, action="unsubscribe")
    return at.run()


def test_500_subscribers_through_smtp_each_with_a_working_unsubscribe_link(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = f.admin(session)
    addresses = [f"reader{i:03}@example.org" for i in range(500)]
    for email in addresses:
        subscribed(session, email)
    item = news.send_test(session, admin, "Spring call", TEXT)
    news.send(session, admin, id_of(item))
    assert len(news_mails(session)) == news.BATCH  # the click queues one batch; the mail loop the rest
    assert news.progress(session, item).left == 500
    session.commit()

    with SmtpCatcher() as smtp:
        monkeypatch.setenv("SMTP_URL", smtp.url())
        monkeypatch.setenv("CXC_MAIL_FROM", "CXC Desk <desk@example.org>")
        rounds = 0
        while (report := mailer.deliver_configured()) is not None and report.sent:
            rounds += 1
        messages = list(smtp.inbox.messages)
    session.expire_all()
    assert news.progress(session, item) == news.Progress(sent=500, waiting=0, failed=0, not_queued=0)
    session.commit()
    assert rounds >= 5  # 100 mails a round
    news_messages = [m for m in messages if str(m["Subject"]) == "Spring call"]
    assert sorted(str(m["To"]) for m in news_messages) == addresses  # each once
    for message in news_messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(r"<https?://\S+/news/unsubscribe\?\S+>", str(message["List-Unsubscribe"]))
    assert len(session.exec(select(NewsDelivery)).all()) == 500
    session.commit()

    # The link in the text: opening it (as a person or a mail scanner does) asks; the click unsubscribes.
    for message in news_messages[:3]:
        query = parse_qs(urlsplit(_link(message.get_content(), "action=unsubscribe")).query)
        email, token = query["email"][0], query["token"][0]
        at = _unsubscribe_page(email, token)
        assert not at.exception
        assert any("Stop sending ClusterXchange news" in m.value for m in at.markdown)
        assert is_subscribed(email)
        at.button(key="news_unsubscribe").click().run()
        assert any("is unsubscribed" in s.value for s in at.success)
        assert not is_subscribed(email)

    # The header's address: a GET leads to the same question; a POST (RFC 8058 one-click) unsubscribes.
    from web import news_unsubscribe

    header = str(news_messages[3]["List-Unsubscribe"]).strip("<>")
    email = parse_qs(urlsplit(header).query)["email"][0]
    client = TestClient(Starlette(routes=news_unsubscribe.routes()))
    path = f"{urlsplit(header).path}?{urlsplit(header).query}"
    shown = client.get(path, follow_redirects=False)
    assert shown.status_code == 303 and "action=unsubscribe" in shown.headers["location"]
    assert is_subscribed(email)
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not is_subscribed(email)
    assert client.post(path.replace("token=", "token=x"), data={}).status_code == 404
    with read_session() as check:
        assert len(check.exec(select(NewsSubscriber)).all()) == 496
        assert [i.title for i in news.published(check)] == ["Spring call"]  # and on the public page's list


def test_each_subscriber_reads_our_words_in_the_language_they_subscribed_in(session: Session) -> None:
    from domain.i18n import in_language
    from services import accounts

    admin = f.admin(session)
    accounts.set_locale(session=session, actor=admin, locale="es")
    with in_language("de"):
        subscribed(session, "greta@example.eu")
    with in_language("pl"):
        subscribed(session, "piotr@example.eu")
    subscribed(session, "early@example.eu")
    session.exec(select(NewsSubscriber).where(NewsSubscriber.email == "early@example.eu")).one().locale = None
    session.commit()  # subscribed before the language was kept: the instance's language

    with in_language("fr"):  # whatever the sender reads, and wherever the batch is queued
        item = news.send_test(session, admin, "Spring call", TEXT)
        news.send(session, admin, id_of(item))
    test = session.exec(select(Outbox).where(Outbox.kind == "news_test")).one()
    assert test.subject == "[Prueba] Spring call"  # the writer's own language
    assert "Recibe las noticias de ClusterXchange porque las ha solicitado." in test.body
    mails = {m.to_email: m for m in session.exec(select(Outbox).where(Outbox.kind == "news"))}
    assert mails["greta@example.eu"].body.startswith(TEXT.strip())  # the item as written
    assert "\n--\nSie erhalten ClusterXchange-Nachrichten, weil Sie sie angefordert haben. Abmelden: " in (
        mails["greta@example.eu"].body
    )
    assert "\n--\nOtrzymują Państwo aktualności ClusterXchange na własną prośbę." in mails["piotr@example.eu"].body
    assert "\n--\nYou receive ClusterXchange news because you asked for it." in mails["early@example.eu"].body
    assert {m.subject for m in mails.values()} == {"Spring call"}
