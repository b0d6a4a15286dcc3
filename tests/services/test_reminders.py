"""Reminders of overdue items: once per item and day, from the command line or an admin."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from db.models import ClosingReport, Outbox, Reminder
from domain.errors import PermissionDenied
from services.reminders import send_reminders
from tests.journey import accepted_exchange
from tests.test_manage import manage


def test_overdue_payment_is_reminded_once_a_day(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    accepted = session.exec(select(ClosingReport)).one().accepted_at.date()  # type: ignore[union-attr]
    assert send_reminders(session, today=accepted + timedelta(days=10), system=True).sent == 0  # due, not overdue
    late = accepted + timedelta(days=11)
    first = send_reminders(session, today=late, actor=c.admin)
    assert (first.sent, first.already) == (1, 0)
    mails = session.exec(select(Outbox).where(Outbox.kind == "reminder")).all()
    assert [m.to_email for m in mails] == [c.vop_coordinator.email]
    assert f"exchange {exchange.id} is overdue" in mails[0].subject and f"exchange?id={exchange.id}" in mails[0].body
    again = send_reminders(session, today=late, system=True)
    assert (again.sent, again.already) == (0, 1)
    assert send_reminders(session, today=late + timedelta(days=1), system=True).sent == 1
    assert len(session.exec(select(Reminder)).all()) == 2


def test_only_admins_press_the_button(session: Session) -> None:
    c, _ = accepted_exchange(session)
    with pytest.raises(PermissionDenied):
        send_reminders(
            session,
            today=session.exec(select(ClosingReport)).one().accepted_at.date(),  # type: ignore[union-attr]
            actor=c.vop_coordinator,
        )


def test_remind_command_on_the_demo_programme(tmp_path: Path) -> None:
    assert manage(tmp_path, "demo").returncode == 0
    first = manage(tmp_path, "remind", "--today", "2031-01-15")
    assert first.returncode == 0, first.stderr
    sent = int(first.stdout.split("reminders: ")[1].split(" sent")[0])
    assert sent >= 2  # the demo holds an accepted report and an ordered payment, long overdue by then
    second = manage(tmp_path, "remind", "--today", "2031-01-15")
    assert second.stdout.strip() == f"reminders: 0 sent, {sent} already sent today"
    bad = manage(tmp_path, "remind", "--today", "15/01/2031")
    assert bad.returncode == 2 and "is not a date" in bad.stderr
