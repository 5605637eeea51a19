"""Registration seats are never oversold, whatever runs at the same moment, on SQLite
(file) and PostgreSQL: 50 sign-ups for 10 seats; simultaneous cancellations promoting the
first in line; and every transition of one registration requested twice at once (double
cancel, double mode switch, cancel then double re-register, participant cancel racing an
organiser's move, account deletion racing a cancel), 5 rounds each, with every counter
recounted from the rows afterwards (tests/concurrency.py)."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys import mail
from eventsys.auth.models import User
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.account import services as privacy
from eventsys.registration import participants, services
from eventsys.registration.models import Registration, RegistrationSettings
from tests.builders import PASSWORD
from tests.concurrency import assert_counters_match, kinds, run_each, run_together
from tests.registration.helpers import make_open_event

THREADS, SEATS, ROUNDS = 50, 10, 5


def _register(args):
    event_id, user_id = args
    event = db.session.get(Event, event_id)
    user = db.session.get(User, user_id)
    return services.register(event, user, "in_person", consent_privacy=True).status


def _cancel(registration_id):
    registration = db.session.get(Registration, registration_id)
    services.cancel_registration(registration, db.session.get(User, registration.user_id))


def _counts(event_id):
    db.session.expire_all()
    rows = db.session.execute(select(Registration.status, func.count()).where(Registration.event_id == event_id)
                              .group_by(Registration.status)).all()
    return dict(rows)


def _by_mode(event_id):
    db.session.expire_all()
    rows = db.session.execute(select(Registration.status, Registration.mode, func.count())
                              .where(Registration.event_id == event_id)
                              .group_by(Registration.status, Registration.mode)).all()
    return {(status, mode): n for status, mode, n in rows}


def _nonzero(counts: dict) -> dict:
    return {key: n for key, n in counts.items() if n}


def _taken(event_id):
    return db.session.execute(select(RegistrationSettings.in_person_taken, RegistrationSettings.online_taken)
                              .where(RegistrationSettings.event_id == event_id)).one()


def _full_event(make_user, seated=SEATS, waiting=5, owner=None, **kw):
    """An event with ``seated`` confirmed in person and ``waiting`` on its waitlist (in order)."""
    event = make_open_event(owner, **{"in_person": SEATS, **kw})
    ids = [services.register(event, make_user(), "in_person", consent_privacy=True).id
           for _ in range(seated + waiting)]
    return event.id, ids[:seated], ids[seated:]


def test_fifty_concurrent_registrations_never_overbook_ten_seats(pooled_app, make_user):
    users = [make_user(email=f"racer{i}@example.org") for i in range(THREADS)]
    user_ids = [u.id for u in users]
    for round_no in range(ROUNDS):
        event = make_open_event(fmt="in_person", in_person=SEATS)
        event_id = event.id
        db.session.remove()
        outcomes = run_each(pooled_app, _register, [(event_id, uid) for uid in user_ids])
        assert kinds(outcomes) == ["ok"] * THREADS
        assert _counts(event_id) == {"confirmed": SEATS, "waitlisted": THREADS - SEATS}, f"round {round_no}"
        assert tuple(_taken(event_id)) == (SEATS, 0)
        assert_counters_match()


def test_five_concurrent_cancellations_promote_the_first_five_in_line(pooled_app, make_user):
    event_id, seated, line = _full_event(make_user, waiting=10, fmt="in_person")
    db.session.remove()
    assert kinds(run_each(pooled_app, _cancel, seated[:5])) == ["ok"] * 5
    confirmed = set(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event_id, Registration.status == "confirmed")))
    assert set(line[:5]) <= confirmed
    assert not set(line[5:]) & confirmed
    assert _counts(event_id) == {"confirmed": 10, "waitlisted": 5, "cancelled": 5}
    assert tuple(_taken(event_id)) == (SEATS, 0)
    assert_counters_match()


def test_double_cancel_frees_each_seat_once_and_promotes_once(pooled_app, make_user):
    for round_no in range(ROUNDS):
        event_id, seated, line = _full_event(make_user, waiting=10, fmt="in_person")
        db.session.remove()
        outcomes = run_each(pooled_app, _cancel, seated[:5] * 2)
        assert kinds(outcomes) == ["Conflict"] * 5 + ["ok"] * 5, f"round {round_no}"
        assert _counts(event_id) == {"confirmed": 10, "waitlisted": 5, "cancelled": 5}
        confirmed = set(db.session.scalars(select(Registration.id).where(
            Registration.event_id == event_id, Registration.status == "confirmed")))
        assert confirmed == set(seated[5:]) | set(line[:5])
        assert tuple(_taken(event_id)) == (SEATS, 0)
        assert_counters_match()


def _to_online(registration_id):
    registration = db.session.get(Registration, registration_id)
    return services.update_registration(registration, db.session.get(User, registration.user_id), "online",
                                        {}, False).mode


def test_double_mode_switch_moves_each_seat_once(pooled_app, make_user):
    for round_no in range(ROUNDS):
        event_id, seated, line = _full_event(make_user, waiting=10, online=SEATS)
        db.session.remove()
        outcomes = run_each(pooled_app, _to_online, seated[:5] * 2)
        assert outcomes == ["online"] * 10, f"round {round_no}"
        assert _by_mode(event_id) == {("confirmed", "in_person"): 10, ("confirmed", "online"): 5,
                                      ("waitlisted", "in_person"): 5}
        assert tuple(_taken(event_id)) == (10, 5)
        assert_counters_match()


def test_cancel_then_double_register_takes_one_seat_each(pooled_app, make_user):
    for round_no in range(ROUNDS):
        event_id, seated, _line = _full_event(make_user, waiting=0, fmt="in_person")
        for registration_id in seated[:5]:
            _cancel(registration_id)
        people = [db.session.get(Registration, rid).user_id for rid in seated[:5]]
        db.session.remove()
        outcomes = run_each(pooled_app, _register, [(event_id, uid) for uid in people * 2])
        assert outcomes == ["confirmed"] * 10, f"round {round_no}"
        assert _counts(event_id) == {"confirmed": 10}
        assert tuple(_taken(event_id)) == (SEATS, 0)
        assert_counters_match()


def test_participant_cancel_racing_the_organisers_move_changes_each_seat_once(pooled_app, make_user):
    owner = make_user()
    owner_id = owner.id
    for round_no in range(ROUNDS):
        event_id, seated, line = _full_event(make_user, waiting=5, owner=db.session.get(User, owner_id),
                                             online=SEATS)
        db.session.remove()

        def move(registration_id):
            registration = db.session.get(Registration, registration_id)
            return participants.move_registration(registration, "online", db.session.get(User, owner_id))

        calls = [(lambda rid=rid: _cancel(rid)) for rid in seated[:5]]
        calls += [(lambda rid=rid: move(rid)) for rid in seated[:5]]
        outcomes = run_together(pooled_app, calls)
        moved_first = [rid for rid, o in zip(seated[:5], outcomes[5:]) if not isinstance(o, Exception)]
        assert kinds(outcomes[:5]) == ["ok"] * 5, f"round {round_no}"  # a moved person still cancels
        assert kinds(outcomes[5:]) == ["Conflict"] * (5 - len(moved_first)) + ["ok"] * len(moved_first)
        assert _by_mode(event_id) == _nonzero({("confirmed", "in_person"): 10,
                                               ("cancelled", "in_person"): 5 - len(moved_first),
                                               ("cancelled", "online"): len(moved_first)})
        assert tuple(_taken(event_id)) == (10, 0)
        assert_counters_match()


def test_account_deletion_racing_a_cancel_leaves_counters_exact_and_no_mail(pooled_app, make_user):
    for round_no in range(ROUNDS):
        event_id, seated, line = _full_event(make_user, waiting=5, fmt="in_person")
        people = [(rid, db.session.get(Registration, rid).user_id) for rid in seated[:5]]
        emails = [db.session.get(User, uid).email for _rid, uid in people]
        db.session.remove()

        def delete(user_id):
            user = db.session.get(User, user_id)
            privacy.delete_account(user, PASSWORD, user)

        calls = [(lambda rid=rid: _cancel(rid)) for rid, _uid in people]
        calls += [(lambda uid=uid: delete(uid)) for _rid, uid in people]
        outcomes = run_together(pooled_app, calls)
        assert kinds(outcomes[5:]) == ["ok"] * 5, f"round {round_no}"
        cancelled = kinds(outcomes[:5]).count("ok")
        assert _counts(event_id) == _nonzero({"confirmed": 10, "cancelled": cancelled, "waitlisted": 5 - cancelled})
        assert db.session.scalar(select(func.count()).select_from(mail.OutboxMessage)
                                 .where(mail.OutboxMessage.to_addr.in_(emails))) == 0
        assert tuple(_taken(event_id)) == (SEATS, 0)
        assert_counters_match()


def test_double_cancel_through_two_browsers_frees_the_seat_once(pooled_app, make_user, login):
    event_id, seated, line = _full_event(make_user, waiting=2, fmt="in_person")
    registration = db.session.get(Registration, seated[0])
    user, slug = registration.user, registration.event.slug
    browsers = [pooled_app.test_client(), pooled_app.test_client()]
    for browser in browsers:
        login(browser, user)
    db.session.remove()
    url = f"/events/{slug}/registration/cancel"
    responses = run_each(pooled_app, lambda browser: browser.post(url).status_code, browsers)
    assert responses == [302, 302]
    assert _counts(event_id) == {"confirmed": 10, "waitlisted": 1, "cancelled": 1}
    assert db.session.get(Registration, line[0]).status == "confirmed"
    assert tuple(_taken(event_id)) == (SEATS, 0)
    assert_counters_match()
