"""Documents are issued in English, the programme's language; an organisation may ask for its own
language after the English text (issue 15, item 4). Needs the compiled catalogues (`make locales`)."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace

import pytest
from sqlmodel import Session, select

from db.models import AuditEvent
from documents.content import Context
from documents.kinds import document_content
from documents.pdf import render_pdf
from domain.enums import DocumentKind
from domain.errors import ValidationFailed
from domain.i18n import in_language
from services.organisations import set_document_language
from tests import factories as f
from tests.bundled_rules import BUNDLED


def _context(visitor_language: str = "", host_language: str = "") -> Context:
    def organisation(name: str, language: str) -> SimpleNamespace:
        return SimpleNamespace(legal_name=name, city="Porto", country="PT", document_language=language)

    partnership = SimpleNamespace(name="North Partnership", acronym="NP")
    exchange = SimpleNamespace(
        id=7,
        start_date=None,
        end_date=None,
        lump_sum_cents=120000,
        lump_sum_breakdown={"explained": "PT rate", "rates_version": 1, "working_days": 5, "distance_km": 300},
    )
    plan = SimpleNamespace(spec_name="action_plan", version=1, answers={})
    return Context(
        exchange,
        organisation("Alfa Lda", visitor_language),
        organisation("Beta SL", host_language),
        partnership,
        partnership,
        plan,
        public_url="https://cxc.example",
        rules=BUNDLED,
    )


ACCOUNT = {"account": {"holder": "Alfa Lda", "iban": "PT50000201231234567890154", "bic": "CGDIPTPL"}}


def _headings(kind: DocumentKind, ctx: Context) -> list[str]:
    return [s.heading for s in document_content(ctx, kind, 1, ACCOUNT).sections]


def test_a_document_is_in_english_whatever_the_reader_reads() -> None:
    with in_language("es"):
        headings = _headings(DocumentKind.COMMITMENT_TO_QUALITY, _context())
    assert headings[:2] == ["Purpose", "The parties"]
    assert "Finalidad" not in headings


def test_the_host_asks_for_spanish_and_the_commitment_carries_it_after_the_english_text() -> None:
    ctx = _context(host_language="es")
    content = document_content(ctx, DocumentKind.COMMITMENT_TO_QUALITY, 1, ACCOUNT)
    headings = [s.heading for s in content.sections]
    split = next(i for i, h in enumerate(headings) if "Español" in h)
    assert headings[:2] == ["Purpose", "The parties"] and split > 2
    assert headings[split + 1 : split + 3] == ["Finalidad", "Las partes"]
    assert len(headings) == 2 * split + 1  # the same sections again, after the note
    pdf = render_pdf(content)
    assert b"/Lang (en)" in pdf or b"/Lang(en)" in pdf
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Purpose" in text and "Finalidad" in text and "Las partes" in text


def test_the_financial_agreement_follows_only_the_visitors_language() -> None:
    ctx = _context(visitor_language="", host_language="es")
    assert not any("Español" in h for h in _headings(DocumentKind.FINANCIAL_AGREEMENT, ctx))
    ctx = _context(visitor_language="es", host_language="es")
    headings = _headings(DocumentKind.FINANCIAL_AGREEMENT, ctx)
    assert sum("Español" in h for h in headings) == 1 and "Importe" in headings


def test_an_organisation_chooses_its_documents_language_and_a_made_up_one_is_refused(session: Session) -> None:
    user = f.participant(session)
    with pytest.raises(ValidationFailed):
        set_document_language(session=session, actor=user, language="xx")
    session.rollback()
    organisation = set_document_language(session=session, actor=user, language="pl")
    assert organisation.document_language == "pl"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "set_document_language")).one()
    assert event.comment == "pl"
