"""Agenda services without HTTP: every rule, its error and field; revisions; DST."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from eventsys.agenda import reading, services
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.errors import PermissionDenied, ValidationError
from eventsys.extensions import db
from tests.agenda.conftest import madrid, reload


def values(**overrides) -> dict:
    base = {"kind": "plenary", "title": "Opening plenary", "description": "Welcome.",
            "starts_at": madrid(6, 9), "ends_at": madrid(6, 10), "room_id": None, "online_link": ""}
    base.update(overrides)
    return base


def slot_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AgendaSlot))


def refused(call, field: str) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field
    return str(info.value.message)


# --- creating ----------------------------------------------------------------------------

def test_create_slot_stores_utc_and_a_uid(event, owner, make_room):
    room = make_room(event, "Sala Goya")
    slot = services.create_slot(event, values(room_id=room.id), owner)
    slot = reload(AgendaSlot, slot.id)
    assert (slot.starts_at, slot.ends_at) == (datetime(2030, 5, 6, 7, 0), datetime(2030, 5, 6, 8, 0))
    assert (slot.kind, slot.title, slot.room_id, slot.status, slot.revision) == \
        ("plenary", "Opening plenary", room.id, "scheduled", 0)
    assert len(slot.uid) == 36


def test_create_slot_ending_before_it_starts_is_refused_at_ends_at(event, owner):
    message = refused(lambda: services.create_slot(event, values(ends_at=madrid(6, 8)), owner), "ends_at")
    assert message == "The slot must end after it starts."
    refused(lambda: services.create_slot(event, values(ends_at=madrid(6, 9)), owner), "ends_at")
    assert slot_count() == 0


def test_create_slot_before_the_event_is_refused_at_starts_at(event, owner):
    message = refused(lambda: services.create_slot(
        event, values(starts_at=madrid(5, 23), ends_at=madrid(6, 1)), owner), "starts_at")
    assert message == "The slot must start during the event (2030-05-06 to 2030-05-07)."


def test_create_slot_after_the_event_is_refused_at_ends_at(event, owner):
    message = refused(lambda: services.create_slot(
        event, values(starts_at=madrid(7, 23), ends_at=madrid(8, 0, 30)), owner), "ends_at")
    assert message == "The slot must end by the end of the event (2030-05-07)."
    refused(lambda: services.create_slot(event, values(starts_at=madrid(8, 9), ends_at=madrid(8, 10)), owner),
            "starts_at")


def test_create_slot_until_midnight_of_the_last_day_is_allowed(event, owner):
    slot = services.create_slot(event, values(starts_at=madrid(7, 22), ends_at=madrid(8, 0)), owner)
    assert slot.ends_at == datetime(2030, 5, 7, 22, 0)


def test_create_slot_in_a_taken_room_is_refused_naming_the_other_slot(event, owner, make_room, add_slot):
    room = make_room(event, "Sala Goya")
    add_slot(event, "Keynote", madrid(6, 9), madrid(6, 10), room=room)
    message = refused(lambda: services.create_slot(
        event, values(starts_at=madrid(6, 9, 30), ends_at=madrid(6, 11), room_id=room.id), owner), "room_id")
    assert message == "Sala Goya is already in use at that time by “Keynote” (2030-05-06 09:00–10:00)."
    assert slot_count() == 1


def test_create_slot_right_after_another_in_the_same_room_is_allowed(event, owner, make_room, add_slot):
    room = make_room(event, "Sala Goya")
    add_slot(event, "Keynote", madrid(6, 9), madrid(6, 10), room=room)
    services.create_slot(event, values(starts_at=madrid(6, 10), ends_at=madrid(6, 11), room_id=room.id), owner)
    assert slot_count() == 2


def test_create_slot_a_cancelled_slot_does_not_block_the_room(event, owner, make_room, add_slot):
    room = make_room(event, "Sala Goya")
    add_slot(event, "Cancelled talk", madrid(6, 9), madrid(6, 10), room=room, status="cancelled")
    services.create_slot(event, values(room_id=room.id), owner)
    assert slot_count() == 2


def test_create_slot_same_time_in_two_rooms_is_allowed(event, owner, make_room, add_slot):
    goya, velazquez = make_room(event, "Sala Goya"), make_room(event, "Sala Velázquez")
    add_slot(event, "Track A", madrid(6, 9), madrid(6, 10), room=goya)
    services.create_slot(event, values(room_id=velazquez.id), owner)
    services.create_slot(event, values(title="Online only"), owner)
    assert slot_count() == 3


@pytest.mark.parametrize("field, value, message", [
    ("kind", "lecture", "Choose a kind from the list."),
    ("status", "postponed", "Choose a status from the list."),
    ("title", "   ", "Enter a title."),
    ("title", "x" * 301, "Use at most 300 characters."),
    ("online_link", "javascript:alert(1)", "Enter a web address starting with https:// or http://."),
    ("starts_at", None, "Enter a date and a time."),
])
def test_create_slot_bad_value_is_refused_at_its_field(event, owner, field, value, message):
    assert refused(lambda: services.create_slot(event, values(**{field: value}), owner), field) == message
    assert slot_count() == 0


def test_create_slot_room_of_another_event_is_refused(event, owner, make_event, make_room):
    other_room = make_room(make_event(), "Elsewhere")
    message = refused(lambda: services.create_slot(event, values(room_id=other_room.id), owner), "room_id")
    assert message == "Choose a room of this event."


def test_create_slot_with_speakers_keeps_their_order_and_roles(event, owner, make_speaker):
    ana, li = make_speaker(event, "Ana Ruiz"), make_speaker(event, "Li Wei")
    slot = services.create_slot(event, values(), owner, speakers=[(li.id, "chair"), (ana, "speaker")])
    slot = reload(AgendaSlot, slot.id)
    assert [(link.speaker.name, link.role, link.position) for link in slot.speaker_links] == \
        [("Li Wei", "chair", 0), ("Ana Ruiz", "speaker", 1)]


@pytest.mark.parametrize("role", ["owner", "organiser"])
def test_create_slot_owner_and_organiser_may(make_event, make_user, role):
    user = make_user()
    event = make_event(user=user, role=role)
    assert services.create_slot(event, values(), user).id is not None


@pytest.mark.parametrize("role", ["rapporteur", "checkin", None])
def test_create_slot_without_manage_right_is_denied(make_event, make_user, role):
    user = make_user()
    event = make_event(user=user, role=role) if role else make_event()
    with pytest.raises(PermissionDenied):
        services.create_slot(event, values(), user)
    assert slot_count() == 0


# --- speakers ----------------------------------------------------------------------------

def test_set_slot_speakers_replaces_the_list(event, owner, make_speaker, add_slot):
    ana, li, sam = (make_speaker(event, n) for n in ("Ana Ruiz", "Li Wei", "Sam Okafor"))
    slot = add_slot(event, "Panel", madrid(6, 9), madrid(6, 10), speakers=[ana, (li, "chair")])
    services.set_slot_speakers(slot, [(li, "moderator"), (sam, "panellist")], owner)
    slot = reload(AgendaSlot, slot.id)
    assert [(link.speaker.name, link.role) for link in slot.speaker_links] == \
        [("Li Wei", "moderator"), ("Sam Okafor", "panellist")]
    assert db.session.scalar(select(func.count()).select_from(SlotSpeaker)) == 2


def test_set_slot_speakers_speaker_of_another_event_is_refused(event, owner, make_event, make_speaker, add_slot):
    stranger = make_speaker(make_event(), "Stranger")
    slot = add_slot(event, "Panel", madrid(6, 9), madrid(6, 10))
    message = refused(lambda: services.set_slot_speakers(slot, [(stranger, "speaker")], owner), "speakers")
    assert message == "Choose speakers of this event."
    refused(lambda: services.set_slot_speakers(slot, [(stranger.id, "speaker")], owner), "speakers")


def test_set_slot_speakers_unknown_role_or_twice_is_refused(event, owner, make_speaker, add_slot):
    ana = make_speaker(event, "Ana Ruiz")
    slot = add_slot(event, "Panel", madrid(6, 9), madrid(6, 10))
    assert refused(lambda: services.set_slot_speakers(slot, [(ana, "host")], owner), "speakers") == \
        "Choose a role from the list."
    assert refused(lambda: services.set_slot_speakers(slot, [(ana, "chair"), (ana, "speaker")], owner),
                   "speakers") == "Ana Ruiz is listed twice: list each speaker once."


def test_set_slot_speakers_does_not_change_the_revision(event, owner, make_speaker, add_slot):
    slot = add_slot(event, "Panel", madrid(6, 9), madrid(6, 10))
    services.set_slot_speakers(slot, [(make_speaker(event, "Ana Ruiz"), "chair")], owner)
    assert reload(AgendaSlot, slot.id).revision == 0


# --- updating and revisions --------------------------------------------------------------

def test_update_slot_title_and_description_keep_the_revision(event, owner, add_slot):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    uid, before = slot.uid, slot.updated_at
    services.update_slot(slot, {"title": "Welcome and opening", "description": "New text"}, owner)
    slot = reload(AgendaSlot, slot.id)
    assert (slot.title, slot.description, slot.revision, slot.uid) == ("Welcome and opening", "New text", 0, uid)
    assert slot.updated_at >= before


@pytest.mark.parametrize("change", [
    {"starts_at": madrid(6, 8, 30)},
    {"ends_at": madrid(6, 10, 30)},
    {"online_link": "https://meet.example.org/room"},
    {"status": "cancelled"},
])
def test_update_slot_time_place_or_status_bumps_the_revision_by_one(event, owner, add_slot, change):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    uid = slot.uid
    services.update_slot(slot, change, owner)
    slot = reload(AgendaSlot, slot.id)
    assert (slot.revision, slot.uid) == (1, uid)


def test_update_slot_moving_room_bumps_once_for_several_changes(event, owner, add_slot, make_room):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    services.update_slot(slot, {"room_id": make_room(event, "Sala Goya").id, "starts_at": madrid(6, 11),
                                "ends_at": madrid(6, 12), "title": "Moved"}, owner)
    assert reload(AgendaSlot, slot.id).revision == 1


def test_update_slot_with_the_same_values_keeps_the_revision(event, owner, add_slot):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    services.update_slot(slot, values(title="Opening", kind="plenary", description=""), owner)
    assert reload(AgendaSlot, slot.id).revision == 0


def test_update_slot_refused_change_leaves_the_slot_as_it_was(event, owner, add_slot):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    refused(lambda: services.update_slot(slot, {"title": "New", "ends_at": madrid(6, 8)}, owner), "ends_at")
    slot = reload(AgendaSlot, slot.id)
    assert (slot.title, slot.ends_at, slot.revision) == ("Opening", datetime(2030, 5, 6, 8, 0), 0)


def test_update_slot_moving_into_a_taken_room_is_refused(event, owner, add_slot, make_room):
    room = make_room(event, "Sala Goya")
    add_slot(event, "Keynote", madrid(6, 9), madrid(6, 10), room=room)
    slot = add_slot(event, "Workshop", madrid(6, 9), madrid(6, 10))
    refused(lambda: services.update_slot(slot, {"room_id": room.id}, owner), "room_id")


def test_update_slot_keeping_its_own_room_does_not_clash_with_itself(event, owner, add_slot, make_room):
    slot = add_slot(event, "Keynote", madrid(6, 9), madrid(6, 10), room=make_room(event, "Sala Goya"))
    services.update_slot(slot, {"ends_at": madrid(6, 10, 30)}, owner)
    assert reload(AgendaSlot, slot.id).revision == 1


def test_cancel_and_restore_slot_each_bump_the_revision(event, owner, add_slot):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    services.cancel_slot(slot, owner)
    assert (reload(AgendaSlot, slot.id).status, reload(AgendaSlot, slot.id).revision) == ("cancelled", 1)
    services.cancel_slot(reload(AgendaSlot, slot.id), owner)
    assert reload(AgendaSlot, slot.id).revision == 1
    services.restore_slot(reload(AgendaSlot, slot.id), owner)
    assert (reload(AgendaSlot, slot.id).status, reload(AgendaSlot, slot.id).revision) == ("scheduled", 2)


def test_restore_slot_is_refused_when_its_room_was_taken(event, owner, add_slot, make_room):
    room = make_room(event, "Sala Goya")
    cancelled = add_slot(event, "Old talk", madrid(6, 9), madrid(6, 10), room=room, status="cancelled")
    add_slot(event, "Replacement", madrid(6, 9), madrid(6, 10), room=room)
    message = refused(lambda: services.restore_slot(cancelled, owner), "room_id")
    assert message == "Sala Goya is already in use at that time by “Replacement” (2030-05-06 09:00–10:00)."
    assert reload(AgendaSlot, cancelled.id).status == "cancelled"


def test_delete_slot_removes_it_and_its_speaker_links(event, owner, add_slot, make_speaker):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10), speakers=[make_speaker(event, "Ana Ruiz")])
    services.delete_slot(slot, owner)
    assert slot_count() == 0
    assert db.session.scalar(select(func.count()).select_from(SlotSpeaker)) == 0


def test_cancel_slot_by_a_participant_is_denied(event, add_slot, make_user):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    with pytest.raises(PermissionDenied):
        services.cancel_slot(slot, make_user())
    assert reload(AgendaSlot, slot.id).status == "scheduled"


# --- time zones --------------------------------------------------------------------------

@pytest.fixture
def march_event(make_event):
    """Madrid's clocks go forward on Sunday 31 March 2030, 02:00 -> 03:00."""
    return make_event(start_date=date(2030, 3, 29), end_date=date(2030, 3, 31))


def test_create_slot_across_the_dst_change_stores_the_right_utc(march_event, owner):
    saturday = services.create_slot(march_event, values(starts_at=datetime(2030, 3, 30, 9, 0),
                                                        ends_at=datetime(2030, 3, 30, 10, 0)), owner)
    sunday = services.create_slot(march_event, values(starts_at=datetime(2030, 3, 31, 9, 0),
                                                      ends_at=datetime(2030, 3, 31, 10, 0)), owner)
    night = services.create_slot(march_event, values(starts_at=datetime(2030, 3, 31, 1, 30),
                                                     ends_at=datetime(2030, 3, 31, 3, 30)), owner)
    assert (saturday.starts_at, saturday.ends_at) == (datetime(2030, 3, 30, 8, 0), datetime(2030, 3, 30, 9, 0))
    assert (sunday.starts_at, sunday.ends_at) == (datetime(2030, 3, 31, 7, 0), datetime(2030, 3, 31, 8, 0))
    # 01:30 CET to 03:30 CEST lasts one hour
    assert (night.starts_at, night.ends_at) == (datetime(2030, 3, 31, 0, 30), datetime(2030, 3, 31, 1, 30))


def test_create_slot_at_a_time_the_clocks_skip_is_refused(march_event, owner):
    message = refused(lambda: services.create_slot(march_event, values(
        starts_at=datetime(2030, 3, 31, 2, 30), ends_at=datetime(2030, 3, 31, 4, 0)), owner), "starts_at")
    assert message == "2030-03-31 02:30 does not exist in Europe/Madrid: the clocks go forward that night."


def test_event_window_follows_the_event_zone(make_event):
    tokyo = make_event(timezone="Asia/Tokyo")
    assert services.event_window(tokyo) == (datetime(2030, 5, 5, 15, 0), datetime(2030, 5, 7, 15, 0))


# --- the editor's warnings ---------------------------------------------------------------

def test_agenda_editor_warns_of_double_booked_speakers_and_slots_outside_the_dates(
        event, add_slot, make_speaker, make_room):
    ana, li = make_speaker(event, "Ana Ruiz"), make_speaker(event, "Li Wei")
    first = add_slot(event, "Keynote", madrid(6, 9), madrid(6, 10), speakers=[ana, li])
    second = add_slot(event, "Panel", madrid(6, 9, 30), madrid(6, 11), speakers=[(ana, "chair")])
    add_slot(event, "Dropped", madrid(6, 9, 30), madrid(6, 11), speakers=[li], status="cancelled")
    early = add_slot(event, "Pre-event dinner", madrid(5, 20), madrid(5, 22))
    editor = reading.agenda_editor(event)
    assert [(w.speaker.name, w.first.id, w.second.id) for w in editor.double_bookings] == \
        [("Ana Ruiz", first.id, second.id)]
    assert [s.id for s in editor.outside] == [early.id]
    assert [(day.isoformat(), [s.title for s in slots]) for day, slots in editor.days] == [
        ("2030-05-05", ["Pre-event dinner"]), ("2030-05-06", ["Keynote", "Panel", "Dropped"])]
