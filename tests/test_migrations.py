"""Upgrading an empty database yields exactly the models' schema (no pending autogenerate
diff), on SQLite and on PostgreSQL; downgrading returns to an empty database."""
from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from eventsys import create_app
from eventsys.extensions import db
from tests.conftest import PG_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not PG_URL:
        yield "sqlite:///" + str(tmp_path / "migrations.db")
        return
    name = f"eventsys_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_on_empty_database_matches_models(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        diff = _diff(app)
        tables = set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()
    assert diff == []
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_downgrade_to_base_leaves_no_tables(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.session.remove()
        db.engine.dispose()
    assert tables == set()


def test_upgrade_to_0009_turns_each_check_in_into_the_row_of_its_local_day(empty_database_url):
    from datetime import date, datetime

    from sqlalchemy import Date, DateTime

    from eventsys.events.models import Event
    from eventsys.registration.models import Registration
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0008")
        event = Event(slug="late", title="Late", start_date=date(2031, 3, 3), end_date=date(2031, 3, 4),
                      timezone="Europe/Madrid", format="in_person", status="published")
        db.session.add(event)
        db.session.flush()
        db.session.add_all([Registration(event_id=event.id, mode="in_person", status="confirmed",
                                         checked_in_at=datetime(2031, 3, 3, 23, 10)),  # 00:10 on 4 March
                            Registration(event_id=event.id, mode="in_person", status="confirmed")])
        db.session.commit()
        db.session.remove()
        upgrade()
        rows = db.session.execute(text("SELECT day, at FROM checkin").columns(day=Date, at=DateTime)).all()
        db.session.remove()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [(date(2031, 3, 4), datetime(2031, 3, 3, 23, 10))]
