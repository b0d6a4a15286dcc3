"""The admin Outbox page: failures are visible with their error and can be sent again."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.engine import write_session
from db.models import Outbox
from domain.enums import OutboxState
from services.outbox import queue_mail
from tests import factories as f

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_failed_mails_show_their_error_and_go_again(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        mail = queue_mail(session, to="nobody@example.org", subject="Your exchange", body="Hello", kind="test")
        mail.state, mail.attempts, mail.last_error = OutboxState.FAILED, 8, "SMTPRecipientsRefused: 550 no such user"
        session.commit()
        at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, admin)
    at.run()
    at.switch_page("pages/admin/outbox.py").run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["0", "0", "0", "1"]
    assert any("550 no such user" in e.value for e in at.error)
    at.button(key="retry_failed").click().run()
    assert not at.exception
    with write_session() as session:
        again = session.exec(select(Outbox)).one()
    assert again.state == OutboxState.QUEUED and again.attempts == 0
