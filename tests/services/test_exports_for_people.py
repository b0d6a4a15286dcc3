"""The exports' two kinds of header, read back with pandas: the "for people" file of a French reader heads
its columns in French, while the machine-readable file keeps the same stable names in every language
(scripts rely on them), with the same cells under both."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlmodel import Session

from db.models import User
from db.types import id_of
from domain.enums import Role
from domain.i18n import SHIPPED, in_language
from services import payments
from services.exports import EXPORT_NAMES, build_export, export_file, people_header
from tests.journey import accepted_exchange

# The machine names of each export, as scripts read them: a change here breaks someone's script.
MACHINE = {
    "exchanges": [
        "exchange_id",
        "state",
        "visitor",
        "visitor_country",
        "host",
        "host_country",
        "visitor_partnership",
        "host_partnership",
        "start_date",
        "end_date",
        "lump_sum_eur",
        "proposed_at",
    ],
    "eois": ["eoi_id", "state", "side", "organisation", "country", "partnership", "submitted_at", "decided_at"],
    "organisations": [
        "organisation_id",
        "legal_name",
        "type",
        "country",
        "city",
        "cluster",
        "website",
        "registered_at",
    ],
    "payments": [
        "payment_id",
        "exchange_id",
        "visitor",
        "partnership",
        "amount_eur",
        "currency",
        "state",
        "ordered_at",
        "due_date",
        "paid_at",
        "bank_reference",
    ],
}

# What a French reader finds at the top of the same columns (locales/fr).
FRENCH = {
    "exchanges": [
        "Échange",
        "État",
        "Visiteur",
        "Pays du Visiteur",
        "Hôte",
        "Pays de l'Hôte",
        "Partenariat du Visiteur",
        "Partenariat de l'Hôte",
        "Premier jour",
        "Dernier jour",
        "Montant forfaitaire (EUR)",
        "Proposé le",
    ],
    "eois": [
        "Manifestation d'intérêt",
        "État",
        "Côté",
        "Organisation",
        "Pays",
        "Partenariat",
        "Envoyé le",
        "Décidé le",
    ],
    "organisations": [
        "Numéro de l'organisation",
        "Dénomination légale",
        "Type",
        "Pays",
        "Ville",
        "Cluster",
        "Site web",
        "Enregistré le",
    ],
    "payments": [
        "Paiement",
        "Échange",
        "Visiteur",
        "Partenariat",
        "Montant (EUR)",
        "Devise",
        "État",
        "Ordonné le",
        "Échéance",
        "Payé le",
        "Référence bancaire",
    ],
}
FRENCH_SHEETS = {
    "exchanges": "Échanges",
    "eois": "Manifestations d'intérêt",
    "organisations": "Organisations",
    "payments": "Paiements",
}


def _read(fmt: str, data: bytes) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_french_export_for_people_has_french_headers_and_the_machine_export_keeps_its_names(
    session: Session, fmt: str
) -> None:
    c, exchange = accepted_exchange(session)
    payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    assert set(MACHINE) == set(EXPORT_NAMES)

    for name in EXPORT_NAMES:
        with in_language("en"):
            english_name, english, _mime = export_file(session, c.admin, name, fmt)
        with in_language("fr"):
            machine_name, machine, _mime = export_file(session, c.admin, name, fmt)
            people_name, people, _mime = export_file(session, c.admin, name, fmt, for_people=True)

        assert (english_name, machine_name, people_name) == (
            f"cxc-{name}.{fmt}",
            f"cxc-{name}.{fmt}",
            f"cxc-{name}-fr.{fmt}",
        )
        english_frame, machine_frame, people_frame = _read(fmt, english), _read(fmt, machine), _read(fmt, people)
        assert list(machine_frame.columns) == MACHINE[name] == list(english_frame.columns), name
        assert list(people_frame.columns) == FRENCH[name], name
        assert len(machine_frame) >= 1, f"the {name} export has no row to compare"
        # Only the headers differ: the same cells, row by row, under the French words.
        pd.testing.assert_frame_equal(people_frame.set_axis(MACHINE[name], axis="columns"), machine_frame)
        pd.testing.assert_frame_equal(machine_frame, english_frame)
        if fmt == "xlsx":
            assert list(pd.read_excel(io.BytesIO(people), sheet_name=None)) == [FRENCH_SHEETS[name]]

    exchanges = _read(fmt, export_file(session, c.admin, "exchanges", fmt)[1])
    assert list(exchanges["exchange_id"]) == [str(exchange.id)]
    assert [float(v) for v in exchanges["lump_sum_eur"]] == [900.0]


def test_the_headers_for_people_are_distinct_in_every_shipped_language() -> None:
    """pandas (and a person) cannot tell two columns of the same name apart: it reads the second "Pays" as
    "Pays.1"."""
    admin = User(id=1, username="a", email="a@example.eu", full_name="A", role=Role.ADMIN, password_hash="-")
    for locale in SHIPPED:
        with in_language(locale):
            for name in EXPORT_NAMES:
                words = people_header(build_export(admin, name).header)
                assert len(set(words)) == len(words), f"{locale} {name}: {words}"
                assert not set(words) & set(MACHINE[name]), f"{locale} {name}: a machine name is left: {words}"
