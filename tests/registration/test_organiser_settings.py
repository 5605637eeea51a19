"""Registration settings: times in the event's zone, capacities that can never go below
the seats taken, waitlist promotion when capacities go up, the privacy notice version."""
from __future__ import annotations

from datetime import datetime

import pytest

from eventsys.errors import PermissionDenied, ValidationError
from eventsys.registration import organiser
from eventsys.registration.models import CONFIRMED, PENDING, WAITLISTED
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import (add_role, fresh_settings, outbox, register, seated_count,
                                                  statuses)

BASE = {"is_open": True, "opens_at": None, "closes_at": None, "requires_approval": False,
        "confirmation_message": "", "privacy_notice": "", "in_person_capacity": 10, "online_capacity": None}


def values(**changes) -> dict:
    return {**BASE, **changes}


@pytest.fixture
def owner(make_user):
    return make_user(name="Olga Owner")


def test_update_settings_stores_local_times_in_utc(app, owner):
    event = make_open_event(owner)  # Europe/Madrid: UTC+2 in May
    organiser.update_settings(event, values(opens_at=datetime(2031, 5, 4, 9, 0),
                                            closes_at=datetime(2031, 5, 20, 18, 30), requires_approval=True,
                                            confirmation_message=" See you! ", online_capacity=""), owner)
    settings = fresh_settings(event)
    assert (settings.opens_at, settings.closes_at) == (datetime(2031, 5, 4, 7, 0), datetime(2031, 5, 20, 16, 30))
    assert settings.requires_approval is True
    assert settings.confirmation_message == "See you!"
    assert (settings.in_person_capacity, settings.online_capacity) == (10, None)
    assert organiser.settings_form_data(event, settings)["opens_at"] == datetime(2031, 5, 4, 9, 0)


def test_update_settings_closing_before_opening_is_refused(app, owner):
    event = make_open_event(owner)
    with pytest.raises(ValidationError) as error:
        organiser.update_settings(event, values(opens_at=datetime(2031, 5, 4, 9), closes_at=datetime(2031, 5, 4, 9)),
                                  owner)
    assert error.value.field == "closes_at"


@pytest.mark.parametrize("raw, field", [("", "in_person_capacity"), (-1, "in_person_capacity"),
                                        ("many", "in_person_capacity")])
def test_update_settings_bad_in_person_capacity_is_refused_at_the_field(app, owner, raw, field):
    event = make_open_event(owner, in_person=7)
    with pytest.raises(ValidationError) as error:
        organiser.update_settings(event, values(in_person_capacity=raw), owner)
    assert error.value.field == field
    assert fresh_settings(event).in_person_capacity == 7


def test_lowering_capacity_below_seats_taken_is_refused_with_the_numbers(app, owner, make_user):
    event = make_open_event(owner, in_person=5, online=5)
    for _ in range(3):
        register(event, make_user(), "in_person")
    with pytest.raises(ValidationError) as error:
        organiser.update_settings(event, values(in_person_capacity=2, online_capacity=5, is_open=False), owner)
    assert error.value.field == "in_person_capacity"
    assert str(error.value.message) == ("3 in-person seats are taken, so the capacity cannot be lower than 3. "
                                        "Cancel or move registrations first.")
    settings = fresh_settings(event)
    assert (settings.in_person_capacity, settings.in_person_taken, settings.is_open) == (5, 3, True)


def test_lowering_online_capacity_below_seats_taken_is_refused_and_nothing_saved(app, owner, make_user):
    event = make_open_event(owner, in_person=5, online=None)
    for _ in range(2):
        register(event, make_user(), "online")
    with pytest.raises(ValidationError) as error:
        organiser.update_settings(event, values(in_person_capacity=9, online_capacity=1), owner)
    assert error.value.field == "online_capacity"
    assert (fresh_settings(event).in_person_capacity, fresh_settings(event).online_capacity) == (5, None)


def test_lowering_capacity_to_exactly_the_seats_taken_is_allowed(app, owner, make_user):
    event = make_open_event(owner, in_person=5)
    for _ in range(3):
        register(event, make_user(), "in_person")
    organiser.update_settings(event, values(in_person_capacity=3), owner)
    settings = fresh_settings(event)
    assert (settings.in_person_capacity, settings.in_person_taken) == (3, 3)
    assert register(event, make_user(), "in_person").status == WAITLISTED


def test_raising_capacity_promotes_the_waitlist_in_order(app, owner, make_user):
    event = make_open_event(owner, in_person=1)
    first = register(event, make_user(), "in_person")
    waiting = [register(event, make_user(email=f"w{n}@example.org"), "in_person") for n in range(3)]
    assert [r.status for r in waiting] == [WAITLISTED] * 3
    promoted = organiser.update_settings(event, values(in_person_capacity=3), owner)
    assert [r.id for r in promoted] == [waiting[0].id, waiting[1].id]
    now = statuses(event)
    assert [now[r.id][0] for r in [first, *waiting]] == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    assert fresh_settings(event).in_person_taken == 3 == seated_count(event, "in_person")
    assert [m.subject for m in outbox("w0@example.org")][-1] == "You are registered: " + event.title
    assert [m.subject for m in outbox("w2@example.org")] == ["You are on the waiting list: " + event.title]


def test_unlimited_online_capacity_promotes_everyone_waiting(app, owner, make_user):
    event = make_open_event(owner, in_person=1, online=1)
    register(event, make_user(), "online")
    waiting = [register(event, make_user(), "online") for _ in range(3)]
    promoted = organiser.update_settings(event, values(in_person_capacity=1, online_capacity=None), owner)
    assert sorted(r.id for r in promoted) == sorted(r.id for r in waiting)
    assert fresh_settings(event).online_taken == 4 == seated_count(event, "online")


def test_raising_capacity_with_approval_promotes_to_pending(app, owner, make_user):
    event = make_open_event(owner, in_person=1, approval=True)
    register(event, make_user(), "in_person")
    waiting = register(event, make_user(), "in_person")
    organiser.update_settings(event, values(in_person_capacity=2, requires_approval=True), owner)
    assert statuses(event)[waiting.id] == (PENDING, "in_person")


def test_privacy_notice_version_goes_up_only_when_the_text_changes(app, owner):
    event = make_open_event(owner)
    organiser.update_settings(event, values(privacy_notice="We keep your data for one year."), owner)
    assert fresh_settings(event).privacy_notice_version == "2"
    organiser.update_settings(event, values(privacy_notice="We keep your data for one year.", is_open=False), owner)
    assert fresh_settings(event).privacy_notice_version == "2"
    organiser.update_settings(event, values(privacy_notice="We keep your data for two years."), owner)
    assert fresh_settings(event).privacy_notice_version == "3"


def test_absent_capacity_keys_are_left_unchanged(app, owner):
    event = make_open_event(owner, fmt="online", in_person=0, online=40)
    organiser.update_settings(event, {k: v for k, v in values(online_capacity=50).items() if k != "in_person_capacity"},
                              owner)
    settings = fresh_settings(event)
    assert (settings.in_person_capacity, settings.online_capacity) == (0, 50)


@pytest.mark.parametrize("role", ["rapporteur", "checkin"])
def test_update_settings_by_staff_without_manage_right_is_refused(app, owner, make_user, role):
    event = make_open_event(owner, in_person=4)
    staff = make_user()
    add_role(event, staff, role)
    with pytest.raises(PermissionDenied):
        organiser.update_settings(event, values(in_person_capacity=40), staff)
    assert fresh_settings(event).in_person_capacity == 4


def test_update_settings_by_a_participant_is_refused(app, owner, make_user):
    event = make_open_event(owner)
    with pytest.raises(PermissionDenied):
        organiser.update_settings(event, values(), make_user())
