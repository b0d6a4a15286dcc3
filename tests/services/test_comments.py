"""The comment thread of an exchange: its parties talk, everyone else is told by e-mail; outsiders see nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from db.engine import write_session
from db.models import Comment, Outbox
from db.types import id_of
from domain.errors import NotFound, ValidationFailed
from services.comments import add_comment, thread
from tests.journey import agreed_exchange, cast, org_user
from tests.pages.test_journey_pages import page_as


def test_a_comment_reaches_every_other_party(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    before = {m.id for m in session.exec(select(Outbox))}
    add_comment(
        session=session, actor=c.host, exchange_id=id_of(exchange), body="  Could you come a day earlier? <b>bold</b>  "
    )
    mails = [m for m in session.exec(select(Outbox)) if m.id not in before]
    assert sorted(m.to_email for m in mails) == sorted(
        [c.visitor.email, c.vop_coordinator.email, c.hop_coordinator.email]
    )
    assert all("Could you come a day earlier?" in m.body and m.kind == "comment" for m in mails)
    [entry] = thread(session, c.vop_coordinator, id_of(exchange))
    assert (entry.author, entry.as_party, entry.body, entry.mine) == (
        c.host.full_name,
        "Host",
        "Could you come a day earlier? <b>bold</b>",
        False,
    )


def test_outsiders_and_empty_comments_are_refused(session: Session) -> None:
    c = cast(session)
    exchange = agreed_exchange(session, c)
    stranger = org_user(session, "stranger", "DE", city="Berlin")
    with pytest.raises(NotFound):
        add_comment(session=session, actor=stranger, exchange_id=id_of(exchange), body="Hello")
    with pytest.raises(NotFound):
        thread(session, stranger, id_of(exchange))
    with pytest.raises(ValidationFailed):
        add_comment(session=session, actor=c.visitor, exchange_id=id_of(exchange), body="   ")
    with pytest.raises(ValidationFailed):
        add_comment(session=session, actor=c.visitor, exchange_id=id_of(exchange), body="x" * 4001)
    assert session.exec(select(Comment)).all() == []


def test_comment_posted_from_the_exchange_page(sqlite_url: str) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = agreed_exchange(session, c)
        at = page_as(session, c.visitor, "pages/exchange/exchange.py", id=str(exchange.id))
    # Both sides' contacts are on the page, for the people who organise the stay.
    assert any("Host Person <host@example.eu>" in c.value for c in at.caption)
    at.text_area(key="comment_body_0").input("We land at 10:40 on Monday.")  # a form: the value goes with the submit
    at.button[[b.label for b in at.button].index("Post the comment")].click().run()
    assert not at.exception
    assert "We land at 10:40 on Monday." in [t.value for t in at.text]
    assert at.text_area(key="comment_body_1").value in ("", None)
    with write_session() as session:
        assert [x.body for x in session.exec(select(Comment))] == ["We land at 10:40 on Monday."]
