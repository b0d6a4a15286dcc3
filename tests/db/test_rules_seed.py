"""The bundled rules seed version 1, once; an instance with no version in force gets them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.models import Exchange, RulesVersion
from db.rules_seed import seed_rules
from db.types import id_of
from tests.bundled_rules import BUNDLED_TEXT
from tests.journey import agreed_exchange, approved_plan, cast


def test_a_migrated_database_has_the_bundled_rules_in_force_once(session: Session, engine: Engine) -> None:
    [version] = session.exec(select(RulesVersion)).all()
    assert (version.label, version.content_toml, version.created_by_user_id) == ("2020", BUNDLED_TEXT, None)
    assert version.activated_at is not None
    with engine.begin() as conn:
        assert seed_rules(conn) is None
    assert len(session.exec(select(RulesVersion)).all()) == 1


def test_without_a_version_in_force_the_bundled_one_is_put_in_force_and_old_amounts_point_at_it(
    session: Session, engine: Engine
) -> None:
    c = cast(session)
    exchange = approved_plan(session, c, agreed_exchange(session, c))
    session.close()
    with engine.begin() as conn:
        # As before versions were seeded: an amount frozen without a version, none in force.
        conn.execute(sa.text("UPDATE exchange SET rules_version_id = NULL"))
        conn.execute(sa.text("UPDATE rules_version SET activated_at = NULL"))
        version_id = seed_rules(conn)
    with Session(engine) as fresh:
        assert fresh.get(RulesVersion, version_id).activated_at is not None  # type: ignore[union-attr]
        assert fresh.get(Exchange, id_of(exchange)).rules_version_id == version_id  # type: ignore[union-attr]
        assert len(fresh.exec(select(RulesVersion)).all()) == 1
