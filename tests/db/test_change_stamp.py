"""The work's change stamp: every write of what the work queue reads moves it, in the same
transaction; other writes, logins and rolled-back work leave it; a page kept by one server is read
again as soon as another server commits a change."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlmodel import Session

from db.change_stamp import WATCHED, current_token
from db.engine import make_engine
from db.models import ContactMessage, Exchange, Organisation, User
from db.types import id_of
from domain.enums import Action, EOIState, Side
from services import eois, queue, sessions
from services.queue import QueueFilter, queue_page
from services.rules import rules_lookup
from tests.journey import accepted_exchange, cast, eoi_answers


def token(engine: sa.Engine) -> str:
    with Session(engine) as other:
        return current_token(other)


def test_a_write_of_the_work_moves_the_token_at_commit_and_nothing_else_does(session: Session, engine) -> None:
    c = cast(session)
    before = token(engine)
    session.add(ContactMessage(name="A", email="a@example.org", subject="Hello", body="A question"))
    session.commit()
    assert token(engine) == before  # not something the queue reads

    organisation = session.get(Organisation, c.visitor.organisation_id)
    organisation.legal_name = "Renamed Lda"  # type: ignore[union-attr]
    session.flush()
    assert token(engine) == before  # not committed yet: another server still sees the old name
    session.commit()
    renamed = token(engine)
    assert renamed != before

    organisation.city = "Braga"  # type: ignore[union-attr]
    session.rollback()
    session.commit()
    assert token(engine) == renamed  # what was rolled back changed nothing


def test_a_login_leaves_the_token_and_a_new_name_moves_it(session: Session, engine) -> None:
    c = cast(session)
    before = token(engine)
    sessions.open_session(session=session, user=c.visitor)  # writes the user's last login
    assert token(engine) == before
    person = session.get(User, c.visitor.id)
    person.full_name = "Ana Sousa Renamed"  # type: ignore[union-attr]
    session.commit()
    assert token(engine) != before


def test_a_conditional_transition_moves_the_token(session: Session, engine) -> None:
    c = cast(session)
    eoi = eois.start_eoi(session=session, actor=c.visitor, side=Side.VISITOR, partnership_id=c.vop.id)
    before = token(engine)
    eois.submit_eoi(session=session, actor=c.visitor, eoi_id=id_of(eoi), answers=eoi_answers(["FR"]))
    assert session.get(type(eoi), eoi.id).state == EOIState.SUBMITTED  # type: ignore[union-attr]
    after_submit = token(engine)
    assert after_submit != before
    eois.decide_eoi(session=session, actor=c.vop_coordinator, eoi_id=id_of(eoi), action=Action.APPROVE)
    assert token(engine) != after_submit


def test_a_page_kept_by_one_server_is_read_again_when_another_server_commits(session: Session, engine) -> None:
    c, exchange = accepted_exchange(session)
    first = queue_page(session, c.vop_coordinator, page=1, page_size=25)
    assert [item.kind for item in first.items] == ["payment"]
    assert queue_page(session, c.vop_coordinator, page=1, page_size=25) is first  # nothing changed: kept

    session.commit()  # the end of this server's page run: it holds no transaction while others write
    # Another server (its own connection) renames the Visitor: the kept page is not given again.
    with Session(engine) as elsewhere:
        visitor = elsewhere.get(Organisation, exchange.visitor_org_id)
        visitor.legal_name = "Elsewhere Renamed Lda"  # type: ignore[union-attr]
        elsewhere.commit()
    again = queue_page(session, c.vop_coordinator, page=1, page_size=25)
    assert again is not first and "Elsewhere Renamed Lda" in again.items[0].title
    session.commit()

    # … and moves the exchange on with a conditional UPDATE, as a transition does.
    with Session(engine) as elsewhere:
        elsewhere.execute(
            sa.update(Exchange).where(Exchange.id == exchange.id).values(updated_at=datetime.now(UTC), state="paid")
        )
        elsewhere.commit()
    assert queue_page(session, c.vop_coordinator, page=1, page_size=25).items == ()


def test_every_table_the_queue_reads_is_watched(session: Session) -> None:
    """A table added to the queue's statement without being watched would leave pages stale."""
    rules_of = rules_lookup(session)
    read: set[str] = set()
    for wanted in (QueueFilter(), QueueFilter(text="ana person", countries=frozenset({"PT"}))):
        statement = queue._statement(wanted, tuple(sorted(rules_of.versions)), 25, 0)
        read |= {element.name for element in visitors.iterate(statement) if isinstance(element, sa.Table)}
    read |= {"organisation", "rules_version"}  # the page's names and each exchange's deadlines
    assert read and read <= WATCHED, read - WATCHED


def test_a_copy_of_the_database_keeps_its_own_pages(sqlite_url: str, tmp_path) -> None:
    """A copy (a restore, a template) starts with the same token: its pages are its own all the same."""
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        c, _exchange = accepted_exchange(session)
        coordinator_id = c.vop_coordinator.id
        first = queue_page(session, c.vop_coordinator, page=1, page_size=25)
    engine.dispose()
    copy = tmp_path / "copy.db"
    with sqlite3.connect(sa.make_url(sqlite_url).database) as source, sqlite3.connect(copy) as target:  # type: ignore[arg-type]
        source.backup(target)  # with what the write-ahead log still holds
    other = make_engine(f"sqlite:///{copy}")
    with other.begin() as conn:  # a write no session sees, as a restore writes
        conn.exec_driver_sql("UPDATE organisation SET legal_name = 'Copied Lda'")
    with Session(other) as session:
        coordinator = session.get(User, coordinator_id)
        assert current_token(session) == token(make_engine(sqlite_url))
        page = queue_page(session, coordinator, page=1, page_size=25)  # type: ignore[arg-type]
    other.dispose()
    assert page is not first and "Copied Lda" in page.items[0].title
