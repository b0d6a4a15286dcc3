"""Who may: the one home of every permission answer, resolved on the server.

- roles: `has_role` (the guard of every page), `require_admin`, `require_participant_org`;
- records: the parties a user acts as on a record (`eoi_parties`, `exchange_parties`) and
  `load_eoi` / `load_exchange`, which refuse a record outside the user's scope;
- actions: `eoi_actions` / `exchange_actions`, the workflow table's available actions for this
  person, from which pages draw their buttons; services check the same table on click;
- an organisation's people: `org_roles` of a person, `may_sign_for` (only a signatory signs for
  the organisation), `may_manage_people` (its contact person, or a coordinator of its Partnership).

A user never chooses a party: it follows from the user's organisation or Partnership and
the record. An empty set means the record is outside the user's scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from db.models import EOI, Exchange, Organisation, Partnership, User
from domain.enums import Action, EOIState, ExchangeState, OrgRole, OrgType, Party, Role, Side
from domain.errors import NotFound, PermissionDenied
from domain.i18n import _
from domain.workflow import EOI_TRANSITIONS, EXCHANGE_TRANSITIONS, Facts, available_actions

# Defined beside the accounts until the login rewrite lands there; this module is where callers ask.
from services.accounts import require_admin

__all__ = [
    "answering_sides",
    "counterpart",
    "encoding_scope",
    "eoi_actions",
    "eoi_parties",
    "exchange_actions",
    "exchange_parties",
    "has_role",
    "import_scope",
    "load_eoi",
    "load_exchange",
    "may_download_evidence_pack",
    "may_give_host_feedback",
    "may_manage_people",
    "may_sign_for",
    "news_scope",
    "org_roles",
    "organisation_partnerships",
    "require_admin",
    "require_member",
    "require_participant_org",
    "require_partnership",
    "require_people_manager",
]


def has_role(user: User | None, roles: Iterable[Role]) -> bool:
    """May this user open a page meant for `roles`? (Anonymous visitors never.)"""
    return user is not None and user.role in frozenset(roles)


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


def require_participant_org(session: Session, user: User) -> Organisation:
    if user.role != Role.PARTICIPANT or user.organisation_id is None:
        raise NotFound(_("Only participants of an organisation can do this."))
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None:
        raise NotFound(_("Your organisation no longer exists."))
    return organisation


def _partnership_scope(actor: User, partnership_id: int | None, *, other: str, role: str) -> int | None:
    """The Partnership whose members `actor` acts for: a coordinator's own (asking for another is refused
    with `other`); an administrator's choice, None for any; anyone else is refused with `role`."""
    if actor.is_active and actor.role == Role.COORDINATOR and actor.partnership_id is not None:
        if partnership_id not in (None, actor.partnership_id):
            raise PermissionDenied(other)
        return actor.partnership_id
    if actor.is_active and actor.role == Role.ADMIN:
        return partnership_id
    raise PermissionDenied(role)


def import_scope(actor: User, partnership_id: int | None) -> int | None:
    """Whose records an import may add and change: a coordinator's own Partnership's only (asking for
    another is refused); an administrator any, or those of the Partnership it names."""
    return _partnership_scope(
        actor,
        partnership_id,
        other=_("A coordinator imports records of their own Partnership only."),
        role=_("Only coordinators and administrators import records."),
    )


def encoding_scope(actor: User, partnership_id: int | None) -> int | None:
    """For whom `actor` encodes on the organisations' behalf: as `import_scope`, in this action's words."""
    return _partnership_scope(
        actor,
        partnership_id,
        other=_("A coordinator enters records for their own Partnership only."),
        role=_("Only coordinators and administrators enter records on an organisation's behalf."),
    )


def is_member(session: Session, organisation: Organisation, partnership_id: int | None) -> bool:
    """Is the organisation a member of the Partnership (None: the Support Office, every organisation)?
    A member was brought in by it (created or imported) or has an expression of interest to it."""
    if partnership_id is None or organisation.partnership_id == partnership_id:
        return True
    query = select(EOI.id).where(EOI.organisation_id == organisation.id, EOI.partnership_id == partnership_id)
    return session.exec(query).first() is not None


def require_member(session: Session, actor: User, organisation_id: int) -> Organisation:
    """The organisation `actor` enters a record for: a coordinator's Partnership's member, any organisation
    for an administrator; NotFound otherwise."""
    scope = encoding_scope(actor, None)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or not is_member(session, organisation, scope):
        raise NotFound(_("No organisation with this number is a member of your Partnership."))
    return organisation


def require_partnership(session: Session, partnership_id: int | None) -> Partnership:
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    if partnership is None:
        raise NotFound(_("Choose a Partnership from the list."))
    return partnership


# --- actions: the buttons a person gets ------------------------------------------------


def eoi_actions(eoi: EOI, parties: Iterable[Party]) -> frozenset[Action]:
    """The workflow table's actions on this EOI for these parties; approving waits for a Partnership."""
    facts = Facts(partnership_assigned=eoi.partnership_id is not None)
    return frozenset(available_actions(EOI_TRANSITIONS, eoi.state, parties, facts))


def counterpart(exchange: Exchange) -> Party:
    """The side a proposal was sent to: only it may answer the proposal."""
    return Party.HOST if exchange.proposed_by == Party.VISITOR else Party.VISITOR


def answering_sides(exchange: Exchange) -> frozenset[Party]:
    """Who answers a proposal: the counterpart; for one a Partnership entered on the organisations'
    behalf, each side that has not confirmed it yet (a coordinator never confirms for them)."""
    if exchange.state != ExchangeState.PROPOSED:
        return frozenset()
    if exchange.entered_by_user_id is None:
        return frozenset({counterpart(exchange)})
    return frozenset(
        side
        for side, confirmed in (
            (Party.VISITOR, exchange.visitor_confirmed_at),
            (Party.HOST, exchange.host_confirmed_at),
        )
        if confirmed is None
    )


def exchange_actions(exchange: Exchange, parties: Iterable[Party]) -> frozenset[Action]:
    """The workflow table's actions on this exchange for these parties (guards are checked on click)."""
    mine = frozenset(parties)
    actions = set(available_actions(EXCHANGE_TRANSITIONS, exchange.state, mine))
    if exchange.state == ExchangeState.PROPOSED and not answering_sides(exchange) & mine:
        actions -= {Action.ACCEPT, Action.DECLINE}
    return frozenset(actions)


def may_give_host_feedback(exchange: Exchange, parties: Iterable[Party]) -> bool:
    """The Host comments on the exchange while the Visitor's report is due or under review."""
    return Party.HOST in parties and exchange.state in (ExchangeState.REPORTING, ExchangeState.REPORT_SUBMITTED)


def may_download_evidence_pack(parties: Iterable[Party]) -> bool:
    return bool(frozenset(parties) & {Party.VISITOR_PARTNERSHIP, Party.HOST_PARTNERSHIP})


def needs_membership_exception(eoi: EOI, organisation: Organisation) -> bool:
    """A Host EOI of an SME that is not a cluster member: it can take part only by the funding
    agency's exception, which a coordinator records."""
    member = bool(organisation.profile.get("cluster_member", organisation.is_cluster_member))
    return eoi.side == Side.HOST and organisation.org_type == OrgType.SME and not member


def may_record_membership_exception(eoi: EOI, organisation: Organisation, parties: Iterable[Party]) -> bool:
    """The coordinator of the Partnership the EOI is assigned to, while it is submitted or approved."""
    return (
        Party.PARTNERSHIP in set(parties)
        and eoi.partnership_id is not None
        and eoi.state in (EOIState.SUBMITTED, EOIState.APPROVED)
        and needs_membership_exception(eoi, organisation)
    )


def news_scope(user: User | None, *, coordinators_allowed: bool) -> int | None:
    """Who may write and send news, and to whom: None = every subscriber (administrators); a
    Partnership id = only the members of that Partnership (its coordinators, when the setting allows)."""
    if user is not None and user.is_active and user.role == Role.ADMIN:
        return None
    if (
        user is not None
        and user.is_active
        and user.role == Role.COORDINATOR
        and user.partnership_id is not None
        and coordinators_allowed
    ):
        return user.partnership_id
    raise PermissionDenied(_("Only administrators (and coordinators, when the Support Office allows it) send news."))


# --- an organisation's people ------------------------------------------------------------

ORGANISATION_PARTIES = frozenset({Party.VISITOR, Party.HOST})


def org_roles(user: User) -> frozenset[OrgRole]:
    """The roles of a person inside their organisation (none for coordinators and administrators)."""
    if user.role != Role.PARTICIPANT or user.organisation_id is None or not user.is_active:
        return frozenset()
    roles = {OrgRole.CONTACT_PERSON} if user.is_contact_person else set()
    return frozenset(roles | ({OrgRole.SIGNATORY} if user.is_signatory else set()))


def may_sign_for(user: User, party: Party) -> bool:
    """The organisation's side of a document is signed by one of its signatories; a Partnership's by its
    coordinators (whose party already says they are its staff)."""
    return party not in ORGANISATION_PARTIES or OrgRole.SIGNATORY in org_roles(user)


def organisation_partnerships(session: Session, organisation: Organisation) -> set[int]:
    """The Partnerships an organisation belongs to: the one that brought it in, and those it wrote to."""
    wrote_to = session.exec(
        select(EOI.partnership_id).where(EOI.organisation_id == organisation.id, EOI.partnership_id.is_not(None))  # type: ignore[union-attr]
    )
    return {p for p in (organisation.partnership_id, *wrote_to) if p is not None}


def may_manage_people(session: Session, user: User | None, organisation: Organisation) -> bool:
    """Invite, change roles, remove: the organisation's contact person, or a coordinator of its Partnership."""
    if user is None or not user.is_active:
        return False
    if user.role == Role.PARTICIPANT:
        return user.organisation_id == organisation.id and OrgRole.CONTACT_PERSON in org_roles(user)
    if user.role == Role.COORDINATOR and user.partnership_id is not None:
        return user.partnership_id in organisation_partnerships(session, organisation)
    return False


def require_people_manager(session: Session, user: User, organisation: Organisation) -> None:
    if not may_manage_people(session, user, organisation):
        raise PermissionDenied(
            _(
                "Only a contact person of {org} (or a coordinator of its Partnership) invites, changes or "
                "removes its people."
            ).format(org=organisation.legal_name)
        )
