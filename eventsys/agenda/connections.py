"""What the agenda hands to the features below it, which may not import it: the slot count
on the event dashboard, whether a room is in use, and a speaker's slots. Imported by
create_app (eventsys.HOOK_MODULES)."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events import reading, rooms
from eventsys.events.models import Room
from eventsys.extensions import db
from eventsys.speakers import services as speakers


def slots_of_event(event_id):
    return select(func.count(AgendaSlot.id)).where(AgendaSlot.event_id == event_id).scalar_subquery()


def slots_in_room(room) -> int:
    return db.session.scalar(select(func.count(AgendaSlot.id)).where(AgendaSlot.room_id == room.id))


def slots_of_speaker_count(speaker_id):
    return (select(func.count(SlotSpeaker.id)).where(SlotSpeaker.speaker_id == speaker_id)
            .correlate_except(SlotSpeaker).scalar_subquery())


def slots_of_speaker(speaker) -> list[tuple[AgendaSlot, str, str]]:
    """The speaker's agenda slots in time order, as (slot, role, room name) — one query."""
    rows = db.session.execute(
        select(AgendaSlot, SlotSpeaker.role, Room.name)
        .join(SlotSpeaker, SlotSpeaker.slot_id == AgendaSlot.id)
        .outerjoin(Room, Room.id == AgendaSlot.room_id)
        .where(SlotSpeaker.speaker_id == speaker.id)
        .order_by(AgendaSlot.starts_at, AgendaSlot.id))
    return [(slot, role, room or "") for slot, role, room in rows]


reading.register_count("slots", slots_of_event)
rooms.register_room_use(slots_in_room)
speakers.register_agenda(slots_of_speaker_count, slots_of_speaker)
