"""Check-in per day of a multi-day event: one row per (registration, local day), a
double scan the same day is one row (also when both arrive at once, on SQLite and
PostgreSQL), the door counts today's check-ins, and moving or undoing keeps the rows true."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.formatting import event_datetime
from eventsys.registration import checkin, participants
from eventsys.registration.dashboard import registration_figures
from eventsys.registration.models import Checkin, Registration
from tests.concurrency import kinds, run_together
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, register

DAY1_MORNING = datetime(2031, 3, 3, 7, 55)   # 08:55 in Madrid, 3 March
DAY1_LATE = datetime(2031, 3, 3, 22, 30)     # 23:30 in Madrid, still 3 March
DAY2_EARLY = datetime(2031, 3, 3, 23, 10)    # 00:10 in Madrid, 4 March


@pytest.fixture
def door(app, make_user):
    owner = make_user(email="owner@example.org")
    event = make_open_event(owner, in_person=5, online=None)  # 3–4 March 2031, Europe/Madrid
    ana = register(event, make_user(email="ana@example.org", name="Ana Díaz"))
    ben = register(event, make_user(email="ben@example.org", name="Ben Berg"))
    staff = make_user(email="staff@example.org")
    add_role(event, staff, "checkin")
    return event, ana, ben, staff


def rows(registration) -> list[tuple[date, datetime]]:
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(select(Checkin.day, Checkin.at)
                                                 .where(Checkin.registration_id == registration.id)
                                                 .order_by(Checkin.day))]


def test_check_in_per_day_gives_one_row_per_local_day(door):
    event, ana, _ben, staff = door
    assert checkin.check_in(ana, staff, now=DAY1_MORNING) is True
    assert checkin.check_in(ana, staff, now=DAY1_LATE) is False  # same day in Madrid
    assert checkin.check_in(ana, staff, now=DAY2_EARLY) is True   # the next day in Madrid
    assert rows(ana) == [(date(2031, 3, 3), DAY1_MORNING), (date(2031, 3, 4), DAY2_EARLY)]
    assert db.session.get(Registration, ana.id).checked_in_at == DAY1_MORNING  # the first check-in
    assert db.session.scalar(select(Checkin.by_id).where(Checkin.registration_id == ana.id).limit(1)) == staff.id


def test_door_counts_only_todays_check_ins(door):
    event, ana, ben, staff = door
    checkin.check_in(ana, staff, now=DAY1_MORNING)
    checkin.check_in(ben, staff, now=DAY1_MORNING)
    checkin.check_in(ana, staff, now=DAY2_EARLY)
    assert checkin.door_counts(event, now=DAY1_LATE) == (2, 2)
    assert checkin.door_counts(event, now=datetime(2031, 3, 4, 9, 0)) == (1, 2)


def test_scan_on_the_second_day_checks_in_again(door):
    event, ana, _ben, staff = door
    assert checkin.scan(event, ana.qr_token, staff, now=DAY1_MORNING).outcome == "checked_in"
    again = checkin.scan(event, ana.qr_token, staff, now=DAY1_LATE)
    assert (again.outcome, again.at) == ("already", DAY1_MORNING)
    assert checkin.scan(event, ana.qr_token, staff, now=DAY2_EARLY).outcome == "checked_in"


def test_undo_removes_only_that_days_check_in(door):
    event, ana, _ben, staff = door
    checkin.check_in(ana, staff, now=DAY1_MORNING)
    checkin.check_in(ana, staff, now=DAY2_EARLY)
    checkin.undo_check_in(ana, staff, now=DAY2_EARLY)
    assert rows(ana) == [(date(2031, 3, 3), DAY1_MORNING)]
    checkin.undo_check_in(ana, staff, now=DAY1_MORNING)
    assert rows(ana) == []
    assert db.session.get(Registration, ana.id).checked_in_at is None


def test_moving_a_participant_online_removes_their_check_ins(door):
    event, ana, _ben, staff = door
    checkin.check_in(ana, staff, now=DAY1_MORNING)
    participants.move_registration(ana, "online", event_owner(event))
    assert rows(ana) == []
    assert db.session.get(Registration, ana.id).checked_in_at is None


def event_owner(event):
    return db.session.scalar(select(User).where(User.email == "owner@example.org"))


def test_dashboard_counts_check_ins_of_today_in_the_event_zone(door):
    event, ana, ben, staff = door
    checkin.check_in(ana, staff, now=DAY1_MORNING)
    checkin.check_in(ben, staff, now=DAY2_EARLY)
    assert registration_figures(event, now=DAY1_LATE)["checked_in_today"] == 1
    assert registration_figures(event, now=datetime(2031, 3, 4, 12, 0))["checked_in_today"] == 1
    assert registration_figures(event, now=datetime(2031, 3, 5, 12, 0))["checked_in_today"] == 0


def test_door_page_shows_todays_count_and_the_time_with_its_date(door, client, login):
    event, ana, _ben, staff = door
    checkin.check_in(ana, staff)  # today
    login(client, staff)
    page = client.get(f"/events/{event.slug}/manage/registration/checkin?q=ana").get_data(as_text=True)
    assert "1 of 2 checked in today" in page
    at = db.session.scalar(select(Checkin.at).where(Checkin.registration_id == ana.id))
    assert f"Checked in {event_datetime(at, event.timezone, 'short')}" in page


def _scan(registration_id, staff_id, now):
    registration = db.session.get(Registration, registration_id)
    return checkin.check_in(registration, db.session.get(User, staff_id), now=now)


@pytest.mark.parametrize("round_", range(3))
def test_double_scan_at_once_gives_one_row(pooled_app, make_user, round_):
    owner = make_user()
    event = make_open_event(owner, in_person=5, online=None)
    registration_id = register(event, make_user()).id
    staff = make_user()
    add_role(event, staff, "checkin")
    staff_id = staff.id
    outcomes = run_together(pooled_app, [lambda: _scan(registration_id, staff_id, DAY1_MORNING)] * 2)
    assert kinds(outcomes) == ["ok", "ok"]
    assert sorted(outcomes) == [False, True]
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Checkin)
                             .where(Checkin.registration_id == registration_id)) == 1
    assert db.session.get(Registration, registration_id).checked_in_at == DAY1_MORNING
