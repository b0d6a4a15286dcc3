"""Issue 14, item 2 in a real browser: a contact person invites a colleague; the colleague opens the link
of the outbox row, chooses a password (production bcrypt cost), logs in with their own account and sees
the organisation."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from db.engine import read_session, write_session
from db.models import Outbox, User
from tests import factories as f
from tests.e2e.conftest import Server, log_in, open_page, settle, textbox

PASSWORD = "our-new-colleague-passphrase"


def test_a_contact_person_invites_a_colleague_who_joins_with_their_own_account(server: Server, new_page) -> None:
    with write_session() as session:
        f.participant(session, "ana")

    contact = new_page("contact")
    log_in(contact, server.url, "ana", f.PASSWORD)
    open_page(contact, f"{server.url}/my_organisation")
    contact.get_by_text("Invite a colleague").click()
    form = contact.get_by_test_id("stForm").filter(has_text="Send the invitation")
    textbox(form, "Full name").fill("Bea Colleague")
    textbox(form, "E-mail").fill("bea@example.eu")
    form.get_by_role("button", name="Send the invitation").click()
    settle(contact)
    expect(contact.get_by_text("Bea Colleague · Signatory · invited").first).to_be_visible()

    with read_session() as session:
        mail = session.exec(select(Outbox).where(Outbox.to_email == "bea@example.eu")).one()
    assert "expires in 7 days" in mail.body
    link = re.search(r"https?://\S+/accept_invitation\?token=\S+", mail.body)
    assert link is not None and link.group(0).startswith(server.url)

    colleague = new_page("colleague")
    open_page(colleague, link.group(0))
    form = colleague.get_by_test_id("stForm")
    textbox(form, "New password").fill(PASSWORD)
    textbox(form, "Repeat new password").fill(PASSWORD)
    form.get_by_role("button", name="Save my password").click()
    expect(colleague.get_by_text("Log in now with your user name “bea”").first).to_be_visible()
    with read_session() as session:
        bea = session.exec(select(User).where(User.username == "bea")).one()
    assert bea.password_hash.startswith("$2b$12$") and bea.invited_at is None

    log_in(colleague, server.url, "bea", PASSWORD)
    open_page(colleague, f"{server.url}/my_organisation")
    expect(colleague.get_by_role("heading", name="Org of ana")).to_be_visible()
    expect(colleague.get_by_text("Invite a colleague")).to_have_count(0)  # a signatory, not a contact person

    # The link worked once: opened again, it is refused.
    opened_again = new_page("again")
    open_page(opened_again, link.group(0))
    form = opened_again.get_by_test_id("stForm")
    textbox(form, "New password").fill("someone-else-tries-this")
    textbox(form, "Repeat new password").fill("someone-else-tries-this")
    form.get_by_role("button", name="Save my password").click()
    expect(opened_again.get_by_text("This invitation link was used already").first).to_be_visible()
