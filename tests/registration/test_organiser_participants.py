"""The participant list (counts, filters, search, few queries) and the organiser's
actions: approve, reject, move between modes, add by hand, cancel on someone's behalf."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from eventsys.auth.models import User
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.registration import participants, services
from eventsys.registration.models import CANCELLED, CONFIRMED, PENDING, REJECTED, WAITLISTED, Registration
from eventsys.registration.participants import ParticipantFilters
from tests.queries import count_queries
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import (add_role, fresh_settings, outbox, register,
                                                  seated_count, seats_taken, statuses)


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


def _ids(event, **filters) -> list[int]:
    return [r.id for r in db.session.scalars(participants.participants_query(event, ParticipantFilters(**filters)))
            .unique()]


# --- list -------------------------------------------------------------------------------

def test_counts_by_status_and_mode(app, owner, make_user):
    event = make_open_event(owner, in_person=2, online=1)
    a, b = register(event, make_user()), register(event, make_user())
    register(event, make_user())  # waitlisted in person
    register(event, make_user(), "online")
    register(event, make_user(), "online")  # waitlisted online
    services.cancel_registration(a, a.user)  # promotes the in-person waitlist
    counts = participants.participant_counts(event)
    assert {k: v for k, v in counts.items() if v} == {
        ("confirmed", "in_person"): 2, ("confirmed", "online"): 1, ("cancelled", "in_person"): 1,
        ("waitlisted", "online"): 1, ("confirmed", "all"): 3, ("cancelled", "all"): 1, ("waitlisted", "all"): 1,
        ("all", "in_person"): 3, ("all", "online"): 2, ("all", "all"): 5}
    assert b.id in _ids(event, status="confirmed", mode="in_person")


def test_filters_and_search(app, owner, make_user):
    event = make_open_event(owner, in_person=1, online=None)
    ana = register(event, make_user(name="Ana Díaz", email="ana@hospital.example", organisation="Hospital Clínic",
                                     stakeholder_category="clinician"))
    bob = register(event, make_user(name="Bob Stone", email="bob@pharma.example", organisation="Pharma 100%",
                                     stakeholder_category="industry"), "online")
    cy = register(event, make_user(name="Cy Wait", email="cy@example.org", stakeholder_category="clinician"))
    ana.checked_in_at = datetime(2031, 3, 3, 9)
    db.session.commit()
    assert _ids(event) == [cy.id, bob.id, ana.id]  # newest first
    assert _ids(event, status="waitlisted") == [cy.id]
    assert _ids(event, mode="online") == [bob.id]
    assert _ids(event, stakeholder="clinician") == [cy.id, ana.id]
    assert _ids(event, checked_in="yes") == [ana.id]
    assert _ids(event, checked_in="no") == [cy.id, bob.id]
    assert _ids(event, q="DÍAZ".lower()) == [ana.id]
    assert _ids(event, q="PHARMA") == [bob.id]
    assert _ids(event, q="100%") == [bob.id]
    assert _ids(event, q="%") == [bob.id]  # LIKE wildcards are escaped
    assert _ids(event, q="hospital.example") == [ana.id]


def test_filters_from_args_ignore_unknown_values(app):
    filters = ParticipantFilters.from_args({"status": "nope", "mode": "online", "stakeholder": "x",
                                            "checked_in": "maybe", "q": "  ana  "})
    assert filters == ParticipantFilters(mode="online", q="ana")
    assert filters.as_args() == {"mode": "online", "q": "ana"}


def test_participants_page_runs_two_queries_whatever_the_size(app, owner, make_user):
    event = make_open_event(owner, in_person=100)
    for _ in range(30):
        register(event, make_user())
    db.session.expire_all()
    assert event.id  # loaded before counting
    with count_queries() as queries:
        page = participants.participants_page(event, ParticipantFilters(), 1, per_page=25)
        names = [r.user.name for r in page.items]
    assert (len(names), page.total, len(queries)) == (25, 30, 2)


def test_registration_of_another_event_is_not_found(app, owner, make_user):
    event, other = make_open_event(owner), make_open_event(owner)
    registration = register(other, make_user())
    assert participants.get_event_registration(event, registration.id) is None
    assert participants.get_event_registration(other, registration.id) is registration


# --- approve / reject ---------------------------------------------------------------------

def test_approve_confirms_and_tells_the_person(app, owner, make_user):
    event = make_open_event(owner, in_person=2, approval=True)
    person = make_user(email="pending@example.org")
    registration = register(event, person)
    assert registration.status == PENDING
    participants.approve_registration(registration, owner, now=datetime(2031, 1, 2, 3, 4))
    assert (registration.status, registration.confirmed_at) == (CONFIRMED, datetime(2031, 1, 2, 3, 4))
    assert [m.subject for m in outbox("pending@example.org")] == [
        "Registration received, awaiting approval: " + event.title, "You are registered: " + event.title]
    assert seats_taken(event) == (1, 0)


def test_approve_twice_is_refused(app, owner, make_user):
    event = make_open_event(owner, in_person=2, approval=True)
    registration = register(event, make_user())
    participants.approve_registration(registration, owner)
    with pytest.raises(Conflict):
        participants.approve_registration(registration, owner)
    assert registration.status == CONFIRMED


def test_reject_frees_the_seat_and_promotes_the_first_in_line(app, owner, make_user):
    event = make_open_event(owner, in_person=1, approval=True)
    rejected = register(event, make_user(email="no@example.org"))
    first, second = register(event, make_user(email="w1@example.org")), register(event, make_user())
    promoted = participants.reject_registration(rejected, owner)
    assert [r.id for r in promoted] == [first.id]
    now = statuses(event)
    assert [now[r.id][0] for r in (rejected, first, second)] == [REJECTED, PENDING, WAITLISTED]
    assert seats_taken(event) == (1, 0) and seated_count(event, "in_person") == 1
    assert outbox("no@example.org")[-1].subject == "Your registration: " + event.title
    assert "could not accept your registration" in outbox("no@example.org")[-1].body_text
    assert outbox("w1@example.org")[-1].subject == "Registration received, awaiting approval: " + event.title


def test_reject_a_confirmed_registration_is_refused(app, owner, make_user):
    event = make_open_event(owner)
    registration = register(event, make_user())
    with pytest.raises(Conflict):
        participants.reject_registration(registration, owner)
    assert (registration.status, seats_taken(event)) == (CONFIRMED, (1, 0))


# --- move -------------------------------------------------------------------------------

def test_move_takes_a_seat_in_the_new_mode_and_frees_the_old(app, owner, make_user):
    event = make_open_event(owner, in_person=1, online=5)
    mover = register(event, make_user(email="mover@example.org"))
    waiting = register(event, make_user())
    promoted = participants.move_registration(mover, "online", owner)
    assert [r.id for r in promoted] == [waiting.id]
    assert statuses(event) == {mover.id: (CONFIRMED, "online"), waiting.id: (CONFIRMED, "in_person")}
    assert seats_taken(event) == (1, 1)
    assert "you now attend online" in outbox("mover@example.org")[-1].body_text


def test_move_into_a_full_mode_is_refused_and_seats_stay_exact(app, owner, make_user):
    event = make_open_event(owner, in_person=2, online=1)
    register(event, make_user(), "online")
    mover = register(event, make_user())
    with pytest.raises(ValidationError) as error:
        participants.move_registration(mover, "online", owner)
    assert error.value.field == "mode"
    assert str(error.value.message) == "All online seats are taken (1 of 1): raise the capacity first."
    assert statuses(event)[mover.id] == (CONFIRMED, "in_person")
    assert seats_taken(event) == (1, 1) == (seated_count(event, "in_person"), seated_count(event, "online"))


def test_moves_back_and_forth_keep_the_counters_exact(app, owner, make_user):
    event = make_open_event(owner, in_person=3, online=3)
    people = [register(event, make_user(), mode) for mode in ("in_person", "in_person", "online")]
    participants.move_registration(people[0], "online", owner)
    participants.move_registration(people[2], "in_person", owner)
    participants.move_registration(people[0], "in_person", owner)
    participants.move_registration(people[1], "online", owner)
    assert seats_taken(event) == (2, 1) == (seated_count(event, "in_person"), seated_count(event, "online"))


def test_move_a_waitlisted_person_into_a_mode_with_room_seats_them(app, owner, make_user):
    event = make_open_event(owner, in_person=1, online=2)
    register(event, make_user())
    waiting = register(event, make_user())
    participants.move_registration(waiting, "online", owner)
    assert statuses(event)[waiting.id] == (CONFIRMED, "online")
    assert seats_taken(event) == (1, 1)


@pytest.mark.parametrize("mode", ["in_person", "hologram"])
def test_move_to_the_same_or_an_unknown_mode_is_refused(app, owner, make_user, mode):
    event = make_open_event(owner)
    registration = register(event, make_user())
    with pytest.raises(ValidationError) as error:
        participants.move_registration(registration, mode, owner)
    assert error.value.field == "mode"


def test_move_to_a_mode_with_no_seats_offered_is_refused(app, owner, make_user):
    event = make_open_event(owner, online=0)
    registration = register(event, make_user())
    with pytest.raises(ValidationError):
        participants.move_registration(registration, "online", owner)


def test_move_a_cancelled_registration_is_refused(app, owner, make_user):
    event = make_open_event(owner)
    registration = register(event, make_user())
    services.cancel_registration(registration, owner)
    with pytest.raises(Conflict):
        participants.move_registration(registration, "online", owner)
    assert seats_taken(event) == (0, 0)


# --- add by hand ------------------------------------------------------------------------

def test_add_an_existing_account(app, owner, make_user):
    event = make_open_event(owner)
    person = make_user(email="known@example.org", country="ES", stakeholder_category="funder")
    registration = participants.add_participant(event, {"email": " Known@Example.org ", "mode": "in_person"}, owner)
    assert (registration.user_id, registration.status, registration.country, registration.stakeholder_category) == (
        person.id, CONFIRMED, "ES", "funder")
    assert registration.consent_privacy_version == ""
    message = outbox("known@example.org")[-1]
    assert message.subject == "You are registered: " + event.title
    assert "/auth/reset/" not in message.body_text


def test_add_a_new_person_without_a_name_is_refused_at_the_name(app, owner):
    event = make_open_event(owner)
    with pytest.raises(ValidationError) as error:
        participants.add_participant(event, {"email": "new@example.org", "name": " ", "mode": "online"}, owner)
    assert error.value.field == "name"
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is None


def test_add_when_full_puts_the_person_on_the_waitlist(app, owner, make_user):
    event = make_open_event(owner, in_person=1)
    register(event, make_user())
    registration = participants.add_participant(event, {"email": make_user().email, "mode": "in_person"}, owner)
    assert registration.status == WAITLISTED
    assert seats_taken(event) == (1, 0)


def test_add_someone_already_registered_is_refused(app, owner, make_user):
    event = make_open_event(owner)
    person = make_user()
    register(event, person)
    with pytest.raises(Conflict) as error:
        participants.add_participant(event, {"email": person.email, "mode": "online"}, owner)
    assert error.value.field == "email"
    assert seats_taken(event) == (1, 0)


def test_add_someone_who_cancelled_registers_them_again(app, owner, make_user):
    event = make_open_event(owner)
    person = make_user()
    first = register(event, person)
    services.cancel_registration(first, person)
    again = participants.add_participant(event, {"email": person.email, "mode": "in_person"}, owner)
    assert (again.id, again.status, again.cancelled_at) == (first.id, CONFIRMED, None)
    assert seats_taken(event) == (1, 0)


@pytest.mark.parametrize("values, field", [({"email": "not-an-email", "mode": "online"}, "email"),
                                           ({"email": "a@example.org", "mode": "carrier pigeon"}, "mode")])
def test_add_with_bad_values_is_refused_at_the_field(app, owner, values, field):
    event = make_open_event(owner)
    with pytest.raises(ValidationError) as error:
        participants.add_participant(event, values, owner)
    assert error.value.field == field
    assert db.session.scalar(select(db.func.count()).select_from(Registration)) == 0


# --- cancel and permissions ---------------------------------------------------------------

def test_organiser_cancels_on_someones_behalf(app, owner, make_user):
    event = make_open_event(owner, in_person=1)
    person = make_user(email="gone@example.org")
    registration = register(event, person)
    waiting = register(event, make_user())
    services.cancel_registration(registration, owner)
    assert statuses(event) == {registration.id: (CANCELLED, "in_person"), waiting.id: (CONFIRMED, "in_person")}
    assert outbox("gone@example.org")[-1].subject == "Registration cancelled: " + event.title
    assert fresh_settings(event).in_person_taken == 1


@pytest.mark.parametrize("role", ["rapporteur", "checkin"])
def test_participant_actions_by_staff_without_manage_right_are_refused(app, owner, make_user, role):
    event = make_open_event(owner, in_person=2, approval=True)
    registration = register(event, make_user())
    staff = make_user()
    add_role(event, staff, role)
    for action in (participants.approve_registration, participants.reject_registration,
                   lambda r, actor: participants.move_registration(r, "online", actor)):
        with pytest.raises(PermissionDenied):
            action(registration, staff)
    with pytest.raises(PermissionDenied):
        participants.add_participant(event, {"email": "x@example.org", "mode": "online"}, staff)
    assert statuses(event) == {registration.id: (PENDING, "in_person")}
