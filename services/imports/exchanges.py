"""Importing exchanges that began before CXC Desk, in any state up to paid.

Each row is checked with the rules the journey checks (organisation types per side, countries in
force, a border crossed, a Visitor only once, the dates' working days in the host country). An
exchange from "ready" on was signed outside CXC Desk on the day the row gives; its lump sum is
frozen now from the rules version in force, as plan approval would freeze it. The records the
journey would have made on the way (approved expressions of interest, the plan's dates, the
closing report, the payment) are made with it, so that queues, figures and exports count it
like any other. The key is the Partnership's own reference of the exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from db.models import EOI, ActionPlan, ClosingReport, Exchange, ExchangeTag, Organisation, Partnership, Payment
from db.types import id_of, utcnow
from domain.enums import EOIState, ExchangeState, Party, PaymentState, Side
from domain.i18n import _, day
from domain.quote import QuoteError, locate_organisation, quote
from domain.rules import (
    LumpSum,
    cluster_membership_problem,
    country_problem,
    exchange_dates_problem,
    side_type_problem,
    transnational_problem,
    visitor_once_problem,
)
from domain.validators import required_text
from domain.workflow import state_label
from forms.spec import load_spec
from services.imports.columns import (
    IMPORTABLE_STATES,
    PAYMENT_STATES,
    REPORT_STATES,
    SIGNED_STATES,
    country_code,
    parse_day,
    state_code,
)
from services.imports.common import (
    ADD,
    UNCHANGED,
    UPDATE,
    Checked,
    Context,
    RowInput,
    each_row,
    insert_many,
    normal_name,
)
from services.imports.members import Lookups, find_organisation, load_lookups
from services.rules import in_force_version_id, rules_in_force
from services.tags import ECOSYSTEM, ecosystems_of

ORDER = {state: i for i, state in enumerate(IMPORTABLE_STATES)}
NOT_COUNTED = (ExchangeState.CANCELLED.value, ExchangeState.DECLINED.value)


@dataclass
class Plan:
    """What one checked row will write."""

    visitor: Organisation
    host: Organisation
    vop: int
    hop: int
    state: ExchangeState
    start: date | None
    end: date | None
    signed_on: date | None
    paid_on: date | None
    amount: LumpSum | None
    existing: Exchange | None
    bank_reference: str = ""


def _partnerships(session: Session) -> dict[str, int]:
    found: dict[str, int] = {}
    for p in session.exec(select(Partnership)):
        found[normal_name(p.acronym)] = id_of(p)
        found.setdefault(normal_name(p.name), id_of(p))
    return found


def _visits(session: Session) -> dict[int, int]:
    rows = session.exec(
        select(Exchange.visitor_org_id, func.count())
        .where(col(Exchange.state).not_in(NOT_COUNTED))
        .group_by(Exchange.visitor_org_id)
    )
    return dict(rows.all())


def _day(c: Checked, key: str, required: bool) -> date | None:
    text = c.values[key]
    if not text:
        if required:
            c.problem(key, _("This state needs this date."))
        return None
    parsed = parse_day(text)
    if parsed is None:
        c.problem(key, _("“{value}” is not a date; write 2023-05-08 or 08/05/2023.").format(value=text[:20]))
    else:
        c.values[key] = parsed.isoformat()
    return parsed


def _organisation(c: Checked, lookups: Lookups, name_key: str, country_key: str) -> Organisation | None:
    v = c.values
    v[country_key] = country_code(v[country_key]) if v[country_key] else ""
    if not v[name_key] or not v[country_key]:
        return None
    found = find_organisation(lookups, v[name_key], v[country_key])
    if found is None:
        c.problem(
            name_key,
            _("No organisation “{org}” in {country}; import the organisations first.").format(
                org=v[name_key][:60], country=v[country_key]
            ),
        )
    return found


def _partnership(c: Checked, ctx: Context, known: dict[str, int], key: str) -> int | None:
    text = c.values[key]
    if not text:
        if ctx.scope is None:
            c.problem(key, _("Say which Partnership supervises this side (its acronym)."))
        return ctx.scope
    found = known.get(normal_name(text))
    if found is None:
        c.problem(
            key, _("No Partnership “{name}”; use its acronym as the Partnerships page shows it.").format(name=text)
        )
    return found


def check_exchanges(ctx: Context, rows: list[RowInput]) -> list[Checked]:
    session = ctx.session
    lookups = load_lookups(session, None)  # exchanges cross Partnerships: any organisation may be the other side
    partnerships = _partnerships(session)
    existing = {e.reference: e for e in session.exec(select(Exchange).where(col(Exchange.reference).is_not(None)))}
    visits = _visits(session)
    in_force = rules_in_force(session)
    in_file: dict[int, int] = {}
    references: dict[str, int] = {}
    out = []
    for c in each_row(ctx, rows):
        v = c.values
        c.problem("reference", required_text(v["reference"], max_length=60))
        if v["reference"] in references:
            c.problem("reference", _("Row {n} has the same reference.").format(n=references[v["reference"]]))
        references.setdefault(v["reference"], c.number)
        visitor = _organisation(c, lookups, "visitor", "visitor_country")
        host = _organisation(c, lookups, "host", "host_country")
        vop = _partnership(c, ctx, partnerships, "visitor_partnership")
        hop = _partnership(c, ctx, partnerships, "host_partnership")
        if ctx.scope is not None and ctx.scope not in (vop, hop) and vop and hop:
            c.problem("visitor_partnership", _("Your Partnership supervises neither side of this exchange."))
        state = ExchangeState(code) if (code := state_code(v["state"])) in ORDER else None
        if v["state"] and state is None:
            c.problem(
                "state",
                _(
                    "“{value}” is not a state an exchange is imported in; use one of: {states}. Plans are approved "
                    "and documents signed in the app, or before it (then from “ready” on, signed outside CXC Desk)."
                ).format(value=v["state"][:30], states=", ".join(s.value for s in IMPORTABLE_STATES)),
            )
        if state is not None:
            v["state"] = state.value
        signed = state in SIGNED_STATES
        start, end = _day(c, "start", signed), _day(c, "end", signed)
        signed_on = _day(c, "signed_on", signed)
        paid_on = _day(c, "paid_on", state == ExchangeState.PAID)
        if paid_on and paid_on > date.today():
            c.problem("paid_on", _("The payment date cannot be in the future."))
        current = existing.get(v["reference"])
        if visitor is not None and host is not None:
            for key, problem in (
                ("visitor", side_type_problem("visitor", visitor.org_type, ctx.rules)),
                ("host", side_type_problem("host", host.org_type, ctx.rules)),
                ("visitor", cluster_membership_problem(visitor.org_type, visitor.is_cluster_member)),
                ("visitor_country", country_problem(visitor.country, ctx.rules)),
                ("host_country", country_problem(host.country, ctx.rules)),
                ("host_country", transnational_problem(visitor.country, host.country)),
            ):
                c.problem(key, problem)
            earlier = visits.get(id_of(visitor), 0) - (1 if current is not None else 0)
            if twin := in_file.get(id_of(visitor)):
                c.problem("visitor", visitor_once_problem(1) + " " + _("(row {n})").format(n=twin))  # type: ignore[operator]
            elif current is None or current.visitor_org_id != visitor.id:
                c.problem("visitor", visitor_once_problem(earlier))
            in_file.setdefault(id_of(visitor), c.number)
        amount = None
        if start and end and host is not None and "start" not in c.problems and "end" not in c.problems:
            c.problem("end", exchange_dates_problem(start, end, host.country, ctx.rules))
            if signed and visitor is not None and not c.problems:
                try:
                    amount = quote(
                        in_force,
                        visitor=locate_organisation(visitor, in_force),
                        host=locate_organisation(host, in_force),
                        start=start,
                        end=end,
                    )
                except QuoteError as exc:
                    c.problem("host", str(exc))
        if c.problems or visitor is None or host is None or vop is None or hop is None or state is None:
            out.append(c)
            continue
        plan = Plan(
            visitor, host, vop, hop, state, start, end, signed_on, paid_on, amount, current, v["bank_reference"]
        )
        c.action = ADD if current is None else _compare(c, plan, current)
        c.payload = plan
        out.append(c)
    return out


def _compare(c: Checked, plan: Plan, current: Exchange) -> str:
    """Same row again: unchanged. A later state: the exchange moves on. Anything else is refused."""
    if (current.visitor_org_id, current.host_org_id) != (plan.visitor.id, plan.host.id):
        c.problem("reference", _("This reference is exchange {id} of other organisations.").format(id=current.id))
        return UPDATE
    if current.state == plan.state and (current.start_date, current.end_date) == (plan.start, plan.end):
        return UNCHANGED
    if current.state not in ORDER or ORDER[current.state] > ORDER[plan.state]:
        c.problem(
            "state",
            _("Exchange {id} is at “{now}” in CXC Desk already; it is not moved back.").format(
                id=current.id, now=_(state_label(current.state))
            ),
        )
    elif current.state in SIGNED_STATES and (current.start_date, current.end_date) != (plan.start, plan.end):
        c.problem("start", _("The dates of a signed exchange are not changed by an import."))
    return UPDATE


# --- writing ---------------------------------------------------------------------------------


def _eois(ctx: Context, plans: list[Plan]) -> dict[tuple[int, Side], tuple[int, dict]]:
    """The approved expressions of interest the journey requires, (id, answers) by organisation and side;
    those missing are made, approved, in one statement."""
    wanted: dict[tuple[int, Side], tuple[Organisation, int]] = {}
    for plan in plans:
        wanted.setdefault((id_of(plan.visitor), Side.VISITOR), (plan.visitor, plan.vop))
        wanted.setdefault((id_of(plan.host), Side.HOST), (plan.host, plan.hop))
    found: dict[tuple[int, Side], tuple[int, dict]] = {}
    org_ids = sorted({org_id for org_id, _side in wanted})
    for start in range(0, len(org_ids), 500):
        rows = ctx.session.exec(
            select(EOI.organisation_id, EOI.side, EOI.id, EOI.answers).where(
                EOI.state == EOIState.APPROVED, col(EOI.organisation_id).in_(org_ids[start : start + 500])
            )
        )
        for org_id, side, eoi_id, answers in rows:
            found.setdefault((org_id, Side(side)), (eoi_id, answers))
    missing = [key for key in wanted if key not in found]
    spec, now = load_spec("eoi"), utcnow()
    new_rows = []
    for org_id, side in missing:
        organisation, partnership_id = wanted[(org_id, side)]
        new_rows.append(
            {
                "organisation_id": org_id,
                "author_user_id": id_of(ctx.actor),
                "side": side,
                "partnership_id": partnership_id,
                "state": EOIState.APPROVED,
                "spec_name": spec.name,
                "spec_version": spec.version,
                "answers": {"ecosystems": list(organisation.ecosystems)} if organisation.ecosystems else {},
                "submitted_at": now,
                "decided_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    for key, row, eoi_id in zip(missing, new_rows, insert_many(ctx.session, EOI, new_rows), strict=True):
        found[key] = (eoi_id, row["answers"])
        ctx.audit("eoi", eoi_id, "import", to_state=EOIState.APPROVED.value)
    return found


def _midnight(value: date | None) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC) if value else utcnow()


def _records_for_state(ctx: Context, exchange: Exchange, plan: Plan) -> None:
    """The plan, closing report and payment the journey would have left at this state (made once)."""
    session = ctx.session
    exchange_id = id_of(exchange)
    if (
        plan.state in SIGNED_STATES
        and session.exec(select(ActionPlan.id).where(ActionPlan.exchange_id == exchange_id)).first() is None
    ):
        spec = load_spec("action_plan")
        agreed = _midnight(plan.signed_on)
        session.add(
            ActionPlan(
                exchange_id=exchange_id,
                version=1,
                spec_name=spec.name,
                spec_version=spec.version,
                answers={"exchange_dates": [plan.start.isoformat(), plan.end.isoformat()]},  # type: ignore[union-attr]
                author_user_id=id_of(ctx.actor),
                visitor_agreed_at=agreed,
                host_agreed_at=agreed,
                visitor_partnership_approved_at=agreed,
                host_partnership_approved_at=agreed,
            )
        )
    if plan.state in REPORT_STATES:
        report = session.exec(select(ClosingReport).where(ClosingReport.exchange_id == exchange_id)).first()
        if report is None:
            spec = load_spec("closing_report")
            report = ClosingReport(exchange_id=exchange_id, spec_name=spec.name, spec_version=spec.version)
        report.submitted_at = report.submitted_at or utcnow()
        if plan.state != ExchangeState.REPORT_SUBMITTED:
            report.accepted_at = report.accepted_at or utcnow()
        session.add(report)
    if plan.state in PAYMENT_STATES:
        payment = session.exec(select(Payment).where(Payment.exchange_id == exchange_id)).first()
        if payment is None:
            payment = Payment(
                exchange_id=exchange_id,
                partnership_id=plan.vop,
                amount_cents=exchange.lump_sum_cents or 0,
                ordered_by_user_id=id_of(ctx.actor),
                due_date=plan.paid_on or (date.today() + timedelta(days=ctx.rules.payment_days)),
            )
            session.add(payment)
            session.flush()
            ctx.audit("payment", id_of(payment), "import", to_state=PaymentState.ORDERED.value)
        if plan.state == ExchangeState.PAID and payment.state != PaymentState.PAID:
            payment.state = PaymentState.PAID
            payment.paid_at = _midnight(plan.paid_on)
            payment.bank_reference = plan.bank_reference[:100]
            session.add(payment)
            ctx.audit("payment", id_of(payment), "import_paid", to_state=PaymentState.PAID.value)


def _frozen(plan: Plan, version_id: int | None) -> dict[str, object]:
    if plan.amount is None:
        return {}
    return {
        "lump_sum_cents": plan.amount.amount_cents,
        "lump_sum_breakdown": {**plan.amount.as_dict(), "explained": plan.amount.explain()},
        "rules_version_id": version_id,
    }


def _note(plan: Plan) -> str:
    return _("signed outside CXC Desk on {day}").format(day=day(plan.signed_on)) if plan.signed_on else ""


def _add_exchanges(ctx: Context, checked: list[Checked], version_id: int | None) -> int:
    """New exchanges and what the journey would have left with them, a few statements for all rows."""
    plans: list[Plan] = [c.payload for c in checked]
    if not plans:
        return 0
    eois = _eois(ctx, plans)
    now = utcnow()
    rows = [
        {
            "visitor_org_id": id_of(plan.visitor),
            "host_org_id": id_of(plan.host),
            "visitor_partnership_id": plan.vop,
            "host_partnership_id": plan.hop,
            "visitor_eoi_id": eois[(id_of(plan.visitor), Side.VISITOR)][0],
            "host_eoi_id": eois[(id_of(plan.host), Side.HOST)][0],
            "proposed_by": Party.VISITOR,
            "state": plan.state,
            "start_date": plan.start,
            "end_date": plan.end,
            "travel_start": plan.start,
            "travel_end": plan.end,
            "reference": c.values["reference"],
            "signed_outside_on": plan.signed_on,
            "created_at": now,
            "updated_at": now,
            **_frozen(plan, version_id),
        }
        for c, plan in zip(checked, plans, strict=True)
    ]
    ids = insert_many(ctx.session, Exchange, rows)
    tags, action_plans, reports, payments = [], [], [], []
    plan_spec, report_spec = load_spec("action_plan"), load_spec("closing_report")
    for exchange_id, plan, row in zip(ids, plans, rows, strict=True):
        ctx.audit("exchange", exchange_id, "import", to_state=plan.state.value, comment=_note(plan))
        visitor_answers = eois[(id_of(plan.visitor), Side.VISITOR)][1]
        tags += [
            {"exchange_id": exchange_id, "kind": ECOSYSTEM, "value": value[:80]}
            for value in sorted(set(ecosystems_of(visitor_answers)))
        ]
        if plan.state in SIGNED_STATES:
            agreed = _midnight(plan.signed_on)
            action_plans.append(
                {
                    "exchange_id": exchange_id,
                    "version": 1,
                    "spec_name": plan_spec.name,
                    "spec_version": plan_spec.version,
                    "answers": {"exchange_dates": [plan.start.isoformat(), plan.end.isoformat()]},  # type: ignore[union-attr]
                    "author_user_id": id_of(ctx.actor),
                    "visitor_agreed_at": agreed,
                    "host_agreed_at": agreed,
                    "visitor_partnership_approved_at": agreed,
                    "host_partnership_approved_at": agreed,
                    "created_at": now,
                }
            )
        if plan.state in REPORT_STATES:
            accepted = now if plan.state != ExchangeState.REPORT_SUBMITTED else None
            reports.append(
                {
                    "exchange_id": exchange_id,
                    "spec_name": report_spec.name,
                    "spec_version": report_spec.version,
                    "submitted_at": now,
                    "accepted_at": accepted,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if plan.state in PAYMENT_STATES:
            paid = plan.state == ExchangeState.PAID
            payments.append(
                {
                    "exchange_id": exchange_id,
                    "partnership_id": plan.vop,
                    "amount_cents": row.get("lump_sum_cents") or 0,
                    "state": PaymentState.PAID if paid else PaymentState.ORDERED,
                    "ordered_by_user_id": id_of(ctx.actor),
                    "ordered_at": now,
                    "due_date": plan.paid_on or (date.today() + timedelta(days=ctx.rules.payment_days)),
                    "paid_at": _midnight(plan.paid_on) if paid else None,
                    "bank_reference": plan.bank_reference[:100],
                }
            )
    if tags:
        ctx.session.execute(sa.insert(ExchangeTag.__table__), tags)  # type: ignore[attr-defined]
    insert_many(ctx.session, ActionPlan, action_plans)
    insert_many(ctx.session, ClosingReport, reports)
    for payment_id, payment in zip(insert_many(ctx.session, Payment, payments), payments, strict=True):
        ctx.audit("payment", payment_id, "import", to_state=str(payment["state"]))
    return len(ids)


def write_exchanges(ctx: Context, checked: list[Checked]) -> tuple[int, int, int]:
    session = ctx.session
    version_id = in_force_version_id(session)
    added = _add_exchanges(ctx, [c for c in checked if c.action == ADD], version_id)
    updated = 0
    for c in checked:
        plan: Plan = c.payload
        exchange = plan.existing
        if c.action != UPDATE or exchange is None:
            continue
        before = exchange.state
        exchange.state = plan.state
        exchange.start_date, exchange.end_date = plan.start, plan.end
        exchange.signed_outside_on = exchange.signed_outside_on or plan.signed_on
        exchange.updated_at = utcnow()
        if exchange.lump_sum_cents is None:
            for key, value in _frozen(plan, version_id).items():
                setattr(exchange, key, value)
        session.add(exchange)
        ctx.audit(
            "exchange", id_of(exchange), "import_update", to_state=plan.state.value, comment=f"{before} → {plan.state}"
        )
        _records_for_state(ctx, exchange, plan)
        updated += 1
    session.flush()
    return added, updated, 0
