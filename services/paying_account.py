"""The account a lump sum is paid to: the one printed in the Financial Agreement that both its
signers signed, never whatever the Visitor's profile says today (the classic way to redirect a payment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import Document, Organisation, Signature
from documents.kinds import TO_SIGN
from domain.enums import DocumentKind
from domain.errors import ValidationFailed
from domain.i18n import _, long_day

AGREEMENT = DocumentKind.FINANCIAL_AGREEMENT


@dataclass(frozen=True)
class PayeeAccount:
    holder: str
    iban: str
    bic: str
    set_at: datetime | None  # when the Visitor gave this account (None: before the app kept the date)

    def masked(self) -> str:
        """Enough to recognise the account, not enough to copy it: the last four characters."""
        return f"{self.holder} · IBAN …{self.iban[-4:]} · BIC {self.bic}"

    def set_on(self) -> str:
        return long_day(self.set_at.date()) if self.set_at else _("date not recorded")

    def as_details(self) -> dict[str, Any]:
        """What a document prints."""
        return {"holder": self.holder, "iban": self.iban, "bic": self.bic}

    def same_account(self, other: PayeeAccount | None) -> bool:
        return other is not None and (self.holder, self.iban, self.bic) == (other.holder, other.iban, other.bic)


def of_organisation(organisation: Organisation) -> PayeeAccount | None:
    """The account on file, if complete (an agreement needs both IBAN and BIC)."""
    if not organisation.iban or not organisation.bic:
        return None
    holder = organisation.account_holder or organisation.legal_name
    return PayeeAccount(holder, organisation.iban, organisation.bic, organisation.account_set_at)


def of_document(document: Document) -> PayeeAccount | None:
    if not document.payee_iban:
        return None
    return PayeeAccount(document.payee_holder, document.payee_iban, document.payee_bic, document.payee_account_set_at)


def snapshot(document: Document, account: PayeeAccount) -> None:
    document.payee_holder, document.payee_iban, document.payee_bic = account.holder, account.iban, account.bic
    document.payee_account_set_at = account.set_at


def current_agreement(session: Session, exchange_id: int) -> Document | None:
    return session.exec(
        select(Document).where(
            Document.exchange_id == exchange_id, Document.kind == AGREEMENT, col(Document.superseded_at).is_(None)
        )
    ).first()


def is_fully_signed(session: Session, document: Document) -> bool:
    parties = set(session.exec(select(Signature.party).where(Signature.document_id == document.id)))
    return parties >= TO_SIGN[document.kind]


def signed_account(session: Session, exchange_id: int) -> PayeeAccount | None:
    """The account of the current Financial Agreement once every signer has signed it; else None."""
    agreement = current_agreement(session, exchange_id)
    if agreement is None or not is_fully_signed(session, agreement):
        return None
    return of_document(agreement)


def require_signed_account(session: Session, exchange_id: int) -> PayeeAccount:
    account = signed_account(session, exchange_id)
    if account is None:
        raise ValidationFailed(
            {
                "iban": _(
                    "Exchange {id} has no signed Financial Agreement with a bank account: when the Visitor's account "
                    "changes, the new agreement must be signed by the Visitor and its Partnership before the payment."
                ).format(id=exchange_id)
            }
        )
    return account


def last_signed_account(session: Session, exchange_id: int) -> PayeeAccount | None:
    """The account of the latest agreement every signer signed, even if a later change replaced it: what a
    transfer made before that change was sent to."""
    agreements = session.exec(
        select(Document)
        .where(Document.exchange_id == exchange_id, Document.kind == AGREEMENT)
        .order_by(col(Document.version).desc())
    )
    for agreement in agreements:
        if is_fully_signed(session, agreement):
            return of_document(agreement)
    return None
