"""Documents of an exchange: those with signers (documents.kinds) generated at plan approval, signed
in the app by the right people, sealed when complete, verifiable, superseded when the plan changes;
the closing report and the payment confirmation issued by their steps."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, func, select

from db.audit import append_event
from db.engine import data_dir
from db.models import ActionPlan, AuditEvent, Document, Exchange, Organisation, Partnership, Signature, User
from db.types import id_of, utcnow
from documents.content import Context, verify_url
from documents.kinds import KINDS, TO_SIGN, document_content, reference
from documents.pdf import Section, render_pdf
from documents.seal import SealCheck, check_seal
from domain.enums import Action, DocumentKind, ExchangeState, Party, SignatureMethod
from domain.errors import NotFound, PermissionDenied, StaleState, ValidationFailed
from domain.i18n import _, in_language
from domain.labels import PARTY_LABELS
from domain.workflow import AGREEMENT_RESIGN_STATES, Facts
from services import paying_account
from services.outbox import notify, organisation_users, partnership_users
from services.permissions import load_exchange, may_sign_for
from services.public_address import public_url
from services.rules import rules_in_force
from services.sealing import Sealer
from services.transitions import apply_transition

# Derived from the one table of kinds (documents.kinds): the kinds signed here and their sealed copies.
REQUIRED: dict[DocumentKind, frozenset[Party]] = TO_SIGN
SIGNED_KIND = {row.kind: row.signed_as for row in KINDS.values() if row.signed_as}


def title(kind: DocumentKind) -> str:
    """What the pages call a document of this kind."""
    return _(KINDS[kind].title)


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
        public_url=public_url(),
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


def missing_account(session: Session, exchange: Exchange) -> str:
    """Why the Financial Agreement cannot be issued yet, in words saying where to fix it; "" when it can."""
    visitor = session.get(Organisation, exchange.visitor_org_id)
    if visitor is not None and paying_account.of_organisation(visitor) is not None:
        return ""
    return _(
        "The Financial Agreement needs the bank account of {org}: a person of {org} adds its IBAN and BIC "
        "under “My organisation” → “Bank account for the lump sum”; the documents are generated then."
    ).format(org=visitor.legal_name if visitor else _("the Visitor"))


def generate_or_wait(session: Session, exchange: Exchange, actor: User | None) -> list[Document]:
    """At plan approval: the documents now, or, without the Visitor's bank account, the plan stays approved
    and the Visitor is asked for the account (saving it generates them). Caller commits."""
    problem = missing_account(session, exchange)
    if not problem:
        return generate_documents(session, exchange, actor)
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=id_of(exchange),
        action="documents_wait_for_bank_account",
    )
    notify(
        session,
        organisation_users(session, exchange.visitor_org_id),
        subject=lambda: _("Add your bank account: the Financial Agreement waits for it"),
        body=problem,
        kind="account_needed",
        link="my_organisation",
    )
    return []


def generate_documents(session: Session, exchange: Exchange, actor: User | None) -> list[Document]:
    """Approved plan -> signing: both documents, with the lump sum and the Visitor's bank account frozen
    into the agreement (caller commits). Refused without the account."""
    problem = missing_account(session, exchange)
    if problem:
        raise ValidationFailed({"iban": problem})
    created = [issue(session, exchange, kind) for kind in REQUIRED]
    apply_transition(session, exchange, Action.GENERATE_DOCUMENTS, parties={Party.SYSTEM}, actor=actor)
    for org in (exchange.visitor_org_id, exchange.host_org_id):
        notify(
            session,
            organisation_users(session, org),
            subject=lambda: _("Documents to sign"),
            body=lambda: _("The Commitment to Quality and the Financial Agreement are ready for your signature."),
            kind="documents_ready",
            link=f"exchange?id={exchange.id}",
        )
    for pid in {exchange.visitor_partnership_id, exchange.host_partnership_id}:
        notify(
            session,
            partnership_users(session, pid),
            subject=lambda: _("Documents to sign"),
            body=lambda: _("An exchange waits for your Partnership's signature."),
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
    if not open_for_signature(exchange.state, document.kind):
        return []
    done = {s.party for s in signatures_of(session, id_of(document))}
    return sorted(p for p in (parties & REQUIRED[document.kind]) - done if may_sign_for(user, p))


def open_for_signature(state: ExchangeState, kind: DocumentKind) -> bool:
    """Documents are signed while the exchange is signing; a Financial Agreement replaced later (the
    Visitor's bank account changed) is signed again whenever the exchange is still to be paid."""
    return kind in REQUIRED and (
        state == ExchangeState.SIGNING
        or (kind == DocumentKind.FINANCIAL_AGREEMENT and state in AGREEMENT_RESIGN_STATES)
    )


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
    if not open_for_signature(exchange.state, document.kind):
        raise PermissionDenied(_("This document is not open for signatures."))
    if party not in REQUIRED[document.kind] or party not in parties:
        raise PermissionDenied(
            _("You cannot sign this document as {party}.").format(party=PARTY_LABELS.get(party, party.value))
        )
    if not may_sign_for(actor, party):
        raise PermissionDenied(
            _(
                "Only a signatory of your organisation signs this document for it; ask your organisation's contact "
                "person to make you a signatory, or a signatory to sign."
            )
        )
    if session.exec(select(Signature.id).where(Signature.document_id == document.id, Signature.party == party)).first():
        raise StaleState(_("The {party} has signed this document already.").format(party=PARTY_LABELS[party]))
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
    if exchange.state == ExchangeState.SIGNING:
        if _all_signed(session, id_of(exchange)):
            _finalise(session, exchange, actor)
    elif paying_account.is_fully_signed(session, document):
        _agreement_signed_again(session, exchange, document, actor)
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
                PARTY_LABELS[signature.party],
                f"{signature.typed_name} ({user.username if user else '?'}) · "
                f"{signature.signed_at.strftime('%Y-%m-%d %H:%M:%S')} UTC · "
                f"{signature.method.value.replace('_', ' ')} · "
                f"SHA-256 signed {signature.signed_sha256}",
            )
        )
        if signature.drawing_png:
            images.append((f"{PARTY_LABELS[signature.party]}: {signature.typed_name}", signature.drawing_png))
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


def _details_of(document: Document) -> dict[str, Any]:
    """What an issue of a document printed beyond the exchange's data: the agreement's bank account."""
    account = paying_account.of_document(document)
    return {"account": account.as_details()} if account else {}


def _seal_signed_copy(
    session: Session, exchange: Exchange, document: Document, ctx: Context, seal: Sealer | None = None
) -> Document:
    """The document as signed, with its signature page and the audit trail, sealed."""
    content = document_content(ctx, document.kind, document.version, _details_of(document))
    final_kind = SIGNED_KIND[document.kind]
    content.reference = reference(id_of(exchange), final_kind, document.version)
    content.verify_url = verify_url(ctx, content.reference)
    content.title = f"{content.title} (signed)"
    with in_language("en"):  # the signed copy, like the document, is in the programme's language
        content.sections += _signature_page(session, document, id_of(exchange))
    seal = seal or Sealer(session, id_of(exchange))
    copy = _store(session, id_of(exchange), final_kind, document.version, seal(render_pdf(content)))
    account = paying_account.of_document(document)
    if account is not None:
        paying_account.snapshot(copy, account)
        session.add(copy)
    return copy


def _agreement_signed_again(session: Session, exchange: Exchange, document: Document, actor: User) -> None:
    """A replaced Financial Agreement has its signatures again: its sealed copy, the timeline, the e-mails.
    The exchange keeps its state: only the payment waited for these signatures."""
    _seal_signed_copy(session, exchange, document, _context(session, exchange))
    account = paying_account.of_document(document)
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=id_of(exchange),
        action="agreement_signed_again",
        comment=f"{document.filename} · IBAN …{account.iban[-4:] if account else '?'}",
    )
    notify(
        session,
        [
            *organisation_users(session, exchange.visitor_org_id),
            *partnership_users(session, exchange.visitor_partnership_id),
        ],
        subject=lambda: _("The new Financial Agreement is signed"),
        body=lambda: _(
            "Both signatures are in: the lump sum of exchange {id} will be paid to the account it names."
        ).format(id=exchange.id),
        kind="agreement_signed_again",
        link=f"exchange?id={exchange.id}",
    )


def _finalise(session: Session, exchange: Exchange, actor: User) -> None:
    """Every signature is in: sealed final PDFs with a signature page and the audit trail; ready."""
    ctx = _context(session, exchange)
    seal = Sealer(session, id_of(exchange))
    for document in [d for d in current_documents(session, id_of(exchange)) if d.kind in REQUIRED]:
        _seal_signed_copy(session, exchange, document, ctx, seal)
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
            subject=lambda: _("All signatures are in"),
            body=lambda: _("The signed and sealed documents are ready; the exchange can take place."),
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
        subject=lambda: _("Documents replaced: please sign again"),
        body=lambda: _(
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
        f"{PARTY_LABELS[s.party]}: {s.typed_name}, {s.signed_at.strftime('%Y-%m-%d %H:%M')} UTC"
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
    check = check_seal(pdf, data_dir())
    if document is not None:
        described = _describe(session, document)
        return replace(described, reason=described.reason + _time_stamp_note(check))
    if check.sealed and not check.intact:
        return Verification(False, False, _("not valid: {why}").format(why=check.reason))
    if check.sealed and check.trusted:
        return Verification(True, True, _("sealed by this instance, but not in its records") + _time_stamp_note(check))
    return Verification(False, False, _("not issued by this instance ({why})").format(why=check.reason))


def _time_stamp_note(check: SealCheck) -> str:
    return f"; {check.time_stamp.line()}" if check.time_stamp else ""


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
    """A new version of a `kind` document of this exchange, built, and sealed if its row says so; caller commits.
    A Financial Agreement prints the Visitor's bank account on file and keeps it (refused without one)."""
    version = _next_version(session, id_of(exchange), kind)
    account = None
    if kind == DocumentKind.FINANCIAL_AGREEMENT:
        visitor = session.get(Organisation, exchange.visitor_org_id)
        account = paying_account.of_organisation(visitor) if visitor else None
        if account is None:
            raise ValidationFailed({"iban": missing_account(session, exchange)})
        details = {**(details or {}), "account": account.as_details()}
    pdf = render_pdf(document_content(_context(session, exchange), kind, version, details))
    document = _store(
        session, id_of(exchange), kind, version, Sealer(session, id_of(exchange))(pdf) if KINDS[kind].sealed else pdf
    )
    if account is not None:
        paying_account.snapshot(document, account)
        session.add(document)
    return document


def closing_report_pdf(
    session: Session, exchange: Exchange, answers: dict, evidence: list[tuple[str, str, str]]
) -> Document:
    """The closing report as sent (caller commits); a new version each time it is sent again."""
    return issue(session, exchange, DocumentKind.CLOSING_REPORT, {"answers": answers, "evidence": evidence})


def payment_confirmation_pdf(
    session: Session,
    exchange: Exchange,
    amount_cents: int,
    paid_on: str,
    bank_reference: str,
    account: paying_account.PayeeAccount,
) -> Document:
    """A sealed confirmation that the lump sum was paid to the signed agreement's `account` (caller commits)."""
    return issue(
        session,
        exchange,
        DocumentKind.PAYMENT_CONFIRMATION,
        {
            "amount_cents": amount_cents,
            "paid_on": paid_on,
            "reference": bank_reference,
            "account": account.as_details(),
        },
    )
