"""A participant's own data, and erasure as anonymisation that keeps the programme's records."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from db.audit import verify_chain
from db.models import Comment, Outbox, Payment, Signature, User
from db.types import id_of
from domain.errors import PermissionDenied
from services import news, payments
from services.comments import add_comment
from services.data_rights import anonymise_user, erasure_requests, personal_data, request_erasure
from tests.journey import accepted_exchange
from tests.services.test_news_send import subscribed


def places_holding(session: Session, text: str) -> list[str]:
    """Every table.column whose text holds `text` (binary documents aside: signed PDFs are retained records)."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String | sa.Text | sa.JSON):
                hits = session.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(sa.cast(column, sa.Text).contains(text, autoescape=True))
                ).scalar_one()
                if hits:
                    found.append(f"{table.name}.{column.name}")
    return found


def test_participant_downloads_everything_about_itself(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    add_comment(session=session, actor=c.visitor, exchange_id=id_of(exchange), body="See you in Lyon.")
    package = zipfile.ZipFile(io.BytesIO(personal_data(session, c.visitor)))
    data = json.loads(package.read("data.json"))
    assert data["account"]["email"] == c.visitor.email and "password_hash" not in data["account"]
    assert [x["id"] for x in data["exchanges"]] == [exchange.id]
    assert data["comments_by_you"][0]["body"] == "See you in Lyon."
    assert data["organisation"]["iban"].startswith("PT50")
    files = [n for n in package.namelist() if n.startswith(("documents/", "evidence/"))]
    assert len(files) == len(data["documents"]) + len(data["evidence"]) and any(
        n.startswith("evidence/") for n in files
    )
    with pytest.raises(PermissionDenied):
        personal_data(session, c.vop_coordinator)


def test_erasure_removes_the_person_and_keeps_the_payment_and_audit(session: Session) -> None:
    c, exchange = accepted_exchange(session)
    add_comment(session=session, actor=c.visitor, exchange_id=id_of(exchange), body="My phone is +351 900 000 000.")
    payment = payments.order_payment(session=session, actor=c.vop_coordinator, exchange_id=id_of(exchange))
    name, email = c.visitor.full_name, c.visitor.email
    subscribed(session, email)  # and news went to the address: its delivery rows go with the mails
    news.send(session, c.admin, id_of(news.send_test(session, c.admin, "Spring call", "The call is open.")))
    assert places_holding(session, name)  # before: the name is in the account, signatures, mails…
    with pytest.raises(PermissionDenied):
        anonymise_user(session=session, actor=c.vop_coordinator, user_id=id_of(c.visitor))
    request_erasure(session=session, actor=c.visitor)
    assert [u.id for u in erasure_requests(session, c.admin)] == [c.visitor.id]
    anonymise_user(session=session, actor=c.admin, user_id=id_of(c.visitor))
    session.expire_all()
    assert places_holding(session, name) == []
    assert places_holding(session, email) == []
    erased = session.get(User, c.visitor.id)
    assert erased is not None and not erased.is_active and erased.username == f"erased-{erased.id}"
    assert session.get(Payment, id_of(payment)).amount_cents == 90000  # type: ignore[union-attr]
    assert all(
        s.typed_name == "Erased person"
        for s in session.exec(select(Signature).where(Signature.user_id == c.visitor.id))
    )
    assert session.exec(select(Comment)).one().body == "(removed at the author's request)"
    assert session.exec(select(Outbox).where(Outbox.to_email == email)).all() == []
    assert verify_chain(session).ok
    assert erasure_requests(session, c.admin) == []
