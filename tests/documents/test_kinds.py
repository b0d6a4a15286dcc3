"""The one table of document kinds: every kind has a row, and a kind built from texts needs nothing else."""

from __future__ import annotations

from types import SimpleNamespace

from documents.content import Context, from_texts, texts
from documents.kinds import KINDS, TO_SIGN, reference
from domain.enums import DocumentKind, Party


def test_every_kind_has_one_row_and_signed_copies_point_back() -> None:
    assert set(KINDS) == set(DocumentKind)
    for row in KINDS.values():
        if row.signers:
            assert row.signed_as is not None and KINDS[row.signed_as].signed_copy_of == row.kind
            assert KINDS[row.signed_as].sealed and KINDS[row.signed_as].code == row.code
    assert list(TO_SIGN) == [DocumentKind.COMMITMENT_TO_QUALITY, DocumentKind.FINANCIAL_AGREEMENT]


def test_kinds_built_from_texts_have_their_section() -> None:
    sections = texts()
    for kind in TO_SIGN:
        assert sections[kind.value]["title"] and sections[kind.value]["intro"]


def test_references_name_the_kind_and_mark_signed_copies() -> None:
    assert reference(12, DocumentKind.COMMITMENT_TO_QUALITY, 1) == "CXC-12-CTQ-v1"
    assert reference(12, DocumentKind.SIGNED_FINANCIAL_AGREEMENT, 2) == "CXC-12-FA-v2-signed"
    assert reference(3, DocumentKind.PAYMENT_CONFIRMATION, 1) == "CXC-3-PAID-v1"


def test_a_new_kind_is_a_row_and_a_text_section() -> None:
    organisation = SimpleNamespace(
        legal_name="Alfa Lda", city="Porto", country="PT", account_holder="", iban="", bic="", document_language=""
    )
    partnership = SimpleNamespace(name="North Partnership", acronym="NP")
    exchange = SimpleNamespace(id=7, start_date=None, end_date=None, lump_sum_cents=None, lump_sum_breakdown={})
    plan = SimpleNamespace(spec_name="action_plan", version=1, answers={})
    ctx = Context(
        exchange, organisation, organisation, partnership, partnership, plan, public_url="https://cxc.example"
    )
    section = {
        "title": "Mentoring Pledge",
        "intro": "The Host mentors the Visitor.",
        "commitments": {"host": ["Meet every week."]},
    }
    build = from_texts(parties=(Party.VISITOR, Party.HOST))
    content = build(ctx, DocumentKind.COMMITMENT_TO_QUALITY, "CXC-7-MP-v1", 1, {"commitment_to_quality": section}, {})
    assert content.title == "Mentoring Pledge" and content.verify_url == "https://cxc.example/verify?ref=CXC-7-MP-v1"
    headings = [s.heading for s in content.sections]
    assert headings == ["Purpose", "The parties", "Commitments of the Host"]
    assert content.sections[2].paragraphs == ["• Meet every week."]
