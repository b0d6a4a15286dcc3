"""Issue 14, item 3 in a real browser: a coordinator creates a member organisation with its contact person
on "Encode for members"; the contact follows the invitation's link, chooses a password and logs in."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Organisation, Outbox, User
from db.types import id_of
from tests import factories as f
from tests.e2e.conftest import Server, choose, log_in, open_page, settle, textbox

NEW_PASSWORD = "a-brand-new-passphrase-42"


def test_a_coordinator_creates_an_organisation_whose_contact_accepts_the_invitation(server: Server, new_page) -> None:
    with write_session() as session:
        admin = f.admin(session)
        f.coordinator(session, admin, id_of(f.partnership(session, admin, "PD")), username="coord")
    page = new_page("coordinator")
    log_in(page, server.url, "coord", f.PASSWORD)
    open_page(page, f"{server.url}/encode")
    form = page.get_by_test_id("stForm").first
    textbox(form, "Legal name of the organisation").fill("Cluster Porto Digital")
    choose(page, form, "Type of organisation", "Cluster organisation or business network")
    choose(page, form, "Country where it is registered", "Portugal")
    textbox(form, "City").fill("Porto")
    textbox(form, "Full name").fill("Rita Reis")
    textbox(form, "E-mail").fill("rita@example.eu")
    form.get_by_role("button", name="Create the organisation and invite its contact").click()
    settle(page)
    expect(page.get_by_text("Cluster Porto Digital created; its contact is invited by e-mail.").first).to_be_visible()
    with read_session() as session:
        organisation = session.exec(select(Organisation)).one()
        coordinator = session.exec(select(User).where(User.username == "coord")).one()
        assert (organisation.legal_name, organisation.partnership_id) == (
            "Cluster Porto Digital",
            coordinator.partnership_id,
        )
        mail = session.exec(select(Outbox).where(Outbox.to_email == "rita@example.eu")).one()
        username = session.exec(select(User.username).where(User.email == "rita@example.eu")).one()
    link = re.search(r"https?://\S+/accept_invitation\?token=\S+", mail.body)
    assert link is not None
    contact = new_page("contact")
    open_page(contact, link.group(0))
    reset = contact.get_by_test_id("stForm")
    textbox(reset, "New password").fill(NEW_PASSWORD)
    textbox(reset, "Repeat new password").fill(NEW_PASSWORD)
    reset.get_by_role("button", name="Save my password").click()
    expect(contact.get_by_text(f"Log in now with your user name “{username}”").first).to_be_visible()
    log_in(contact, server.url, username, NEW_PASSWORD)
    open_page(contact, f"{server.url}/my_organisation")
    expect(contact.get_by_text("Cluster Porto Digital").first).to_be_visible()
