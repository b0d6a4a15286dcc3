"""A burst of transitions and payments, run as a separate process that the crash test kills with SIGKILL.

It orders and confirms the payments of every accepted exchange and walks expressions of
interest through submit → changes requested → submit → approve, as fast as it can, forever.
"""

from __future__ import annotations

import sys
from datetime import date

from sqlmodel import select

from db.engine import write_session
from db.models import EOI, Exchange, Payment, User
from db.types import id_of
from domain.enums import Action, EOIState, ExchangeState, Side
from services import eois, payments
from tests.journey import eoi_answers


def user(session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def one_payment_step() -> bool:
    with write_session() as session:
        coordinator = user(session, "coord.v")
        ordered = session.exec(
            select(Payment.id)
            .join(Exchange, Payment.exchange_id == Exchange.id)  # type: ignore[arg-type]
            .where(Exchange.state == ExchangeState.PAYMENT_ORDERED)
        ).first()
        if ordered is not None:
            payments.confirm_payments(
                session=session,
                actor=coordinator,
                payment_ids=[ordered],
                paid_on=date.today(),
                reference=f"R-{ordered}",
            )
            return True
        accepted = session.exec(select(Exchange.id).where(Exchange.state == ExchangeState.REPORT_ACCEPTED)).first()
        if accepted is not None:
            payments.order_payment(session=session, actor=coordinator, exchange_id=accepted)
            return True
    return False


def one_eoi_step() -> None:
    """One transition of the Host's Visitor-side EOI: start, submit, ask changes, submit, reject, again.
    Each step is its own transaction, so after a kill the next worker carries on where it stopped."""
    with write_session() as session:
        applicant, coordinator = user(session, "host"), user(session, "coord.h")
        eoi = session.exec(
            select(EOI).where(
                EOI.organisation_id == applicant.organisation_id,
                EOI.side == Side.VISITOR,
                EOI.state.not_in([EOIState.REJECTED, EOIState.WITHDRAWN]),  # type: ignore[attr-defined]
            )
        ).first()
        if eoi is None:
            eois.start_eoi(
                session=session, actor=applicant, side=Side.VISITOR, partnership_id=coordinator.partnership_id
            )
        elif eoi.state in (EOIState.DRAFT, EOIState.CHANGES_REQUESTED):
            eois.submit_eoi(session=session, actor=applicant, eoi_id=id_of(eoi), answers=eoi_answers(["PT"]))
        elif eoi.decided_at is None:  # submitted for the first time
            eois.decide_eoi(
                session=session,
                actor=coordinator,
                eoi_id=id_of(eoi),
                action=Action.REQUEST_CHANGES,
                comment="More detail",
            )
        else:
            eois.decide_eoi(
                session=session, actor=coordinator, eoi_id=id_of(eoi), action=Action.REJECT, comment="Not this time"
            )


def main() -> int:
    print("ready", flush=True)
    while True:
        one_payment_step()
        print("step", flush=True)
        one_eoi_step()
        print("step", flush=True)


if __name__ == "__main__":
    sys.exit(main())
