"""Who is who on a record: the parties a user acts as, resolved on the server.

A user never chooses a party: it follows from the user's organisation or Partnership and
the record. An empty set means the record is outside the user's scope.
"""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import EOI, Exchange, Organisation, Partnership, User
from domain.enums import Party, Role
from domain.errors import NotFound
from domain.i18n import _


def eoi_parties(user: User, eoi: EOI) -> set[Party]:
    parties: set[Party] = set()
    if user.role == Role.PARTICIPANT and user.organisation_id == eoi.organisation_id:
        parties.add(Party.APPLICANT)
    if user.role == Role.COORDINATOR and user.partnership_id is not None:
        # An "assign me" EOI is open to every coordinator until a Partnership takes it.
        if eoi.partnership_id == user.partnership_id or eoi.partnership_id is None:
            parties.add(Party.PARTNERSHIP)
    if user.role == Role.ADMIN:
        parties.add(Party.SUPPORT_OFFICE)
    return parties


def exchange_parties(user: User, exchange: Exchange) -> set[Party]:
    parties: set[Party] = set()
    if user.role == Role.PARTICIPANT and user.organisation_id is not None:
        if user.organisation_id == exchange.visitor_org_id:
            parties.add(Party.VISITOR)
        if user.organisation_id == exchange.host_org_id:
            parties.add(Party.HOST)
    if user.role == Role.COORDINATOR and user.partnership_id is not None:
        if user.partnership_id == exchange.visitor_partnership_id:
            parties.add(Party.VISITOR_PARTNERSHIP)
        if user.partnership_id == exchange.host_partnership_id:
            parties.add(Party.HOST_PARTNERSHIP)
    return parties


def load_eoi(session: Session, user: User, eoi_id: int) -> tuple[EOI, set[Party]]:
    """The EOI and the user's parties on it; NotFound also when it is outside the scope."""
    eoi = session.get(EOI, eoi_id)
    parties = eoi_parties(user, eoi) if eoi else set()
    if eoi is None or not parties:
        raise NotFound(_("No expression of interest with this number is open to you."))
    return eoi, parties


def load_exchange(session: Session, user: User, exchange_id: int) -> tuple[Exchange, set[Party]]:
    exchange = session.get(Exchange, exchange_id)
    parties = exchange_parties(user, exchange) if exchange else set()
    if exchange is None or not parties:
        raise NotFound(_("No exchange with this number is open to you."))
    return exchange, parties


def organisation_users(session: Session, organisation_id: int) -> list[User]:
    return list(session.exec(select(User).where(User.organisation_id == organisation_id, User.is_active == True)))  # noqa: E712


def partnership_users(session: Session, partnership_id: int) -> list[User]:
    return list(
        session.exec(
            select(User).where(User.partnership_id == partnership_id, User.role == Role.COORDINATOR, User.is_active == True)  # noqa: E712
        )
    )


def admins(session: Session) -> list[User]:
    return list(session.exec(select(User).where(User.role == Role.ADMIN, User.is_active == True)))  # noqa: E712


def require_participant_org(session: Session, user: User) -> Organisation:
    if user.role != Role.PARTICIPANT or user.organisation_id is None:
        raise NotFound(_("Only participants of an organisation can do this."))
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None:
        raise NotFound(_("Your organisation no longer exists."))
    return organisation


def require_partnership(session: Session, partnership_id: int | None) -> Partnership:
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    if partnership is None:
        raise NotFound(_("Choose a Partnership from the list."))
    return partnership
