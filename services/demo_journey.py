"""The demo's journey: expressions of interest and exchanges in every state so far, made
through the same service functions that users trigger. Idempotent: a pair that already has
its exchange, or an organisation that already has its EOI, is left alone."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from db.models import EOI, Exchange, Partnership, User
from db.types import id_of
from domain.enums import Action, EOIState, Party, Side
from services import documents, eois, exchanges, payments, reports
from services.accounts import find_user
from services.organisations import update_profile

COORDINATOR_OF = {"DIB": "coord.dib", "GMA": "coord.gma", "HAP": "coord.hap"}
PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# username, side, Partnership acronym, final EOI state
EOIS = (
    ("porto.cluster", Side.VISITOR, "DIB", EOIState.APPROVED),
    ("tallinn.cluster", Side.VISITOR, "DIB", EOIState.APPROVED),
    ("athens.cluster", Side.VISITOR, "HAP", EOIState.APPROVED),
    ("valencia.sme", Side.VISITOR, "DIB", EOIState.APPROVED),
    ("wien.hub", Side.VISITOR, "GMA", EOIState.APPROVED),
    ("milano.sme", Side.VISITOR, "GMA", EOIState.APPROVED),
    ("gent.hub", Side.VISITOR, "HAP", EOIState.APPROVED),
    ("cork.cluster", Side.VISITOR, "HAP", EOIState.APPROVED),
    ("krakow.sme", Side.VISITOR, "DIB", EOIState.APPROVED),
    ("braga.cluster", Side.VISITOR, "DIB", EOIState.APPROVED),
    ("espoo.hub", Side.VISITOR, "GMA", EOIState.APPROVED),
    ("tartu.sme", Side.VISITOR, "HAP", EOIState.APPROVED),
    ("turku.cluster", Side.VISITOR, "DIB", EOIState.APPROVED),
    ("lyon.sme", Side.HOST, "GMA", EOIState.APPROVED),
    ("lodz.large", Side.HOST, "HAP", EOIState.APPROVED),
    ("bratislava.pa", Side.HOST, "GMA", EOIState.APPROVED),
    ("sofia.training", Side.HOST, "HAP", EOIState.APPROVED),
    ("riga.cluster", Side.VISITOR, "DIB", EOIState.SUBMITTED),
    ("ljubljana.hub", Side.VISITOR, "GMA", EOIState.CHANGES_REQUESTED),
    ("dublin.sme", Side.VISITOR, "HAP", EOIState.DRAFT),
)

PAST = (date(2026, 10, 12), date(2026, 10, 16))  # a past Monday-Friday without holidays in the host countries used
FUTURE = (date(2027, 3, 1), date(2027, 3, 5))
CURRENT = (date(2026, 11, 23), date(2026, 11, 27))  # the week the demo was written; a stay "in progress"

# visitor, host, the state to reach, exchange dates
EXCHANGES = (
    ("tallinn.cluster", "sofia.training", "proposed", FUTURE),
    ("porto.cluster", "lyon.sme", "planning", FUTURE),
    ("athens.cluster", "lodz.large", "plan_submitted", FUTURE),
    ("valencia.sme", "lyon.sme", "signing", FUTURE),
    ("tartu.sme", "sofia.training", "ready", FUTURE),
    ("turku.cluster", "lodz.large", "in_progress", CURRENT),
    ("wien.hub", "bratislava.pa", "reporting", PAST),
    ("milano.sme", "lodz.large", "report_submitted", PAST),
    ("gent.hub", "sofia.training", "report_accepted", PAST),
    ("cork.cluster", "bratislava.pa", "declined", FUTURE),
    ("krakow.sme", "lyon.sme", "cancelled", FUTURE),
    ("braga.cluster", "lodz.large", "payment_ordered", PAST),
    ("espoo.hub", "bratislava.pa", "paid", PAST),
)
# Demo bank accounts (valid checksums; not real accounts).
IBANS = {
    "DIB": ("PT50000201231234567890154", "CGDIPTPL"),
    "GMA": ("FR1420041010050500013M02606", "PSSTFRPP"),
    "HAP": ("GR1601101250000000012300695", "ETHNGRAA"),
}
VISITOR_IBAN = ("DE89370400440532013000", "COBADEFFXXX")


def _user(session: Session, username: str) -> User:
    user = find_user(session, username)
    assert user is not None, username
    return user


def _answers(countries: list[str], ecosystems: list[str]) -> dict:
    return {
        "motivation": "We want to learn from a cluster abroad how it runs its services, "
        "and build a joint project with it.",
        "countries": countries,
        "ecosystems": ecosystems,
        "activity_types": [
            "Sharing knowledge, experience and information",
            "Networking, new partners and business opportunities",
        ],
        "period": ["2026-09-01", "2027-06-30"],
        "contact_role": "Cluster manager",
    }


def _plan(dates: tuple[date, date]) -> dict:
    start, end = dates
    return {
        "exchange_dates": [start.isoformat(), end.isoformat()],
        "objectives": [
            {"objective": "Learn how the host runs its SME services", "indicator": "A written comparison"},
            {"objective": "Prepare a joint project", "indicator": "A draft proposal"},
        ],
        "activities": [
            {
                "activity_type": "Sharing knowledge, experience and information",
                "description": "Work-shadowing the host's team.",
            },
            {
                "activity_type": "Networking, new partners and business opportunities",
                "description": "Meetings with member companies.",
            },
        ],
        "agenda": [
            {"day": (start + timedelta(days=i)).isoformat(), "programme": f"Day {i + 1}: meetings and site visits"}
            for i in range((end - start).days + 1)
        ],
        "expected_results": "A joint project proposal and three new business contacts for each side.",
    }


def _seed_eois(session: Session) -> None:
    partnerships = {p.acronym: p for p in session.exec(select(Partnership))}
    for username, side, acronym, target in EOIS:
        user = _user(session, username)
        if session.exec(select(EOI.id).where(EOI.organisation_id == user.organisation_id, EOI.side == side)).first():
            continue
        if not session.get(type(user), user.id).organisation_id:  # pragma: no cover - defensive
            continue
        org = user.organisation_id
        assert org is not None
        update_profile(
            session=session,
            actor=user,
            answers={
                "description": "A member-based organisation that helps its companies innovate and grow abroad.",
                "ecosystems": ["Digital"],
                "cluster_member": True,
                "cluster_name": "Regional innovation cluster",
            },
        )
        coordinator = _user(session, COORDINATOR_OF[acronym])
        eoi = eois.start_eoi(session=session, actor=user, side=side, partnership_id=partnerships[acronym].id)
        if target == EOIState.DRAFT:
            eois.save_eoi_draft(
                session=session, actor=user, eoi_id=id_of(eoi), answers={"motivation": "We are still writing this."}
            )
            continue
        eois.submit_eoi(
            session=session, actor=user, eoi_id=id_of(eoi), answers=_answers(["FR", "PL", "BG", "SK"], ["Digital"])
        )
        if target == EOIState.APPROVED:
            eois.decide_eoi(session=session, actor=coordinator, eoi_id=id_of(eoi), action=Action.APPROVE)
        elif target == EOIState.CHANGES_REQUESTED:
            eois.decide_eoi(
                session=session,
                actor=coordinator,
                eoi_id=id_of(eoi),
                action=Action.REQUEST_CHANGES,
                comment="Please say which host countries you prefer and why.",
            )


def _sign(session: Session, exchange_id: int, signers: dict[Party, User], only: set[Party] | None = None) -> None:
    for document in [d for d in documents.current_documents(session, exchange_id) if d.kind in documents.REQUIRED]:
        for party in sorted(documents.REQUIRED[document.kind] & (only or set(Party))):
            user = signers[party]
            documents.sign_document(
                session=session,
                actor=user,
                document_id=id_of(document),
                party=party,
                typed_name=user.full_name,
                agreed=True,
                shown_sha256=document.sha256,
            )


ORDER = [
    "proposed",
    "planning",
    "plan_submitted",
    "signing",
    "ready",
    "in_progress",
    "reporting",
    "report_submitted",
    "report_accepted",
    "payment_ordered",
    "paid",
]


def _seed_exchange(session: Session, visitor_name: str, host_name: str, target: str, dates: tuple[date, date]) -> None:
    visitor, host = _user(session, visitor_name), _user(session, host_name)
    if session.exec(
        select(Exchange.id).where(
            Exchange.visitor_org_id == visitor.organisation_id, Exchange.host_org_id == host.organisation_id
        )
    ).first():
        return
    exchange = exchanges.propose_exchange(
        session=session,
        actor=visitor,
        counterpart_org_id=host.organisation_id,
        message="Your programme fits ours; shall we plan a visit?",
    )
    xid = exchange.id
    assert xid is not None
    if target == "declined":
        exchanges.answer_proposal(
            session=session, actor=host, exchange_id=xid, accept=False, comment="We are fully booked this year."
        )
        return
    if target == "proposed":
        return
    exchanges.answer_proposal(session=session, actor=host, exchange_id=xid, accept=True)
    if target == "cancelled":
        exchanges.cancel_exchange(
            session=session, actor=visitor, exchange_id=xid, reason="Our travelling colleague left the company."
        )
        return
    plan = exchanges.save_plan(session=session, actor=visitor, exchange_id=xid, answers=_plan(dates), base_version=None)
    exchanges.agree_plan(session=session, actor=visitor, exchange_id=xid, version=plan.version)
    if ORDER.index(target) < ORDER.index("plan_submitted"):
        return
    exchanges.agree_plan(session=session, actor=host, exchange_id=xid, version=plan.version)
    if ORDER.index(target) < ORDER.index("signing"):
        return
    exchange = session.get(Exchange, xid)
    assert exchange is not None
    # The Financial Agreement names the Visitor's account: it is given before the plan is approved.
    payments.set_organisation_account(
        session=session, actor=visitor, iban=VISITOR_IBAN[0], bic=VISITOR_IBAN[1], holder=visitor.full_name
    )
    for coordinator_id in {exchange.visitor_partnership_id, exchange.host_partnership_id}:
        coordinator = session.exec(select(User).where(User.partnership_id == coordinator_id)).first()
        exchanges.decide_plan(session=session, actor=coordinator, exchange_id=xid, approve=True)  # type: ignore[arg-type]
    signers = {
        Party.VISITOR: visitor,
        Party.HOST: host,
        Party.VISITOR_PARTNERSHIP: session.exec(
            select(User).where(User.partnership_id == exchange.visitor_partnership_id)
        ).first(),
        Party.HOST_PARTNERSHIP: session.exec(
            select(User).where(User.partnership_id == exchange.host_partnership_id)
        ).first(),
    }
    if target == "signing":
        _sign(session, xid, signers, only={Party.VISITOR})  # type: ignore[arg-type]
        return
    _sign(session, xid, signers)  # type: ignore[arg-type]
    if target == "ready":
        return
    exchanges.mark_stay(session=session, actor=visitor, exchange_id=xid, action=Action.START_STAY, today=dates[0])
    if target == "in_progress":
        return
    exchanges.mark_stay(
        session=session, actor=visitor, exchange_id=xid, action=Action.END_STAY, today=dates[1] + timedelta(days=1)
    )
    if target == "reporting":
        return
    reports.add_evidence(
        session=session,
        actor=visitor,
        exchange_id=xid,
        evidence_type="Boarding pass or ticket",
        filename="ticket.pdf",
        content=PDF,
    )
    reports.submit_report(
        session=session,
        actor=visitor,
        exchange_id=xid,
        answers={
            "results": [
                {
                    "objective": "Learn how the host runs its SME services",
                    "result": "We documented the host's onboarding process.",
                },
                {"objective": "Prepare a joint project", "result": "A first draft of a joint proposal exists."},
            ],
            "follow_up": "A call every month and a return visit next year.",
            "visitor_satisfaction": 5,
        },
    )
    reports.save_host_feedback(
        session=session,
        actor=host,
        exchange_id=xid,
        answers={"host_satisfaction": 4, "feedback": "Well prepared guests."},
    )
    if target == "report_submitted":
        return
    coordinator = session.exec(
        select(User).where(User.partnership_id == session.get(Exchange, xid).visitor_partnership_id)  # type: ignore[union-attr]
    ).first()
    reports.decide_report(session=session, actor=coordinator, exchange_id=xid, accept=True)  # type: ignore[arg-type]
    if target == "report_accepted":
        return
    payment = payments.order_payment(session=session, actor=coordinator, exchange_id=xid)  # type: ignore[arg-type]
    if target == "paid":
        payments.confirm_payments(
            session=session,
            actor=coordinator,  # type: ignore[arg-type]
            payment_ids=[id_of(payment)],
            paid_on=PAST[1] + timedelta(days=20),
            reference="DEMO-TRANSFER-0001",
        )


def _seed_partnership_accounts(session: Session) -> None:
    for acronym, (iban, bic) in IBANS.items():
        partnership = session.exec(select(Partnership).where(Partnership.acronym == acronym)).first()
        if partnership is not None and not partnership.iban:
            payments.set_partnership_account(
                session=session,
                actor=_user(session, COORDINATOR_OF[acronym]),
                iban=iban,
                bic=bic,
                holder=partnership.name,
            )


def seed_journey(session: Session) -> None:
    _seed_partnership_accounts(session)
    _seed_eois(session)
    for visitor, host, target, dates in EXCHANGES:
        _seed_exchange(session, visitor, host, target, dates)
