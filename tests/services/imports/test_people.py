"""People brought in by an import: their role in the organisation from the file (or the rule for an
empty cell), the colleagues' invitation with its one-time link, nobody invited twice, and an
organisation never left without a contact person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from db.models import AuditEvent, Outbox, PasswordResetToken, User
from db.types import id_of, utcnow
from domain.enums import OrgRole, TokenPurpose
from domain.i18n import in_language
from services import colleagues
from services.imports.columns import Kind
from services.imports.importer import ImportRefused, problem_lines
from services.permissions import org_roles
from tests import factories as f
from tests.services.imports.test_importer import imp, orgs_csv

NEW_PASSWORD = "a-fresh-colleague-passphrase"
BOTH = frozenset(OrgRole)
CONTACT, SIGNATORY = frozenset({OrgRole.CONTACT_PERSON}), frozenset({OrgRole.SIGNATORY})
ORGS = ["Cluster Porto Digital;PT;Porto;cluster;Ana Silva;ana@example.eu;", "Lyon Urban Tech;FR;Lyon;sme;;;"]
PEOPLE_HEADER = "Full name;E-mail;Organisation;Country;Role in the organisation"


def people_csv(*lines: str) -> str:
    return "\n".join([PEOPLE_HEADER, *lines]) + "\n"


@pytest.fixture
def coordinator(session: Session) -> User:
    admin = f.admin(session)
    coordinator = f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")))
    imp(session, coordinator, Kind.ORGANISATIONS, orgs_csv(*ORGS))
    return coordinator


def person(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def roles(session: Session, email: str) -> frozenset[OrgRole]:
    return org_roles(person(session, email))


def invitations(session: Session, email: str) -> list[Outbox]:
    return list(session.exec(select(Outbox).where(Outbox.to_email == email, Outbox.kind == "invitation")))


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def accept(session: Session, email: str) -> User:
    (mail,) = invitations(session, email)
    token = re.search(r"/accept_invitation\?token=(\S+)", mail.body)
    assert token is not None
    return colleagues.accept_invitation(
        session=session, token=token.group(1), new=NEW_PASSWORD, new_repeat=NEW_PASSWORD
    )


def refused(session: Session, actor: User, text: str) -> list[str]:
    with pytest.raises(ImportRefused) as refusal:
        imp(session, actor, Kind.PEOPLE, text)
    session.rollback()
    return problem_lines(Kind.PEOPLE, refusal.value.checked)


def test_imported_people_get_their_role_and_the_colleagues_invitation_in_their_own_language(
    session: Session, coordinator: User
) -> None:
    assert roles(session, "ana@example.eu") == BOTH  # an organisation's contact person, as registration makes them
    text = people_csv(
        "Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;",  # Lyon has no contact person: the first one is
        "Carla Dias;carla@example.eu;Lyon Urban Tech;FR;",  # then colleagues
        "Dora Reis;dora@example.eu;Cluster Porto Digital;PT;Signataire",  # in French
        "Eva Lopes;eva@example.eu;Cluster Porto Digital;PT;Contact person, Signatory",  # as the app lists roles
        "Filipa Mota;filipa@example.eu;Cluster Porto Digital;PT;colleague",
    )
    with in_language("fr"):  # the importer's language is not the invited people's
        summary = imp(session, coordinator, Kind.PEOPLE, text)
    assert (summary.added, summary.updated, summary.unchanged) == (5, 0, 0)
    assert roles(session, "bruno@example.eu") == BOTH
    assert roles(session, "carla@example.eu") == frozenset()
    assert roles(session, "dora@example.eu") == SIGNATORY
    assert roles(session, "eva@example.eu") == BOTH
    assert roles(session, "filipa@example.eu") == frozenset()

    bruno = person(session, "bruno@example.eu")
    assert bruno.invited_at is not None  # listed under Colleagues as invited: sent again or withdrawn there
    (mail,) = invitations(session, "bruno@example.eu")
    assert mail.subject == "Cora Coordinator invites you to Lyon Urban Tech on CXC Desk"
    assert "as: Contact person, Signatory" in mail.body and "expires in 7 days" in mail.body
    assert not session.exec(select(Outbox).where(Outbox.kind == "account_imported")).first()  # no "Forgot password"
    token = session.exec(select(PasswordResetToken).where(PasswordResetToken.user_id == bruno.id)).one()
    assert token.purpose == TokenPurpose.INVITATION
    assert timedelta(days=6, hours=23) < token.expires_at - utcnow() <= timedelta(days=7)
    comments = session.exec(
        select(AuditEvent.comment).where(AuditEvent.entity_id == bruno.id, AuditEvent.action == "import")
    ).all()
    assert comments == ["Lyon Urban Tech · contact_person, signatory"]

    joined = accept(session, "bruno@example.eu")  # the link sets the password once, as a colleague's does
    assert joined.invited_at is None and joined.is_active
    assert colleagues.people_of(session, joined).may_manage


def test_importing_the_same_people_again_changes_nothing_and_invites_nobody_again(
    session: Session, coordinator: User
) -> None:
    text = people_csv(
        "Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;",
        "Carla Dias;carla@example.eu;Lyon Urban Tech;FR;Signatory",
        "Ana Silva;ana@example.eu;Cluster Porto Digital;PT;both",
    )
    first = imp(session, coordinator, Kind.PEOPLE, text)
    assert (first.added, first.unchanged) == (2, 1)
    accept(session, "bruno@example.eu")  # one has joined, the other is still invited
    before = (count(session, Outbox), count(session, PasswordResetToken), count(session, AuditEvent))
    again = imp(session, coordinator, Kind.PEOPLE, text)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert (count(session, Outbox), count(session, PasswordResetToken), count(session, AuditEvent)) == before
    assert roles(session, "bruno@example.eu") == BOTH and roles(session, "carla@example.eu") == SIGNATORY


def test_a_role_changes_by_import_and_the_person_who_joined_is_told(session: Session, coordinator: User) -> None:
    imp(session, coordinator, Kind.PEOPLE, people_csv("Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;"))
    accept(session, "bruno@example.eu")
    changed = imp(
        session, coordinator, Kind.PEOPLE, people_csv("Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;Contact person")
    )
    assert (changed.updated, changed.added) == (1, 0)
    assert roles(session, "bruno@example.eu") == CONTACT
    bruno = person(session, "bruno@example.eu")
    update = session.exec(
        select(AuditEvent.comment).where(AuditEvent.entity_id == bruno.id, AuditEvent.action == "import_update")
    ).one()
    assert update == "Lyon Urban Tech · contact_person, signatory → contact_person"
    told = session.exec(select(Outbox).where(Outbox.to_email == "bruno@example.eu", Outbox.kind == "org_roles_changed"))
    assert "you are now Contact person." in told.one().body


def test_an_import_never_takes_the_role_from_the_last_contact_person(session: Session, coordinator: User) -> None:
    imp(session, coordinator, Kind.PEOPLE, people_csv("Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;"))
    assert refused(session, coordinator, people_csv("Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;Signatory")) == [
        "Row 2, column “Role in the organisation”: Bruno Costa is the last contact person of Lyon Urban Tech; make "
        "another of its people contact person first (in this file or under Colleagues)."
    ]
    assert roles(session, "bruno@example.eu") == BOTH
    # Handed over in the same file: Carla (invited) takes the role from Bruno, who has not joined either.
    handover = people_csv(
        "Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;Signatory",
        "Carla Dias;carla@example.eu;Lyon Urban Tech;FR;Contact person",
    )
    summary = imp(session, coordinator, Kind.PEOPLE, handover)
    assert (summary.added, summary.updated) == (1, 1)
    assert (roles(session, "bruno@example.eu"), roles(session, "carla@example.eu")) == (SIGNATORY, CONTACT)

    # Once Carla has joined, an invitation not accepted yet cannot take over from her (as under Colleagues).
    accept(session, "carla@example.eu")
    over = people_csv(
        "Carla Dias;carla@example.eu;Lyon Urban Tech;FR;Signatory",
        "Dan Neves;dan@example.eu;Lyon Urban Tech;FR;Contact person",
    )
    assert refused(session, coordinator, over) == [
        "Row 2, column “Role in the organisation”: Carla Dias is the last contact person of Lyon Urban Tech who has "
        "joined CXC Desk (the others have not accepted their invitation yet); keep this role until one of them has."
    ]
    assert roles(session, "carla@example.eu") == CONTACT
    assert not session.exec(select(User).where(User.email == "dan@example.eu")).first()


def test_new_people_of_an_organisation_without_contact_person_must_include_one(
    session: Session, coordinator: User
) -> None:
    mails = count(session, Outbox)
    text = people_csv(
        "Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;Signatory",
        "Carla Dias;carla@example.eu;Lyon Urban Tech;FR;Colleague",
        "Dora Reis;dora@example.eu;Lyon Urban Tech;FR;wizard",
    )
    assert refused(session, coordinator, text) == [
        "Row 2, column “Role in the organisation”: Lyon Urban Tech would have no contact person; make one of its "
        "people “Contact person” in this file.",
        "Row 4, column “Role in the organisation”: “wizard” is not a role in an organisation; write one of: Contact "
        "person | Signatory | both | Colleague, or leave it empty.",
    ]
    assert (
        count(session, Outbox) == mails
        and not session.exec(select(User).where(User.email == "bruno@example.eu")).first()
    )


def test_a_role_for_someone_who_left_is_refused_and_their_account_stays_closed(
    session: Session, coordinator: User
) -> None:
    text = people_csv(
        "Bruno Costa;bruno@example.eu;Lyon Urban Tech;FR;", "Carla Dias;carla@example.eu;Lyon Urban Tech;FR;"
    )
    imp(session, coordinator, Kind.PEOPLE, text)
    colleagues.remove_person(session=session, actor=coordinator, user_id=id_of(person(session, "carla@example.eu")))
    assert imp(session, coordinator, Kind.PEOPLE, text).unchanged == 2  # an empty role: nothing to change
    lines = refused(session, coordinator, people_csv("Carla Dias;carla@example.eu;Lyon Urban Tech;FR;Signatory"))
    assert lines == [
        "Row 2, column “Role in the organisation”: This person left their organisation or was removed, and their "
        "account is closed; invite them again under Colleagues, or empty this cell."
    ]
    assert not person(session, "carla@example.eu").is_active
