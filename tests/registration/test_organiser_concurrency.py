"""Organiser actions under concurrent load keep the seat counters exact and never
overbook: simultaneous moves into a nearly full mode, a capacity lowered while people
register, and an approval racing a cancellation."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys.auth.models import User
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration import organiser, participants, services
from eventsys.registration.models import Registration, RegistrationSettings
from tests.concurrency import assert_counters_match, kinds, run_each
from tests.registration.helpers import make_open_event

THREADS = 24


def _all_at_once(app, work, items) -> list:
    """Sorted outcomes of ``work(item)`` run at once: "ok" or the DomainError's class name."""
    return kinds(run_each(app, work, items))


def _seats(event_id) -> dict:
    db.session.expire_all()
    settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.event_id == event_id))
    held = dict(db.session.execute(select(Registration.mode, func.count()).where(
        Registration.event_id == event_id, Registration.status.in_(("pending", "confirmed")))
        .group_by(Registration.mode)).all())
    return {"in_person": (settings.in_person_taken, held.get("in_person", 0), settings.in_person_capacity),
            "online": (settings.online_taken, held.get("online", 0), settings.online_capacity)}


def test_concurrent_moves_into_three_free_seats_move_exactly_three(pooled_app, make_user):
    owner = make_user()
    event = make_open_event(owner, in_person=THREADS, online=3)
    ids = [services.register(event, make_user(), "in_person", consent_privacy=True).id for _ in range(THREADS)]
    owner_id, event_id = owner.id, event.id
    db.session.remove()

    def move(registration_id):
        registration = db.session.get(Registration, registration_id)
        participants.move_registration(registration, "online", db.session.get(User, owner_id))

    outcomes = _all_at_once(pooled_app, move, ids)
    assert outcomes == ["ValidationError"] * (THREADS - 3) + ["ok"] * 3
    assert _seats(event_id) == {"in_person": (THREADS - 3, THREADS - 3, THREADS), "online": (3, 3, 3)}
    assert_counters_match()


def test_capacity_lowered_while_people_register_never_ends_below_the_seats_taken(pooled_app, make_user):
    owner = make_user()
    event = make_open_event(owner, fmt="in_person", in_person=THREADS)
    event_id, owner_id = event.id, owner.id
    users = [make_user().id for _ in range(THREADS - 1)]
    db.session.remove()

    def act(item):
        event = db.session.get(Event, event_id)
        if item == "organiser":
            organiser.update_settings(event, {"is_open": True, "in_person_capacity": 12},
                                      db.session.get(User, owner_id))
        else:
            services.register(event, db.session.get(User, item), "in_person", consent_privacy=True)

    outcomes = _all_at_once(pooled_app, act, users + ["organiser"])
    taken, held, capacity = _seats(event_id)["in_person"]
    assert taken == held <= capacity
    if "ValidationError" in outcomes:  # the organiser came too late: more than 12 seats were taken
        assert (capacity, taken) == (THREADS, THREADS - 1)
    else:
        assert (capacity, taken) == (12, 12)
    assert_counters_match()


def test_approval_racing_a_cancellation_frees_the_seat_once(pooled_app, make_user):
    owner = make_user()
    event = make_open_event(owner, in_person=1, approval=True)
    person = make_user()
    pending = services.register(event, person, "in_person", consent_privacy=True)
    waiting = services.register(event, make_user(), "in_person", consent_privacy=True)
    ids = (pending.id, waiting.id, owner.id, person.id)
    event_id = event.id
    db.session.remove()

    def act(item):
        registration = db.session.get(Registration, ids[0])
        if item == "approve":
            participants.approve_registration(registration, db.session.get(User, ids[2]))
        else:
            services.cancel_registration(registration, db.session.get(User, ids[3]))

    _all_at_once(pooled_app, act, ["approve", "cancel"])
    assert _seats(event_id)["in_person"] == (1, 1, 1)
    assert db.session.get(Registration, ids[0]).status == "cancelled"
    assert db.session.get(Registration, ids[1]).status == "pending"
    assert_counters_match()
