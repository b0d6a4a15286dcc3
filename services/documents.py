"""Documents of an exchange: those with signers (documents.kinds) generated at plan approval, signed
in the app by the right people, sealed when complete, verifiable, superseded when the plan changes;
the closing report and the payment confirmation issued by their steps."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from db.audit import append_event
from db.engine import data_dir
from db.models import ActionPlan, AuditEvent, Document, Exchange, Organisation, Partnership, Signature, User
from db.types import id_of, utcnow
from documents.content import Context, verify_url
from documents.kinds import KINDS, TO_SIGN, document_content, reference
from documents.pdf import Section, render_pdf
from documents.seal import check_seal, seal_pdf
from domain.enums import Action, DocumentKind, ExchangeState, Party, SignatureMethod
from domain.errors import NotFound, PermissionDenied, StaleState, ValidationFailed
from domain.i18n import _
from domain.workflow import Facts
from services.outbox import notify, organisation_users, partnership_users
from services.permissions import load_exchange
from services.rules import rules_in_force
from services.settings import load_settings
from services.transitions import apply_transition

# Derived from the one table of kinds (documents.kinds): the kinds signed here and their sealed copies.
REQUIRED: dict[DocumentKind, frozenset[Party]] = TO_SIGN
SIGNED_KIND = {row.kind: row.signed_as for row in KINDS.values() if row.signed_as}
PARTY_WORDS = {
    Party.VISITOR: "Visitor",
    Party.HOST: "Host",
    Party.VISITOR_PARTNERSHIP: "Visitor's Partnership",
    Party.HOST_PARTNERSHIP: "Host's Partnership",
}


def title(kind: DocumentKind) -> str:
    """What the pages call a document of this kind."""
    return KINDS[kind].title


def _context(session: Session, exchange: Exchange) -> Context:
    """What the documents of this exchange print: handed to `documents`, which never reads the database."""
    plan = session.exec(
        select(ActionPlan).where(ActionPlan.exchange_id == exchange.id).order_by(ActionPlan.version.desc())  # type: ignore[attr-defined]
    ).first()
    visitor, host = session.get(Organisation, exchange.visitor_org_id), session.get(Organisation, exchange.host_org_id)
    vop, hop = (
        session.get(Partnership, exchange.visitor_partnership_id),
        session.get(Partnership, exchange.host_partnership_id),
    )
    if plan is None or visitor is None or host is None or vop is None or hop is None:
        raise NotFound(_("The exchange's records are incomplete."))
    return Context(
        exchange,
        visitor,
        host,
        vop,
        hop,
        plan,
        public_url=load_settings().public_url,
        rules=rules_in_force(session, exchange),
    )


def _store(session: Session, exchange_id: int, kind: DocumentKind, version: int, pdf: bytes) -> Document:
    document = Document(
        exchange_id=exchange_id,
        kind=kind,
        version=version,
        filename=f"{reference(exchange_id, kind, version)}.pdf",
        mime_type="application/pdf",
        size_bytes=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        content=pdf,
    )
    session.add(document)
    session.flush()
    return document


def generate_documents(session: Session, exchange: Exchange, actor: User | None) -> list[Document]:
    """Approved plan -> signing: both documents, with the lump sum frozen into the agreement (caller commits)."""
    created = [issue(session, exchange, kind) for kind in REQUIRED]
    apply_transition(session, exchange, Action.GENERATE_DOCUMENTS, parties={Party.SYSTEM}, actor=actor)
    for org in (exchange.visitor_org_id, exchange.host_org_id):
        notify(
            session,
            organisation_users(session, org),
            subject=_("Documents to sign"),
            body=_("The Commitment to Quality and the Financial Agreement are ready for your signature."),
            kind="documents_ready",
            link=f"exchange?id={exchange.id}",
        )
    for pid in {exchange.visitor_partnership_id, exchange.host_partnership_id}:
        notify(
            session,
            partnership_users(session, pid),
            subject=_("Documents to sign"),
            body=_("An exchange waits for your Partnership's signature."),
            kind="documents_ready",
            link=f"exchange?id={exchange.id}",
        )
    return created


def current_documents(session: Session, exchange_id: int) -> list[Document]:
    return list(
        session.exec(
            select(Document)
            .where(Document.exchange_id == exchange_id, col(Document.superseded_at).is_(None))
            .order_by(Document.kind, Document.version)
        )
    )


def signatures_of(session: Session, document_id: int) -> list[Signature]:
    return list(
        session.exec(select(Signature).where(Signature.document_id == document_id).order_by(Signature.signed_at))
    )


def parties_to_sign(session: Session, user: User, document: Document) -> list[Party]:
    """The parties this user may still sign for on this document (several for a coordinator of both sides)."""
    if document.kind not in REQUIRED or document.superseded_at is not None or document.exchange_id is None:
        return []
    try:
        exchange, parties = load_exchange(session, user, document.exchange_id)
    except NotFound:
        return []
    if exchange.state != ExchangeState.SIGNING:
        return []
    done = {s.party for s in signatures_of(session, id_of(document))}
    return sorted((parties & REQUIRED[document.kind]) - done)


def _same_name(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

    return norm(a) == norm(b)


def sign_document(
    *,
    session: Session,
    actor: User,
    document_id: int,
    party: Party,
    typed_name: str,
    agreed: bool,
    shown_sha256: str,
    drawing_png: bytes | None = None,
) -> Signature:
    document = session.get(Document, document_id)
    if document is None or document.exchange_id is None:
        raise NotFound(_("No such document."))
    exchange, parties = load_exchange(session, actor, document.exchange_id)
    if document.superseded_at is not None:
        raise PermissionDenied(
            _("This version was replaced by a newer one; open the exchange again and sign the new version.")
        )
    if exchange.state != ExchangeState.SIGNING or document.kind not in REQUIRED:
        raise PermissionDenied(_("This document is not open for signatures."))
    if party not in REQUIRED[document.kind] or party not in parties:
        raise PermissionDenied(
            _("You cannot sign this document as {party}.").format(party=PARTY_WORDS.get(party, party.value))
        )
    if session.exec(select(Signature.id).where(Signature.document_id == document.id, Signature.party == party)).first():
        raise StaleState(_("The {party} has signed this document already.").format(party=PARTY_WORDS[party]))
    errors = {}
    if not _same_name(typed_name, actor.full_name):
        errors["typed_name"] = _("Type your full name exactly as in your account: {name}.").format(name=actor.full_name)
    if not agreed:
        errors["agreed"] = _("Tick “I have read and agree” to sign.")
    if shown_sha256 != document.sha256:
        errors["document"] = _("The document changed since you opened it; read the new version before you sign.")
    if drawing_png is not None and not drawing_png.startswith(b"\x89PNG"):
        errors["drawing"] = _("The drawn signature could not be read; draw it again or leave it out.")
    if errors:
        raise ValidationFailed(errors)
    signature = Signature(
        document_id=id_of(document),
        party=party,
        user_id=id_of(actor),
        typed_name=" ".join(typed_name.split()),
        method=SignatureMethod.TYPED_NAME_AND_DRAWING if drawing_png else SignatureMethod.TYPED_NAME,
        signed_sha256=document.sha256,
        drawing_png=drawing_png,
    )
    session.add(signature)
    session.flush()
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=id_of(exchange),
        action="sign",
        comment=f"{document.filename} as {party.value} sha256 {document.sha256}",
    )
    if _all_signed(session, id_of(exchange)):
        _finalise(session, exchange, actor)
    session.commit()
    return signature


def _all_signed(session: Session, exchange_id: int) -> bool:
    documents = [d for d in current_documents(session, exchange_id) if d.kind in REQUIRED]
    if {d.kind for d in documents} != set(REQUIRED):
        return False
    return all({s.party for s in signatures_of(session, id_of(d))} >= REQUIRED[d.kind] for d in documents)


def _signature_page(session: Session, document: Document, exchange_id: int) -> list[Section]:
    rows, images = [], []
    for signature in signatures_of(session, id_of(document)):
        user = session.get(User, signature.user_id)
        rows.append(
            (
                PARTY_WORDS[signature.party],
                f"{signature.typed_name} ({user.username if user else '?'}) · "
                f"{signature.signed_at.strftime('%Y-%m-%d %H:%M:%S')} UTC · "
                f"{signature.method.value.replace('_', ' ')} · "
                f"SHA-256 signed {signature.signed_sha256}",
            )
        )
        if signature.drawing_png:
            images.append((f"{PARTY_WORDS[signature.party]}: {signature.typed_name}", signature.drawing_png))
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "exchange", AuditEvent.entity_id == exchange_id)
        .order_by(AuditEvent.seq)
    ).all()
    trail = [
        f"{e.created_at.strftime('%Y-%m-%d %H:%M')} UTC · {e.actor_label} · {e.action.replace('_', ' ')}"
        + (f" · {e.comment}" if e.comment else "")
        + f" · #{e.seq} {e.hash[:12]}"
        for e in events
    ]
    return [
        Section(
            _("Signatures"),
            [_("Signed document: {name}, SHA-256 {sha}").format(name=document.filename, sha=document.sha256)],
            rows=rows,
            images=images,
        ),
        Section(_("Audit trail"), trail),
    ]


def _finalise(session: Session, exchange: Exchange, actor: User) -> None:
    """Every signature is in: sealed final PDFs with a signature page and the audit trail; ready."""
    ctx = _context(session, exchange)
    for document in [d for d in current_documents(session, id_of(exchange)) if d.kind in REQUIRED]:
        content = document_content(ctx, document.kind, document.version)
        final_kind = SIGNED_KIND[document.kind]
        content.reference = reference(id_of(exchange), final_kind, document.version)
        content.verify_url = verify_url(ctx, content.reference)
        content.title = f"{content.title} (signed)"
        content.sections += _signature_page(session, document, id_of(exchange))
        _store(session, id_of(exchange), final_kind, document.version, seal_pdf(render_pdf(content), data_dir()))
    apply_transition(
        session,
        exchange,
        Action.COMPLETE_SIGNATURES,
        parties={Party.SYSTEM},
        actor=actor,
        facts=Facts(all_signatures_in=True),
    )
    for org in (exchange.visitor_org_id, exchange.host_org_id):
        notify(
            session,
            organisation_users(session, org),
            subject=_("All signatures are in"),
            body=_("The signed and sealed documents are ready; the exchange can take place."),
            kind="documents_signed",
            link=f"exchange?id={exchange.id}",
        )


def supersede_documents(session: Session, exchange: Exchange) -> int:
    """Mark the current documents superseded: their signatures no longer count (caller commits)."""
    documents = current_documents(session, id_of(exchange))
    now = utcnow()
    signers = set()
    for document in documents:
        document.superseded_at = now
        session.add(document)
        signers |= {s.user_id for s in signatures_of(session, id_of(document))}
    users = [u for u in (session.get(User, uid) for uid in signers) if u is not None]
    notify(
        session,
        users,
        subject=_("Documents replaced: please sign again"),
        body=_(
            "The plan of exchange {id} changed; the documents you signed were replaced and must be signed again."
        ).format(id=exchange.id),
        kind="documents_superseded",
        link=f"exchange?id={exchange.id}",
    )
    return len(documents)


@dataclass(frozen=True)
class Verification:
    issued_here: bool
    unchanged: bool
    reason: str
    document: Document | None = None
    signers: tuple[str, ...] = ()

    def line(self) -> str:
        return self.reason


def _describe(session: Session, document: Document) -> Verification:
    base = document
    original_kind = KINDS[document.kind].signed_copy_of
    if original_kind is not None:
        base = (
            session.exec(
                select(Document).where(
                    Document.exchange_id == document.exchange_id,
                    Document.kind == original_kind,
                    Document.version == document.version,
                )
            ).first()
            or document
        )
    signers = tuple(
        f"{PARTY_WORDS[s.party]}: {s.typed_name}, {s.signed_at.strftime('%Y-%m-%d %H:%M')} UTC"
        for s in signatures_of(session, id_of(base))
    )
    state = _("superseded by a newer version") if base.superseded_at else _("current")
    reason = _("issued by this instance and unchanged: {ref}, exchange {exchange}, version {version}, {state}").format(
        ref=document.filename.removesuffix(".pdf"), exchange=document.exchange_id, version=document.version, state=state
    )
    return Verification(True, True, reason, document, signers)


def verify_pdf(session: Session, pdf: bytes) -> Verification:
    digest = hashlib.sha256(pdf).hexdigest()
    document = session.exec(
        select(Document).where(Document.sha256 == digest, col(Document.exchange_id).is_not(None))
    ).first()
    if document is not None:
        return _describe(session, document)
    seal = check_seal(pdf, data_dir())
    if seal.sealed and not seal.intact:
        return Verification(False, False, _("not valid: {why}").format(why=seal.reason))
    if seal.sealed and seal.trusted:
        return Verification(True, True, _("sealed by this instance, but not in its records"))
    return Verification(False, False, _("not issued by this instance ({why})").format(why=seal.reason))


def verify_reference(session: Session, ref: str) -> Verification:
    ref = ref.strip().removesuffix(".pdf")
    document = session.exec(select(Document).where(Document.filename == f"{ref}.pdf")).first() if ref else None
    if document is None:
        return Verification(
            False, False, _("no document with the reference “{ref}” was issued here").format(ref=ref[:60])
        )
    return _describe(session, document)


def _next_version(session: Session, exchange_id: int, kind: DocumentKind) -> int:
    return (
        session.exec(
            select(func.coalesce(func.max(Document.version), 0)).where(
                Document.exchange_id == exchange_id, Document.kind == kind
            )
        ).one()
        + 1
    )


def issue(session: Session, exchange: Exchange, kind: DocumentKind, details: dict[str, Any] | None = None) -> Document:
    """A new version of a `kind` document of this exchange, built, and sealed if its row says so; caller commits."""
    version = _next_version(session, id_of(exchange), kind)
    pdf = render_pdf(document_content(_context(session, exchange), kind, version, details))
    return _store(session, id_of(exchange), kind, version, seal_pdf(pdf, data_dir()) if KINDS[kind].sealed else pdf)


def closing_report_pdf(
    session: Session, exchange: Exchange, answers: dict, evidence: list[tuple[str, str, str]]
) -> Document:
    """The closing report as sent (caller commits); a new version each time it is sent again."""
    return issue(session, exchange, DocumentKind.CLOSING_REPORT, {"answers": answers, "evidence": evidence})


def payment_confirmation_pdf(
    session: Session, exchange: Exchange, amount_cents: int, paid_on: str, bank_reference: str
) -> Document:
    """A sealed confirmation that the lump sum was paid (caller commits)."""
    return issue(
        session,
        exchange,
        DocumentKind.PAYMENT_CONFIRMATION,
        {"amount_cents": amount_cents, "paid_on": paid_on, "reference": bank_reference},
    )
