from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from db.models import EOI, Exchange, Organisation, Payment, User
from db.types import id_of
from domain.enums import ExchangeState, OrgType, Party, Role, Side
from tests import factories as f


def _exchange(session: Session) -> Exchange:
    admin = f.admin(session)
    partnership = f.partnership(session, admin)
    visitor = f.participant(session, country="PT")
    host = f.participant(session, country="FR")
    eois = []
    for user, side in ((visitor, Side.VISITOR), (host, Side.HOST)):
        eoi = EOI(
            organisation_id=user.organisation_id,
            author_user_id=user.id,
            side=side,
            partnership_id=partnership.id,
            spec_name="eoi",
            spec_version=1,
        )
        session.add(eoi)
        eois.append(eoi)
    session.flush()
    exchange = Exchange(
        visitor_org_id=visitor.organisation_id,
        host_org_id=host.organisation_id,
        visitor_partnership_id=partnership.id,
        host_partnership_id=partnership.id,
        visitor_eoi_id=eois[0].id,
        host_eoi_id=eois[1].id,
        proposed_by=Party.VISITOR,
    )
    session.add(exchange)
    session.commit()
    return exchange


def test_second_payment_for_one_exchange_is_refused_by_the_database(session: Session) -> None:
    exchange = _exchange(session)
    payer = session.exec(select(User).where(User.role == Role.ADMIN)).one()
    session.add(
        Payment(
            exchange_id=exchange.id,
            partnership_id=exchange.visitor_partnership_id,
            amount_cents=90000,
            ordered_by_user_id=payer.id,
        )
    )
    session.commit()
    session.add(
        Payment(
            exchange_id=exchange.id,
            partnership_id=exchange.visitor_partnership_id,
            amount_cents=90000,
            ordered_by_user_id=payer.id,
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert len(session.exec(select(Payment)).all()) == 1


def test_times_come_back_timezone_aware_in_utc(session: Session) -> None:
    user = f.participant(session)
    session.expire_all()
    reloaded = session.get(User, user.id)
    assert reloaded is not None
    assert reloaded.created_at.tzinfo is not None
    assert reloaded.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_naive_datetimes_are_refused(session: Session) -> None:
    user = f.participant(session)
    user.last_login_at = datetime(2026, 1, 1, 12, 0)  # naive on purpose
    session.add(user)
    with pytest.raises(StatementError):
        session.commit()
    session.rollback()


def test_enums_are_stored_by_value(session: Session) -> None:
    exchange = _exchange(session)
    raw = session.execute(sa.text("SELECT state, proposed_by FROM exchange WHERE id = :id"), {"id": exchange.id}).one()
    assert tuple(raw) == ("proposed", "visitor")
    org = session.exec(select(Organisation)).first()
    assert org is not None and isinstance(org.org_type, OrgType)
    assert session.get(Exchange, id_of(exchange)).state is ExchangeState.PROPOSED  # type: ignore[union-attr]


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(EOI(organisation_id=999, author_user_id=999, side=Side.HOST, spec_name="eoi", spec_version=1))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_exchange_needs_two_different_organisations(session: Session) -> None:
    exchange = _exchange(session)
    with pytest.raises(IntegrityError):
        session.execute(
            sa.update(Exchange).where(Exchange.id == exchange.id).values(host_org_id=exchange.visitor_org_id)
        )
        session.commit()
    session.rollback()


def test_utc_conversion_of_other_timezones(session: Session) -> None:
    from datetime import timedelta, timezone

    user = f.participant(session)
    user.last_login_at = datetime(2026, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    session.add(user)
    session.commit()
    session.expire_all()
    assert session.get(User, id_of(user)).last_login_at == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # type: ignore[union-attr]
