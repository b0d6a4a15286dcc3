"""What waits on a coordinator's Partnership, and what waits on a participant's organisation.

Every kind of item is one SELECT of the same columns, read from covering indexes. The database
counts them (one aggregate per kind, summed) and pages them (each kind cut to the end of the
page, then one ORDER BY … LIMIT/OFFSET) in one query: the final sort and the Python work stay at one
page's size whatever the size of the programme; the counts read the waiting items' index entries.
A page read once is kept by the process until the work's change stamp moves (db/change_stamp.py):
a rerun while nothing changed reads one row.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache

import sqlalchemy as sa
from cachetools import TTLCache
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from db.change_stamp import current_token
from db.functions import day_start
from db.models import EOI, ActionPlan, ClosingReport, Document, Exchange, Organisation, Payment, Signature, User
from db.types import UTCDateTime
from domain.enums import DocumentKind, EOIState, ExchangeState, Party, Role, Side
from domain.i18n import N_, _, current_locale
from domain.rules import Rules
from domain.workflow import ACCOUNT_BOUND_STATES
from services.rules import RulesLookup, rules_lookup

SOON_DAYS = 3
KINDS = ("eoi", "plan", "signature", "report", "report_overdue", "payment", "payment_confirm")
# What the title says after the organisations: also what a search for "action plan" finds.
WHAT = {
    "plan": N_("action plan"),
    "signature": N_("documents to sign"),
    "report": N_("closing report"),
    "report_overdue": N_("closing report overdue"),
    "payment": N_("payment to order"),
    "payment_confirm": N_("payment to confirm"),
}


@dataclass(frozen=True)
class QueueItem:
    kind: str  # one of KINDS
    record_id: int
    title: str
    since: datetime | None
    link: str
    state: str = ""
    due: date | None = None
    organisations: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    organisation_ids: tuple[int, ...] = ()

    def age_days(self, today: date) -> int | None:
        return (today - self.since.date()).days if self.since else None

    def urgency(self, today: date) -> str:
        """overdue | soon | "" : the colour of the item."""
        if self.due is None:
            return ""
        if today > self.due:
            return "overdue"
        return "soon" if (self.due - today).days <= SOON_DAYS else ""


@dataclass(frozen=True)
class QueueFilter:
    """What the coordinator narrowed the queue to. `text` matches an exchange number, an
    organisation, a state, what waits, or a participant's name or e-mail."""

    kinds: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    text: str = ""
    overdue_only: bool = False

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.countries or self.needle or self.overdue_only)

    @property
    def needle(self) -> str:
        return self.text.strip().casefold().lstrip("#").strip()


@dataclass(frozen=True)
class QueuePage:
    items: tuple[QueueItem, ...]
    total: int  # everything waiting, whatever the filters
    overdue: int
    matching: int  # what the filters keep


Visitor = aliased(Organisation, name="visitor_org")
Host = aliased(Organisation, name="host_org")
NO_DATE = sa.cast(sa.null(), sa.Date)


def _kind(name: str) -> sa.ColumnElement[str]:
    return sa.literal_column(f"'{name}'", sa.String).label("kind")  # a constant of ours, never input


def _exchange_items(
    kind: str, since: sa.ColumnElement, *where: object, due: sa.ColumnElement = NO_DATE, names: bool = False
) -> sa.Select:
    """One kind of exchange item, in the columns every kind shares. The organisations' names and
    countries are joined only when a filter needs them; otherwise the page's rows get them afterwards."""
    columns = [
        _kind(kind),
        col(Exchange.id).label("record_id"),
        sa.type_coerce(since, UTCDateTime()).label("since"),
        due.label("due"),
        sa.cast(Exchange.state, sa.String).label("state"),
        sa.literal_column("0", sa.Integer).label("unassigned"),
        col(Exchange.visitor_org_id).label("v_id"),
        col(Exchange.host_org_id).label("h_id"),
        col(Exchange.rules_version_id).label("rules_version_id"),
    ]
    if not names:
        return select(*columns).where(*where)
    return (
        select(
            *columns,
            col(Visitor.legal_name).label("v_name"),
            col(Visitor.country).label("v_country"),
            col(Host.legal_name).label("h_name"),
            col(Host.country).label("h_country"),
        )
        .join(Visitor, Exchange.visitor_org_id == Visitor.id)
        .join(Host, Exchange.host_org_id == Host.id)
        .where(*where)
    )


# The statement is built once per process and set of rules versions (building it costs more than
# running it): the Partnership and the days that make an item late are bound at each execution.
PID = sa.bindparam("pid", type_=sa.Integer)
TODAY = sa.bindparam("today", type_=sa.Date)
REPORT_LATE = "report_late_before"  # stays that ended before this day
PAYMENT_LATE = "payment_late_before"  # reports accepted before this moment


def _late_before(
    column: sa.ColumnElement, versions: tuple[int, ...], name: str, type_: sa.types.TypeEngine
) -> sa.ColumnElement:
    """The day before which an item is late, by the rules version frozen with its exchange (the
    version in force for an exchange without one)."""
    in_force = sa.bindparam(name, type_=type_)
    if not versions:
        return in_force
    return sa.case(*[(column == v, sa.bindparam(f"{name}_{v}", type_=type_)) for v in versions], else_=in_force)


def _bound(pid: int, rules_of: RulesLookup, today: date) -> dict[str, object]:
    bound: dict[str, object] = {"pid": pid, "today": today}
    for suffix, rules in [("", rules_of.active), *((f"_{v}", r) for v, r in rules_of.versions.items())]:
        bound[REPORT_LATE + suffix] = today - timedelta(days=rules.report_due_days)
        bound[PAYMENT_LATE + suffix] = _midnight(today - timedelta(days=rules.payment_days))
    return bound


@cache
def _arms(*, names: bool = False, versions: tuple[int, ...] = ()) -> tuple[tuple[str, sa.Select], ...]:
    """Every item waiting on Partnership PID, each kind (and side) one SELECT with its kind; with
    the organisations' names and countries when `names`."""
    pid = PID
    paying = Exchange.visitor_partnership_id == pid

    eoi_columns = [
        _kind("eoi"),
        col(EOI.id).label("record_id"),
        col(EOI.submitted_at).label("since"),
        NO_DATE.label("due"),
        sa.cast(EOI.side, sa.String).label("state"),  # an EOI shows its side where exchanges show a state
        sa.case((col(EOI.partnership_id).is_(None), 1), else_=0).label("unassigned"),
        col(EOI.organisation_id).label("v_id"),
        sa.cast(sa.null(), sa.Integer).label("h_id"),
        sa.cast(sa.null(), sa.Integer).label("rules_version_id"),
    ]
    waiting = (EOI.state == EOIState.SUBMITTED, (EOI.partnership_id == pid) | col(EOI.partnership_id).is_(None))  # type: ignore[operator]
    if names:
        eois = (
            select(
                *eoi_columns,
                col(Organisation.legal_name).label("v_name"),
                col(Organisation.country).label("v_country"),
                sa.cast(sa.null(), sa.String).label("h_name"),
                sa.cast(sa.null(), sa.String).label("h_country"),
            )
            .join(Organisation, EOI.organisation_id == Organisation.id)  # type: ignore[arg-type]
            .where(*waiting)
        )
    else:
        eois = select(*eoi_columns).where(*waiting)

    # Each side of an exchange is its own SELECT, so the database walks the (Partnership, state)
    # index of that side; the host side leaves out what the visitor side already lists.
    newer = aliased(ActionPlan, name="newer_plan")
    latest_plan = (
        ~select(newer.id)
        .where(newer.exchange_id == ActionPlan.exchange_id, newer.version > ActionPlan.version)
        .exists()
    )
    visitor_to_approve = col(ActionPlan.visitor_partnership_approved_at).is_(None)
    host_to_approve = col(ActionPlan.host_partnership_approved_at).is_(None)

    def plans_of(side: sa.ColumnElement[bool], *where: sa.ColumnElement[bool]) -> sa.Select:
        return (
            _exchange_items(
                "plan", col(ActionPlan.created_at), Exchange.state == ExchangeState.PLAN_SUBMITTED, side, names=names
            )
            .join(ActionPlan, ActionPlan.exchange_id == Exchange.id)  # type: ignore[arg-type]
            .where(latest_plan, *where)  # the latest version only: no newer one exists
        )

    visiting, hosting = Exchange.visitor_partnership_id == pid, Exchange.host_partnership_id == pid
    plans = [
        plans_of(visiting, visitor_to_approve),
        plans_of(hosting, host_to_approve, ~(visiting & visitor_to_approve)),
    ]

    def unsigned(party: Party, kinds: list[DocumentKind]) -> sa.ColumnElement[bool]:
        signed = select(Signature.id).where(Signature.document_id == Document.id, Signature.party == party).exists()
        # A sub-select with LIMIT, not EXISTS: PostgreSQL would turn EXISTS into a join that reads
        # every unsigned document of the programme; this way it looks up the few exchanges' own.
        first = (
            select(Document.id)
            .where(
                Document.exchange_id == Exchange.id,
                col(Document.superseded_at).is_(None),
                col(Document.kind).in_(kinds),
                ~signed,
            )
            .limit(1)
            .scalar_subquery()
        )
        return first.is_not(None)

    visitor_to_sign = unsigned(
        Party.VISITOR_PARTNERSHIP, [DocumentKind.COMMITMENT_TO_QUALITY, DocumentKind.FINANCIAL_AGREEMENT]
    )
    host_to_sign = unsigned(Party.HOST_PARTNERSHIP, [DocumentKind.COMMITMENT_TO_QUALITY])
    signing = Exchange.state == ExchangeState.SIGNING
    # The Visitor's Partnership signs again after a change of bank account, until the payment.
    account_bound = col(Exchange.state).in_(ACCOUNT_BOUND_STATES)
    signatures = [
        _exchange_items("signature", col(Exchange.updated_at), account_bound, visiting, visitor_to_sign, names=names),
        _exchange_items(
            "signature",
            col(Exchange.updated_at),
            signing,
            hosting,
            host_to_sign,
            ~(visiting & visitor_to_sign),
            names=names,
        ),
    ]

    reports = _exchange_items(
        "report", col(ClosingReport.submitted_at), Exchange.state == ExchangeState.REPORT_SUBMITTED, paying, names=names
    ).join(ClosingReport, ClosingReport.exchange_id == Exchange.id)  # type: ignore[arg-type]

    late = _exchange_items(
        "report_overdue",
        day_start(Exchange.end_date),
        Exchange.state.in_([ExchangeState.READY, ExchangeState.IN_PROGRESS, ExchangeState.REPORTING]),  # type: ignore[attr-defined]
        paying,
        Exchange.end_date < _late_before(col(Exchange.rules_version_id), versions, REPORT_LATE, sa.Date()),  # type: ignore[operator]
        names=names,
    )

    to_order = _exchange_items(
        "payment",
        func.coalesce(ClosingReport.accepted_at, Exchange.updated_at),
        Exchange.state == ExchangeState.REPORT_ACCEPTED,
        paying,
        names=names,
    ).join(ClosingReport, ClosingReport.exchange_id == Exchange.id)  # type: ignore[arg-type]

    to_confirm = _exchange_items(
        "payment_confirm",
        col(Payment.ordered_at),
        Exchange.state == ExchangeState.PAYMENT_ORDERED,
        paying,
        due=col(Payment.due_date),
        names=names,
    ).join(Payment, Payment.exchange_id == Exchange.id)  # type: ignore[arg-type]

    return (
        ("eoi", eois),
        *(("plan", plan) for plan in plans),
        *(("signature", signature) for signature in signatures),
        ("report", reports),
        ("report_overdue", late),
        ("payment", to_order),
        ("payment_confirm", to_confirm),
    )


def _overdue(q: sa.Subquery, kind: str, versions: tuple[int, ...]) -> sa.ColumnElement[bool] | None:
    """Overdue in SQL, the same as QueueItem.urgency == "overdue" (due < today), for the items of
    one kind; None for a kind that is never late."""
    if kind == "report_overdue":
        return sa.true()
    if kind == "payment":
        return q.c.since < _late_before(q.c.rules_version_id, versions, PAYMENT_LATE, UTCDateTime())
    if kind == "payment_confirm":
        return q.c.due < TODAY
    return None


def _people(wanted: QueueFilter) -> sa.CTE | None:
    """The organisations of the participants whose name or e-mail holds the searched text: read
    once per statement, whatever the number of kinds that look at it."""
    needle = wanted.needle
    if len(needle) < 2 or needle.isdigit():
        return None
    return (
        select(User.organisation_id)
        .where(
            col(User.organisation_id).is_not(None),
            func.lower(User.full_name).contains(needle, autoescape=True)
            | func.lower(User.email).contains(needle, autoescape=True),
        )
        .cte("people")
    )


def _matching(
    q: sa.Subquery, kind: str, wanted: QueueFilter, versions: tuple[int, ...], people: sa.CTE | None
) -> list[sa.ColumnElement[bool]]:
    """What the filters ask of the items of one kind."""
    if wanted.kinds and kind not in wanted.kinds:
        return [sa.false()]
    clauses: list[sa.ColumnElement[bool]] = []
    if wanted.countries:
        upper = sorted(c.upper() for c in wanted.countries)
        clauses.append(q.c.v_country.in_(upper) | q.c.h_country.in_(upper))
    if wanted.overdue_only:
        late = _overdue(q, kind, versions)
        clauses.append(sa.false() if late is None else late)
    needle = wanted.needle
    if needle:
        found = [
            func.lower(q.c.v_name).contains(needle, autoescape=True),
            func.lower(q.c.h_name).contains(needle, autoescape=True),
            func.replace(q.c.state, "_", " ").contains(needle, autoescape=True),
        ]
        if needle.isdigit():
            found.append(q.c.record_id == int(needle))
        if needle in WHAT.get(kind, ""):
            found.append(sa.true())
        if people is not None:
            found += [q.c.v_id.in_(select(people.c.organisation_id)), q.c.h_id.in_(select(people.c.organisation_id))]
        clauses.append(sa.or_(*found))
    return clauses


def _tally(*clauses: sa.ColumnElement[bool] | None) -> sa.ColumnElement[int]:
    """How many items of one kind meet all the clauses: no clause counts them all, None none."""
    if not clauses:
        return func.count()
    if any(clause is None for clause in clauses):
        return sa.literal_column("0", sa.Integer)
    return func.sum(sa.case((sa.and_(*clauses), 1), else_=0))


def _oldest_first(q: sa.Subquery) -> list[sa.ColumnElement]:
    return [sa.nulls_last(q.c.since.asc()), q.c.kind, q.c.record_id]


@lru_cache(maxsize=256)
def _statement(wanted: QueueFilter, versions: tuple[int, ...], limit: int | None, offset: int) -> sa.Select:
    """The one statement of a page, built once per process and shape of the page: the counts
    (everything, what is overdue, what the filters keep) on every row, beside the page's rows, or
    on a row of their own when the page is empty. Only the statement is kept, never what it reads:
    the Partnership and the day are bound at each execution.

    Each kind of item is read once (a CTE, materialized), counted, and sorted and cut to the rows
    up to the end of the page on its own, so that the final sort holds a few pages' worth of rows
    instead of everything that waits."""
    arms = _arms(names=bool(wanted.countries or wanted.needle), versions=versions)
    tallies, parts = [], []
    people = _people(wanted)
    for number, (kind, arm) in enumerate(arms):
        one = arm.cte(f"{kind}_{number}").prefix_with("MATERIALIZED")
        clauses = _matching(one, kind, wanted, versions, people)
        late, hit = _tally(_overdue(one, kind, versions)), _tally(*clauses)
        tallies.append(sa.select(func.count().label("n"), late.label("late"), hit.label("hit")).select_from(one))
        if wanted.kinds and kind not in wanted.kinds:
            continue  # a kind the filters leave out is not read for the page
        part = sa.select(one).where(*clauses)
        if limit is not None:
            part = part.order_by(*_oldest_first(one)).limit(limit + offset)
        parts.append(sa.select(part.subquery()))
    tally = sa.union_all(*tallies).subquery("tally")
    counts = sa.select(*(func.sum(column).label(f"all_{column.name}") for column in tally.c)).subquery("counts")
    if not parts:
        return sa.select(counts)
    union = sa.union_all(*parts).subquery("page")
    rows = sa.select(union).order_by(*_oldest_first(union))
    if limit is not None:
        rows = rows.limit(limit).offset(offset)
    page = rows.subquery("rows")
    return sa.select(counts, page).select_from(counts).outerjoin(page, sa.true()).order_by(*_oldest_first(page))


# Pages already read, per process: a page is read again only when the work's token moved (a
# write anywhere, by any server), the day changed, or after five minutes whatever happens.
_kept: TTLCache[tuple[object, ...], QueuePage] = TTLCache(maxsize=512, ttl=300)
_kept_lock = threading.Lock()


def queue_page(
    session: Session,
    user: User,
    *,
    wanted: QueueFilter | None = None,
    page: int = 1,
    page_size: int | None = None,
    today: date | None = None,
) -> QueuePage:
    """One page of what waits on the user's Partnership, oldest first: the counts and the rows
    the filters keep (ORDER BY … LIMIT/OFFSET) in one query, the names of their organisations in
    a second; a page read before is given again while nothing it reads has changed."""
    pid = user.partnership_id
    if user.role != Role.COORDINATOR or pid is None:
        return QueuePage((), 0, 0, 0)
    today = today or datetime.now(UTC).date()
    wanted = wanted or QueueFilter()
    # The database too: a copy of a database (a restore, a test's template) starts with its token.
    database = session.get_bind().url.render_as_string(hide_password=True)
    key = (database, current_token(session), pid, wanted, page, page_size, today, current_locale())  # titles are text
    with _kept_lock:
        kept = _kept.get(key)
    if kept is not None:
        return kept
    rules_of = rules_lookup(session)  # each exchange's deadlines: its frozen rules version
    versions = tuple(sorted(rules_of.versions))
    offset = max(0, page - 1) * page_size if page_size is not None else 0
    found = session.execute(_statement(wanted, versions, page_size, offset), _bound(pid, rules_of, today)).all()
    total, overdue, matching = (int(found[0][n] or 0) for n in range(3))
    rows = [row for row in found if getattr(row, "record_id", None) is not None]
    names = _organisations(session, {i for row in rows for i in (row.v_id, row.h_id) if i is not None})
    result = QueuePage(tuple(_item(row, names, rules_of(row)) for row in rows), total, overdue, matching)
    with _kept_lock:
        _kept[key] = result
    return result


def coordinator_queue(session: Session, user: User, *, today: date | None = None) -> list[QueueItem]:
    """Everything waiting on the user's Partnership, oldest first (no page: for reminders and tests)."""
    return list(queue_page(session, user, today=today).items)


def _organisations(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Name and country of the organisations on one page, in one query."""
    if not ids:
        return {}
    rows = session.exec(
        select(Organisation.id, Organisation.legal_name, Organisation.country).where(col(Organisation.id).in_(ids))
    )
    return {org_id: (name, country) for org_id, name, country in rows}


def _item(row: sa.Row, names: dict[int, tuple[str, str]], rules: Rules) -> QueueItem:
    since = row.since
    v_name, v_country = names.get(row.v_id, ("", ""))
    if row.kind == "eoi":
        side = _("Visitor") if row.state == Side.VISITOR.value else _("Host")
        return QueueItem(
            "eoi",
            row.record_id,
            f"{v_name} · {side}" + (" · " + _("assign me") if row.unassigned else ""),
            since,
            f"eoi_review?id={row.record_id}",
            state=EOIState.SUBMITTED.value,
            organisations=(v_name,),
            countries=(v_country,),
            organisation_ids=(row.v_id,),
        )
    h_name, h_country = names.get(row.h_id, ("", ""))
    due = row.due
    if row.kind == "report_overdue":
        due = since.date() + timedelta(days=rules.report_due_days)
    elif row.kind == "payment":
        due = since.date() + timedelta(days=rules.payment_days)
    return QueueItem(
        row.kind,
        row.record_id,
        f"{v_name} → {h_name} · {_(WHAT[row.kind])}",
        since,
        f"exchange?id={row.record_id}",
        state=row.state,
        due=due,
        organisations=(v_name, h_name),
        countries=(v_country, h_country),
        organisation_ids=(row.v_id, row.h_id),
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def open_eois(session: Session, organisation_id: int) -> list[EOI]:
    return list(
        session.exec(select(EOI).where(EOI.organisation_id == organisation_id, EOI.state != EOIState.WITHDRAWN))
    )
