"""Read feeds back with two independent parsers: icalendar and vobject."""
from __future__ import annotations

import icalendar
import vobject
import vobject.icalendar

from eventsys.ical.build import build_agenda_ics, build_personal_ics, build_series_ics


def forget_vobject_zones() -> None:
    """vobject keeps the first VTIMEZONE it sees per TZID for the whole process; forget
    them so that each parse uses the VTIMEZONE of the feed under test."""
    registry = vobject.icalendar.__dict__["__tzidMap"]
    utc = registry.get("UTC")
    registry.clear()
    if utc is not None:
        registry["UTC"] = utc


def with_icalendar(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def with_vobject(data: bytes):
    forget_vobject_zones()
    return vobject.readOne(data.decode("utf-8"))


def icalendar_events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in with_icalendar(data).walk("VEVENT")}


def vobject_events(data: bytes) -> dict:
    calendar = with_vobject(data)
    return {event.uid.value: event for event in calendar.contents.get("vevent", [])}


def build_agenda_calendar(meta, slots, audience="public") -> icalendar.Calendar:
    """The agenda feed as an icalendar object (eventsys itself only writes bytes)."""
    return with_icalendar(build_agenda_ics(meta, slots, audience))


def build_personal_calendar(meta, parts) -> icalendar.Calendar:
    return with_icalendar(build_personal_ics(meta, parts))


def build_series_calendar(meta, events) -> icalendar.Calendar:
    return with_icalendar(build_series_ics(meta, events))


def to_ics_bytes(cal: icalendar.Calendar) -> bytes:
    return cal.to_ical()
