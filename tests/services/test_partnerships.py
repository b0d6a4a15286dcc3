from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.errors import PermissionDenied, ValidationFailed
from services.partnerships import PartnershipInput, create_partnership
from tests import factories as f
from tests.conftest import table_count

GOOD = PartnershipInput(
    name="Digital Bridge", acronym="DB", contact_email="db@example.eu", countries=["PT", "XK"], ecosystems=["Digital"]
)


def test_admin_creates_a_partnership(session: Session) -> None:
    admin = f.admin(session)
    partnership = create_partnership(session=session, actor=admin, data=GOOD)
    assert (partnership.name, partnership.countries, partnership.ecosystems) == (
        "Digital Bridge",
        ["PT", "XK"],
        ["Digital"],
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"acronym": "x" * 41}, "acronym"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"countries": ["US"]}, "countries"),
        ({"ecosystems": ["Banking"]}, "ecosystems"),
    ],
)
def test_bad_partnership_input_is_refused(session: Session, engine: Engine, change, field) -> None:
    admin = f.admin(session)
    with pytest.raises(ValidationFailed) as caught:
        create_partnership(session=session, actor=admin, data=replace(GOOD, **change))
    assert field in caught.value.errors
    session.rollback()
    assert table_count(engine, "partnership") == 0


def test_duplicate_partnership_is_refused(session: Session) -> None:
    admin = f.admin(session)
    create_partnership(session=session, actor=admin, data=GOOD)
    with pytest.raises(ValidationFailed) as caught:
        create_partnership(session=session, actor=admin, data=replace(GOOD, name="digital bridge", acronym="db"))
    assert set(caught.value.errors) == {"name", "acronym"}


def test_participants_cannot_create_partnerships(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        create_partnership(session=session, actor=f.participant(session), data=GOOD)
