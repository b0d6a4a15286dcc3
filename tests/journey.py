"""Building blocks of the journey for tests, made only through the service functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from db.models import EOI, Exchange, Partnership, User
from db.types import id_of
from domain.enums import Action, OrgType, Party, Side
from services import documents, eois, exchanges, payments, reports
from services.accounts import Registration, register_participant
from tests import factories as f

GOOD_IBAN_PT = "PT50000201231234567890154"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def eoi_answers(countries: list[str], start: date = date(2027, 3, 1)) -> dict:
    return {
        "motivation": "We want to learn how other clusters run open innovation programmes with SMEs.",
        "countries": countries,
        "ecosystems": ["Digital"],
        "activity_types": ["Market research"],
        "period": [start.isoformat(), (start + timedelta(days=60)).isoformat()],
        "contact_role": "Innovation manager",
    }


def org_user(
    session: Session, username: str, country: str, org_type: OrgType = OrgType.CLUSTER, city: str = "Porto"
) -> User:
    return register_participant(
        session=session,
        data=Registration(
            username=username,
            email=f"{username}@example.eu",
            full_name=f"{username.title()} Person",
            password=f.PASSWORD,
            password_repeat=f.PASSWORD,
            organisation_name=f"{username.title()} Org",
            organisation_type=org_type.value,
            country=country,
            city=city,
        ),
    )


def approved(
    session: Session, user: User, side: Side, partnership: Partnership, coordinator: User, countries: list[str]
) -> EOI:
    eoi = eois.start_eoi(session=session, actor=user, side=side, partnership_id=partnership.id)
    eois.submit_eoi(session=session, actor=user, eoi_id=id_of(eoi), answers=eoi_answers(countries))
    return eois.decide_eoi(session=session, actor=coordinator, eoi_id=id_of(eoi), action=Action.APPROVE)


@dataclass
class Cast:
    admin: User
    vop: Partnership
    hop: Partnership
    vop_coordinator: User
    hop_coordinator: User
    visitor: User
    host: User


def cast(session: Session, *, same_partnership: bool = False, visitor_account: bool = True) -> Cast:
    admin = f.admin(session)
    vop = f.partnership(session, admin, "VOP")
    hop = vop if same_partnership else f.partnership(session, admin, "HOP")
    vop_coordinator = f.coordinator(session, admin, id_of(vop), "coord.v")
    hop_coordinator = vop_coordinator if same_partnership else f.coordinator(session, admin, id_of(hop), "coord.h")
    visitor = org_user(session, "visitor", "PT")
    if visitor_account:  # the Financial Agreement names it: on file before any plan is approved
        payments.set_organisation_account(
            session=session, actor=visitor, iban=GOOD_IBAN_PT, bic="CGDIPTPL", holder="Łódź Ąna Sousa"
        )
    host = org_user(session, "host", "FR", city="Lyon")
    return Cast(admin, vop, hop, vop_coordinator, hop_coordinator, visitor, host)


def agreed_exchange(session: Session, c: Cast) -> Exchange:
    approved(session, c.visitor, Side.VISITOR, c.vop, c.vop_coordinator, ["FR"])
    approved(session, c.host, Side.HOST, c.hop, c.hop_coordinator, ["PT"])
    exchange = exchanges.propose_exchange(
        session=session, actor=c.visitor, counterpart_org_id=c.host.organisation_id, message="Shall we?"
    )
    return exchanges.answer_proposal(session=session, actor=c.host, exchange_id=id_of(exchange), accept=True)


def plan_answers(start: date = date(2027, 3, 1), end: date = date(2027, 3, 5)) -> dict:
    return {
        "exchange_dates": [start.isoformat(), end.isoformat()],
        "objectives": [{"objective": "Learn the pilot-line onboarding process", "indicator": "A written process"}],
        "activities": [{"activity_type": "Market research", "description": "Visit the pilot line and meet its SMEs."}],
        "agenda": [{"day": start.isoformat(), "programme": "Welcome and tour"}],
        "expected_results": "A joint proposal for a cross-border onboarding service.",
    }


def approved_plan(session: Session, c: Cast, exchange: Exchange) -> Exchange:
    plan = exchanges.save_plan(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), answers=plan_answers(), base_version=None
    )
    exchanges.agree_plan(session=session, actor=c.visitor, exchange_id=id_of(exchange), version=plan.version)
    exchanges.agree_plan(session=session, actor=c.host, exchange_id=id_of(exchange), version=plan.version)
    approved = exchanges.decide_plan(
        session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), approve=True
    )
    if c.hop.id == c.vop.id:
        return approved  # one Partnership supervises both sides: its approval counts for both
    return exchanges.decide_plan(session=session, actor=c.hop_coordinator, exchange_id=id_of(exchange), approve=True)


def sign_all(session: Session, c: Cast, exchange: Exchange) -> Exchange:
    """Every required party signs both documents, as each signer would in the app."""
    signers = {
        Party.VISITOR: c.visitor,
        Party.HOST: c.host,
        Party.VISITOR_PARTNERSHIP: c.vop_coordinator,
        Party.HOST_PARTNERSHIP: c.hop_coordinator,
    }
    for document in [d for d in documents.current_documents(session, id_of(exchange)) if d.kind in documents.REQUIRED]:
        signed = {s.party for s in documents.signatures_of(session, id_of(document))}
        for party in sorted(documents.REQUIRED[document.kind] - signed):
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
    session.refresh(exchange)
    return exchange


def through_signing(session: Session, exchange: Exchange, c: Cast | None = None) -> Exchange:
    """Signatures by every party, then the Visitor records the start of the stay."""
    assert c is not None, "pass the cast that signs"
    exchange = sign_all(session, c, exchange)
    return exchanges.mark_stay(
        session=session,
        actor=c.visitor,
        exchange_id=id_of(exchange),
        action=Action.START_STAY,
        today=exchange.start_date,
    )


def reported_exchange(session: Session) -> tuple[Cast, Exchange]:
    """The stay is over, the closing report with evidence is filed."""
    c = cast(session)
    exchange = through_signing(session, approved_plan(session, c, agreed_exchange(session, c)), c)
    exchanges.mark_stay(
        session=session, actor=c.visitor, exchange_id=id_of(exchange), action=Action.END_STAY, today=date(2027, 3, 8)
    )
    reports.add_evidence(
        session=session,
        actor=c.visitor,
        exchange_id=id_of(exchange),
        evidence_type="Other",
        filename="t.pdf",
        content=PDF,
    )
    reports.submit_report(
        session=session,
        actor=c.visitor,
        exchange_id=id_of(exchange),
        answers={
            "results": [{"objective": "Learn", "result": "Learnt a lot about pilot lines."}],
            "follow_up": "A joint proposal.",
            "visitor_satisfaction": 5,
        },
    )
    return c, session.get(Exchange, exchange.id)  # type: ignore[return-value]


def accepted_exchange(session: Session) -> tuple[Cast, Exchange]:
    c, exchange = reported_exchange(session)
    reports.decide_report(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange), accept=True)
    return c, session.get(Exchange, exchange.id)  # type: ignore[return-value]
