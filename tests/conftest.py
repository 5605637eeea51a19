"""Shared fixtures: an app on empty tables for each test (SQLite file, or PostgreSQL when
EVENTSYS_TEST_DATABASE_URL is set), a real local SMTP server, builders and a login helper.

Building an app costs about 0.25 s, so the ``app`` fixture hands every test the same
session-wide app, reset in between (configuration, rate limits, feed cache, tables).
``make_app(**overrides)`` still builds a new app each call, for tests that need their own
configuration, a second worker or extra routes."""
from __future__ import annotations

import contextvars
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import text

from eventsys import create_app
from eventsys.config import normalise_database_url
from eventsys.extensions import db, limiter
from eventsys.ical.cache import DEFAULT_MAX_BYTES, FeedCache

from tests.builders import login, make_user  # noqa: F401  (fixtures)

PG_URL = normalise_database_url(os.environ.get("EVENTSYS_TEST_DATABASE_URL") or None)


def is_postgres() -> bool:
    return bool(PG_URL)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if PG_URL:
        return PG_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "eventsys-test.db")


@pytest.fixture(scope="session")
def _schema(database_url):
    """Create the schema once per run; each test then starts from empty tables."""
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        if PG_URL:
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    yield database_url


# --- a real SMTP server --------------------------------------------------------------

@dataclass
class Mailbox:
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    fail_next: int = 0  # answer the next N messages with a temporary error

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return "451 4.3.0 Try again later"
            msg = message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append(msg)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()
            self.fail_next = 0

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(msg) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()

    def links(self, msg) -> list[str]:
        return re.findall(r"https?://\S+", self.body(msg))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server[1].clear()
    return smtp_server[1]


# --- the app ----------------------------------------------------------------------------

class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Without this, requests reuse the test's outer app context, so ``g`` (Flask-Login's
    cached user, Babel's locale) and the database session leak from one request to the
    next and hide bugs such as a replayed cookie still being accepted."""

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)
            return FlaskClient.open(self, *args, **kwargs)
        return contextvars.copy_context().run(run)


_EMPTYING: dict[str, str] = {}  # database URL -> the script that empties it


def _empty_tables() -> None:
    """Empty every table in one round trip. DELETE, not TRUNCATE: on tables this small
    PostgreSQL's TRUNCATE costs about 0.5 s a test (it gives every table new files); the
    sequences restart, as with TRUNCATE's RESTART IDENTITY."""
    with db.engine.begin() as conn:
        script = _EMPTYING.get(str(db.engine.url))
        if script is None:
            script = "".join(f'DELETE FROM "{t.name}";' for t in reversed(db.metadata.sorted_tables))
            if PG_URL:
                sequences = conn.exec_driver_sql(
                    "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) FROM "
                    "information_schema.sequences WHERE sequence_schema = current_schema()").scalars().all()
                script += "SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in sequences) + ";"
            _EMPTYING[str(db.engine.url)] = script
        if PG_URL:
            conn.exec_driver_sql(script)
        else:
            conn.connection.driver_connection.executescript(script)


def _settings(database_url: str, smtp_port: int, outbox: Path, **overrides) -> dict:
    settings = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "MAIL_FILE_DIR": str(outbox),
                "WTF_CSRF_ENABLED": False}
    settings.update(overrides)
    return settings


def _build_app(settings: dict):
    app = create_app(settings)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def _shared_app(_schema, smtp_server, tmp_path_factory):
    app = _build_app(_settings(_schema, smtp_server[0].port, tmp_path_factory.mktemp("outbox")))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(_shared_app, _schema, smtp_server, tmp_path):
    """Build an app on the test database; keyword arguments override configuration.
    Afterwards every app's session is closed and the tables are emptied."""
    apps = []

    def factory(**overrides):
        app = _build_app(_settings(_schema, smtp_server[0].port, tmp_path / "outbox", **overrides))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
    with _shared_app.app_context():
        db.session.remove()
        _empty_tables()
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(_shared_app, make_app, tmp_path):
    """The session's app, as if new: its configuration as built (mail files under this
    test's tmp_path), no rate-limit hits, an empty feed cache; ``make_app`` empties the
    tables afterwards."""
    app = _shared_app
    built = dict(app.config)
    app.config["MAIL_FILE_DIR"] = str(tmp_path / "outbox")
    app.extensions["ical_cache"] = FeedCache(app.config.get("ICAL_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))
    limiter.reset()
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        app.config.clear()
        app.config.update(built)


@pytest.fixture
def pooled_app(make_app):
    """An app whose pool has a connection for each thread of tests/concurrency.py."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 60, "max_overflow": 10,
                                              "pool_pre_ping": True, "pool_timeout": 60})
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def other_client(app):
    return app.test_client()


def pytest_report_header(config):
    return f"eventsys test database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (file per run)'}"
