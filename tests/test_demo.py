"""`eventsys demo`: the accounts, the series and the published demo workshop; idempotence;
the scaled event for benchmarks (`--slots --rooms --days --speakers`)."""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.demo_event import WORKING_GROUP_TOPICS, demo_start_date
from eventsys.demo_scaled import build_scaled_event
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_local

COUNTED = (User, Series, Event, EventRole, Room, Speaker, AgendaSlot, SlotSpeaker, OutboxMessage)


def run_demo(app, *args):
    result = app.test_cli_runner().invoke(args=["demo", *args])
    db.session.expire_all()
    return result


def demo_event() -> Event:
    return db.session.scalar(select(Event).where(Event.slug == "demo"))


def slots_of(event) -> list[AgendaSlot]:
    return list(db.session.scalars(select(AgendaSlot).where(AgendaSlot.event_id == event.id)
                                   .order_by(AgendaSlot.starts_at, AgendaSlot.room_id)))


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def room_clashes(slots) -> list[tuple[int, int]]:
    by_room = defaultdict(list)
    for slot in slots:
        if slot.room_id is not None and slot.status == "scheduled":
            by_room[slot.room_id].append(slot)
    clashes = []
    for room_slots in by_room.values():
        room_slots.sort(key=lambda s: s.starts_at)
        clashes += [(a.id, b.id) for a, b in zip(room_slots, room_slots[1:]) if b.starts_at < a.ends_at]
    return clashes


def outside_event_days(event, slots) -> list[int]:
    return [s.id for s in slots
            if not (event.start_date <= to_local(s.starts_at, event.timezone).date() <= event.end_date
                    and event.start_date <= to_local(s.ends_at, event.timezone).date() <= event.end_date
                    and s.starts_at < s.ends_at)]


# --- the realistic workshop ---------------------------------------------------------------

def test_demo_creates_published_hybrid_workshop_in_madrid(app):
    result = run_demo(app)
    assert result.exit_code == 0, result.output
    event = demo_event()
    assert (event.status, event.format, event.timezone) == ("published", "hybrid", "Europe/Madrid")
    assert (event.venue_city, event.venue_country) == ("Madrid", "ES")
    assert event.venue_name and event.venue_address and event.online_link.startswith("https://")
    assert event.contact_email == "organiser@example.org"
    assert event.start_date == demo_start_date(date.today())
    assert event.start_date == date.today() - timedelta(days=1)  # under way: day 1 was yesterday
    assert event.end_date == event.start_date + timedelta(days=1)
    assert "created event demo" in result.output


def test_demo_working_groups_meet_in_two_rounds_of_four_parallel_slots(app):
    run_demo(app)
    groups = [s for s in slots_of(demo_event()) if s.kind == "working_group"]
    rounds = defaultdict(list)
    for slot in groups:
        rounds[slot.starts_at].append(slot)
    assert len(groups) == 8
    assert len(rounds) == 2
    for parallel in rounds.values():
        assert sorted(s.title for s in parallel) == sorted(WORKING_GROUP_TOPICS)
        assert len({s.room_id for s in parallel}) == 4
        assert len({s.ends_at for s in parallel}) == 1
        assert all(any(link.role == "moderator" for link in s.speaker_links) for s in parallel)
    auditorium = demo_event().rooms[0]
    assert auditorium.capacity == max(room.capacity for room in demo_event().rooms)
    assert auditorium.id not in {s.room_id for s in groups}


def test_demo_agenda_has_plenaries_keynotes_panel_breaks_and_dinner(app):
    run_demo(app)
    event = demo_event()
    slots = slots_of(event)
    kinds = defaultdict(int)
    for slot in slots:
        kinds[slot.kind] += 1
    assert kinds["plenary"] >= 2 and kinds["keynote"] >= 2 and kinds["panel"] == 1
    assert kinds["break"] >= 4 and kinds["social"] == 1
    titles = [s.title for s in slots]
    assert titles[0] == "Registration and welcome coffee"
    assert "Opening plenary" in titles and any(t.startswith("Closing plenary") for t in titles)
    assert len(event.rooms) == 5 and all(room.capacity for room in event.rooms)
    assert room_clashes(slots) == []
    assert outside_event_days(event, slots) == []


def test_demo_has_confirmed_speakers_from_every_sector(app):
    run_demo(app)
    speakers = list(db.session.scalars(select(Speaker).where(Speaker.event_id == demo_event().id)))
    confirmed = [s for s in speakers if s.invitation_status == "confirmed"]
    assert len(speakers) >= 12
    assert len(confirmed) >= len(speakers) - 2
    assert all(s.name and s.title and s.organisation and len(s.country) == 2 for s in speakers)
    assert len({s.country for s in speakers}) >= 10
    roles = set(db.session.scalars(select(SlotSpeaker.role)))
    assert {"moderator", "chair", "speaker", "panellist"} <= roles


def test_demo_organiser_owns_the_event_and_the_series(app):
    run_demo(app)
    organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
    event = demo_event()
    assert [(r.role, r.email, r.user_id) for r in event.roles] == [("owner", organiser.email, organiser.id)]
    series = db.session.scalar(select(Series).where(Series.slug == "personalised-medicine-workshops"))
    assert (series.title, series.owner_id) == ("Personalised Medicine Workshops", organiser.id)
    assert [e.slug for e in series.events] == ["demo"]
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin.is_admin and not organiser.is_admin


def test_demo_twice_leaves_identical_counts(app):
    first = run_demo(app)
    before = counts()
    second = run_demo(app)
    assert (first.exit_code, second.exit_code) == (0, 0), second.output
    assert counts() == before
    assert before["Event"] == 1 and before["Series"] == 1 and before["User"] == 152
    assert "exists  event demo (left as it is" in second.output


def test_demo_password_option_resets_existing_accounts(app):
    run_demo(app)
    result = run_demo(app, "--password", "another-long-password")
    organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
    assert result.exit_code == 0
    assert passwords.verify_password(organiser.password_hash, "another-long-password")


# --- the scaled event ---------------------------------------------------------------------

def test_demo_scaled_300_slots_10_rooms_3_days(app):
    result = run_demo(app, "--slots", "300", "--rooms", "10", "--days", "3")
    assert result.exit_code == 0, result.output
    event = demo_event()
    slots = slots_of(event)
    speakers = db.session.scalar(select(func.count()).where(Speaker.event_id == event.id))
    assert len(slots) == 300
    assert len(event.rooms) == 10
    assert speakers == 250
    assert event.end_date == event.start_date + timedelta(days=2)
    assert event.status == "published"
    assert room_clashes(slots) == []
    assert outside_event_days(event, slots) == []
    assert {to_local(s.starts_at, event.timezone).date() for s in slots} == {
        event.start_date + timedelta(days=d) for d in range(3)}


def test_demo_scaled_slots_run_in_parallel_with_one_to_three_speakers(app):
    run_demo(app, "--slots", "300", "--rooms", "10", "--days", "3")
    slots = slots_of(demo_event())
    per_start = defaultdict(int)
    for slot in slots:
        per_start[slot.starts_at] += 1
    talks = [s for s in slots if s.kind != "break"]
    cancelled = [s for s in slots if s.status == "cancelled"]
    assert max(per_start.values()) == 10
    assert all(1 <= len(s.speaker_links) <= 3 for s in talks)
    assert all(not s.speaker_links and s.room_id is None for s in slots if s.kind == "break")
    assert {"break", "plenary", "working_group"} <= {s.kind for s in slots}
    assert 1 <= len(cancelled) <= 15 and all(s.revision == 1 for s in cancelled)
    assert len({s.uid for s in slots}) == 300


def test_build_scaled_event_is_deterministic(app):
    start = date(2030, 3, 4)
    first = build_scaled_event(40, rooms=4, days=2, speakers=30, slug="bench-a", start=start)
    second = build_scaled_event(40, rooms=4, days=2, speakers=30, slug="bench-b", start=start)
    db.session.commit()

    def shape(event):
        return [(s.kind, s.title, s.starts_at, s.ends_at, s.room.position if s.room else None, s.status,
                 [(link.speaker.name, link.role) for link in s.speaker_links]) for s in slots_of(event)]

    assert shape(first) == shape(second)
    assert len(shape(first)) == 40


@pytest.mark.parametrize("args, message", [
    (["--rooms", "3"], "need --slots"),
    (["--slots", "5000", "--rooms", "2", "--days", "1"], "do not fit"),
    (["--slots", "0"], "Invalid value for '--slots'"),
])
def test_demo_refuses_impossible_sizes_and_writes_nothing(app, args, message):
    result = run_demo(app, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert counts()["Event"] == 0 and counts()["User"] == 0


def test_demo_small_scaled_event_with_default_speakers(app):
    result = run_demo(app, "--slots", "7", "--rooms", "2", "--days", "2")
    event = demo_event()
    slots = slots_of(event)
    speakers = db.session.scalar(select(func.count()).where(Speaker.event_id == event.id))
    assert result.exit_code == 0, result.output
    assert (len(slots), len(event.rooms), speakers) == (7, 2, 12)
    assert room_clashes(slots) == []
    assert outside_event_days(event, slots) == []


def test_demo_registrations_mix_modes_groups_waitlist_and_check_ins(app):
    from eventsys.registration.models import Registration
    run_demo(app)
    event = demo_event()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    assert len(rows) == 150
    assert sum(r.mode == "online" for r in rows) == 50
    assert {r.status for r in rows} == {"confirmed", "waitlisted"}
    assert sum(r.status == "waitlisted" for r in rows) == 5
    assert len({r.stakeholder_category for r in rows}) == 7
    assert len({r.country for r in rows}) >= 10
    assert sum(r.checked_in_at is not None for r in rows) > 50  # day 1 was yesterday
    assert all(r.checked_in_at is None for r in rows if r.mode == "online" or r.status != "confirmed")
    again = run_demo(app)
    assert "exists  150 registrations for demo" in again.output


# --- a demo that looks real (issue 12) -----------------------------------------------------

def test_demo_participants_have_distinct_names(app):
    run_demo(app)
    names = db.session.scalars(select(User.name).where(User.email.like("participant%@example.org"))).all()
    assert len(names) == 150
    assert len(set(names)) == 150


def test_demo_registrations_come_before_any_check_in(app):
    from eventsys.registration.models import Checkin, Registration
    run_demo(app)
    event = demo_event()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    first_check_in = db.session.scalar(select(func.min(Checkin.at)))
    assert first_check_in is not None  # day 1 was yesterday
    assert max(r.created_at for r in rows) < first_check_in
    assert all(r.confirmed_at is None or r.created_at <= r.confirmed_at < first_check_in for r in rows)
    checked_in = [r for r in rows if r.checked_in_at is not None]
    assert db.session.scalar(select(func.count()).select_from(Checkin)) == len(checked_in)


def test_time_zone_picker_offers_only_current_canonical_names(app):
    from eventsys.reference import is_valid_timezone, sorted_timezones
    zones = sorted_timezones()
    assert {"Europe/Madrid", "Europe/Kyiv", "Asia/Kolkata", "America/Los_Angeles", "UTC"} <= set(zones)
    assert not {"US/Pacific", "Europe/Kiev", "Asia/Calcutta", "GB", "Etc/GMT+5", "Zulu"} & set(zones)
    assert zones == sorted(zones)
    assert is_valid_timezone("Europe/Kiev")  # stored legacy names still load


def test_country_picker_offers_only_iso_3166_countries(app):
    from eventsys.reference import country_choices, is_valid_country
    codes = dict(country_choices("en"))
    assert len(codes) == 249
    assert {"ES", "DE", "TW", "AX", "PS"} <= set(codes)
    assert not {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"} & set(codes)
    assert not is_valid_country("EU")


def test_public_speaker_list_is_sorted_by_family_name(app):
    from eventsys.speakers.services import public_speakers
    run_demo(app)
    names = [s.name for s in public_speakers(demo_event())]
    def plain(word):
        return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().casefold()
    family = [plain(name.split()[-1]) for name in names]
    assert len(names) >= 10
    assert family == sorted(family)


def test_family_name_key_sorts_by_last_word_without_case_or_accents():
    from eventsys.speakers.services import family_name_key
    names = ["Jan de Vries", "bob zed", "Chiara Bianchi", "Fatima El Amrani", "Ana Álvarez"]
    assert sorted(names, key=family_name_key) == ["Ana Álvarez", "Fatima El Amrani", "Chiara Bianchi",
                                                  "Jan de Vries", "bob zed"]
