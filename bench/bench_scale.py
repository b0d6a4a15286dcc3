"""The coordinator's work queue and the figures page at programme scale (50,000 exchanges,
10,000 organisations), rerun with AppTest and compared, in the same run, with the app's lightest
page (the account page) and with the same pages on an empty programme (the same Partnerships and
coordinators, no organisation, no exchange): a page whose cost grows with the programme shows here."""

from __future__ import annotations

import logging
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel
from streamlit.testing.v1 import AppTest

from db.engine import dispose_engines, get_engine
from db.migrate import upgrade
from db.models import (
    EOI,
    ActionPlan,
    AuditEvent,
    ClosingReport,
    Document,
    Exchange,
    ExchangeTag,
    Organisation,
    Partnership,
    Payment,
    User,
)
from domain.enums import DocumentKind, EOIState, ExchangeState, OrgType, Party, PaymentState, Role, Side
from services import queue
from services.accounts import find_user, hash_password
from services.rules import rules_in_force
from services.sessions import open_session

ROOT = Path(__file__).resolve().parent.parent
EXCHANGES = int(os.environ.get("CXC_BENCH_EXCHANGES", "50000"))
ORGANISATIONS = int(os.environ.get("CXC_BENCH_ORGANISATIONS", "10000"))
PARTNERSHIPS = 20
RERUNS = 41  # an odd number: the median is one run; 41 keep a busy moment of a shared machine from deciding it
GOAL_VS_ACCOUNT = 3.0
GOAL_VS_EMPTY = 1.5
ORDER = list(ExchangeState)
T0 = datetime(2025, 1, 6, 9, tzinfo=UTC)


def _insert(conn: sa.Connection, rows: list[SQLModel]) -> None:
    if rows:
        # Rows without an id leave it out, so that PostgreSQL numbers them too (SQLite would take NULL).
        unnumbered = getattr(rows[0], "id", 0) is None
        conn.execute(sa.insert(type(rows[0])), [r.model_dump(exclude={"id"} if unnumbered else set()) for r in rows])


def build(url: str, exchanges_wanted: int = EXCHANGES, organisations_wanted: int = ORGANISATIONS) -> None:
    """A programme of the given size, written in bulk (the services would take an hour)."""
    rng = random.Random(7)
    engine = get_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        countries = list(rules_in_force(session).participating_countries)  # version 1, seeded by the migrations
    password = hash_password("bench-password-123")
    with engine.begin() as conn:
        _insert(
            conn,
            [
                Partnership(id=p, name=f"Partnership {p}", acronym=f"P{p}", contact_email=f"p{p}@example.org")
                for p in range(1, PARTNERSHIPS + 1)
            ],
        )
        orgs = [
            Organisation(
                id=o,
                legal_name=f"Organisation {o}",
                org_type=rng.choice([OrgType.CLUSTER, OrgType.SME]),
                country=countries[o % len(countries)],
                city="Somewhere",
            )
            for o in range(1, organisations_wanted + 1)
        ]
        _insert(conn, orgs)
        users = [
            User(
                id=1,
                username="admin",
                email="admin@example.org",
                full_name="Admin",
                password_hash=password,
                role=Role.ADMIN,
            )
        ]
        users += [
            User(
                id=1 + p,
                username=f"coord{p}",
                email=f"coord{p}@example.org",
                full_name=f"Coordinator {p}",
                password_hash=password,
                role=Role.COORDINATOR,
                partnership_id=p,
            )
            for p in range(1, PARTNERSHIPS + 1)
        ]
        users += [
            User(
                id=100 + o,
                username=f"user{o}",
                email=f"user{o}@example.org",
                full_name=f"Person {o}",
                password_hash=password,
                role=Role.PARTICIPANT,
                organisation_id=o,
            )
            for o in range(1, organisations_wanted + 1)
        ]
        _insert(conn, users)
        half = organisations_wanted // 2
        eois = [
            EOI(
                id=o,
                organisation_id=o,
                author_user_id=100 + o,
                side=Side.VISITOR if o <= half else Side.HOST,
                partnership_id=1 + o % PARTNERSHIPS,
                state=EOIState.APPROVED if o % 10 else EOIState.SUBMITTED,
                spec_name="eoi",
                spec_version=1,
                answers={"ecosystems": [rng.choice(["Digital", "Textile", "Health", "Mobility"])]},
                submitted_at=T0,
            )
            for o in range(1, organisations_wanted + 1)
        ]
        _insert(conn, eois)
        exchanges, plans, reports, payments, events, tags, documents = [], [], [], [], [], [], []
        seq = 0
        for x in range(1, exchanges_wanted + 1):
            visitor, host = rng.randint(1, half), rng.randint(half + 1, organisations_wanted)
            state = rng.choice(ORDER)
            created = T0 + timedelta(hours=x % 15000)
            start = created.date() + timedelta(days=40)
            exchanges.append(
                Exchange(
                    id=x,
                    visitor_org_id=visitor,
                    host_org_id=host,
                    visitor_partnership_id=1 + visitor % PARTNERSHIPS,
                    host_partnership_id=1 + host % PARTNERSHIPS,
                    visitor_eoi_id=visitor,
                    host_eoi_id=host,
                    proposed_by=Party.VISITOR,
                    state=state,
                    start_date=start,
                    end_date=start + timedelta(days=4),
                    lump_sum_cents=rng.randint(300, 1500) * 100,
                    created_at=created,
                    updated_at=created + timedelta(days=5),
                )
            )
            reached = ORDER.index(state) if state not in (ExchangeState.CANCELLED, ExchangeState.DECLINED) else 1
            tags.append(
                ExchangeTag(
                    exchange_id=x, kind="ecosystem", value=rng.choice(["Digital", "Textile", "Health", "Mobility"])
                )
            )
            if reached >= ORDER.index(ExchangeState.PLAN_SUBMITTED):
                approved = reached > ORDER.index(ExchangeState.PLAN_SUBMITTED)
                plans.append(
                    ActionPlan(
                        exchange_id=x,
                        version=1,
                        spec_name="action_plan",
                        spec_version=1,
                        author_user_id=100 + visitor,
                        answers={},
                        visitor_partnership_approved_at=created if approved else None,
                        host_partnership_approved_at=created if approved else None,
                    )
                )
                tags.append(
                    ExchangeTag(
                        exchange_id=x,
                        kind="activity_type",
                        value=rng.choice(["Market research", "Training", "Matchmaking"]),
                    )
                )
            if state == ExchangeState.SIGNING:
                documents += [
                    Document(
                        exchange_id=x,
                        kind=kind,
                        version=1,
                        filename="d.pdf",
                        mime_type="application/pdf",
                        size_bytes=1,
                        sha256=f"{x:064d}"[:60] + kind.value[:4],
                        content=b"x",
                    )
                    for kind in (DocumentKind.COMMITMENT_TO_QUALITY, DocumentKind.FINANCIAL_AGREEMENT)
                ]
            if reached >= ORDER.index(ExchangeState.REPORT_SUBMITTED):
                reports.append(
                    ClosingReport(
                        exchange_id=x,
                        spec_name="closing_report",
                        spec_version=1,
                        answers={"visitor_satisfaction": rng.randint(3, 5)},
                        submitted_at=created + timedelta(days=50),
                        accepted_at=created + timedelta(days=55)
                        if reached >= ORDER.index(ExchangeState.REPORT_ACCEPTED)
                        else None,
                    )
                )
            if state in (ExchangeState.PAYMENT_ORDERED, ExchangeState.PAID):
                payments.append(
                    Payment(
                        exchange_id=x,
                        partnership_id=1 + visitor % PARTNERSHIPS,
                        amount_cents=90000,
                        ordered_by_user_id=1,
                        state=PaymentState.PAID if state == ExchangeState.PAID else PaymentState.ORDERED,
                        due_date=start + timedelta(days=70),
                    )
                )
            for step, to_state in enumerate(ORDER[: reached + 1]):
                seq += 1
                events.append(
                    AuditEvent(
                        seq=seq,
                        created_at=created + timedelta(days=step * rng.randint(1, 6)),
                        actor_user_id=1,
                        actor_label="bench",
                        entity_type="exchange",
                        entity_id=x,
                        action="bench",
                        to_state=to_state.value,
                        prev_hash="-",
                        hash=f"bench-{seq}",
                    )
                )
        for rows in (exchanges, plans, reports, payments, documents, tags):
            for chunk in range(0, len(rows), 5000):
                _insert(conn, rows[chunk : chunk + 5000])
        # The audit log refuses UPDATE and DELETE, not INSERT: bulk rows go in like any event.
        for chunk in range(0, len(events), 5000):
            _insert(conn, events[chunk : chunk + 5000])
    if url.startswith("sqlite"):
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")


def _log_in(at: AppTest, username: str) -> AppTest:
    with Session(get_engine()) as session:
        login = open_session(session=session, user=find_user(session, username))  # type: ignore[arg-type]
        at.session_state["cxc_session_id"] = login.auth_session_id
    return at


def rerun_ms(at: AppTest) -> float:
    return reruns({"page": at})["page"]


def reruns(pages: dict[str, AppTest], before: dict[str, Callable[[], None]] | None = None) -> dict[str, float]:
    """The median rerun of each page (after a first run), in milliseconds of the clock, and under
    "<name>_cpu" of the process's CPU. The pages rerun in turn, so that a busy moment of a shared
    machine falls on all of them alike; the CPU time leaves out the waits for a core. `before`
    runs, untimed, before each rerun of the page of that name."""
    for at in pages.values():
        at.run()  # first run: imports, caches
    wall: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    for _n in range(RERUNS):
        for name, at in pages.items():
            if before and name in before:
                before[name]()
            started, used = time.perf_counter(), time.process_time()
            at.run()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - used) * 1000)
            assert not at.exception, at.exception
    return {name: statistics.median(wall[name]) for name in pages} | {
        f"{name}_cpu": statistics.median(cpu[name]) for name in pages
    }


def _pages(url: str) -> dict[str, float]:
    """Median rerun of the account page, the queue (coordinator of Partnership 1) and the figures
    (Support Office) on the database at `url`."""
    os.environ["DATABASE_URL"] = url
    dispose_engines()
    pages: dict[str, AppTest] = {}
    for name, username, path in (
        ("account", "coord1", "pages/account/account.py"),
        ("queue", "coord1", "pages/coordinator/home.py"),
        ("queue_changed", "coord1", "pages/coordinator/home.py"),
        ("figures", "admin", "pages/kpis/kpis.py"),
    ):
        at = _log_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), username)
        at.run()
        at.switch_page(str(ROOT / path))
        pages[name] = at
    # "queue_changed" is the queue read again from the database at every rerun, as after a write
    # anywhere in the programme; "queue" is the queue while nothing changed (its page kept).
    timings = reruns(pages, before={"queue_changed": queue._kept.clear})
    caption = next((c.value for c in pages["queue"].caption if "items" in c.value), "")
    dispose_engines()
    return timings | {"queue_caption": caption}  # type: ignore[dict-item]


def main() -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="cxc-bench-"))
    url, empty_url = f"sqlite:///{folder / 'scale.db'}", f"sqlite:///{folder / 'empty.db'}"
    os.environ["DATABASE_URL"], os.environ["CXC_DATA_DIR"] = url, str(folder)
    dispose_engines()
    started = time.perf_counter()
    build(url)
    built_s = time.perf_counter() - started
    build(empty_url, 0, 0)
    for name in list(logging.root.manager.loggerDict):  # AppTest's "missing ScriptRunContext" chatter
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    script = folder / "empty.py"
    script.write_text("import streamlit as st\n")
    empty_script_ms = rerun_ms(AppTest.from_file(str(script), default_timeout=120))
    big = _pages(url)
    none = _pages(empty_url)

    def line(name: str, value: float, goal: float) -> str:
        return f"BENCH {name} value={value:.2f} goal={goal:g} {'ok' if value <= goal else 'short'}"

    def info(name: str, value: float) -> str:
        return f"BENCH {name} value={value:.2f} goal=none info"

    return [
        f"# scale: {EXCHANGES} exchanges, {ORGANISATIONS} organisations built in {built_s:.0f} s; queue of "
        f"Partnership 1: {big['queue_caption']}",
        line("queue_page_rerun_vs_account_page", big["queue"] / big["account"], GOAL_VS_ACCOUNT),
        line("kpi_page_rerun_vs_account_page", big["figures"] / big["account"], GOAL_VS_ACCOUNT),
        line("queue_page_rerun_vs_empty_programme", big["queue"] / none["queue"], GOAL_VS_EMPTY),
        line("kpi_page_rerun_vs_empty_programme", big["figures"] / none["figures"], GOAL_VS_EMPTY),
        # The queue read again from the database (after a change anywhere): what the SQL costs.
        info("queue_page_after_a_change_rerun_vs_account_page", big["queue_changed"] / big["account"]),
        info("queue_page_after_a_change_rerun_vs_empty_programme", big["queue_changed"] / none["queue_changed"]),
        # The same ratios in CPU time of the process: what the pages cost, whatever the neighbours do.
        info("queue_page_rerun_cpu_vs_account_page", big["queue_cpu"] / big["account_cpu"]),
        info("kpi_page_rerun_cpu_vs_account_page", big["figures_cpu"] / big["account_cpu"]),
        info("queue_page_rerun_cpu_vs_empty_programme", big["queue_cpu"] / none["queue_cpu"]),
        info("kpi_page_rerun_cpu_vs_empty_programme", big["figures_cpu"] / none["figures_cpu"]),
        f"BENCH queue_page_rerun_vs_empty_script value={big['queue'] / empty_script_ms:.2f} goal=none info",
        f"BENCH kpi_page_rerun_vs_empty_script value={big['figures'] / empty_script_ms:.2f} goal=none info",
        f"BENCH empty_script_rerun_ms value={empty_script_ms:.1f} goal=none info",
        f"BENCH account_page_rerun_ms value={big['account']:.1f} goal=none info",
        f"BENCH queue_page_rerun_ms value={big['queue']:.1f} goal=none info",
        f"BENCH kpi_page_rerun_ms value={big['figures']:.1f} goal=none info",
        f"BENCH queue_page_empty_programme_rerun_ms value={none['queue']:.1f} goal=none info",
        f"BENCH queue_page_after_a_change_rerun_ms value={big['queue_changed']:.1f} goal=none info",
        f"BENCH queue_page_after_a_change_empty_programme_rerun_ms value={none['queue_changed']:.1f} goal=none info",
        f"BENCH kpi_page_empty_programme_rerun_ms value={none['figures']:.1f} goal=none info",
        f"BENCH queue_page_rerun_cpu_ms value={big['queue_cpu']:.1f} goal=none info",
        f"BENCH queue_page_empty_programme_rerun_cpu_ms value={none['queue_cpu']:.1f} goal=none info",
        f"BENCH account_page_rerun_cpu_ms value={big['account_cpu']:.1f} goal=none info",
    ]


if __name__ == "__main__":
    for out in main():
        print(out)
