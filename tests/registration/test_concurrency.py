"""Never over capacity under concurrent load: 50 threads, each with its own database
connection, register for 10 seats at once — five times — on SQLite (file) and
PostgreSQL; then 5 simultaneous cancellations promote exactly the first 5 in line."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from eventsys.auth.models import User
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import Registration, RegistrationSettings
from tests.registration.helpers import make_open_event

THREADS, SEATS = 50, 10


@pytest.fixture
def pooled_app(make_app):
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": THREADS + 5, "max_overflow": 10,
                                              "pool_pre_ping": True, "pool_timeout": 60})
    with app.app_context():
        yield app
        db.session.remove()


def _all_at_once(app, work, items):
    """Run ``work(item)`` for every item in its own thread and app context (so its own
    session and connection), released together by a barrier."""
    barrier = threading.Barrier(len(items))
    errors = []

    def run(item):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                work(item)
            except Exception as exc:  # reported below, never swallowed
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []


def _register(args):
    event_id, user_id = args
    event = db.session.get(Event, event_id)
    user = db.session.get(User, user_id)
    services.register(event, user, "in_person", consent_privacy=True)


def _counts(event_id):
    rows = db.session.execute(select(Registration.status, func.count()).where(Registration.event_id == event_id)
                              .group_by(Registration.status)).all()
    return dict(rows)


def test_fifty_concurrent_registrations_never_overbook_ten_seats(pooled_app, make_user):
    users = [make_user(email=f"racer{i}@example.org") for i in range(THREADS)]
    user_ids = [u.id for u in users]
    for round_no in range(5):
        event = make_open_event(fmt="in_person", in_person=SEATS)
        event_id = event.id
        db.session.remove()
        _all_at_once(pooled_app, _register, [(event_id, uid) for uid in user_ids])
        assert _counts(event_id) == {"confirmed": SEATS, "waitlisted": THREADS - SEATS}, f"round {round_no}"
        taken = db.session.scalar(select(RegistrationSettings.in_person_taken)
                                  .where(RegistrationSettings.event_id == event_id))
        assert taken == SEATS


def test_five_concurrent_cancellations_promote_the_first_five_in_line(pooled_app, make_user):
    users = [make_user(email=f"queue{i}@example.org") for i in range(20)]
    event = make_open_event(fmt="in_person", in_person=SEATS)
    for user in users:  # sequential: the waiting line is users[10:] in this order
        services.register(event, user, "in_person", consent_privacy=True)
    event_id = event.id
    line = [r.id for r in db.session.scalars(
        select(Registration).where(Registration.event_id == event_id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id))]
    cancellers = [r.id for r in db.session.scalars(
        select(Registration).where(Registration.event_id == event_id, Registration.status == "confirmed"))][:5]
    db.session.remove()

    def cancel(registration_id):
        registration = db.session.get(Registration, registration_id)
        services.cancel_registration(registration, registration.user)

    _all_at_once(pooled_app, cancel, cancellers)
    confirmed = set(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event_id, Registration.status == "confirmed")))
    assert set(line[:5]) <= confirmed
    assert not set(line[5:]) & confirmed
    assert len(confirmed) == SEATS
    assert _counts(event_id) == {"confirmed": 10, "waitlisted": 5, "cancelled": 5}
    taken = db.session.scalar(select(RegistrationSettings.in_person_taken)
                              .where(RegistrationSettings.event_id == event_id))
    assert taken == SEATS
