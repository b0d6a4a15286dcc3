"""The news desk: write → preview → test send → send, and the public page that shows the item."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.engine import read_session, write_session
from db.models import Outbox
from services import news
from tests import factories as f
from tests.pages.test_journey_pages import APP, page_as
from tests.services.test_news_send import subscribed

BODY = "The **spring call** is open.\n\n- Porto\n- Lyon"


def mails(kind: str) -> list[Outbox]:
    with read_session() as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id)))


def test_write_preview_test_send_then_send(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        for email in ("a@example.org", "b@example.org"):
            subscribed(session, email)
        at = page_as(session, admin, "pages/admin/news.py")
    assert not at.exception
    assert not [b for b in at.button if b.key == "news_send"]  # nothing to send before a test

    at.text_input(key="news_title").input("Spring call")
    at.text_area(key="news_body").input("<b>bold</b>").run()
    at.button(key="news_test").click().run()
    assert any("Write Markdown, not HTML" in e.value for e in at.error)
    assert mails("news_test") == []

    at.text_area(key="news_body").input(BODY).run()
    shown = " ".join(m.value for m in at.markdown)
    assert "### Spring call" in shown and "**spring call**" in shown  # the preview
    at.button(key="news_test").click().run()
    assert not at.exception
    [test] = mails("news_test")
    assert test.to_email == admin.email and "[Test] Spring call" == test.subject and "Unsubscribe:" in test.body
    assert test.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    with write_session() as session:  # a draft left by an earlier visit opens in the editor
        old = news.send_test(session, admin, "Older draft", "Kept for later.")
        at.run()
    at.button(key=f"news_open_{old.id}").click().run()
    assert at.text_input(key="news_title").value == "Older draft" and not [b for b in at.button if b.key == "news_send"]
    at.text_input(key="news_title").input("Spring call")
    at.text_area(key="news_body").input(BODY).run()
    at.button(key="news_test").click().run()

    at.button(key="news_send").click().run()
    assert not at.exception
    assert sorted(m.to_email for m in mails("news")) == ["a@example.org", "b@example.org"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Sent to": "0", "Left": "2", "Failed": "0"}

    public = AppTest.from_file(APP, default_timeout=30)
    public.run()
    public.switch_page("pages/public/news.py").run()
    assert "Spring call" in [s.value for s in public.header]


def test_coordinators_write_only_when_the_administrator_allows(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        partnership = f.partnership(session, admin)
        coordinator = f.coordinator(session, admin, partnership.id)  # type: ignore[arg-type]
        at = page_as(session, coordinator, "pages/admin/news.py")
    assert not at.exception
    assert any("Only administrators" in i.value for i in at.info) and not at.text_input

    with write_session() as session:
        at = page_as(session, admin, "pages/admin/news.py")
    at.toggle(key="news_coordinators").set_value(True).run()
    assert not at.exception
    with read_session() as session:
        assert news.coordinators_may_send(session)
    with write_session() as session:
        at = page_as(session, coordinator, "pages/admin/news.py")
    assert not at.exception
    assert any("members of your Partnership" in c.value for c in at.caption)
