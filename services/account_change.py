"""A Visitor changes its bank account: every open agreement that names another account is replaced.

The agreement binds the account the lump sum goes to. A new account therefore means a new version of
the Financial Agreement, to be signed again by the Visitor and its Partnership, with the Partnership's
coordinators and the Visitor's people told, and the change on the exchange's timeline: a payment can
no longer be redirected by editing a profile.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.audit import append_event
from db.models import Document, Exchange, Organisation, User
from db.types import id_of, utcnow
from domain.enums import DocumentKind, ExchangeState
from domain.i18n import _
from domain.workflow import ACCOUNT_BOUND_STATES
from services import paying_account
from services.documents import generate_documents, issue
from services.outbox import notify, organisation_users, partnership_users


def _visitor_exchanges(session: Session, organisation_id: int, states: tuple[ExchangeState, ...]) -> list[Exchange]:
    return list(
        session.exec(
            select(Exchange)
            .where(Exchange.visitor_org_id == organisation_id, col(Exchange.state).in_(states))
            .order_by(Exchange.id)
        )
    )


def _retire_agreement(session: Session, exchange_id: int) -> Document | None:
    """The current agreement and its sealed signed copy stop counting; the agreement is returned."""
    now, replaced = utcnow(), None
    for document in session.exec(
        select(Document).where(
            Document.exchange_id == exchange_id,
            col(Document.kind).in_((DocumentKind.FINANCIAL_AGREEMENT, DocumentKind.SIGNED_FINANCIAL_AGREEMENT)),
            col(Document.superseded_at).is_(None),
        )
    ):
        document.superseded_at = now
        session.add(document)
        if document.kind == DocumentKind.FINANCIAL_AGREEMENT:
            replaced = document
    return replaced


def rebind_agreements(session: Session, actor: User, organisation: Organisation) -> list[int]:
    """After the account on file changed (caller commits): waiting agreements are generated, open ones
    naming another account are replaced. Returns the ids of the exchanges whose agreement is new."""
    account = paying_account.of_organisation(organisation)
    if account is None:
        return []
    changed: list[int] = []
    # Plans approved while the account was missing: their documents can be generated now.
    for exchange in _visitor_exchanges(session, id_of(organisation), (ExchangeState.PLAN_APPROVED,)):
        generate_documents(session, exchange, actor)
        changed.append(id_of(exchange))
    for exchange in _visitor_exchanges(session, id_of(organisation), ACCOUNT_BOUND_STATES):
        current = paying_account.current_agreement(session, id_of(exchange))
        if current is None or account.same_account(paying_account.of_document(current)):
            continue
        old = paying_account.of_document(current)
        was_signed = paying_account.is_fully_signed(session, current)
        _retire_agreement(session, id_of(exchange))
        session.flush()
        new = issue(session, exchange, DocumentKind.FINANCIAL_AGREEMENT)
        append_event(
            session,
            actor=actor,
            entity_type="exchange",
            entity_id=id_of(exchange),
            action="bank_account_changed",
            comment=_("IBAN …{old} → …{new}: {replaced} replaced by {document}, to be signed again").format(
                old=old.iban[-4:] if old else "—",
                new=account.iban[-4:],
                replaced=current.filename.removesuffix(".pdf"),
                document=new.filename.removesuffix(".pdf"),
            ),
        )
        _tell(session, actor, organisation, exchange, account, new, was_signed)
        changed.append(id_of(exchange))
    return changed


def _tell(
    session: Session,
    actor: User,
    organisation: Organisation,
    exchange: Exchange,
    account: paying_account.PayeeAccount,
    new: Document,
    was_signed: bool,
) -> None:
    facts = _(
        "{person} of {org} changed its bank account on {day} (now {account}). The Financial Agreement of "
        "exchange {id} is replaced by version {version}, which names the new account"
    ).format(
        person=actor.full_name,
        org=organisation.legal_name,
        day=account.set_on(),
        account=account.masked(),
        id=exchange.id,
        version=new.version,
    )
    signed = _("; the signatures of the earlier version no longer count.") if was_signed else "."
    notify(
        session,
        partnership_users(session, exchange.visitor_partnership_id),
        subject=lambda: _("Bank account changed: the Financial Agreement of exchange {id} must be signed again").format(
            id=exchange.id
        ),
        body=lambda: (
            facts
            + signed
            + " "
            + _(
                "The lump sum waits until the Visitor and your Partnership sign it. If you did not expect this change, "
                "check it with the Visitor by telephone before you sign."
            )
        ),
        kind="bank_account_changed",
        link=f"exchange?id={exchange.id}",
    )
    notify(
        session,
        organisation_users(session, exchange.visitor_org_id),
        subject=lambda: _("Your bank account changed: please sign the Financial Agreement again"),
        body=lambda: (
            facts + signed + " " + _("If nobody of your organisation made this change, tell your Partnership at once.")
        ),
        kind="bank_account_changed",
        link=f"exchange?id={exchange.id}",
    )
