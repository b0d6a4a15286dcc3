"""Colleagues (issue 14, item 2): invite, accept once, expired and withdrawn links, roles, leaving and
removal with the last contact person kept, and signing only by a signatory."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from db.engine import write_session
from db.models import AuditEvent, AuthSession, Outbox, PasswordResetToken, Signature, User
from db.types import id_of, utcnow
from domain.enums import OrgRole, Party, Role, Side
from domain.errors import NotFound, PermissionDenied, ValidationFailed
from services import accounts, colleagues, documents
from services.outbox import organisation_users
from services.permissions import org_roles
from tests import factories as f
from tests.journey import agreed_exchange, approved, approved_plan, cast

NEW_PASSWORD = "a-fresh-colleague-passphrase"
BOTH = {OrgRole.CONTACT_PERSON, OrgRole.SIGNATORY}


def _link_token(session: Session, email: str) -> str:
    """The token of the newest invitation mailed to `email`, as the person would click it."""
    mail = session.exec(
        select(Outbox).where(Outbox.to_email == email, Outbox.kind == "invitation").order_by(Outbox.id.desc())  # type: ignore[union-attr]
    ).first()
    assert mail is not None
    found = re.search(r"/accept_invitation\?token=(\S+)", mail.body)
    assert found is not None
    return found.group(1)


def _invite(session: Session, actor: User, email: str, roles=frozenset({OrgRole.SIGNATORY}), name="Bea Colleague"):  # type: ignore[no-untyped-def]
    return colleagues.invite_colleague(session=session, actor=actor, full_name=name, email=email, roles=roles)


def _accept(session: Session, email: str) -> User:
    return colleagues.accept_invitation(
        session=session, token=_link_token(session, email), new=NEW_PASSWORD, new_repeat=NEW_PASSWORD
    )


def _actions(session: Session, user_id: int) -> list[str]:
    return list(
        session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id)
            .order_by(AuditEvent.seq)
        )
    )


def test_a_contact_person_invites_and_the_link_sets_the_password_once(session: Session) -> None:
    contact = f.participant(session, "ana")
    assert org_roles(contact) == BOTH  # who registers the organisation manages and signs for it

    bea = _invite(session, contact, "Bea@Example.eu")
    assert (bea.role, bea.organisation_id, bea.email, org_roles(bea)) == (
        Role.PARTICIPANT,
        contact.organisation_id,
        "bea@example.eu",
        frozenset({OrgRole.SIGNATORY}),
    )
    assert bea.invited_at is not None and not accounts.check_password(NEW_PASSWORD, bea.password_hash)
    mail = session.exec(select(Outbox).where(Outbox.to_email == "bea@example.eu")).one()
    assert mail.subject == "Pat Participant invites you to Org of ana on CXC Desk"
    assert "expires in 7 days" in mail.body and "user name is “bea”" in mail.body and "Signatory" in mail.body
    listed = {p.email: p for p in colleagues.people_of(session, contact).colleagues}
    assert listed["bea@example.eu"].invited and listed["bea@example.eu"].invitation_expires_at is not None
    assert not listed["ana@example.eu"].invited

    token = _link_token(session, "bea@example.eu")
    with pytest.raises(ValidationFailed):  # an invitation link is not a reset link
        accounts.reset_password(session=session, token=token, new=NEW_PASSWORD, new_repeat=NEW_PASSWORD)
    session.rollback()
    with pytest.raises(ValidationFailed) as weak:
        colleagues.accept_invitation(session=session, token=token, new="short", new_repeat="short")
    assert "at least 12" in weak.value.errors["new"]
    session.rollback()

    joined = colleagues.accept_invitation(session=session, token=token, new=NEW_PASSWORD, new_repeat=NEW_PASSWORD)
    assert accounts.check_password(NEW_PASSWORD, joined.password_hash) and joined.invited_at is None
    assert joined.password_hash.startswith("$2b$")
    assert "bea" in accounts.login_credentials(session, "bea")["usernames"]
    told = session.exec(select(Outbox).where(Outbox.kind == "invitation_accepted")).one()
    assert told.to_email == "ana@example.eu" and "Bea Colleague joined Org of ana" in told.subject

    with pytest.raises(ValidationFailed) as again:
        colleagues.accept_invitation(session=session, token=token, new="another-long-passphrase", new_repeat="x")
    assert "used already" in again.value.errors["token"]
    session.rollback()
    session.refresh(joined)
    assert accounts.check_password(NEW_PASSWORD, joined.password_hash)
    assert _actions(session, id_of(joined)) == ["invite", "accept_invitation"]


def test_an_expired_link_is_refused_and_sending_again_replaces_it(session: Session) -> None:
    contact = f.participant(session, "ana")
    bea = _invite(session, contact, "bea@example.eu")
    old = _link_token(session, "bea@example.eu")
    session.execute(
        sa.update(PasswordResetToken).where(PasswordResetToken.user_id == bea.id).values(expires_at=utcnow())
    )
    session.commit()

    with pytest.raises(ValidationFailed) as expired:
        colleagues.accept_invitation(session=session, token=old, new=NEW_PASSWORD, new_repeat=NEW_PASSWORD)
    assert "expired" in expired.value.errors["token"]
    session.rollback()
    listed = {p.email: p for p in colleagues.people_of(session, contact).colleagues}["bea@example.eu"]
    assert listed.invited and listed.invitation_expires_at is None  # the page says: send it again

    colleagues.resend_invitation(session=session, actor=contact, user_id=id_of(bea))
    new = _link_token(session, "bea@example.eu")
    assert new != old
    with pytest.raises(ValidationFailed):
        colleagues.accept_invitation(session=session, token=old, new=NEW_PASSWORD, new_repeat=NEW_PASSWORD)
    session.rollback()
    assert _accept(session, "bea@example.eu").invited_at is None


def test_a_withdrawn_invitation_stops_working_and_the_address_can_be_invited_again(session: Session) -> None:
    contact = f.participant(session, "ana")
    bea = _invite(session, contact, "bea@example.eu")
    token = _link_token(session, "bea@example.eu")
    colleagues.withdraw_invitation(session=session, actor=contact, user_id=id_of(bea))
    with pytest.raises(ValidationFailed):
        colleagues.accept_invitation(session=session, token=token, new=NEW_PASSWORD, new_repeat=NEW_PASSWORD)
    session.rollback()
    assert [p.email for p in colleagues.people_of(session, contact).colleagues] == ["ana@example.eu"]

    again = _invite(session, contact, "bea@example.eu", roles=BOTH)
    assert again.id == bea.id and again.is_active and org_roles(again) == BOTH
    assert _accept(session, "bea@example.eu").id == bea.id
    assert _actions(session, id_of(bea)) == ["invite", "withdraw_invitation", "invite_again", "accept_invitation"]


def test_a_duplicate_address_gets_a_clear_message_and_changes_nothing(session: Session) -> None:
    contact = f.participant(session, "ana")
    f.participant(session, "elsewhere")  # a person of another organisation
    _invite(session, contact, "bea@example.eu")
    users, mails = (session.exec(select(func.count()).select_from(m)).one() for m in (User, Outbox))
    cases = {
        "elsewhere@example.eu": "exists already",
        "ANA@example.eu": "one of the people of Org of ana already",
        "bea@example.eu": "invited already",
    }
    for email, words in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            _invite(session, contact, email)
        assert words in refused.value.errors["email"]
        session.rollback()
    with pytest.raises(ValidationFailed) as bad:
        _invite(session, contact, "not-an-address", name="")
    assert set(bad.value.errors) == {"email", "full_name"}
    session.rollback()
    assert (
        session.exec(select(func.count()).select_from(User)).one(),
        session.exec(select(func.count()).select_from(Outbox)).one(),
    ) == (users, mails)


def test_only_a_contact_person_or_a_coordinator_of_its_partnership_manages_people(session: Session) -> None:
    admin = f.admin(session)
    mine, other = f.partnership(session, admin, "MINE"), f.partnership(session, admin, "OTHER")
    my_coordinator = f.coordinator(session, admin, id_of(mine), "coord.mine")
    other_coordinator = f.coordinator(session, admin, id_of(other), "coord.other")
    contact = f.participant(session, "ana")
    approved(session, contact, Side.VISITOR, mine, my_coordinator, ["FR"])  # the organisation is MINE's member
    _invite(session, contact, "bea@example.eu")
    bea = _accept(session, "bea@example.eu")  # a signatory, not a contact person

    with pytest.raises(PermissionDenied, match="Only a contact person of Org of ana"):
        _invite(session, bea, "cleo@example.eu")
    session.rollback()
    with pytest.raises(PermissionDenied):
        colleagues.change_roles(session=session, actor=bea, user_id=id_of(bea), roles=BOTH)
    session.rollback()
    with pytest.raises(PermissionDenied):
        colleagues.remove_person(session=session, actor=bea, user_id=id_of(contact))
    session.rollback()
    stranger = f.participant(session, "stranger")
    with pytest.raises(NotFound):  # another organisation's people are not even there
        colleagues.remove_person(session=session, actor=stranger, user_id=id_of(bea))
    session.rollback()
    with pytest.raises(NotFound):
        colleagues.people_of(session, other_coordinator, contact.organisation_id)
    session.rollback()
    assert not colleagues.people_of(session, bea).may_manage and colleagues.people_of(session, contact).may_manage

    cleo = colleagues.invite_colleague(
        session=session,
        actor=my_coordinator,
        full_name="Cleo Contact",
        email="cleo@example.eu",
        roles=BOTH,
        organisation_id=contact.organisation_id,
    )
    assert cleo.organisation_id == contact.organisation_id
    colleagues.change_roles(session=session, actor=my_coordinator, user_id=id_of(bea), roles=[])
    session.refresh(bea)
    assert org_roles(bea) == frozenset() and bea.is_active


def test_removal_ends_the_account_and_the_last_contact_person_stays(session: Session) -> None:
    admin = f.admin(session)
    partnership = f.partnership(session, admin, "MINE")
    coordinator = f.coordinator(session, admin, id_of(partnership), "coord.mine")
    ana = f.participant(session, "ana")
    approved(session, ana, Side.VISITOR, partnership, coordinator, ["FR"])

    for attempt in (
        lambda: colleagues.leave_organisation(session=session, actor=ana),
        lambda: colleagues.change_roles(session=session, actor=ana, user_id=id_of(ana), roles={OrgRole.SIGNATORY}),
        lambda: colleagues.remove_person(session=session, actor=coordinator, user_id=id_of(ana)),
    ):
        with pytest.raises(PermissionDenied, match="last contact person of Org of ana"):
            attempt()
        session.rollback()
    _invite(session, ana, "bea@example.eu", roles=BOTH)
    with pytest.raises(PermissionDenied, match="last contact person"):  # an open invitation does not count
        colleagues.leave_organisation(session=session, actor=ana)
    session.rollback()
    session.refresh(ana)
    assert ana.is_active and org_roles(ana) == BOTH

    bea = _accept(session, "bea@example.eu")
    colleagues.change_roles(session=session, actor=ana, user_id=id_of(ana), roles={OrgRole.SIGNATORY})
    login = f.open_session(session, ana)
    assert accounts.active_user(session, login) is not None
    colleagues.remove_person(session=session, actor=bea, user_id=id_of(ana))

    session.refresh(ana)
    assert (ana.is_active, ana.removed_at is not None, org_roles(ana)) == (False, True, frozenset())
    assert accounts.active_user(session, login) is None
    assert session.get(AuthSession, login).revoked_at is not None  # type: ignore[union-attr]
    assert "ana" not in accounts.login_credentials(session)["usernames"]
    assert _actions(session, id_of(ana))[:2] == ["register", "change_org_roles"]  # the history stays
    assert _actions(session, id_of(ana))[-1] == "remove_from_organisation"
    assert session.exec(
        select(Outbox).where(Outbox.to_email == "ana@example.eu", Outbox.kind == "removed_from_organisation")
    ).one()
    accounts.request_password_reset(session=session, email="ana@example.eu")  # no way back in by a reset
    assert not session.exec(
        select(PasswordResetToken).where(PasswordResetToken.user_id == ana.id, PasswordResetToken.purpose == "reset")
    ).first()
    assert [p.email for p in colleagues.people_of(session, bea).colleagues] == ["bea@example.eu"]

    with pytest.raises(PermissionDenied, match="last contact person"):
        colleagues.remove_person(session=session, actor=coordinator, user_id=id_of(bea))
    session.rollback()
    _invite(session, bea, "cleo@example.eu", roles={OrgRole.SIGNATORY})
    cleo = _accept(session, "cleo@example.eu")
    colleagues.leave_organisation(session=session, actor=cleo)  # anyone else may leave on their own
    session.refresh(cleo)
    assert not cleo.is_active and _actions(session, id_of(cleo))[-1] == "leave_organisation"


def test_only_a_signatory_signs_for_the_organisation(session: Session) -> None:
    c = cast(session)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    _invite(session, c.visitor, "nia@example.eu", roles=[], name="Nia Colleague")
    nia = _accept(session, "nia@example.eu")
    agreement = next(
        d
        for d in documents.current_documents(session, id_of(exchange))
        if d.kind in documents.REQUIRED and Party.VISITOR in documents.REQUIRED[d.kind]
    )
    assert documents.parties_to_sign(session, nia, agreement) == []
    assert documents.parties_to_sign(session, c.visitor, agreement) == [Party.VISITOR]

    def sign(user: User) -> Signature:
        return documents.sign_document(
            session=session,
            actor=user,
            document_id=id_of(agreement),
            party=Party.VISITOR,
            typed_name=user.full_name,
            agreed=True,
            shown_sha256=agreement.sha256,
        )

    with pytest.raises(PermissionDenied, match="Only a signatory of your organisation"):
        sign(nia)
    session.rollback()
    assert session.exec(select(Signature).where(Signature.document_id == agreement.id)).all() == []

    colleagues.change_roles(session=session, actor=c.visitor, user_id=id_of(nia), roles={OrgRole.SIGNATORY})
    session.refresh(nia)
    assert documents.parties_to_sign(session, nia, agreement) == [Party.VISITOR]
    assert sign(nia).user_id == nia.id


def test_two_contact_persons_removing_each_other_at_once_leave_one(session: Session, database_url: str) -> None:
    ana = f.participant(session, "ana")
    _invite(session, ana, "bea@example.eu", roles=BOTH)
    bea = _accept(session, "bea@example.eu")
    barrier = Barrier(2)

    def remove(pair: tuple[User, User]) -> str:
        actor, person = pair
        barrier.wait()
        try:
            with write_session() as own:
                colleagues.remove_person(session=own, actor=actor, user_id=id_of(person))
            return "removed"
        except PermissionDenied:
            return "refused"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(remove, [(ana, bea), (bea, ana)]))
    assert sorted(outcomes) == ["refused", "removed"]
    session.expire_all()
    left = session.exec(select(User).where(User.is_active == True, User.is_contact_person == True)).all()  # noqa: E712
    assert len(left) == 1


def test_someone_invited_is_told_of_the_organisations_records_once_joined(session: Session) -> None:
    ana = f.participant(session, "ana")
    _invite(session, ana, "bea@example.eu")
    assert [u.username for u in organisation_users(session, ana.organisation_id)] == ["ana"]  # type: ignore[arg-type]
    _accept(session, "bea@example.eu")
    assert sorted(u.username for u in organisation_users(session, ana.organisation_id)) == ["ana", "bea"]  # type: ignore[arg-type]
