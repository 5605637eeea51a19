"""Feed services without HTTP: which slots a participant gets, the content-version hook,
tokens, and the number of queries per feed (a fixed few, whatever the size)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.demo import build_scaled_event
from eventsys.events.models import Event, Room
from eventsys.extensions import db
from eventsys.groups.models import GroupMembership, WorkingGroup
from eventsys.ical import personal, services, tokens
from eventsys.ical.models import CalendarToken
from eventsys.registration.models import Registration, RegistrationSettings
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker
from tests.ical.conftest import EDITED
from tests.ical.parsers import icalendar_events
from tests.queries import count_queries


def version(event_id: int) -> tuple[int, datetime]:
    db.session.expire_all()
    row = db.session.execute(select(Event.content_version, Event.content_updated_at)
                             .where(Event.id == event_id)).one()
    return row[0], row[1]


def bumped(event_id: int, change) -> bool:
    before, _ = version(event_id)
    change()
    db.session.commit()
    after, changed_at = version(event_id)
    return after > before and changed_at > EDITED


# --- which slots ----------------------------------------------------------------------------

def uids(state) -> set[str]:
    return set(icalendar_events(state.build()))


def test_in_person_participant_gets_shared_slots_and_own_group_only(app, workshop):
    state = personal.personal_feed_state(tokens.calendar_token(workshop.people["in_person"]))
    slots = workshop.slots
    assert uids(state) == {slots[k].uid for k in ("opening", "wg1", "coffee", "wg_a", "open", "dropped")}


def test_online_participant_in_the_other_group_does_not_get_its_sessions(app, workshop):
    state = personal.personal_feed_state(tokens.calendar_token(workshop.people["online"]))
    assert workshop.slots["wg_a"].uid not in uids(state)
    assert workshop.slots["wg1"].uid in uids(state)


def test_participant_without_a_group_gets_only_slots_for_everyone(app, workshop):
    registration = workshop.registrations["waitlisted"]
    registration.status = "confirmed"
    db.session.commit()
    state = personal.personal_feed_state(tokens.calendar_token(workshop.people["waitlisted"]))
    assert uids(state) == {workshop.slots[k].uid for k in ("opening", "coffee", "open", "dropped")}


@pytest.mark.parametrize("status", ["pending", "waitlisted", "cancelled", "rejected"])
def test_only_confirmed_registrations_count(app, workshop, status):
    workshop.registrations["in_person"].status = status
    db.session.commit()
    state = personal.personal_feed_state(tokens.calendar_token(workshop.people["in_person"]))
    assert uids(state) == set()


def test_personal_feed_spans_events_with_each_events_own_mode(app, workshop, make_user):
    user = workshop.people["online"]
    other = Event(slug="tokyo", title="Tokyo day", start_date=date(2030, 6, 2), end_date=date(2030, 6, 2),
                  timezone="Asia/Tokyo", status="published", venue_name="Tokyo Forum")
    db.session.add(other)
    db.session.flush()
    room = Room(event_id=other.id, name="Hall B")
    slot = AgendaSlot(event_id=other.id, title="Keynote", kind="keynote", room=room,
                      starts_at=datetime(2030, 6, 2, 1, 0), ends_at=datetime(2030, 6, 2, 2, 0),
                      online_link="https://meet.example.org/tokyo")
    db.session.add_all([room, slot, Registration(event_id=other.id, user_id=user.id, mode="in_person",
                                                 status="confirmed")])
    db.session.commit()
    data = personal.personal_feed_state(tokens.calendar_token(user)).build()
    events = icalendar_events(data)
    assert str(events[slot.uid]["LOCATION"]) == "Hall B, Tokyo Forum"
    assert str(events[workshop.slots["opening"].uid]["LOCATION"]) == "https://meet.example.org/stream-main"
    assert b"DTSTART;TZID=Asia/Tokyo:20300602T100000" in data


def test_upcoming_items_leave_out_what_has_ended(app, workshop):
    user = workshop.people["in_person"]
    tokens.calendar_token(user)
    items = personal.upcoming_items(user, now=datetime(2030, 3, 31, 10, 15))  # 12:15 in Madrid
    assert [item.slot.title for item in items] == ["Coffee", "Mobility group: drafting", "Open working session",
                                                   "Dropped talk"]
    assert items[0].place == "" and items[1].place == "Sala 2"


# --- the content-version hook -------------------------------------------------------------

def test_editing_a_slot_bumps_the_event(app, workshop):
    slot = workshop.slots["coffee"]
    assert bumped(workshop.event.id, lambda: setattr(slot, "title", "Tea"))


def test_adding_and_deleting_a_slot_bump_the_event(app, workshop):
    event_id = workshop.event.id
    slot = AgendaSlot(event_id=event_id, title="Late", kind="other", starts_at=datetime(2030, 4, 1, 15),
                      ends_at=datetime(2030, 4, 1, 16))
    assert bumped(event_id, lambda: db.session.add(slot))
    assert bumped(event_id, lambda: db.session.delete(slot))


def test_a_slot_added_through_the_relationship_bumps_its_event(app, workshop):
    event = db.session.get(Event, workshop.event.id)
    assert bumped(event.id, lambda: db.session.add(AgendaSlot(
        event=event, title="Late", kind="other", starts_at=datetime(2030, 4, 1, 15), ends_at=datetime(2030, 4, 1, 16))))


def test_speaker_room_and_group_edits_bump_the_event(app, workshop):
    event_id = workshop.event.id
    speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Ana Pérez"))
    assert bumped(event_id, lambda: setattr(speaker, "organisation", "UCM"))
    room = db.session.scalar(select(Room).where(Room.name == "Sala 2"))
    assert bumped(event_id, lambda: setattr(room, "name", "Sala Dos"))
    group = db.session.get(WorkingGroup, workshop.groups["housing"].id)
    assert bumped(event_id, lambda: setattr(group, "guiding_question", "Who pays?"))
    link = db.session.scalar(select(SlotSpeaker).where(SlotSpeaker.speaker_id == speaker.id))
    assert bumped(event_id, lambda: setattr(link, "role", "speaker"))


def test_linking_a_slot_to_a_group_bumps_the_event(app, workshop):
    group = db.session.get(WorkingGroup, workshop.groups["housing"].id)
    slot = db.session.get(AgendaSlot, workshop.slots["open"].id)
    assert bumped(workshop.event.id, lambda: group.slots.append(slot))


def test_deleting_a_speaker_bumps_the_event(app, workshop):
    speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Jan Nowak"))
    db.session.expire(speaker)  # the hook must not depend on loaded attributes
    assert bumped(workshop.event.id, lambda: db.session.delete(speaker))


def test_bulk_update_through_the_session_bumps_the_event(app, workshop):
    """As account deletion does: clear the contact address with one UPDATE statement."""
    assert bumped(workshop.event.id, lambda: db.session.execute(
        update(Event).where(Event.contact_email == "contact@example.org").values(contact_email="")))
    assert bumped(workshop.event.id, lambda: db.session.execute(
        update(Speaker).where(Speaker.name == "Ana Pérez").values(organisation="")))


def test_renaming_a_series_bumps_its_events(app, workshop):
    series = Series(slug="cities", title="Cities")
    db.session.add(series)
    db.session.flush()
    workshop.event.series_id = series.id
    db.session.commit()
    assert bumped(workshop.event.id, lambda: setattr(series, "title", "Cities workshops"))


def test_seat_counters_and_registrations_do_not_bump_the_event(app, workshop):
    before, _ = version(workshop.event.id)
    db.session.add(RegistrationSettings(event_id=workshop.event.id, in_person_capacity=10))
    workshop.registrations["waitlisted"].status = "confirmed"
    db.session.commit()
    assert version(workshop.event.id)[0] == before


def test_changing_a_membership_touches_the_registration(app, workshop):
    registration = db.session.get(Registration, workshop.registrations["in_person"].id)
    db.session.execute(update(Registration.__table__).where(Registration.__table__.c.id == registration.id)
                       .values(updated_at=EDITED))
    db.session.commit()
    membership = db.session.scalar(select(GroupMembership).where(
        GroupMembership.registration_id == registration.id))
    membership.group_id = workshop.groups["housing"].id
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).updated_at > EDITED


# --- states and versions --------------------------------------------------------------------

def test_state_version_changes_with_content_only(app, workshop):
    first = services.event_feed_state(workshop.slug)
    assert services.event_feed_state(workshop.slug).version == first.version
    workshop.slots["coffee"].title = "Tea"
    db.session.commit()
    assert services.event_feed_state(workshop.slug).version != first.version


def test_personal_version_ignores_other_peoples_changes(app, workshop):
    token = tokens.calendar_token(workshop.people["online"])
    first = personal.personal_feed_state(token)
    workshop.registrations["in_person"].status = "cancelled"
    db.session.commit()
    assert personal.personal_feed_state(token).version == first.version


def test_drafts_have_no_state(app, workshop):
    workshop.event.status = "draft"
    db.session.commit()
    assert services.event_feed_state(workshop.slug) is None
    assert services.slot_feed_state(workshop.slug, workshop.slots["opening"].id) is None


# --- tokens ---------------------------------------------------------------------------------

def test_token_is_the_hmac_of_the_nonce_under_the_secret_key():
    assert tokens.token_for("k" * 40, "00" * 32) == tokens.token_for("k" * 40, "00" * 32)
    assert tokens.token_for("k" * 40, "00" * 32) != tokens.token_for("j" * 40, "00" * 32)
    assert len(tokens.token_for("k" * 40, "00" * 32)) == tokens.TOKEN_LENGTH == 43
    assert tokens.looks_like_token("a" * 43) and not tokens.looks_like_token("a" * 42 + "/")


def test_reset_draws_a_new_nonce(app, workshop):
    user = workshop.people["online"]
    old = tokens.calendar_token(user)
    nonce = db.session.scalar(select(CalendarToken.nonce).where(CalendarToken.user_id == user.id))
    new = tokens.reset_calendar_token(user)
    row = db.session.scalar(select(CalendarToken).where(CalendarToken.user_id == user.id))
    assert new != old and row.nonce != nonce and row.token_hash == tokens.token_hash(new)
    assert personal.personal_feed_state(old) is None
    assert personal.personal_feed_state(new) is not None


def test_changed_secret_key_rekeys_the_address_when_next_shown(app, workshop):
    user = workshop.people["online"]
    old = tokens.calendar_token(user)
    app.config["SECRET_KEY"] = "another-secret-key-for-this-test-0123456789"
    new = tokens.calendar_token(user)
    assert new != old
    assert personal.personal_feed_state(new) is not None
    assert personal.personal_feed_state(old) is None


# --- queries per feed -------------------------------------------------------------------------

@pytest.mark.parametrize("size", [10, 300])
def test_feeds_need_at_most_five_queries_whatever_the_size(app, make_user, size):
    event = build_scaled_event(size, rooms=10 if size > 10 else 2, days=3)
    db.session.commit()
    user = make_user()
    db.session.add(Registration(event_id=event.id, user_id=user.id, mode="online", status="confirmed"))
    db.session.commit()
    token = tokens.calendar_token(user)
    slot_id = db.session.scalar(select(AgendaSlot.id).where(AgendaSlot.event_id == event.id).limit(1))
    client = app.test_client()
    for url in (f"/events/{event.slug}/agenda.ics", f"/events/{event.slug}/slots/{slot_id}.ics",
                f"/calendar/{token}.ics"):
        with count_queries() as seen:
            response = client.get(url)
        assert response.status_code == 200
        assert len(seen) <= 5, (url, len(seen))
        with count_queries() as warm:
            assert client.get(url).status_code == 200
        assert len(warm) == 1, (url, warm)  # the version check only
    events = icalendar_events(client.get(f"/events/{event.slug}/agenda.ics").data)
    assert len(events) == size
