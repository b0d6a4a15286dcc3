"""The permission matrix: every service function for every kind of actor, on own and foreign records.

Actors: participant A (the Visitor, whose records these are), the Host's participant, participant B
(an organisation with nothing to do with the exchange), coordinator P1 (the Visitor's Partnership),
the Host's Partnership's coordinator, coordinator P2 (an unrelated Partnership), an admin. The
anonymous visitor never reaches a service: every page refuses it first (tests/pages/test_pages.py).
"Allowed" means the permission gate let the actor through (a later rule may still say no in
words); "denied" means PermissionDenied or NotFound, with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import Session, select

from db.models import EOI, AuditEvent, Comment, Payment, User
from db.types import id_of
from domain.errors import NotFound, PermissionDenied
from services import comments, contact, data_rights, exports, kpis, mailer, payments, reminders, reports, site_texts
from services.permissions import load_eoi, load_exchange
from services.queue import coordinator_queue
from tests import factories as f
from tests.journey import accepted_exchange, org_user

DENIED = (PermissionDenied, NotFound)
ACTORS = ("A", "host", "B", "P1", "host_P", "P2", "admin")


def outcome(session: Session, call: Callable[[], object]) -> str:
    try:
        call()
    except DENIED:
        session.rollback()
        return "denied"
    except Exception:  # noqa: BLE001 - past the gate, refused by a later rule (state, input): still "allowed"
        session.rollback()
        return "allowed"
    return "allowed"


def allowed(*who: str) -> dict[str, str]:
    return {actor: "allowed" if actor in who else "denied" for actor in ACTORS}


def test_every_service_function_for_every_actor(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    stranger = org_user(session, "stranger", "DE", city="Berlin")
    other_partnership = f.partnership(session, c.admin, "OTH")
    actors: dict[str, User] = {
        "A": c.visitor,
        "host": c.host,
        "B": stranger,
        "P1": c.vop_coordinator,
        "host_P": c.hop_coordinator,
        "P2": f.coordinator(session, c.admin, id_of(other_partnership), "coord.other"),
        "admin": c.admin,
    }
    eoi_id = exchange.visitor_eoi_id
    xid: int = exchange.id  # type: ignore[assignment]
    matrix: list[tuple[str, Callable[[User], object], dict[str, str]]] = [
        ("open the exchange", lambda u: load_exchange(session, u, xid), allowed("A", "host", "P1", "host_P")),
        ("read its comments", lambda u: comments.thread(session, u, xid), allowed("A", "host", "P1", "host_P")),
        (
            "comment on it",
            lambda u: comments.add_comment(session=session, actor=u, exchange_id=xid, body="Hello"),
            allowed("A", "host", "P1", "host_P"),
        ),
        (
            "download its evidence pack",
            lambda u: reports.evidence_pack(session=session, actor=u, exchange_id=xid),
            allowed("P1", "host_P"),
        ),
        ("open the Visitor's EOI", lambda u: load_eoi(session, u, eoi_id), allowed("A", "P1", "admin")),
        ("download own data", lambda u: data_rights.personal_data(session, u), allowed("A", "host", "B")),
        ("ask for erasure", lambda u: data_rights.request_erasure(session=session, actor=u), allowed("A", "host", "B")),
        ("see figures", lambda u: kpis.filter_for(u), allowed("P1", "host_P", "P2", "admin")),
        (
            "export exchanges",
            lambda u: exports.export_file(session, u, "exchanges", "csv"),
            allowed("P1", "host_P", "P2", "admin"),
        ),
        ("read contact messages", lambda u: contact.messages(session, u), allowed("admin")),
        ("see erasure requests", lambda u: data_rights.erasure_requests(session, u), allowed("admin")),
        (
            "erase an account",
            lambda u: data_rights.anonymise_user(session=session, actor=u, user_id=id_of(stranger)),
            allowed("admin"),
        ),
        (
            "send reminders",
            lambda u: reminders.send_reminders(session, today=date.today(), actor=u),
            allowed("admin"),
        ),
        ("re-send failed mails", lambda u: mailer.retry_failed(session, [], actor=u), allowed("admin")),
        (
            "edit a public text",
            lambda u: site_texts.set_site_text(session=session, actor=u, key="intro", body="Welcome"),
            allowed("admin"),
        ),
        (
            "set the Partnership's account",
            lambda u: payments.set_partnership_account(
                session=session, actor=u, iban="DE89370400440532013000", bic="", holder="Partnership"
            ),
            allowed("P1", "host_P", "P2"),
        ),
    ]
    found: dict[str, dict[str, str]] = {}
    for name, call, expected in matrix:
        # The erasure and the comment change records: their allowed actors go last.
        order = sorted(ACTORS, key=lambda a: expected[a] == "allowed")
        found[name] = {actor: outcome(session, lambda call=call, actor=actor: call(actors[actor])) for actor in order}
    mismatches = {name: (found[name], expected) for name, _call, expected in matrix if found[name] != expected}
    assert not mismatches, mismatches
    assert {c.author_user_id for c in session.exec(select(Comment))} == {
        actors[a].id for a in ("A", "host", "P1", "host_P")
    }


def test_payments_only_by_the_visitors_partnership(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    other = f.coordinator(session, c.admin, f.partnership(session, c.admin, "OTH").id, "coord.other")  # type: ignore[arg-type]
    for actor in (c.visitor, c.host, c.hop_coordinator, other, c.admin):
        assert (
            outcome(
                session,
                lambda actor=actor: payments.order_payment(session=session, actor=actor, exchange_id=id_of(exchange)),  # type: ignore[misc]
            )
            == "denied"
        )
    assert session.exec(select(Payment)).all() == []
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    for actor in (c.visitor, c.host, c.hop_coordinator, other, c.admin):
        assert (
            outcome(
                session,
                lambda actor=actor: payments.confirm_payments(  # type: ignore[misc]
                    session=session, actor=actor, payment_ids=[payment.id], paid_on=date.today(), reference="X"
                ),
            )
            == "denied"
        )
        assert (
            outcome(
                session,
                lambda actor=actor: payments.payments_csv(session=session, actor=actor, payment_ids=[id_of(payment)]),  # type: ignore[misc]
            )
            == "denied"
        )
    assert session.exec(select(Payment)).one().paid_at is None
    payments.confirm_payments(
        session=session, actor=c.vop_coordinator, payment_ids=[id_of(payment)], paid_on=date.today(), reference="B-7"
    )


def test_queues_hold_only_the_partnerships_own_items(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    other = f.coordinator(session, c.admin, f.partnership(session, c.admin, "OTH").id, "coord.other")  # type: ignore[arg-type]
    assert [i.record_id for i in coordinator_queue(session, c.vop_coordinator)] == [exchange.id]
    for user in (other, c.hop_coordinator, c.visitor, c.admin):
        assert coordinator_queue(session, user) == []
    eoi_count = len(session.exec(select(EOI)).all())
    assert eoi_count == 2 and session.exec(select(AuditEvent)).first() is not None


def open_as(session: Session, user: User, path: str, **params: str):
    """Through the app's navigation when the menu offers the page; else the page file itself, as a typed URL
    would reach it if the navigation ever let it through: the page must refuse on its own."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from tests.pages.test_journey_pages import page_as
    from ui.navigation import PAGES

    spec = next(p for p in PAGES if p.path == path)
    if user.role in spec.roles:
        return page_as(session, user, path, **params)
    at = f.log_in(AppTest.from_file(str(Path(__file__).resolve().parents[2] / path), default_timeout=30), session, user)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_record_pages_show_a_record_only_to_its_parties(sqlite_url: str) -> None:
    from db.engine import write_session
    from tests.pages.test_journey_pages import texts

    with write_session() as session:
        c, exchange = accepted_exchange(session)
        stranger = org_user(session, "stranger", "DE", city="Berlin")
        other = f.coordinator(session, c.admin, f.partnership(session, c.admin, "OTH").id, "coord.other")  # type: ignore[arg-type]
        visitor_name = "Visitor Org"
        motivation = "open innovation programmes"
        cases = [
            (
                "pages/exchange/exchange.py",
                exchange.id,
                visitor_name,
                [
                    (c.visitor, True),
                    (c.host, True),
                    (c.vop_coordinator, True),
                    (c.hop_coordinator, True),
                    (stranger, False),
                    (other, False),
                    (c.admin, False),
                ],
            ),
            (
                "pages/coordinator/eoi_review.py",
                exchange.visitor_eoi_id,
                motivation,
                [
                    (c.vop_coordinator, True),
                    (c.hop_coordinator, False),
                    (other, False),
                    (c.visitor, False),
                    (c.admin, False),
                ],
            ),
            (
                "pages/participant/eoi.py",
                exchange.visitor_eoi_id,
                motivation,
                [(c.visitor, True), (c.host, False), (stranger, False)],
            ),
        ]
        for path, record, marker, who in cases:
            for user, shown in who:
                at = open_as(session, user, path, id=str(record))
                assert not at.exception, (path, user.username, at.exception)
                page_text = texts(at) + " | ".join(t.value for t in at.text)
                assert (marker in page_text) is shown, (path, user.username, page_text[:300])
                if not shown:
                    assert at.error, (path, user.username)
        for bad in ("abc", "-1", "99999", "1;DROP TABLE exchange", ""):
            at = open_as(session, c.visitor, "pages/exchange/exchange.py", id=bad)
            assert not at.exception and at.error and visitor_name not in texts(at)
