"""The closing report: drafted and filed by the Visitor with evidence, commented by the Host,
accepted (or sent back) by the Visitor's Partnership."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from sqlmodel import Session, select

from db.audit import append_event
from db.models import AuditEvent, ClosingReport, Document, Evidence, Exchange, User
from db.types import id_of, utcnow
from domain.enums import Action, ExchangeState, Party
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.i18n import N_, _
from domain.workflow import Facts
from forms.answers import draft_answers, validate_answers
from forms.spec import load_spec
from services.documents import closing_report_pdf
from services.files import check_upload
from services.outbox import notify, organisation_users, partnership_users
from services.permissions import load_exchange, may_download_evidence_pack
from services.rules import rules_in_force
from services.settings import load_settings
from services.transitions import apply_transition

REPORT_SPEC = "closing_report"
FEEDBACK_SPEC = "host_feedback"
# Stored as these English words; shown with _() in the reader's language.
EVIDENCE_TYPES = (
    N_("Boarding pass or ticket"),
    N_("Travel invoice"),
    N_("Accommodation invoice"),
    N_("Attendance proof"),
    N_("Other"),
)
EVIDENCE_KINDS = ("pdf", "jpeg", "png")
HOST_KEYS = ("host_satisfaction",)


def report_of(session: Session, exchange_id: int) -> ClosingReport | None:
    return session.exec(select(ClosingReport).where(ClosingReport.exchange_id == exchange_id)).first()


def evidence_of(session: Session, report_id: int) -> list[Evidence]:
    return list(
        session.exec(select(Evidence).where(Evidence.closing_report_id == report_id).order_by(Evidence.created_at))
    )


def _visitor_editing(exchange: Exchange, parties: set[Party]) -> None:
    if Party.VISITOR not in parties:
        raise PermissionDenied(_("Only the Visitor files the closing report."))
    if exchange.state != ExchangeState.REPORTING:
        raise PermissionDenied(_("The closing report can be edited only after the stay, until it is sent."))


def _report(session: Session, exchange_id: int) -> ClosingReport:
    report = report_of(session, exchange_id)
    if report is None:
        spec = load_spec(REPORT_SPEC)
        report = ClosingReport(exchange_id=exchange_id, spec_name=spec.name, spec_version=spec.version)
        session.add(report)
        session.flush()
    return report


def _with_host_part(report: ClosingReport, visitor_answers: dict[str, Any]) -> dict[str, Any]:
    """The Visitor's answers beside the Host's satisfaction, which the Visitor never overwrites."""
    host_part = {key: report.answers[key] for key in HOST_KEYS if key in report.answers}
    return {**visitor_answers, **host_part}


def save_report_draft(*, session: Session, actor: User, exchange_id: int, answers: dict[str, Any]) -> ClosingReport:
    exchange, parties = load_exchange(session, actor, exchange_id)
    _visitor_editing(exchange, parties)
    report = _report(session, exchange_id)
    report.answers = _with_host_part(report, draft_answers(load_spec(REPORT_SPEC), answers))
    report.updated_at = utcnow()
    session.add(report)
    session.commit()
    return report


def add_evidence(
    *, session: Session, actor: User, exchange_id: int, evidence_type: str, filename: str, content: bytes
) -> Evidence:
    exchange, parties = load_exchange(session, actor, exchange_id)
    _visitor_editing(exchange, parties)
    if evidence_type not in EVIDENCE_TYPES:
        raise ValidationFailed({"evidence_type": _("Choose what the file proves from the list.")})
    checked = check_upload(filename, content, allowed=EVIDENCE_KINDS, max_mb=load_settings().max_evidence_mb)
    report = _report(session, exchange_id)
    evidence = Evidence(
        closing_report_id=id_of(report),
        evidence_type=evidence_type,
        filename=checked.filename,
        mime_type=checked.mime_type,
        size_bytes=checked.size_bytes,
        sha256=checked.sha256,
        content=checked.content,
        uploaded_by_user_id=id_of(actor),
    )
    session.add(evidence)
    session.flush()
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=exchange_id,
        action="add_evidence",
        comment=f"{checked.filename} {checked.sha256}",
    )
    session.commit()
    return evidence


def remove_evidence(*, session: Session, actor: User, exchange_id: int, evidence_id: int) -> None:
    exchange, parties = load_exchange(session, actor, exchange_id)
    _visitor_editing(exchange, parties)
    report = report_of(session, exchange_id)
    evidence = session.get(Evidence, evidence_id)
    if report is None or evidence is None or evidence.closing_report_id != report.id:
        raise NotFound(_("No such evidence file."))
    session.delete(evidence)
    append_event(
        session,
        actor=actor,
        entity_type="exchange",
        entity_id=exchange_id,
        action="remove_evidence",
        comment=evidence.sha256,
    )
    session.commit()


def submit_report(*, session: Session, actor: User, exchange_id: int, answers: dict[str, Any]) -> Exchange:
    exchange, parties = load_exchange(session, actor, exchange_id)
    _visitor_editing(exchange, parties)
    report = _report(session, exchange_id)
    clean, errors = validate_answers(load_spec(REPORT_SPEC), answers, rules_in_force(session, exchange))
    if not evidence_of(session, id_of(report)):
        errors["evidence"] = _("Add at least one evidence file of the stay (a ticket, a boarding pass or an invoice).")
    if errors:
        raise ValidationFailed(errors)
    report.answers = _with_host_part(report, clean)
    report.submitted_at = utcnow()
    report.updated_at = utcnow()
    session.add(report)
    apply_transition(
        session, exchange, Action.SUBMIT_REPORT, parties=parties, actor=actor, facts=Facts(report_complete=True)
    )
    closing_report_pdf(
        session,
        exchange,
        report.answers,
        [(e.evidence_type, e.filename, e.sha256) for e in evidence_of(session, id_of(report))],
    )
    notify(
        session,
        partnership_users(session, exchange.visitor_partnership_id),
        subject=lambda: _("A closing report waits for your review"),
        body=lambda: _("The Visitor filed its closing report with evidence."),
        kind="report_submitted",
        link=f"exchange?id={exchange_id}",
    )
    notify(
        session,
        organisation_users(session, exchange.host_org_id),
        subject=lambda: _("The Visitor filed its closing report"),
        body=lambda: _("You can add the Host's feedback."),
        kind="report_submitted_host",
        link=f"exchange?id={exchange_id}",
    )
    session.commit()
    return exchange


def save_host_feedback(*, session: Session, actor: User, exchange_id: int, answers: dict[str, Any]) -> ClosingReport:
    exchange, parties = load_exchange(session, actor, exchange_id)
    if Party.HOST not in parties:
        raise PermissionDenied(_("Only the Host adds the Host's feedback."))
    if exchange.state not in (ExchangeState.REPORTING, ExchangeState.REPORT_SUBMITTED):
        raise PermissionDenied(_("Feedback can be added after the stay, until the report is accepted."))
    clean, errors = validate_answers(load_spec(FEEDBACK_SPEC), answers, rules_in_force(session, exchange))
    if errors:
        raise ValidationFailed(errors)
    report = _report(session, exchange_id)
    report.host_feedback = str(clean.get("feedback", ""))
    report.answers = {**report.answers, "host_satisfaction": clean["host_satisfaction"]}
    report.updated_at = utcnow()
    session.add(report)
    append_event(session, actor=actor, entity_type="exchange", entity_id=exchange_id, action="host_feedback")
    session.commit()
    return report


def decide_report(*, session: Session, actor: User, exchange_id: int, accept: bool, comment: str = "") -> Exchange:
    exchange, parties = load_exchange(session, actor, exchange_id)
    comment = comment.strip()
    action = Action.ACCEPT_REPORT if accept else Action.REQUEST_REPORT_CHANGES
    apply_transition(
        session, exchange, action, parties=parties, actor=actor, comment=comment, facts=Facts(comment=comment)
    )
    report = report_of(session, exchange_id)
    if accept and report is not None:
        report.accepted_at = utcnow()
        session.add(report)
    subject = _("Your closing report is accepted") if accept else _("Changes requested on your closing report")
    body = (
        _("The lump sum will be paid.")
        if accept
        else _("The Partnership asks for changes: {comment}").format(comment=comment)
    )
    notify(
        session,
        organisation_users(session, exchange.visitor_org_id),
        subject=subject,
        body=body,
        kind="report_decided",
        link=f"exchange?id={exchange_id}",
    )
    session.commit()
    return exchange


def evidence_pack(*, session: Session, actor: User, exchange_id: int) -> bytes:
    """A zip for coordinators: final PDFs, evidence files and the audit events as JSON."""
    _exchange, parties = load_exchange(session, actor, exchange_id)
    if not may_download_evidence_pack(parties):
        raise PermissionDenied(_("Only the supervising Partnerships download the evidence pack."))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in session.exec(select(Document).where(Document.exchange_id == exchange_id)):
            if document.content:
                archive.writestr(f"documents/{document.filename}", document.content)
        report = report_of(session, exchange_id)
        for item in evidence_of(session, id_of(report)) if report else []:
            archive.writestr(f"evidence/{item.id}-{item.filename}", item.content or b"")
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "exchange", AuditEvent.entity_id == exchange_id)
            .order_by(AuditEvent.seq)
        )
        archive.writestr(
            "audit.json",
            json.dumps(
                [
                    {
                        "seq": e.seq,
                        "at": e.created_at.isoformat(),
                        "actor": e.actor_label,
                        "action": e.action,
                        "from": e.from_state,
                        "to": e.to_state,
                        "comment": e.comment,
                        "hash": e.hash,
                        "prev_hash": e.prev_hash,
                    }
                    for e in events
                ],
                ensure_ascii=False,
                indent=1,
            ),
        )
    return buffer.getvalue()
