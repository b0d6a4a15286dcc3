"""The kinds of document the app issues: one row each. Their words are in documents.toml.

A new kind is a member of `DocumentKind` (stored by value: no migration), one row here and, for
a kind built from texts, one section of documents.toml named by its value. A kind with signers
is generated when the plan is approved, signed in the app by those parties and, once all have
signed, issued again as its sealed signed copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from documents.content import Builder, Context, closing_report, from_texts, payment_confirmation, texts
from documents.pdf import DocumentContent
from domain.enums import DocumentKind, Party
from domain.i18n import N_, in_language

V, H, VP, HP = Party.VISITOR, Party.HOST, Party.VISITOR_PARTNERSHIP, Party.HOST_PARTNERSHIP


@dataclass(frozen=True)
class Kind:
    kind: DocumentKind
    code: str  # in the reference: CXC-<exchange>-<code>-v<version>
    title: str  # what the pages call it
    build: Builder | None = None  # None: uploaded (a CV) or made from another kind (a signed copy)
    signers: frozenset[Party] = frozenset()  # who signs it in the app; empty: nobody
    signed_as: DocumentKind | None = None  # the sealed copy issued when every signer has signed
    signed_copy_of: DocumentKind | None = None
    sealed: bool = False  # sealed when issued (a signed copy is always sealed)


_ROWS = (
    Kind(
        DocumentKind.COMMITMENT_TO_QUALITY,
        "CTQ",
        N_("Commitment to Quality"),
        from_texts(parties=(V, H, VP, HP), plan=True),
        signers=frozenset({V, H, VP, HP}),
        signed_as=DocumentKind.SIGNED_COMMITMENT_TO_QUALITY,
    ),
    Kind(
        DocumentKind.FINANCIAL_AGREEMENT,
        "FA",
        N_("Financial Agreement"),
        from_texts(parties=(V, VP), amount=True),
        signers=frozenset({V, VP}),
        signed_as=DocumentKind.SIGNED_FINANCIAL_AGREEMENT,
    ),
    Kind(
        DocumentKind.SIGNED_COMMITMENT_TO_QUALITY,
        "CTQ",
        N_("Commitment to Quality"),
        signed_copy_of=DocumentKind.COMMITMENT_TO_QUALITY,
        sealed=True,
    ),
    Kind(
        DocumentKind.SIGNED_FINANCIAL_AGREEMENT,
        "FA",
        N_("Financial Agreement"),
        signed_copy_of=DocumentKind.FINANCIAL_AGREEMENT,
        sealed=True,
    ),
    Kind(DocumentKind.CLOSING_REPORT, "REPORT", N_("Closing report"), closing_report),
    Kind(DocumentKind.PAYMENT_CONFIRMATION, "PAID", N_("Payment confirmation"), payment_confirmation, sealed=True),
    Kind(DocumentKind.CV, "CV", N_("CV")),
)
KINDS: dict[DocumentKind, Kind] = {row.kind: row for row in _ROWS}

# The kinds signed in the app, in the order they are generated, with their signers.
TO_SIGN: dict[DocumentKind, frozenset[Party]] = {row.kind: row.signers for row in _ROWS if row.signers}


def reference(exchange_id: int, kind: DocumentKind, version: int) -> str:
    suffix = "-signed" if KINDS[kind].signed_copy_of else ""
    return f"CXC-{exchange_id}-{KINDS[kind].code}-v{version}{suffix}"


def document_content(
    ctx: Context, kind: DocumentKind, version: int, details: Mapping[str, Any] | None = None
) -> DocumentContent:
    """The content of one issue of a document of `kind`, built as its row says."""
    build = KINDS[kind].build
    if build is None:
        raise ValueError(f"{kind.value} documents are not built from data")
    with in_language("en"):  # the programme's language, whoever asked for the document
        return build(ctx, kind, reference(ctx.exchange_id, kind, version), version, texts(), details or {})
