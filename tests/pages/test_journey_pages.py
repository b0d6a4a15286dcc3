"""The journey's pages with real records (AppTest): each party sees its own actions,
strangers see nothing, forms keep bad input and save nothing."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from db.engine import get_engine, write_session
from db.models import EOI, AuditEvent, Exchange
from db.types import id_of
from domain.enums import Action, EOIState, ExchangeState, Side
from forms.spec import SPEC_DIR
from services import eois, exchanges, reports
from tests import factories as f
from tests.journey import (
    Cast,
    agreed_exchange,
    approved,
    approved_plan,
    cast,
    eoi_answers,
    org_user,
    plan_answers,
    reported_exchange,
    through_signing,
)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def page_as(session, user, path: str, **params: str) -> AppTest:
    at = f.log_in(AppTest.from_file(APP, default_timeout=30), session, user)
    at.run()
    at.switch_page(path)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    parts = (
        [e.value for e in at.markdown]
        + [e.value for e in at.title]
        + [e.value for e in at.subheader]
        + [e.value for e in at.info]
    )
    parts += (
        [e.value for e in at.error]
        + [e.value for e in at.warning]
        + [e.value for e in at.caption]
        + [e.value for e in at.header]
    )
    return " | ".join(str(p) for p in parts)


def button_labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def _at_state(session, c: Cast, state: ExchangeState) -> Exchange:
    exchange = agreed_exchange(session, c)
    if state == ExchangeState.PLANNING:
        return exchange
    if state == ExchangeState.PLAN_SUBMITTED:
        plan = exchanges.save_plan(
            session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=None
        )
        exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=plan.version)
        return exchanges.agree_plan(session=session, actor=c.host, exchange_id=id_of(exchange), version=plan.version)
    exchange = through_signing(session, approved_plan(session, c, exchange), c)
    return exchanges.mark_stay(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), action=Action.END_STAY, today=date(2027, 3, 8)
    )


@pytest.mark.parametrize(
    ("state", "who", "expected_buttons"),
    [
        (ExchangeState.PLANNING, "visitor", {"Save draft", "Next"}),
        (ExchangeState.PLANNING, "vop_coordinator", set()),
        (ExchangeState.PLAN_SUBMITTED, "vop_coordinator", {"Approve the plan", "Request changes"}),
        (ExchangeState.PLAN_SUBMITTED, "visitor", set()),
        (ExchangeState.REPORTING, "visitor", {"Save draft", "Next"}),
        (ExchangeState.REPORTING, "hop_coordinator", set()),
    ],
)
def test_exchange_page_shows_each_party_its_own_actions(
    sqlite_url: str, state: ExchangeState, who: str, expected_buttons: set[str]
) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = _at_state(session, c, state)
        at = page_as(session, getattr(c, who), "pages/exchange/exchange.py", id=str(exchange.id))
    assert not at.exception, at.exception
    assert f"Exchange {exchange.id}" in texts(at)
    decisions = {"Approve the plan", "Request changes", "Accept the report", "Save draft", "Next"}
    assert button_labels(at) & decisions == expected_buttons


def test_strangers_cannot_open_an_exchange_by_typing_its_id(sqlite_url: str) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = agreed_exchange(session, c)
        stranger = org_user(session, "stranger", "ES")
        other_partnership = f.partnership(session, c.admin, "OTH")
        outsider = f.coordinator(session, c.admin, id_of(other_partnership), "coord.o")
        for user in (stranger, outsider):
            at = page_as(session, user, "pages/exchange/exchange.py", id=str(exchange.id))
            assert not at.exception
            assert "No exchange with this number is open to you." in texts(at)
            assert c.host.organisation_id and "Host Org" not in texts(at)
        for bad in ("abc", "99999", "-1", "1e9"):
            at = page_as(session, c.visitor, "pages/exchange/exchange.py", id=bad)
            assert not at.exception
            assert "Open an exchange from your list." in texts(at) or "No exchange with this number" in texts(at)


def test_coordinator_approves_an_eoi_from_the_review_page(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        partnership = f.partnership(session, admin, "REV")
        coordinator = f.coordinator(session, admin, id_of(partnership), "coord.r")
        user = org_user(session, "applicant", "PT")
        eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
        eois.submit_eoi(session=session, actor=user, eoi_id=id_of(eoi), answers=eoi_answers(["FR"]))
        at = page_as(session, coordinator, "pages/coordinator/eoi_review.py", id=str(eoi.id))
    assert "Applicant Org" in texts(at)
    at.button(key="eoi_changes").click().run()
    assert "Please write a comment" in texts(at)
    at.button(key="eoi_approve").click().run()
    assert not at.exception
    with write_session() as session:
        assert session.get(EOI, id_of(eoi)).state == EOIState.APPROVED  # type: ignore[union-attr]


def test_eoi_wizard_keeps_bad_input_and_saves_a_draft(sqlite_url: str) -> None:
    with write_session() as session:
        admin = f.admin(session)
        partnership = f.partnership(session, admin, "WIZ")
        user = org_user(session, "wizard", "PT")
        eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
        at = page_as(session, user, "pages/participant/eoi.py", id=str(eoi.id))
    motivation = next(t for t in at.text_area if t.label.startswith("Why do you want"))
    motivation.input("too short")
    next(b for b in at.button if b.label == "Next").click().run()
    assert "Please write at least 30 characters" in texts(at)
    assert next(t for t in at.text_area if t.label.startswith("Why do you want")).value == "too short"
    next(b for b in at.button if b.label == "Save draft").click().run()
    assert not at.exception
    with write_session() as session:
        stored = session.get(EOI, eoi.id)
        assert stored.answers == {"motivation": "too short"} and stored.state == EOIState.DRAFT  # type: ignore[union-attr]


def test_a_field_added_to_a_spec_copy_is_rendered(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "specs"
    shutil.copytree(SPEC_DIR, folder)
    path = folder / "eoi.toml"
    text = path.read_text().replace(
        '[[sections]]\nkey = "preferences"',
        '''[[sections.fields]]
key = "languages"
type = "text"
label = "Languages spoken by the person"

[[sections]]
key = "preferences"''',
    )
    path.write_text(text)
    monkeypatch.setenv("CXC_SPEC_DIR", str(folder))
    with write_session() as session:
        admin = f.admin(session)
        partnership = f.partnership(session, admin, "LOW")
        user = org_user(session, "lowcode", "PT")
        eoi = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
        at = page_as(session, user, "pages/participant/eoi.py", id=str(eoi.id))
    assert "Languages spoken by the person" in {t.label for t in at.text_input}


def test_participant_home_lists_what_to_do_next(sqlite_url: str) -> None:
    with write_session() as session:
        c = cast(session)
        exchange = agreed_exchange(session, c)
        at = page_as(session, c.host, "pages/participant/home.py")
    assert "Write and agree the action plan" in texts(at)
    assert exchange.state == ExchangeState.PLANNING


def test_public_catalogue_and_directory_render_with_data(sqlite_url: str) -> None:
    with write_session() as session:
        c = cast(session)
        agreed_exchange(session, c)
    for path in ("pages/public/opportunities.py", "pages/public/partnerships.py"):
        at = AppTest.from_file(APP, default_timeout=30).run()
        at.switch_page(path).run()
        assert not at.exception
    assert "Partnership VOP" in texts(at)


def test_proposal_from_the_exchanges_page(sqlite_url: str) -> None:
    with write_session() as session:
        c = cast(session)
        approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
        approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
        at = page_as(session, c.visitor, "pages/participant/exchanges.py")
    assert "Host Org" in texts(at)
    next(b for b in at.button if b.label == "Propose an exchange").click().run()
    with write_session() as session:
        assert session.exec(select(Exchange)).one().state == ExchangeState.PROPOSED


def test_payments_page_orders_and_lists_a_payment(sqlite_url: str) -> None:
    from db.models import Payment
    from tests.services.test_payments import accepted_exchange

    with write_session() as session:
        c, exchange = accepted_exchange(session)
        at = page_as(session, c.vop_coordinator, "pages/coordinator/payments.py")
    assert "Visitor Org" in texts(at)
    at.button(key=f"order_{exchange.id}").click().run()
    assert not at.exception
    with write_session() as session:
        payment = session.exec(select(Payment)).one()
        assert payment.amount_cents == 90000
        # The other Partnership's coordinator has nothing to pay here.
        other = page_as(session, c.hop_coordinator, "pages/coordinator/payments.py")
    assert "No payment yet." in texts(other)


def test_visitor_sees_amount_and_state_of_its_payment(sqlite_url: str) -> None:
    from services import payments
    from tests.services.test_payments import accepted_exchange

    with write_session() as session:
        c, exchange = accepted_exchange(session)
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
        at = page_as(session, c.visitor, "pages/exchange/exchange.py", id=str(exchange.id))
    assert any("Lump sum €900.00: ordered, due by" in s.value for s in at.success)


def test_documents_to_sign_show_in_queue_and_todo(sqlite_url: str) -> None:
    from services.queue import coordinator_queue
    from services.todo import participant_todos

    with write_session() as session:
        c = cast(session)
        exchange = approved_plan(session, c, agreed_exchange(session, c))
        assert [i.kind for i in coordinator_queue(session, c.hop_coordinator)] == ["signature"]
        assert "Sign the documents" in [t.title for t in participant_todos(session, c.host)]
        at = page_as(session, c.host, "pages/exchange/exchange.py", id=str(exchange.id))
    assert not at.exception
    assert any("Sign as Host" in str(m.value) for m in at.markdown)
    assert not any("Sign as Visitor" in str(m.value) for m in at.markdown)


def test_verify_page_checks_a_reference_for_anyone(sqlite_url: str) -> None:
    from services.documents import current_documents

    with write_session() as session:
        c = cast(session)
        exchange = approved_plan(session, c, agreed_exchange(session, c))
        reference = current_documents(session, id_of(exchange))[0].filename.removesuffix(".pdf")
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/public/verify.py").run()
    at.text_input(key="verify_ref").input(reference).run()
    assert any("issued by this instance and unchanged" in s.value for s in at.success)
    at.text_input(key="verify_ref").input("CXC-404-CTQ-v9").run()
    assert any("no document with the reference" in e.value for e in at.error)


def test_a_decision_taken_meanwhile_elsewhere_redraws_the_page_with_the_moved_on_warning(sqlite_url: str) -> None:
    """Coordinator A's page is drawn while the report waits; coordinator B (another server) accepts it
    after A's page read the exchange and before A's click reaches the service. A is refused by the
    service, and the page is drawn again where the exchange stands, saying that it moved on."""
    with write_session() as session:
        c, exchange = reported_exchange(session)
        other = f.coordinator(session, c.admin, id_of(c.vop), "coord.v2")
        at = page_as(session, c.vop_coordinator, "pages/exchange/exchange.py", id=str(exchange.id))
    assert "Accept the report" in button_labels(at)

    def b_accepts() -> None:
        with write_session() as session:
            reports.decide_report(session=session, actor=other, exchange_id=id_of(exchange), accept=True)

    taken = threading.Event()

    def before_a_writes(conn: sa.Connection) -> None:
        # The first writing connection after the page's read is A's click reaching the service: B's
        # decision commits just before A's transaction begins, from another thread as from another server.
        if conn.get_execution_options().get("cxc_write") and not taken.is_set():
            taken.set()
            worker = threading.Thread(target=b_accepts)
            worker.start()
            worker.join()

    sa.event.listen(get_engine(), "engine_connect", before_a_writes)
    try:
        next(b for b in at.button if b.label == "Accept the report").click()
        at.run()
    finally:
        sa.event.remove(get_engine(), "engine_connect", before_a_writes)
    assert taken.is_set() and not at.exception, at.exception
    shown = texts(at)
    assert "the exchange moved on from “Closing report sent” to “Closing report accepted”" in shown
    assert "Accept the report" not in button_labels(at)
    with write_session() as session:
        decisions = session.exec(select(AuditEvent).where(AuditEvent.action == "accept_report")).all()
        assert [d.actor_user_id for d in decisions] == [other.id]
