"""Templates downloaded in any shipped language import back: their headers are the labels in that
language, and the values people write in it (countries, organisation types, states, roles) are accepted."""

from __future__ import annotations

import csv
import io

import pytest
from babel import Locale
from sqlmodel import Session, select

from db.models import Exchange, Organisation, User
from db.types import id_of
from domain.enums import ExchangeState, OrgRole, OrgType
from domain.i18n import SHIPPED, _, in_language
from domain.labels import ORG_ROLE_LABELS, ORG_TYPE_LABELS
from domain.workflow import state_label
from services.imports.columns import Kind, columns_of, country_code, match_headers, org_type_code, state_code
from services.imports.importer import rows_of, run_import, template
from services.imports.reading import read_table
from tests import factories as f

# A Visitor country per language, each written as that language names it ("Portogallo", "Österreich"…).
VISITOR_COUNTRY = {"en": "PT", "fr": "DE", "de": "AT", "es": "NL", "it": "PT", "pl": "ES"}
HOST = ("Lyon Urban Tech", "FR")


def filled(language: str, session: Session, kind: Kind, values: dict[str, str]) -> tuple[bytes, list[str]]:
    """The template of `kind` as a person of `language` downloads it, with one row filled in."""
    with in_language(language):
        name, content, _mime = template(session, kind, "csv")
    headers = list(read_table(name, content).headers)
    out = io.StringIO()
    writer = csv.writer(out)  # as the template itself is written
    writer.writerow(headers)
    writer.writerow([values.get(c.key, "") for c in columns_of(kind)])  # the template's columns, in its order
    return out.getvalue().encode("utf-8"), headers


def imported(session: Session, actor: User, kind: Kind, content: bytes) -> None:
    """Read, matched and imported as the command does it (in English: the file alone says what it holds)."""
    table = read_table("filled.csv", content)
    match = match_headers(kind, table.headers)
    assert sorted(match.by_index.values()) == sorted(c.key for c in columns_of(kind)), table.headers
    assert not (match.unknown or match.missing or match.duplicates)
    summary = run_import(session=session, actor=actor, kind=kind, rows=rows_of(kind, table, match))
    assert summary.added == 1, (kind, summary.line())


def country_name(language: str, code: str) -> str:
    return Locale.parse(language).territories[code]


@pytest.mark.parametrize("language", SHIPPED)
def test_a_template_in_each_language_is_filled_in_that_language_and_imports(session: Session, language: str) -> None:
    admin = f.admin(session)
    coordinator = f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")))
    host = "Legal name;Country;City;Organisation type\nLyon Urban Tech;FR;Lyon;sme\n"
    table = read_table("host.csv", host.encode())
    run_import(
        session=session,
        actor=coordinator,
        kind=Kind.ORGANISATIONS,
        rows=rows_of(Kind.ORGANISATIONS, table, match_headers(Kind.ORGANISATIONS, table.headers)),
    )
    code = VISITOR_COUNTRY[language]
    with in_language(language):
        cluster = ORG_TYPE_LABELS[OrgType.CLUSTER]
        signatory = ORG_ROLE_LABELS[OrgRole.SIGNATORY]
        proposed = _(state_label(ExchangeState.PROPOSED))

    content, headers = filled(
        language,
        session,
        Kind.ORGANISATIONS,
        {
            "legal_name": f"Cluster {language}",
            "country": country_name(language, code),
            "city": "Centro",
            "org_type": cluster,
            "contact_name": "Ana Silva",
            "contact_email": f"ana.{language}@example.eu",
        },
    )
    if language != "en":
        assert not any(h.startswith("Legal name") for h in headers)  # the labels are this language's
    imported(session, coordinator, Kind.ORGANISATIONS, content)
    organisation = session.exec(select(Organisation).where(Organisation.legal_name == f"Cluster {language}")).one()
    assert (organisation.country, organisation.org_type) == (code, OrgType.CLUSTER)

    content, _headers = filled(
        language,
        session,
        Kind.PEOPLE,
        {
            "full_name": "Bruno Costa",
            "email": f"bruno.{language}@example.eu",
            "organisation": f"Cluster {language}",
            "country": country_name(language, code),
            "role": signatory,
        },
    )
    imported(session, coordinator, Kind.PEOPLE, content)
    bruno = session.exec(select(User).where(User.email == f"bruno.{language}@example.eu")).one()
    assert bruno.organisation_id == organisation.id
    assert (bruno.is_contact_person, bruno.is_signatory) == (False, True)

    content, _headers = filled(
        language,
        session,
        Kind.EXCHANGES,
        {
            "reference": f"PD-{language}",
            "visitor": f"Cluster {language}",
            "visitor_country": country_name(language, code),
            "host": HOST[0],
            "host_country": country_name(language, HOST[1]),
            "state": proposed,
        },
    )
    imported(session, coordinator, Kind.EXCHANGES, content)
    exchange = session.exec(select(Exchange).where(Exchange.reference == f"PD-{language}")).one()
    assert (exchange.state, exchange.visitor_org_id) == (ExchangeState.PROPOSED, organisation.id)


def test_values_are_read_in_every_language_whatever_the_language_of_the_person_importing() -> None:
    with in_language("en"):
        for language in SHIPPED:
            assert country_code(country_name(language, "DE")) == "DE"
            assert country_code(country_name(language, "DE").upper()) == "DE"
            with in_language(language):
                label, state = ORG_TYPE_LABELS[OrgType.LARGE_COMPANY], _(state_label(ExchangeState.PAID))
            assert org_type_code(label) == "large_company", (language, label)
            assert state_code(state) == "paid", (language, state)
    assert country_code("osterreich") == "AT" and country_code("WŁOCHY") == "IT"  # case and accents aside
    assert country_code("Narnia") == "Narnia"


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_a_template_saved_again_with_semicolons_imports(session: Session, language: str) -> None:
    """What European Excel writes when a person saves the template as CSV: ';' between cells,
    quotes only around cells that hold a ';', so the headers' notes, which hold commas, unquoted."""
    admin = f.admin(session)
    comma_file, headers = filled(
        language,
        session,
        Kind.ORGANISATIONS,
        {"legal_name": "Cluster Sud, Lda", "country": "PT", "city": "Porto", "org_type": "cluster"},
    )
    assert any("," in header for header in headers)  # what made the header row split more by ','
    rows = list(csv.reader(io.StringIO(comma_file.decode())))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    semicolon_file = out.getvalue()
    assert semicolon_file.splitlines()[0].count(",") > semicolon_file.splitlines()[0].count(";")
    table = read_table("saved-by-excel.csv", semicolon_file.encode())
    assert table.headers == tuple(headers) and table.rows[0].cells[0] == "Cluster Sud, Lda"
    match = match_headers(Kind.ORGANISATIONS, table.headers)
    summary = run_import(
        session=session, actor=admin, kind=Kind.ORGANISATIONS, rows=rows_of(Kind.ORGANISATIONS, table, match)
    )
    assert summary.added == 1
    assert [o.legal_name for o in session.exec(select(Organisation))] == ["Cluster Sud, Lda"]
