"""Imports through the service: all or nothing, idempotent, update by key, audited, scoped."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, func, select

from db.audit import verify_chain
from db.models import EOI, AuditEvent, ClosingReport, Exchange, InstanceSetting, Organisation, Payment, User
from db.types import id_of
from domain.enums import ExchangeState, OrgType, PaymentState, Role
from domain.errors import PermissionDenied
from services import kpis, queue
from services.exports import build_export, rows
from services.imports.columns import Kind, columns_of, match_headers
from services.imports.importer import (
    ImportRefused,
    problem_lines,
    remember_headers,
    remembered_headers,
    rows_of,
    run_import,
    template,
)
from services.imports.reading import read_table
from tests import factories as f

ORG_HEADER = "Legal name;Country;City;Organisation type;Contact person;Contact e-mail;VAT or registration number"
ORGS = [
    "Cluster Porto Digital;Portugal;Porto;Cluster organisation or business network;Ana Silva;ana@example.eu;PT501",
    "Lyon Urban Tech;FR;Lyon;SME;;;",
    "Wiener Netzwerk;Austria;Wien;sme;;;",
]


def table_rows(kind: Kind, text: str) -> list:
    table = read_table("file.csv", text.encode())
    return rows_of(kind, table, match_headers(kind, table.headers))


def orgs_csv(*lines: str) -> str:
    return "\n".join([ORG_HEADER, *lines]) + "\n"


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def people(session: Session) -> dict:
    admin = f.admin(session)
    mine, other = f.partnership(session, admin, "PD"), f.partnership(session, admin, "OT")
    return {
        "admin": admin,
        "mine": mine,
        "other": other,
        "coordinator": f.coordinator(session, admin, id_of(mine)),
        "other_coordinator": f.coordinator(session, admin, id_of(other)),
    }


def imp(session: Session, actor: User, kind: Kind, text: str, **kw) -> object:
    return run_import(session=session, actor=actor, kind=kind, rows=table_rows(kind, text), **kw)


def test_a_file_with_one_bad_row_stores_nothing_and_names_row_and_column(session: Session, people: dict) -> None:
    events = count(session, AuditEvent)
    with pytest.raises(ImportRefused) as refused:
        imp(session, people["coordinator"], Kind.ORGANISATIONS, orgs_csv(*ORGS, "Bad;Narnia;Porto;wizard;;;"))
    lines = problem_lines(Kind.ORGANISATIONS, refused.value.checked)
    assert lines == [
        "Row 5, column “Country”: “Narnia” is not a participating country we know; choose one from the list.",
        "Row 5, column “Organisation type”: “wizard” is not a type of organisation we know; choose one from the list.",
    ]
    session.rollback()
    assert count(session, Organisation) == 0 and count(session, User) == 3 and count(session, AuditEvent) == events


def test_organisations_are_added_with_their_contact_then_a_second_import_changes_nothing(
    session: Session, people: dict
) -> None:
    coordinator = people["coordinator"]
    summary = imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    assert summary.line() == "3 organisations added, 0 updated, 0 unchanged, 1 contact person added"
    porto = session.exec(select(Organisation).where(Organisation.country == "PT")).one()
    assert (porto.org_type, porto.city, porto.partnership_id) == (OrgType.CLUSTER, "Porto", id_of(people["mine"]))
    assert porto.latitude is not None  # found in the city list, for the lump sum's distance
    wien = session.exec(select(Organisation).where(Organisation.country == "AT")).one()
    assert wien.city == "Vienna"
    ana = session.exec(select(User).where(User.email == "ana@example.eu")).one()
    assert (ana.role, ana.organisation_id, ana.username) == (Role.PARTICIPANT, porto.id, "ana")
    events = session.exec(select(AuditEvent.entity_type, AuditEvent.action).where(AuditEvent.action == "import")).all()
    assert sorted(events) == [("organisation", "import")] * 3 + [("user", "import")]
    assert verify_chain(session).ok
    before = count(session, AuditEvent)
    again = imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    assert (again.added, again.updated, again.unchanged, again.people_added) == (0, 0, 3, 0)
    assert count(session, Organisation) == 3 and count(session, AuditEvent) == before


def test_a_row_whose_key_exists_updates_that_record(session: Session, people: dict) -> None:
    coordinator = people["coordinator"]
    imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    renamed = "Porto Digital Cluster;PT;Braga;cluster;;;PT 501"  # same VAT number, new name and city
    moved = "LYON URBAN TECH;France;Lyon;large_company;;;"  # same name and country, any case
    summary = imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(renamed, moved))
    assert (summary.added, summary.updated) == (0, 2)
    assert count(session, Organisation) == 3
    porto = session.exec(select(Organisation).where(Organisation.country == "PT")).one()
    assert (porto.legal_name, porto.city) == ("Porto Digital Cluster", "Braga")
    updates = session.exec(select(AuditEvent.comment).where(AuditEvent.action == "import_update")).all()
    assert sorted(updates) == ["city, legal_name", "legal_name, org_type"]


def test_a_coordinator_imports_for_their_own_partnership_only(session: Session, people: dict) -> None:
    with pytest.raises(PermissionDenied):
        imp(session, people["coordinator"], Kind.ORGANISATIONS, orgs_csv(*ORGS), partnership_id=id_of(people["other"]))
    imp(session, people["other_coordinator"], Kind.ORGANISATIONS, orgs_csv(ORGS[1]))
    with pytest.raises(ImportRefused) as refused:
        imp(session, people["coordinator"], Kind.ORGANISATIONS, orgs_csv("Lyon Urban Tech;FR;Paris;sme;;;"))
    assert "member of another Partnership" in problem_lines(Kind.ORGANISATIONS, refused.value.checked)[0]
    participant = f.participant(session)
    with pytest.raises(PermissionDenied):
        imp(session, participant, Kind.ORGANISATIONS, orgs_csv(*ORGS))


def test_bank_account_email_and_duplicate_rows_are_checked_as_the_forms_check(session: Session, people: dict) -> None:
    header = "Legal name;Country;City;Organisation type;IBAN;BIC;Account holder;Contact person;Contact e-mail"
    text = "\n".join(
        [
            header,
            "A Org;PT;Porto;sme;PT00 1234 5678;;A Org;Al;al@example",
            "A Org;PT;Lisbon;sme;;;;;",
            "B Org;PT;Porto;sme;PT50000201231234567890154;CGDIPTPL;B Org;;",
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        imp(session, people["admin"], Kind.ORGANISATIONS, text)
    lines = problem_lines(Kind.ORGANISATIONS, refused.value.checked)
    assert any(line.startswith("Row 2, column “IBAN”: This IBAN is not valid") for line in lines)
    assert any(line.startswith("Row 2, column “Contact e-mail”") for line in lines)
    assert "Row 3, column “Legal name”: Row 2 is the same organisation; keep one of the two rows." in lines
    assert not any(line.startswith("Row 4") for line in lines), lines


def test_people_join_imported_organisations_by_email_key(session: Session, people: dict) -> None:
    coordinator = people["coordinator"]
    imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    text = (
        "Name,Email,Organisation,Country\n"
        "Bruno Costa,bruno@example.eu,cluster porto digital,PT\n"
        "Ana Silva,ana@example.eu,Cluster Porto Digital,PT\n"
    )
    summary = imp(session, coordinator, Kind.PEOPLE, text)
    assert (summary.added, summary.updated, summary.unchanged) == (1, 0, 1)
    assert imp(session, coordinator, Kind.PEOPLE, text).added == 0
    bad = "Name,Email,Organisation,Country\nX Y,x@example.eu,Nobody Ltd,PT\nAda,admin@example.eu,Lyon Urban Tech,FR\n"
    with pytest.raises(ImportRefused) as refused:
        imp(session, coordinator, Kind.PEOPLE, bad)
    lines = problem_lines(Kind.PEOPLE, refused.value.checked)
    assert "No organisation “Nobody Ltd” in PT" in lines[0]
    assert "coordinator or administrator" in lines[1]


EX_HEADER = (
    "Reference,Visitor,Visitor country,Host,Host country,State,"
    "First day,Last day,Signed outside CXC Desk on,Paid on,Bank reference"
)


def test_exchanges_in_any_state_up_to_paid_appear_in_figures_queues_and_exports(session: Session, people: dict) -> None:
    coordinator = people["coordinator"]
    more = [f"Visitor {i};PT;Porto;sme;;;" for i in range(6)]
    imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS, *more))
    lines = [
        "PD-1,Cluster Porto Digital,PT,Lyon Urban Tech,FR,Paid,2023-05-08,12/05/2023,2023-04-20,2023-06-30,SEPA-1",
        "PD-2,Visitor 0,PT,Lyon Urban Tech,FR,proposed,,,,,",
        "PD-3,Visitor 1,PT,Wiener Netzwerk,AT,planning,,,,,",
        "PD-4,Visitor 2,PT,Lyon Urban Tech,FR,ready,2027-03-01,2027-03-05,2027-01-10,,",
        "PD-5,Visitor 3,PT,Lyon Urban Tech,FR,Closing report sent,2024-03-04,2024-03-08,2024-01-10,,",
        "PD-6,Visitor 4,PT,Wiener Netzwerk,AT,report_accepted,2024-03-04,2024-03-08,2024-01-10,,",
        "PD-7,Visitor 5,PT,Lyon Urban Tech,FR,payment_ordered,2024-03-04,2024-03-08,2024-01-10,,",
    ]
    text = "\n".join([EX_HEADER, *lines])
    summary = imp(session, coordinator, Kind.EXCHANGES, text)
    assert (summary.added, summary.updated) == (7, 0)
    paid = session.exec(select(Exchange).where(Exchange.reference == "PD-1")).one()
    # 8 May is a public holiday in France: 4 working days, so the frozen amount is halved.
    assert (paid.state, paid.lump_sum_cents, paid.signed_outside_on) == (ExchangeState.PAID, 45_000, date(2023, 4, 20))
    assert "4 working days < 5" in paid.lump_sum_breakdown["explained"]
    payment = session.exec(select(Payment).where(Payment.exchange_id == paid.id)).one()
    assert (payment.state, payment.amount_cents, payment.bank_reference) == (PaymentState.PAID, 45_000, "SEPA-1")
    assert count(session, ClosingReport) == 4
    assert count(session, EOI) == 7 + 2  # each Visitor's, and one per Host however many exchanges it hosts
    figures = dict(kpis.by_state(session, kpis.filter_for(coordinator)))
    assert figures[ExchangeState.PAID] == 1 and figures[ExchangeState.PROPOSED] == 1
    assert kpis.money(session, kpis.filter_for(coordinator)).paid_cents == 45_000
    kinds = {item.kind for item in queue.coordinator_queue(session, coordinator, today=date(2024, 6, 1))}
    assert {"report", "payment", "payment_confirm"} <= kinds
    exported = list(rows(session, build_export(coordinator, "exchanges")))
    assert len(exported) == 7
    before = count(session, AuditEvent)
    again = imp(session, coordinator, Kind.EXCHANGES, text)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 7)
    assert count(session, AuditEvent) == before and count(session, Exchange) == 7


def test_an_exchange_moves_on_but_never_back_and_a_visitor_goes_once(session: Session, people: dict) -> None:
    coordinator = people["coordinator"]
    imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    row = "PD-1,Cluster Porto Digital,PT,Lyon Urban Tech,FR,{state},2024-03-04,2024-03-08,2024-01-10,{paid},"
    imp(session, coordinator, Kind.EXCHANGES, "\n".join([EX_HEADER, row.format(state="reporting", paid="")]))
    moved = imp(
        session, coordinator, Kind.EXCHANGES, "\n".join([EX_HEADER, row.format(state="paid", paid="2024-04-02")])
    )
    assert moved.updated == 1
    exchange = session.exec(select(Exchange)).one()
    assert exchange.state == ExchangeState.PAID
    assert session.exec(select(Payment.state)).one() == PaymentState.PAID
    with pytest.raises(ImportRefused) as refused:
        imp(session, coordinator, Kind.EXCHANGES, "\n".join([EX_HEADER, row.format(state="reporting", paid="")]))
    assert "is not moved back" in problem_lines(Kind.EXCHANGES, refused.value.checked)[0]
    second = "PD-2,Cluster Porto Digital,PT,Wiener Netzwerk,AT,proposed,,,,,"
    same_country = "PD-3,Lyon Urban Tech,FR,Lyon Urban Tech,France,planning,,,,,"
    with pytest.raises(ImportRefused) as refused:
        imp(session, coordinator, Kind.EXCHANGES, "\n".join([EX_HEADER, second, same_country]))
    lines = problem_lines(Kind.EXCHANGES, refused.value.checked)
    assert any("Row 2, column “Visitor”" in line and "only once" in line for line in lines)
    assert any("Row 3" in line and "cross a border" in line for line in lines)


def test_exchange_dates_are_checked_in_working_days_of_the_host_country(session: Session, people: dict) -> None:
    coordinator = people["coordinator"]
    imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    short = "PD-1,Cluster Porto Digital,PT,Lyon Urban Tech,FR,ready,2024-12-24,2024-12-26,2024-12-01,,"
    with pytest.raises(ImportRefused) as refused:
        imp(session, coordinator, Kind.EXCHANGES, "\n".join([EX_HEADER, short]))
    assert "needs at least 3" in problem_lines(Kind.EXCHANGES, refused.value.checked)[0]
    no_dates = "PD-1,Cluster Porto Digital,PT,Lyon Urban Tech,FR,paid,,,,,"
    with pytest.raises(ImportRefused) as refused:
        imp(session, coordinator, Kind.EXCHANGES, "\n".join([EX_HEADER, no_dates]))
    assert len(refused.value.checked[0].problems) == 4  # first and last day, signature day, payment day


def test_a_coordinator_cannot_import_exchanges_of_two_other_partnerships(session: Session, people: dict) -> None:
    imp(session, people["admin"], Kind.ORGANISATIONS, orgs_csv(*ORGS))
    row = "PD-1,Cluster Porto Digital,PT,Lyon Urban Tech,FR,proposed,,,,,"
    header = EX_HEADER + ",Visitor's Partnership,Host's Partnership"
    with pytest.raises(ImportRefused) as refused:
        imp(session, people["coordinator"], Kind.EXCHANGES, f"{header}\n{row},OT,OT")
    assert "supervises neither side" in problem_lines(Kind.EXCHANGES, refused.value.checked)[0]
    assert imp(session, people["coordinator"], Kind.EXCHANGES, f"{header}\n{row},PD,OT").added == 1


def test_templates_hold_every_column_with_accepted_values_and_read_back_as_a_valid_file(
    session: Session, people: dict
) -> None:
    for kind in Kind:
        name, content, _mime = template(session, kind, "csv")
        table = read_table(name, content)
        match = match_headers(kind, table.headers)
        assert set(match.by_index.values()) == {c.key for c in columns_of(kind)}
        assert not match.missing
    _name, content, _mime = template(session, Kind.ORGANISATIONS, "xlsx")
    table = read_table("t.xlsx", content)
    assert "AT, BE" in table.headers[1] and "sme" in table.headers[3]
    # Each template's example row imports as it is (the exchange's Host added first).
    imp(session, people["coordinator"], Kind.ORGANISATIONS, orgs_csv(ORGS[1]))
    for kind in Kind:
        example = template(session, kind, "csv")[1].decode("utf-8-sig")
        summary = imp(session, people["coordinator"], kind, example)
        # The people template's example is the organisations template's contact person: already there.
        assert (summary.added, summary.unchanged) == ((0, 1) if kind == Kind.PEOPLE else (1, 0)), kind


def test_the_mapping_step_is_remembered_for_the_next_import(session: Session, people: dict) -> None:
    remember_headers(
        session=session,
        actor=people["coordinator"],
        kind=Kind.ORGANISATIONS,
        choices={"Raison sociale": "legal_name", "Notes": ""},
    )
    remembered = remembered_headers(session, Kind.ORGANISATIONS)
    match = match_headers(Kind.ORGANISATIONS, ["Raison sociale", "Notes", "Country", "City", "Type"], remembered)
    assert match.by_index == {0: "legal_name", 2: "country", 3: "city", 4: "org_type"} and not match.unknown
    assert session.exec(select(func.count()).select_from(InstanceSetting)).one() == 2
    assert remembered_headers(session, Kind.PEOPLE) == {}


def test_people_keep_a_chosen_user_name_unless_it_is_taken(session: Session, people: dict) -> None:
    coordinator = people["coordinator"]
    imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    text = "Full name;E-mail;Organisation;Country;User name\nBruno Costa;Bruno@Example.eu;Lyon Urban Tech;FR;bruno.c\n"
    assert imp(session, coordinator, Kind.PEOPLE, text).added == 1
    bruno = session.exec(select(User).where(User.username == "bruno.c")).one()
    assert bruno.email == "bruno@example.eu" and bruno.password_hash.startswith("$2")
    taken = "Full name;E-mail;Organisation;Country;User name\nBea Lima;bea@example.eu;Lyon Urban Tech;FR;bruno.c\n"
    with pytest.raises(ImportRefused) as refused:
        imp(session, coordinator, Kind.PEOPLE, taken)
    assert "This user name is taken" in problem_lines(Kind.PEOPLE, refused.value.checked)[0]


def test_an_import_sets_a_missing_bank_account_but_never_replaces_one(session: Session, people: dict) -> None:
    coordinator = people["coordinator"]
    header = "Legal name;Country;City;Organisation type;IBAN;BIC;Account holder"
    first = f"{header}\nB Org;PT;Porto;sme;PT50000201231234567890154;CGDIPTPL;B Org\n"
    assert imp(session, coordinator, Kind.ORGANISATIONS, first).added == 1
    assert imp(session, coordinator, Kind.ORGANISATIONS, first).unchanged == 1
    other = f"{header}\nB Org;PT;Porto;sme;DE89370400440532013000;COBADEFFXXX;Someone Else\n"
    with pytest.raises(ImportRefused) as refused:
        imp(session, coordinator, Kind.ORGANISATIONS, other)
    assert "only the organisation changes it" in problem_lines(Kind.ORGANISATIONS, refused.value.checked)[0]
    assert session.exec(select(Organisation.iban)).one() == "PT50000201231234567890154"


@pytest.mark.parametrize(
    ("locale", "kind", "expected"),
    [
        (
            "de",
            Kind.ORGANISATIONS,
            "41 Organisationen hinzugefügt, 3 aktualisiert, 0 unverändert, 2 Zeilen ausgelassen",
        ),
        ("fr", Kind.ORGANISATIONS, "41 organisations ajoutées, 3 mises à jour, 0 inchangée, 2 lignes écartées"),
        ("fr", Kind.EXCHANGES, "41 échanges ajoutés, 3 mis à jour, 0 inchangé, 2 lignes écartées"),
        ("pl", Kind.PEOPLE, "dodano 41 osób, zaktualizowano 3, bez zmian: 0, pominięto 2 wiersze"),
        ("en", Kind.PEOPLE, "41 people added, 3 updated, 0 unchanged, 2 left out"),
    ],
)
def test_the_summary_is_one_sentence_per_count_in_the_reader_language(locale: str, kind: Kind, expected: str) -> None:
    from domain.i18n import in_language
    from services.imports.common import Summary

    with in_language(locale):
        assert Summary(kind, added=41, updated=3, unchanged=0, left_out=2).line() == expected
