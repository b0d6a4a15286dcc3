"""Exchanges: proposal and answer, the shared action plan (versioned), its approval, the stay,
and cancellation. Each function is one user action with one commit."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from db.audit import append_event
from db.models import EOI, ActionPlan, Exchange, Opportunity, Organisation, User
from db.types import id_of, utcnow
from domain.enums import Action, ExchangeState, Party, Side
from domain.errors import NotFound, PermissionDenied, StaleState, ValidationFailed
from domain.i18n import _, long_day
from domain.quote import QuoteError, locate_organisation, quote
from domain.rules import (
    LumpSum,
    Rules,
    cluster_membership_problem,
    country_problem,
    exchange_dates_problem,
    host_membership_problem,
    side_type_problem,
    transnational_problem,
    visitor_once_problem,
)
from domain.workflow import EXCHANGE_TRANSITIONS, Facts, check
from forms.answers import draft_answers, parse_date, validate_answers
from forms.spec import load_spec
from services.documents import generate_or_wait, supersede_documents
from services.eois import approved_eoi, previous_visits
from services.outbox import Text, notify, organisation_users, partnership_users
from services.permissions import answering_sides, load_exchange, require_participant_org
from services.rules import in_force_version_id, rules_in_force
from services.tags import tag_from_eoi, tag_from_plan
from services.transitions import apply_transition

PLAN_SPEC = "action_plan"
OPEN_STATES = [
    s.value for s in ExchangeState if s not in (ExchangeState.PAID, ExchangeState.CANCELLED, ExchangeState.DECLINED)
]


def _is_member(organisation: Organisation) -> bool:
    return bool(organisation.profile.get("cluster_member", organisation.is_cluster_member))


def pair_problems(session: Session, visitor: Organisation, host: Organisation) -> list[str]:
    """Why these two organisations cannot make an exchange, in words; empty when they can."""
    rules = rules_in_force(session)
    host_eoi = approved_eoi(session, id_of(host), Side.HOST)
    problems = [
        side_type_problem("visitor", visitor.org_type, rules),
        side_type_problem("host", host.org_type, rules),
        cluster_membership_problem(visitor.org_type, _is_member(visitor)),
        host_membership_problem(host.org_type, _is_member(host), host_eoi.membership_exception if host_eoi else ""),
        country_problem(visitor.country, rules),
        country_problem(host.country, rules),
        transnational_problem(visitor.country, host.country),
        visitor_once_problem(previous_visits(session, id_of(visitor))),
    ]
    return [p for p in problems if p]


def _countries_problem(session: Session, exchange: Exchange) -> str | None:
    """A country that left the programme since the proposal: no plan of it is approved (the Support
    Office sees which exchanges this concerns before it puts such a version in force)."""
    rules = rules_in_force(session, exchange)
    for org_id in (exchange.visitor_org_id, exchange.host_org_id):
        organisation = session.get(Organisation, org_id)
        if organisation is not None and (problem := country_problem(organisation.country, rules)):
            return _("{org}: {problem} The plan cannot be approved under the rules in force.").format(
                org=organisation.legal_name, problem=problem
            )
    return None


def _both_eois(session: Session, visitor_org_id: int, host_org_id: int) -> tuple[EOI | None, EOI | None]:
    return approved_eoi(session, visitor_org_id, Side.VISITOR), approved_eoi(session, host_org_id, Side.HOST)


def open_exchange_id(session: Session, visitor_org_id: int, host_org_id: int) -> int | None:
    """The open exchange of these two organisations (Visitor and Host), if they have one."""
    return session.exec(
        select(Exchange.id).where(
            Exchange.visitor_org_id == visitor_org_id,
            Exchange.host_org_id == host_org_id,
            col(Exchange.state).in_(OPEN_STATES),
        )
    ).first()


def new_exchange(
    session: Session,
    *,
    actor: User,
    eois: tuple[EOI, EOI],
    proposer: Party,
    message: str,
    opportunity_id: int | None = None,
    entered_by: User | None = None,
) -> Exchange:
    """A proposed exchange between the organisations of the approved Visitor and Host `eois`, with its
    tags and the audit event; `entered_by`: the coordinator who entered it on the organisations' behalf."""
    visitor_eoi, host_eoi = eois
    exchange = Exchange(
        visitor_org_id=visitor_eoi.organisation_id,
        host_org_id=host_eoi.organisation_id,
        visitor_partnership_id=visitor_eoi.partnership_id,  # type: ignore[arg-type]
        host_partnership_id=host_eoi.partnership_id,  # type: ignore[arg-type]
        visitor_eoi_id=id_of(visitor_eoi),
        host_eoi_id=id_of(host_eoi),
        opportunity_id=opportunity_id,
        proposed_by=proposer,
        message=message.strip(),
        entered_by_user_id=entered_by.id if entered_by else None,
    )
    session.add(exchange)
    session.flush()
    tag_from_eoi(session, exchange)
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=id_of(exchange),
        action="propose_on_behalf" if entered_by else "propose",
        to_state=ExchangeState.PROPOSED.value,
        comment=message.strip(),
    )
    return exchange


def propose_exchange(
    *,
    session: Session,
    actor: User,
    counterpart_org_id: int | None = None,
    opportunity_id: int | None = None,
    message: str = "",
) -> Exchange:
    """A Visitor proposes to a Host (or to its published opportunity), or a Host invites a Visitor."""
    own = require_participant_org(session, actor)
    opportunity = session.get(Opportunity, opportunity_id) if opportunity_id else None
    if opportunity_id and (opportunity is None or not opportunity.is_published):
        raise NotFound(_("This opportunity is no longer published."))
    counterpart_id = opportunity.organisation_id if opportunity else counterpart_org_id
    counterpart = session.get(Organisation, counterpart_id) if counterpart_id else None
    if counterpart is None or counterpart.id == own.id:
        raise ValidationFailed({"counterpart": _("Choose another organisation as counterpart.")})
    if opportunity is not None:
        # Answering an opportunity: a Visitor answers a Host's offer, a Host answers a Visitor's search.
        own_side = Party.VISITOR if opportunity.side == Side.HOST else Party.HOST
        visitor, host, proposer = (
            (own, counterpart, own_side) if own_side == Party.VISITOR else (counterpart, own, own_side)
        )
    elif approved_eoi(session, id_of(own), Side.VISITOR):
        visitor, host, proposer = own, counterpart, Party.VISITOR
    else:
        visitor, host, proposer = counterpart, own, Party.HOST
    visitor_eoi, host_eoi = _both_eois(session, id_of(visitor), id_of(host))
    if (visitor_eoi if proposer == Party.VISITOR else host_eoi) is None:
        raise PermissionDenied(
            _("Your organisation needs an approved expression of interest before it proposes an exchange.")
        )
    if (host_eoi if proposer == Party.VISITOR else visitor_eoi) is None:
        raise ValidationFailed(
            {
                "counterpart": _("{org} has no approved expression of interest for this side yet.").format(
                    org=counterpart.legal_name
                )
            }
        )
    problems = pair_problems(session, visitor, host)
    if problems:
        raise ValidationFailed({"counterpart": " ".join(problems)})
    duplicate = open_exchange_id(session, id_of(visitor), id_of(host))
    if duplicate:
        raise ValidationFailed(
            {
                "counterpart": _("These two organisations already have an open exchange (number {id}).").format(
                    id=duplicate
                )
            }
        )
    if len(message) > 2000:
        raise ValidationFailed({"message": _("Please keep the message under 2000 characters.")})
    exchange = new_exchange(
        session,
        actor=actor,
        eois=(visitor_eoi, host_eoi),  # type: ignore[arg-type]
        proposer=proposer,
        message=message,
        opportunity_id=opportunity.id if opportunity else None,
    )
    notify(
        session,
        organisation_users(session, id_of(counterpart)),
        subject=lambda: _("{org} proposes an exchange").format(org=own.legal_name),
        body=lambda: _("{org} proposes an exchange with your organisation. Accept or decline it in CXC Desk.").format(
            org=own.legal_name
        ),
        kind="exchange_proposed",
        link=f"exchange?id={exchange.id}",
    )
    session.commit()
    return exchange


def answer_proposal(*, session: Session, actor: User, exchange_id: int, accept: bool, comment: str = "") -> Exchange:
    """The proposed counterpart accepts (the plan opens) or declines. An exchange that a Partnership entered
    on the organisations' behalf is confirmed (accepted) by each side in turn; the second confirmation agrees it."""
    exchange, parties = load_exchange(session, actor, exchange_id)
    on_behalf = exchange.entered_by_user_id is not None
    mine = set(answering_sides(exchange) & parties)
    if not mine:
        raise PermissionDenied(
            _("Only the Visitor and the Host confirm an exchange entered on their behalf, each once.")
            if on_behalf
            else _("Only the organisation the proposal was sent to may answer it.")
        )
    if accept and on_behalf and not _confirm_side(session, exchange, next(iter(mine)), actor):
        subject = _("Please confirm the exchange entered on your behalf")
        body = _("The other organisation confirmed the exchange; it is agreed as soon as yours confirms it too.")
    elif accept:
        visitor_eoi, host_eoi = _both_eois(session, exchange.visitor_org_id, exchange.host_org_id)
        confirmed = not on_behalf or bool(exchange.visitor_confirmed_at and exchange.host_confirmed_at)
        facts = Facts(both_eois_approved=bool(visitor_eoi and host_eoi), both_sides_confirmed=confirmed)
        apply_transition(session, exchange, Action.ACCEPT, parties=mine, actor=actor, facts=facts)
        apply_transition(session, exchange, Action.OPEN_PLAN, parties=mine, actor=actor)
        subject = _("Your exchange proposal was accepted")
        body = _("The exchange is agreed. Write the action plan together now.")
    else:
        apply_transition(session, exchange, Action.DECLINE, parties=mine, actor=actor, comment=comment.strip())
        subject, body = (
            _("Your exchange proposal was declined"),
            _("The other organisation declined: {comment}").format(comment=comment.strip() or "—"),
        )
    notify(
        session,
        [u for u in _proposal_audience(session, exchange) if u.id != actor.id],
        subject=subject,
        body=body,
        kind="exchange_answered",
        link=f"exchange?id={exchange.id}",
    )
    session.commit()
    return exchange


def _proposal_audience(session: Session, exchange: Exchange) -> list[User]:
    """Who hears the answer: the proposing organisation; for an exchange entered on the organisations'
    behalf, both organisations and the Partnerships of both sides."""
    if exchange.entered_by_user_id is None:
        proposer = exchange.visitor_org_id if exchange.proposed_by == Party.VISITOR else exchange.host_org_id
        return organisation_users(session, proposer)
    return [
        *organisation_users(session, exchange.visitor_org_id),
        *organisation_users(session, exchange.host_org_id),
        *partnership_users(session, exchange.visitor_partnership_id),
        *partnership_users(session, exchange.host_partnership_id),
    ]


CONFIRMED_AT = {Party.VISITOR: "visitor_confirmed_at", Party.HOST: "host_confirmed_at"}


def _confirm_side(session: Session, exchange: Exchange, side: Party, actor: User) -> bool:
    """Record that `side` confirms what its Partnership entered (once: a second click or tab loses), with
    the audit event; True when the other side had confirmed already. One UPDATE sets this side's day and
    reads the other's: of two sides confirming at once, the later one waits for the row and sees the first."""
    mine, other = CONFIRMED_AT[side], CONFIRMED_AT[Party.HOST if side == Party.VISITOR else Party.VISITOR]
    table = Exchange.__table__  # type: ignore[attr-defined]
    now = utcnow()
    row = session.execute(
        sa.update(table)
        .where(table.c.id == exchange.id, table.c.state == ExchangeState.PROPOSED.value, table.c[mine].is_(None))
        .values({mine: now, "updated_at": now})
        .returning(table.c[other])
    ).first()
    if row is None:
        session.rollback()
        raise StaleState(_("This exchange changed meanwhile (it was confirmed or answered); reload the page."))
    set_committed_value(exchange, mine, now)
    set_committed_value(exchange, other, row[0])
    entered_by = session.get(User, exchange.entered_by_user_id)
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=id_of(exchange),
        action="confirm",
        comment=f"{side.value} confirms what {entered_by.username if entered_by else '?'} entered on its behalf",
    )
    return row[0] is not None


def state_of(session: Session, exchange_id: int) -> ExchangeState | None:
    """Where the exchange stands now (None when it no longer exists): one column, for a page that
    must tell whether someone else moved the exchange on since it read it."""
    return session.exec(select(Exchange.state).where(Exchange.id == exchange_id)).first()


# --- the action plan ------------------------------------------------------------------


def latest_plan(session: Session, exchange_id: int) -> ActionPlan | None:
    return session.exec(
        select(ActionPlan).where(ActionPlan.exchange_id == exchange_id).order_by(ActionPlan.version.desc())  # type: ignore[attr-defined]
    ).first()


def plan_versions(session: Session, exchange_id: int) -> list[ActionPlan]:
    return list(
        session.exec(select(ActionPlan).where(ActionPlan.exchange_id == exchange_id).order_by(ActionPlan.version))
    )


def _side_party(parties: set[Party]) -> Party:
    for party in (Party.VISITOR, Party.HOST):
        if party in parties:
            return party
    raise PermissionDenied(_("Only the Visitor and the Host write the action plan."))


def save_plan(
    *, session: Session, actor: User, exchange_id: int, answers: dict[str, Any], base_version: int | None
) -> ActionPlan:
    """A new version of the shared plan; it withdraws any agreement given to the old one."""
    exchange, parties = load_exchange(session, actor, exchange_id)
    _side_party(parties)
    if exchange.state != ExchangeState.PLANNING:
        raise PermissionDenied(_("The plan can be edited only while it is being written."))
    latest = latest_plan(session, exchange_id)
    if (latest.version if latest else None) != base_version:
        raise StaleState(
            _("The other side saved a newer version of the plan meanwhile; reload the page to see it, then edit again.")
        )
    spec = load_spec(PLAN_SPEC)
    kept = draft_answers(spec, answers)
    if latest is not None and latest.answers == kept:
        return latest
    plan = ActionPlan(
        exchange_id=exchange_id,
        version=(latest.version + 1) if latest else 1,
        spec_name=spec.name,
        spec_version=spec.version,
        answers=kept,
        author_user_id=id_of(actor),
    )
    session.add(plan)
    session.flush()
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=exchange_id,
        action="save_plan",
        comment=f"version {plan.version}",
    )
    session.commit()
    return plan


def exchange_quote(session: Session, exchange: Exchange, start: date, end: date) -> LumpSum:
    """The lump sum these dates would give, from where the two organisations are, by the rules in force."""
    rules = rules_in_force(session, exchange)
    visitor, host = session.get(Organisation, exchange.visitor_org_id), session.get(Organisation, exchange.host_org_id)
    return quote(
        rules,
        visitor=locate_organisation(visitor, rules),
        host=locate_organisation(host, rules),
        start=start,
        end=end,  # type: ignore[arg-type]
    )


def location_problems(session: Session, exchange: Exchange) -> dict[str, str]:
    rules = rules_in_force(session, exchange)
    for org_id in (exchange.visitor_org_id, exchange.host_org_id):
        organisation = session.get(Organisation, org_id)
        try:
            locate_organisation(organisation, rules)  # type: ignore[arg-type]
        except QuoteError:
            return {
                "location": _(
                    "{org} is in a place our city list does not know; it adds its coordinates under “My organisation”, "
                    "so that the distance for the lump sum can be measured."
                ).format(org=organisation.legal_name)  # type: ignore[union-attr]
            }
    return {}


def plan_problems(plan_answers: dict[str, Any], host_country: str, rules: Rules) -> dict[str, str]:
    """Everything that keeps a plan from being agreed: missing fields and date rules (of `rules`,
    the version in force for the exchange)."""
    clean, errors = validate_answers(load_spec(PLAN_SPEC), plan_answers, rules)
    dates = clean.get("exchange_dates")
    if dates and "exchange_dates" not in errors:
        start, end = parse_date(dates[0]), parse_date(dates[1])
        problem = exchange_dates_problem(start, end, host_country, rules)  # type: ignore[arg-type]
        if problem:
            errors["exchange_dates"] = problem
        travel = clean.get("travel_dates")
        if travel and (parse_date(travel[0]) > start or parse_date(travel[1]) < end):  # type: ignore[operator]
            errors["travel_dates"] = _(
                "Travel starts before or on the first exchange day and ends on or after the last one."
            )
        for index, item in enumerate(clean.get("agenda", [])):
            day = parse_date(item.get("day"))
            if day and not (start <= day <= end):  # type: ignore[operator]
                errors[f"agenda.{index}.day"] = _("{day} is outside the exchange dates.").format(day=long_day(day))
    return errors


def agree_plan(*, session: Session, actor: User, exchange_id: int, version: int) -> Exchange:
    """One side agrees to a version; when both agreed to the same one it goes to the Partnerships."""
    exchange, parties = load_exchange(session, actor, exchange_id)
    side = _side_party(parties)
    if exchange.state != ExchangeState.PLANNING:
        raise PermissionDenied(_("The plan is not open for agreement now."))
    plan = latest_plan(session, exchange_id)
    if plan is None or plan.version != version:
        raise StaleState(_("A newer version of the plan exists; read it before you agree."))
    host = session.get(Organisation, exchange.host_org_id)
    rules = rules_in_force(session, exchange)
    errors = plan_problems(plan.answers, host.country, rules) | location_problems(session, exchange)  # type: ignore[union-attr]
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    if side == Party.VISITOR:
        plan.visitor_agreed_at = plan.visitor_agreed_at or now
    else:
        plan.host_agreed_at = plan.host_agreed_at or now
    session.add(plan)
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=exchange_id,
        action="agree_plan",
        comment=f"version {version} by {side.value}",
    )
    if plan.visitor_agreed_at and plan.host_agreed_at:
        dates = plan.answers["exchange_dates"]
        travel = plan.answers.get("travel_dates") or [None, None]
        apply_transition(
            session,
            exchange,
            Action.SUBMIT_PLAN,
            parties={Party.SYSTEM},
            actor=actor,
            facts=Facts(plan_agreed_by_both=True),
            values={
                "start_date": parse_date(dates[0]),
                "end_date": parse_date(dates[1]),
                "travel_start": parse_date(travel[0]) if travel[0] else None,
                "travel_end": parse_date(travel[1]) if travel[1] else None,
            },
        )
        for partnership_id in {exchange.visitor_partnership_id, exchange.host_partnership_id}:
            notify(
                session,
                partnership_users(session, partnership_id),
                subject=lambda: _("An action plan waits for your approval"),
                body=lambda: _("Visitor and Host agreed on their action plan."),
                kind="plan_submitted",
                link=f"exchange?id={exchange_id}",
            )
    else:
        other = exchange.host_org_id if side == Party.VISITOR else exchange.visitor_org_id
        notify(
            session,
            organisation_users(session, other),
            subject=lambda: _("Your counterpart agreed to the action plan"),
            body=lambda: _("Read version {v} and agree to it too, or change it.").format(v=version),
            kind="plan_agreed",
            link=f"exchange?id={exchange_id}",
        )
    session.commit()
    return exchange


def decide_plan(*, session: Session, actor: User, exchange_id: int, approve: bool, comment: str = "") -> Exchange:
    """A supervising Partnership approves the plan or sends it back with a comment."""
    exchange, parties = load_exchange(session, actor, exchange_id)
    mine = parties & {Party.VISITOR_PARTNERSHIP, Party.HOST_PARTNERSHIP}
    if not mine:
        raise PermissionDenied(_("Only the supervising Partnerships approve the plan."))
    if exchange.state != ExchangeState.PLAN_SUBMITTED:
        raise PermissionDenied(_("No plan waits for approval now."))
    plan = latest_plan(session, exchange_id)
    assert plan is not None
    comment = comment.strip()
    # Two plans of one Visitor may be written at once; only one can be approved. Two approvals at the
    # same instant queue on the Visitor's row (PostgreSQL; SQLite's writers queue anyway), so the
    # second counts the first.
    if approve:
        session.exec(select(Organisation).where(Organisation.id == exchange.visitor_org_id).with_for_update()).one()
    if approve and (
        problem := visitor_once_problem(previous_visits(session, exchange.visitor_org_id, besides=exchange_id))
        or _countries_problem(session, exchange)
    ):
        raise ValidationFailed({"approve": problem})
    if not approve:
        return _back_to_planning(
            session,
            exchange,
            actor,
            mine,
            comment,
            subject=lambda: _("Changes requested on your action plan"),
            kind="plan_changes",
        )
    now = utcnow()
    if Party.VISITOR_PARTNERSHIP in mine:
        plan.visitor_partnership_approved_at = plan.visitor_partnership_approved_at or now
    if Party.HOST_PARTNERSHIP in mine:
        plan.host_partnership_approved_at = plan.host_partnership_approved_at or now
    session.add(plan)
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=exchange_id,
        action="approve_plan_part",
        comment=",".join(sorted(p.value for p in mine)),
    )
    if plan.visitor_partnership_approved_at and plan.host_partnership_approved_at:
        # The lump sum is computed now, from the approved dates, and kept with its breakdown;
        # the Financial Agreement will carry this amount.
        try:
            amount = exchange_quote(session, exchange, exchange.start_date, exchange.end_date)  # type: ignore[arg-type]
        except QuoteError as exc:  # e.g. a place without coordinates: say what to fix, change nothing
            raise ValidationFailed({"approve": str(exc)}) from exc
        # From now on the exchange keeps these terms (amount, payment delay, report deadline, documents).
        frozen_id = in_force_version_id(session)
        apply_transition(
            session,
            exchange,
            Action.APPROVE_PLAN,
            parties=mine,
            actor=actor,
            facts=Facts(plan_approved_by_both_partnerships=True),
            values={
                "lump_sum_cents": amount.amount_cents,
                "lump_sum_breakdown": {**amount.as_dict(), "explained": amount.explain()},
                "rules_version_id": frozen_id,
            },
        )
        tag_from_plan(session, exchange, plan)
        generate_or_wait(session, exchange, actor)
        for org in (exchange.visitor_org_id, exchange.host_org_id):
            notify(
                session,
                organisation_users(session, org),
                subject=lambda: _("Your action plan is approved"),
                body=lambda: _(
                    "Both Partnerships approved the action plan. The Commitment to Quality and the Financial "
                    "Agreement come next."
                ),
                kind="plan_approved",
                link=f"exchange?id={exchange_id}",
            )
    session.commit()
    return exchange


def reopen_plan(*, session: Session, actor: User, exchange_id: int, comment: str) -> Exchange:
    """A Partnership reopens an approved plan (even during signing): documents are superseded,
    every signature stops counting, and the sides edit and agree again."""
    exchange, parties = load_exchange(session, actor, exchange_id)
    mine = parties & {Party.VISITOR_PARTNERSHIP, Party.HOST_PARTNERSHIP}
    # Refuse before touching the documents: the same check the transition will make.
    check(EXCHANGE_TRANSITIONS, exchange.state, Action.REQUEST_PLAN_CHANGES, mine, Facts(comment=comment.strip()))
    supersede_documents(session, exchange)
    return _back_to_planning(
        session,
        exchange,
        actor,
        mine,
        comment.strip(),
        subject=lambda: _("The action plan is open again"),
        kind="plan_reopened",
        values={"lump_sum_cents": None, "lump_sum_breakdown": {}, "rules_version_id": None},
    )


def _back_to_planning(
    session: Session,
    exchange: Exchange,
    actor: User,
    mine: set[Party],
    comment: str,
    *,
    subject: Text,
    kind: str,
    values: dict[str, object] | None = None,
) -> Exchange:
    """A Partnership sends the plan back: the sides must agree again to whatever they change."""
    apply_transition(
        session,
        exchange,
        Action.REQUEST_PLAN_CHANGES,
        parties=mine,
        actor=actor,
        comment=comment,
        facts=Facts(comment=comment),
        values=values,
    )
    plan = latest_plan(session, id_of(exchange))
    if plan is not None:
        plan.visitor_agreed_at = plan.host_agreed_at = None
        plan.visitor_partnership_approved_at = plan.host_partnership_approved_at = None
        session.add(plan)
    for org in (exchange.visitor_org_id, exchange.host_org_id):
        notify(
            session,
            organisation_users(session, org),
            subject=subject,
            body=lambda: _("A Partnership asks for changes: {comment}").format(comment=comment),
            kind=kind,
            link=f"exchange?id={exchange.id}",
        )
    session.commit()
    return exchange


# --- the stay and cancellation ------------------------------------------------------


def mark_stay(
    *, session: Session, actor: User, exchange_id: int, action: Action, today: date | None = None
) -> Exchange:
    """The Visitor (or its Partnership) records that the stay started or ended."""
    if action not in (Action.START_STAY, Action.END_STAY):
        raise PermissionDenied(_("Unknown action."))
    exchange, parties = load_exchange(session, actor, exchange_id)
    today = today or date.today()
    facts = Facts(
        stay_started=exchange.start_date is not None and today >= exchange.start_date,
        stay_ended=exchange.end_date is not None and today > exchange.end_date,
    )
    apply_transition(session, exchange, action, parties=parties, actor=actor, facts=facts)
    if action == Action.END_STAY:
        notify(
            session,
            organisation_users(session, exchange.visitor_org_id),
            subject=lambda: _("Your closing report is due"),
            body=lambda: _("The stay has ended. File the closing report with evidence of the stay."),
            kind="report_due",
            link=f"exchange?id={exchange_id}",
        )
    session.commit()
    return exchange


def cancel_exchange(*, session: Session, actor: User, exchange_id: int, reason: str) -> Exchange:
    exchange, parties = load_exchange(session, actor, exchange_id)
    reason = reason.strip()
    apply_transition(
        session,
        exchange,
        Action.CANCEL,
        parties=parties,
        actor=actor,
        comment=reason,
        facts=Facts(comment=reason),
        values={"cancel_reason": reason},
    )
    for org in (exchange.visitor_org_id, exchange.host_org_id):
        notify(
            session,
            organisation_users(session, org),
            subject=lambda: _("An exchange was cancelled"),
            body=lambda: _("Reason: {reason}").format(reason=reason),
            kind="exchange_cancelled",
            link=f"exchange?id={exchange_id}",
        )
    session.commit()
    return exchange


def my_exchanges(session: Session, user: User) -> list[Exchange]:
    if user.organisation_id is not None:
        query = select(Exchange).where(
            (Exchange.visitor_org_id == user.organisation_id) | (Exchange.host_org_id == user.organisation_id)
        )
    elif user.partnership_id is not None:
        query = select(Exchange).where(
            (Exchange.visitor_partnership_id == user.partnership_id)
            | (Exchange.host_partnership_id == user.partnership_id)
        )
    else:
        return []
    return list(session.exec(query.order_by(Exchange.updated_at.desc())))  # type: ignore[attr-defined]


def organisation_names(session: Session, rows: list[Exchange]) -> dict[int, str]:
    """The legal names of both sides of these exchanges, by organisation id (for lists)."""
    ids = {e.visitor_org_id for e in rows} | {e.host_org_id for e in rows}
    if not ids:
        return {}
    return {id_of(o): o.legal_name for o in session.exec(select(Organisation).where(Organisation.id.in_(ids)))}  # type: ignore[union-attr]
