"""Issue 14 at its own scale: 10,000 organisations and 2,000 exchanges in every importable state,
generated here from the rules in force, imported by the real `manage.py import` command, then
imported again through the same entry in this process: the second run adds and changes nothing.

Each step's time is printed (run with `-s` to see it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from db.models import EOI, ActionPlan, AuditEvent, ClosingReport, Exchange, Organisation, Payment, User
from domain.enums import ExchangeState, OrgType, PaymentState
from domain.places import cities_of
from domain.rules import Rules
from domain.workflow import state_label
from services.imports.columns import (
    IMPORTABLE_STATES,
    PAYMENT_STATES,
    REPORT_STATES,
    SIGNED_STATES,
    Kind,
    match_headers,
)
from services.imports.common import Summary
from services.imports.importer import rows_of, run_import
from services.imports.reading import read_table
from services.rules import rules_in_force
from tests import factories as f

ROOT = Path(__file__).resolve().parents[3]
ORGANISATIONS = 10_000
EXCHANGES = 2_000
HOSTS = 400  # the organisations right after the Visitors host the exchanges, several each
CONTACT_EVERY = 5  # every fifth organisation brings its contact person (a participant account)
ORG_HEADER = (
    "Legal name;Country;City;Organisation type;VAT or registration number;Website;Industrial ecosystems;"
    "Contact person;Contact e-mail"
)
EX_HEADER = (
    "Reference,Visitor,Visitor country,Host,Host country,Visitor's Partnership,Host's Partnership,State,"
    "First day,Last day,Signed outside CXC Desk on,Paid on,Bank reference"
)
# Monday to Friday weeks with at most one public holiday in any participating country.
PAST_WEEKS = (date(2024, 3, 4), date(2024, 10, 14), date(2025, 2, 3))
FUTURE_WEEKS = (date(2027, 3, 8), date(2027, 10, 11))


def _cities(rules: Rules) -> dict[str, str]:
    """The best-known place of each participating country (so that the lump sum finds it)."""
    found = {country: cities_of(country, limit=1) for country in rules.participating_countries}
    return {country: places[0].name for country, places in found.items() if places}


def _name(i: int) -> str:
    return f"Organização Exemplo {i:05d}"


def organisations_file(rules: Rules, cities: dict[str, str]) -> tuple[str, list[tuple[str, str, OrgType]]]:
    """10,000 rows: the Visitors first (visitor types), then every type the rules allow a Host."""
    countries = sorted(cities)
    visitor_types, host_types = sorted(rules.visitor_types), sorted(rules.host_types)
    ecosystems = list(rules.ecosystems)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(ORG_HEADER.split(";"))
    orgs = []
    for i in range(ORGANISATIONS):
        country = countries[i % len(countries)]
        org_type = visitor_types[i % len(visitor_types)] if i < EXCHANGES else host_types[i % len(host_types)]
        vat = f"{country}{500_000_000 + i}" if i % 3 == 0 else ""
        website = f"https://org{i}.example.eu" if i % 4 == 0 else ""
        sectors = f"{ecosystems[i % len(ecosystems)]}; {ecosystems[(i + 3) % len(ecosystems)]}" if i % 2 else ""
        contact = (f"Contact Person {i}", f"contact{i:05d}@example.eu") if i % CONTACT_EVERY == 0 else ("", "")
        writer.writerow([_name(i), country, cities[country], org_type, vat, website, sectors, *contact])
        orgs.append((_name(i), country, OrgType(org_type)))
    return out.getvalue(), orgs


def _dates(state: ExchangeState, i: int) -> list[str]:
    """First day, last day, signed on, paid on: what the state needs."""
    if state not in SIGNED_STATES:
        return ["", "", "", ""]
    weeks = FUTURE_WEEKS if state == ExchangeState.READY else PAST_WEEKS
    start = weeks[i % len(weeks)]
    end = start + timedelta(days=4)
    paid = (end + timedelta(days=40)).strftime("%d/%m/%Y") if state == ExchangeState.PAID else ""
    return [start.isoformat(), end.strftime("%d/%m/%Y"), (start - timedelta(days=30)).isoformat(), paid]


def exchanges_file(orgs: list[tuple[str, str, OrgType]]) -> tuple[str, Counter[ExchangeState]]:
    """2,000 rows in every importable state, each Visitor once, each Host in another country."""
    lines, states = [EX_HEADER], Counter()
    for i in range(EXCHANGES):
        visitor, visitor_country, _type = orgs[i]
        h = EXCHANGES + i % HOSTS
        while orgs[h][1] == visitor_country:
            h += 1
        host, host_country, _type = orgs[h]
        state = IMPORTABLE_STATES[i % len(IMPORTABLE_STATES)]
        states[state] += 1
        written = state_label(state) if i % 2 else state.value  # as the app names it, or its code
        vop, hop = ("PD", "OT") if i % 2 else ("OT", "PD") if i % 3 else ("PD", "PD")
        paid_ref = f"SEPA-{i:05d}" if state == ExchangeState.PAID else ""
        cells = [f"EX-{i:05d}", visitor, visitor_country, host, host_country, vop, hop, written]
        lines.append(",".join([*cells, *_dates(state, i), paid_ref]))
    return "\n".join(lines) + "\n", states


def checksum(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows in key order."""
    found = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            found[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def manage_import(database_url: str, kind: str, path: Path) -> subprocess.CompletedProcess[str]:
    """The operator's command, with production settings (the environment as the fixtures left it)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", "import", kind, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def import_again(session: Session, actor: User, kind: Kind, path: Path) -> tuple[Summary, list[tuple[int, int]]]:
    """The same entry as the command (read, match the headers, run_import), with the progress it reports."""
    table = read_table(path.name, path.read_bytes())
    reported: list[tuple[int, int]] = []
    summary = run_import(
        session=session,
        actor=actor,
        kind=kind,
        rows=rows_of(kind, table, match_headers(kind, table.headers)),
        progress=lambda done, total: reported.append((done, total)),
    )
    return summary, reported


def count(session: Session, model: type, *where: object) -> int:
    return session.exec(select(sa.func.count()).select_from(model).where(*where)).one()


class Clock:
    def __init__(self, label: str) -> None:
        self.label, self.last, self.lines = label, time.perf_counter(), []

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        self.lines.append(f"{what}: {now - self.last:.1f} s")
        self.last = now

    def report(self) -> None:
        print(f"\n[{self.label}] " + "; ".join(self.lines))


def test_ten_thousand_organisations_and_two_thousand_exchanges_in_every_state_import_once(
    database_url: str, engine: Engine, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXC_BCRYPT_ROUNDS", raising=False)  # the command hashes at the production cost
    clock = Clock(database_url.split(":")[0])
    admin = f.admin(session)
    f.partnership(session, admin, "PD")
    f.partnership(session, admin, "OT")
    rules = rules_in_force(session)
    session.commit()
    orgs_text, orgs = organisations_file(rules, _cities(rules))
    ex_text, states = exchanges_file(orgs)
    assert {country for _name, country, _type in orgs} == set(rules.participating_countries)
    assert {org_type for _name, _country, org_type in orgs} == set(rules.host_types) | set(rules.visitor_types)
    assert set(states) == set(IMPORTABLE_STATES)
    orgs_path, ex_path = tmp_path / "members.csv", tmp_path / "exchanges.csv"
    orgs_path.write_text(orgs_text, encoding="utf-8")
    ex_path.write_text(ex_text, encoding="utf-8")
    clock.lap("files generated")

    first = manage_import(database_url, "organisations", orgs_path)
    assert first.returncode == 0, first.stderr[-3000:]
    contacts = ORGANISATIONS // CONTACT_EVERY
    assert first.stdout.strip().endswith(
        f"members.csv (CSV, UTF-8, separated by semicolon): {ORGANISATIONS} organisations added, 0 updated, "
        f"0 unchanged, {contacts} contact people added"
    ), first.stdout
    clock.lap("10,000 organisations by manage.py")
    stored = {(o.legal_name, o.country, o.org_type) for o in session.exec(select(Organisation))}
    assert stored == set(orgs)
    assert count(session, Organisation, col(Organisation.latitude).is_(None)) == 0  # every city found, for the lump sum
    assert count(session, User) == 1 + contacts
    session.commit()  # the fixture's session writes on SQLite: end its transaction before the command

    first = manage_import(database_url, "exchanges", ex_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert first.stdout.strip() == (
        f"exchanges.csv (CSV, UTF-8, separated by comma): {EXCHANGES} exchanges added, 0 updated, 0 unchanged"
    )
    clock.lap("2,000 exchanges by manage.py")
    by_state = Counter(session.exec(select(Exchange.state)).all())
    assert by_state == states
    signed = sum(n for s, n in states.items() if s in SIGNED_STATES)
    paying = sum(n for s, n in states.items() if s in PAYMENT_STATES)
    assert count(session, ActionPlan) == signed
    assert count(session, ClosingReport) == sum(n for s, n in states.items() if s in REPORT_STATES)
    assert count(session, Payment) == paying
    assert count(session, Payment, Payment.state == PaymentState.PAID) == states[ExchangeState.PAID]
    hosts = len(set(session.exec(select(Exchange.host_org_id)).all()))
    assert count(session, EOI) == EXCHANGES + hosts  # one approved per Visitor and per Host
    assert count(session, Exchange, Exchange.lump_sum_cents > 0) == signed  # frozen from the rules in force
    mismatched_amounts = session.exec(
        select(sa.func.count())
        .select_from(Payment)
        .join(Exchange, Exchange.id == Payment.exchange_id)
        .where(Payment.amount_cents != Exchange.lump_sum_cents)
    ).one()
    assert mismatched_amounts == 0

    # One audit event per record the two files made, each naming its own record.
    imported = session.exec(select(AuditEvent.entity_type, AuditEvent.entity_id).where(AuditEvent.action == "import"))
    imported = imported.all()
    assert Counter(kind for kind, _id in imported) == {
        "organisation": ORGANISATIONS,
        "user": contacts,
        "eoi": EXCHANGES + hosts,
        "exchange": EXCHANGES,
        "payment": paying,
    }
    assert len(set(imported)) == len(imported)
    assert count(session, AuditEvent, col(AuditEvent.action).startswith("import")) == len(imported)
    before = checksum(engine)
    clock.lap("checked")

    summary, progress = import_again(session, admin, Kind.ORGANISATIONS, orgs_path)
    assert (summary.added, summary.updated, summary.unchanged, summary.people_added) == (0, 0, ORGANISATIONS, 0)
    assert progress == [(n, ORGANISATIONS) for n in range(500, ORGANISATIONS + 1, 500)]
    clock.lap("organisations again")
    summary, progress = import_again(session, admin, Kind.EXCHANGES, ex_path)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, EXCHANGES)
    assert summary.line() == f"0 exchanges added, 0 updated, {EXCHANGES} unchanged"
    assert progress[-1] == (EXCHANGES, EXCHANGES)
    clock.lap("exchanges again")
    assert checksum(engine) == before  # no row added, changed or audited
    clock.lap("checked")
    clock.report()
