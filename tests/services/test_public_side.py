"""The front door: editable landing texts, news with double opt-in, the contact form and its limit."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from db.engine import write_session
from db.models import ContactMessage, NewsSubscriber, Outbox
from db.types import id_of
from domain.enums import ContactState
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from services import contact, news
from services.site_texts import set_site_text, site_texts
from tests import factories as f
from tests.pages.test_journey_pages import APP, page_as


def last_mail(session: Session, to: str) -> Outbox:
    return session.exec(select(Outbox).where(Outbox.to_email == to).order_by(Outbox.id.desc())).first()  # type: ignore[return-value, union-attr]


def link_params(body: str, marker: str) -> dict[str, str]:
    url = next(u for u in re.findall(r"https?://\S+", body) if marker in u)
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_double_opt_in_then_one_click_unsubscribe(session: Session) -> None:
    news.subscribe(session, "  Reader@Example.org ")
    subscriber = session.exec(select(NewsSubscriber)).one()
    assert subscriber.email == "reader@example.org" and subscriber.confirmed_at is None
    mail = last_mail(session, "reader@example.org")
    token = link_params(mail.body, "confirm=")["confirm"]
    assert news.confirm(session, token).confirmed_at is not None
    with pytest.raises(NotFound):
        news.confirm(session, token + "x")
    params = link_params(mail.body, "action=unsubscribe")
    with pytest.raises(NotFound):
        news.unsubscribe(session, "someone.else@example.org", params["token"])  # a token opens only its own address
    assert news.subscription(session, params["email"], params["token"]).email == "reader@example.org"  # type: ignore[union-attr]
    assert news.unsubscribe(session, params["email"], params["token"]) is True
    assert session.exec(select(NewsSubscriber)).all() == []


def test_confirmation_mails_are_limited_and_bad_addresses_refused(session: Session) -> None:
    with pytest.raises(ValidationFailed):
        news.subscribe(session, "not an address")
    for _n in range(3):
        news.subscribe(session, "busy@example.org")
    with pytest.raises(ValidationFailed, match="today"):
        news.subscribe(session, "busy@example.org")
    assert len(session.exec(select(Outbox).where(Outbox.to_email == "busy@example.org")).all()) == 3


def test_contact_form_is_stored_notifies_admins_and_is_limited_per_hour(session: Session) -> None:
    admin = f.admin(session)
    for n in range(3):
        contact.send_message(
            session=session,
            name="Ana Sousa",
            email="ana@example.org",
            subject=f"Question {n}",
            body="How do I choose a Partnership for my cluster?",
        )
    with pytest.raises(ValidationFailed, match="last hour"):
        contact.send_message(
            session=session,
            name="Ana Sousa",
            email="ANA@example.org",
            subject="Again",
            body="Are you there? Please answer.",
        )
    assert len(session.exec(select(ContactMessage)).all()) == 3
    assert last_mail(session, admin.email).kind == "contact"
    with pytest.raises(ValidationFailed) as bad:
        contact.send_message(session=session, name="", email="x", subject="", body="short")
    assert set(bad.value.errors) == {"name", "email", "subject", "body"}
    first = session.exec(select(ContactMessage)).first()
    contact.reply(session=session, actor=admin, message_id=id_of(first), text="Look at the Partnerships page.")  # type: ignore[arg-type]
    answer = last_mail(session, "ana@example.org")
    assert answer.subject == "Re: Question 0" and "Look at the Partnerships page." in answer.body
    assert session.get(ContactMessage, id_of(first)).state == ContactState.ANSWERED  # type: ignore[arg-type, union-attr]
    participant = f.participant(session)
    with pytest.raises(PermissionDenied):
        contact.reply(session=session, actor=participant, message_id=id_of(first), text="Hi")  # type: ignore[arg-type]


def test_admin_edits_a_landing_text_and_the_welcome_page_shows_it(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        set_site_text(
            session=session,
            actor=admin,
            key="lump_sum",
            body="**Up to €2,000** <script>alert(1)</script> per exchange.",
        )
        with pytest.raises(PermissionDenied):
            set_site_text(session=session, actor=f.participant(session), key="intro", body="Hacked")
        assert site_texts(session)["intro"].startswith("ClusterXchange funds")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "**Up to €2,000**" in shown and "Write to the Support Office" not in shown  # a page link, not markdown


def test_news_page_confirms_from_the_link(sqlite_url: str) -> None:
    with write_session() as session:
        f.admin(session)  # an instance that is set up
        news.subscribe(session, "reader@example.org")
        token = link_params(last_mail(session, "reader@example.org").body, "confirm=")["confirm"]
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/public/news.py")
    at.query_params["confirm"] = token
    at.run()
    assert not at.exception
    assert any("now receives our news" in s.value for s in at.success)


def test_contact_page_keeps_the_text_and_names_the_problem(sqlite_url: str) -> None:
    with write_session() as session:
        f.admin(session)
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/public/contact.py").run()
    at.text_input(key="contact_name").input("Ana Sousa")
    at.text_input(key="contact_email").input("not-an-address")
    at.text_input(key="contact_subject").input("Partnerships")
    at.text_area(key="contact_body").input("Which Partnership covers Portugal?")
    at.button[0].click().run()
    assert not at.exception
    assert at.text_area(key="contact_body").value == "Which Partnership covers Portugal?"
    assert any("e-mail" in e.value.lower() for e in at.error)
    with write_session() as session:
        assert session.exec(select(ContactMessage)).all() == []


def test_admin_answers_a_message_from_the_page(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        message = contact.send_message(
            session=session,
            name="Ana Sousa",
            email="ana@example.org",
            subject="Hello",
            body="Is Malta a participating country?",
        )
        at = page_as(session, admin, "pages/admin/messages.py")
    at.text_area(key=f"reply_{message.id}").input("Yes, it is.").run()
    at.button(key=f"send_reply_{message.id}").click().run()
    assert not at.exception
    with write_session() as session:
        assert session.get(ContactMessage, id_of(message)).reply == "Yes, it is."  # type: ignore[union-attr]


def test_the_reply_to_a_message_is_in_the_sender_language_not_the_admin_one(session: Session) -> None:
    from domain.i18n import in_language
    from services import accounts

    admin = f.admin(session)
    accounts.set_locale(session=session, actor=admin, locale="fr")
    with in_language("de"):  # the visitor writes from the German site
        message = contact.send_message(
            session=session, name="Greta Berg", email="greta@example.eu", subject="Termine", body="Geht es im Mai?"
        )
    assert message.locale == "de"
    with in_language("fr"):  # the administrator answers from the French site
        contact.reply(session=session, actor=admin, message_id=id_of(message), text="Ja, im Mai.")
    mail = session.exec(select(Outbox).where(Outbox.kind == "contact_reply")).one()
    assert mail.subject == "AW: Termine"
    assert mail.body.startswith("Guten Tag Greta Berg,\n\nJa, im Mai.\n\n— ClusterXchange Support Office\n\n> Geht")
