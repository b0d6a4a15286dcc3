"""The Alembic history matches the models exactly, and the audit log refuses edits."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import db.models  # noqa: F401
from db.audit import append_event


def test_autogenerate_finds_no_difference_between_models_and_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_database_is_at_the_head_revision(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_audit_events_cannot_be_updated_or_deleted(session: Session, engine: Engine) -> None:
    append_event(session, actor=None, entity_type="test", entity_id=1, action="create")
    session.commit()
    for statement in ("UPDATE audit_event SET comment = 'forged'", "DELETE FROM audit_event"):
        with pytest.raises(sa.exc.DatabaseError), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*), max(comment) FROM audit_event").one() == (1, "")


def test_upgrade_to_exchange_tags_fills_them_from_the_answers(session: Session, engine: Engine) -> None:
    from db.migrate import upgrade
    from db.models import ExchangeTag
    from tests.journey import agreed_exchange, approved_plan, cast

    c = cast(session)
    approved_plan(session, c, agreed_exchange(session, c))
    before = sorted((t.kind, t.value) for t in session.exec(sa.select(ExchangeTag)).scalars())
    assert before == [("activity_type", "Market research"), ("ecosystem", "Digital")]
    session.close()
    from alembic import command

    from db.migrate import alembic_config

    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    upgrade(engine)
    with Session(engine) as fresh:
        assert sorted((t.kind, t.value) for t in fresh.exec(sa.select(ExchangeTag)).scalars()) == before


def test_the_message_languages_survive_a_downgrade_and_upgrade_of_their_columns(
    session: Session, engine: Engine
) -> None:
    """0019 adds news_subscriber.locale and contact_message.locale with plain ADD COLUMN (and drops them again
    without copying a table): the rows stay, the language of a row written before is None (CXC_LOCALE)."""
    from alembic import command

    from db.migrate import alembic_config, upgrade
    from db.models import ContactMessage, NewsSubscriber

    session.add(NewsSubscriber(email="ana@example.eu", token_hash="h", locale="pl"))
    session.add(ContactMessage(name="Ana", email="ana@example.eu", subject="Hello", body="A question.", locale="de"))
    session.commit()
    session.close()
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0018" if "0018" in _revisions() else "0017")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM news_subscriber").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM contact_message").scalar() == 1
    upgrade(engine)
    with Session(engine) as fresh:
        assert [s.locale for s in fresh.exec(sa.select(NewsSubscriber)).scalars()] == [None]
        assert [m.locale for m in fresh.exec(sa.select(ContactMessage)).scalars()] == [None]


def _revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
