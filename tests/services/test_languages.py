"""Languages in the services: e-mails in each recipient's language, public texts per language, the saved choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from db.models import Outbox, User
from db.types import id_of
from domain.errors import PermissionDenied, ValidationFailed
from domain.i18n import in_language
from services import accounts, contact, payments
from services.site_texts import reset_site_text, set_site_text, site_texts
from tests import factories as f
from tests.catalogue import use_catalogues
from tests.journey import accepted_exchange

FRENCH = {
    "Hello {name},": "Bonjour {name},",
    "Contact: {subject}": "Contact : {subject}",
    "{name} <{email}> wrote:\n\n{body}": "{name} <{email}> a écrit :\n\n{body}",
    "Reset your CXC Desk password": "Réinitialisez votre mot de passe CXC Desk",
    "Your coordinator account on CXC Desk": "Votre compte de coordinateur sur CXC Desk",
}
GERMAN = {
    "Hello {name},": "Hallo {name},",
    "Your lump sum is ordered": "Ihre Pauschale ist angewiesen",
    "{amount} will be paid by {due} to the account of your signed Financial Agreement ({account}).": (
        "{amount} werden bis {due} auf das Konto Ihrer unterzeichneten Finanzvereinbarung ({account}) gezahlt."
    ),
}


@pytest.fixture(autouse=True)
def _catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalogues(monkeypatch, tmp_path / "locales", {"fr": FRENCH, "de": GERMAN})


def mails_to(session: Session, address: str) -> list[Outbox]:
    return list(session.exec(select(Outbox).where(Outbox.to_email == address).order_by(Outbox.id)))  # type: ignore[arg-type]


def test_each_recipient_reads_the_mail_in_their_language_whatever_the_sender_speaks(session: Session) -> None:
    french = f.admin(session, "amelie")
    accounts.set_locale(session=session, actor=french, locale="fr")
    other = f.admin(session, "otto")  # never chose: the instance's default, not the sender's language
    with in_language("de"):  # the visitor writing the message reads German
        contact.send_message(
            session=session, name="Ana Sousa", email="ana@example.org", subject="Dates", body="Can we go in May?"
        )
    to_french, to_other = mails_to(session, french.email)[-1], mails_to(session, other.email)[-1]
    assert to_french.subject == "Contact : Dates"
    assert to_french.body.startswith("Bonjour Ada Admin,\n\nAna Sousa <ana@example.org> a écrit :\n\nCan we go in May?")
    assert to_other.subject == "Contact: Dates"
    assert to_other.body.startswith("Hello Ada Admin,\n\nAna Sousa <ana@example.org> wrote:")


def test_the_lump_sum_mail_formats_the_amount_for_a_german_reader(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    accounts.set_locale(session=session, actor=c.visitor, locale="de")
    with in_language("fr"):  # the coordinator who orders reads French
        payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    mail = next(m for m in mails_to(session, c.visitor.email) if m.kind == "payment_ordered")
    assert mail.subject == "Ihre Pauschale ist angewiesen"
    amount = exchange.lump_sum_cents / 100  # type: ignore[operator]
    assert f"{amount:.2f}".replace(".", ",") + "\xa0€ werden bis" in mail.body
    assert mail.body.startswith("Hallo ")


def test_a_password_reset_link_comes_in_the_account_language(session: Session) -> None:
    user = f.participant(session)
    accounts.set_locale(session=session, actor=user, locale="fr")
    accounts.request_password_reset(session=session, email=user.email)
    assert mails_to(session, user.email)[-1].subject == "Réinitialisez votre mot de passe CXC Desk"


def test_an_account_keeps_the_language_it_was_registered_in_and_refuses_unknown_ones(session: Session) -> None:
    with in_language("fr"):
        user = f.participant(session)
    assert user.locale == "fr"
    with pytest.raises(ValidationFailed):
        accounts.set_locale(session=session, actor=user, locale="xx")
    accounts.set_locale(session=session, actor=user, locale="pl")
    assert session.get(User, user.id).locale == "pl"  # type: ignore[union-attr]


def test_public_texts_per_language_fall_back_to_english(session: Session) -> None:
    admin = f.admin(session)
    built_in = site_texts(session, "en")["intro"]
    assert site_texts(session, "fr")["intro"] == built_in  # no translation anywhere yet: English
    set_site_text(session=session, actor=admin, key="intro", body="Bienvenue dans ClusterXchange.", locale="fr")
    assert site_texts(session, "fr")["intro"] == "Bienvenue dans ClusterXchange."
    assert site_texts(session, "de")["intro"] == built_in
    set_site_text(session=session, actor=admin, key="intro", body="New dates for 2027.", locale="en")
    # The admin's English edit wins over the catalogue's translation of the old built-in text, not over French
    assert site_texts(session, "de")["intro"] == "New dates for 2027."
    assert site_texts(session, "fr")["intro"] == "Bienvenue dans ClusterXchange."
    reset_site_text(session=session, actor=admin, key="intro", locale="fr")
    assert site_texts(session, "fr")["intro"] == "New dates for 2027."
    with in_language("fr"):
        assert site_texts(session)["intro"] == "New dates for 2027."  # the reader's language by default
    with pytest.raises(ValidationFailed):
        set_site_text(session=session, actor=admin, key="intro", body="Hola", locale="xx")
    with pytest.raises(PermissionDenied):
        set_site_text(session=session, actor=f.participant(session), key="intro", body="Salut", locale="fr")


def test_a_new_coordinator_is_written_to_in_the_instance_language_not_the_admin(session: Session) -> None:
    admin = f.admin(session)
    partnership = f.partnership(session, admin)
    with in_language("fr"):
        coordinator = f.coordinator(session, admin, id_of(partnership))
    assert mails_to(session, coordinator.email)[-1].subject == "Your coordinator account on CXC Desk"
    assert coordinator.locale is None  # they choose at their first login
