"""iCalendar feeds from plain data: an event's agenda, one slot, a personal feed, a series.

Pure core: dataclasses in, ``bytes`` out; no Flask, no database. The ``*_ics`` functions
are what the feed views serve; they write the content lines themselves (see
:mod:`eventsys.ical.contentlines`), because building through the icalendar library costs
about 95 ms for 300 events here. The icalendar library is therefore a test dependency only:
the tests read every feed back with it (and with vobject).

Choices a reader of the feed can rely on:

* UID is the slot's ``uid`` (never changes); SEQUENCE is its ``revision``; a cancelled slot
  stays in the feed with ``STATUS:CANCELLED`` (and TRANSP:TRANSPARENT).
* DTSTART/DTEND carry ``TZID=<the event's IANA zone>`` with one VTIMEZONE per zone used;
  a local time that occurs twice (the hour repeated when clocks go back) cannot be named
  by TZID, so that one slot is written in UTC instead.
* DTSTAMP is the slot's ``last_modified_utc``, the same as LAST-MODIFIED. Without a METHOD
  property RFC 5545 (3.8.7.2) defines DTSTAMP as the time the information was last revised
  in the calendar store, which is exactly that; and it keeps the bytes deterministic, so
  ETags stay stable. Pass the newest change of anything shown (slot, room, speakers).
* CATEGORIES holds the slot kind as a readable English label ("Working group").
* Output is deterministic: events sorted by start then UID, duplicates (same UID) dropped.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from eventsys.ical.contentlines import (clean_text, clean_uri, date_stamp, duration, encode_lines,
                                        escape_text, local_stamp, mailto, quote_param, utc_stamp)
from eventsys.ical.vtimezone import vtimezone_lines, zone

Audience = Literal["in_person", "online", "public"]
AUDIENCES = ("in_person", "online", "public")


@dataclass(frozen=True, slots=True)
class SpeakerLine:
    """A speaker as shown: ``role`` is display text ("Chair"), already translated."""
    name: str
    role: str = ""
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class CalendarSlot:
    """One agenda slot. Times are naive UTC; ``tz`` is the event's IANA zone; text is
    plain (convert Markdown first); ``group_key`` names the working group the slot
    belongs to (None: for all participants)."""
    uid: str
    title: str
    kind: str
    starts_at_utc: datetime
    ends_at_utc: datetime
    tz: str
    last_modified_utc: datetime
    revision: int = 0
    status: str = "scheduled"  # or "cancelled"
    created_utc: datetime | None = None
    description: str = ""
    speakers: tuple[SpeakerLine, ...] = ()
    guiding_question: str | None = None
    room: str | None = None
    venue: str | None = None  # name and address, as one line
    city: str | None = None
    online_link: str | None = None
    url: str | None = None
    organizer_email: str | None = None
    organizer_name: str | None = None
    group_key: str | None = None


@dataclass(frozen=True, slots=True)
class CalendarEventSummary:
    """One event of a series: all-day (``start_date``..``end_date``, inclusive, local) or,
    when ``starts_at_utc``/``ends_at_utc`` are given, timed in zone ``tz``."""
    uid: str
    title: str
    start_date: date
    end_date: date
    tz: str
    last_modified_utc: datetime
    revision: int = 0
    status: str = "scheduled"  # or "cancelled"
    starts_at_utc: datetime | None = None
    ends_at_utc: datetime | None = None
    created_utc: datetime | None = None
    description: str = ""
    location: str | None = None  # venue, city
    url: str | None = None
    organizer_email: str | None = None
    organizer_name: str | None = None


@dataclass(frozen=True, slots=True)
class FeedLabels:
    """Words written into the feed; pass translated ones for the feed's language."""
    speakers: str = "Speakers"
    guiding_question: str = "Guiding question"
    join_online: str = "Join online"
    details: str = "Details"
    cancelled_prefix: str = "Cancelled: "


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """The calendar itself: ``url`` is its web page, ``source_url`` the feed's own URL,
    ``tz`` the event's zone for X-WR-TIMEZONE (default: the zone if all items share one)."""
    name: str
    description: str = ""
    url: str | None = None
    refresh_minutes: int = 60
    prodid: str = "-//eventsys//eventsys//EN"
    source_url: str | None = None
    tz: str | None = None
    labels: FeedLabels = field(default_factory=FeedLabels)


def select_personal_slots(slots: Iterable[CalendarSlot], group_keys: Iterable[str]) -> list[CalendarSlot]:
    """A participant's slots of one event: everything meant for all participants
    (plenaries, keynotes, breaks…) plus the slots of their own working groups."""
    mine = set(group_keys)
    return [slot for slot in slots if slot.group_key is None or slot.group_key in mine]


def build_agenda_ics(meta: FeedMeta, slots: Iterable[CalendarSlot], audience: Audience = "public") -> bytes:
    """An event's agenda (or one slot: pass a one-item list) as iCalendar octets.
    ``audience`` picks the location: room, venue and city ("in_person", "public") or the
    online link ("online", also written as CONFERENCE and in DESCRIPTION; a slot without
    a link then has no LOCATION). Only "online" ever shows the link."""
    return build_personal_ics(meta, [(audience, slots)])


def build_personal_ics(meta: FeedMeta,
                       parts: Iterable[tuple[Audience, Iterable[CalendarSlot]]]) -> bytes:
    """A personal feed over several events: one (audience, slots) pair per registration,
    so each event shows the participant's own way of taking part."""
    chosen: dict[str, tuple[CalendarSlot, str]] = {}
    for audience, slots in parts:
        if audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}")
        for slot in slots:
            chosen.setdefault(slot.uid, (slot, audience))
    ordered = sorted(chosen.values(), key=lambda pair: (pair[0].starts_at_utc, pair[0].uid))
    spans: dict[str, list[int]] = {}
    body: list[str] = []
    for slot, audience in ordered:
        body += _slot_lines(slot, audience, meta.labels, spans)
    return _document(meta, spans, {slot.tz for slot, _ in ordered}, body)


def build_series_ics(meta: FeedMeta, events: Iterable[CalendarEventSummary]) -> bytes:
    """A series: one VEVENT per event, all-day (DATE values, DTEND the day after the last
    day, exclusive) or timed."""
    unique = {item.uid: item for item in reversed(list(events))}
    ordered = sorted(unique.values(), key=lambda item: (item.start_date, item.uid))
    spans: dict[str, list[int]] = {}
    body: list[str] = []
    for item in ordered:
        body += _series_lines(item, meta.labels, spans)
    return _document(meta, spans, {item.tz for item in ordered}, body)


def _document(meta: FeedMeta, spans: dict[str, list[int]], zones: set[str], body: list[str]) -> bytes:
    ttl = duration(meta.refresh_minutes)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + escape_text(meta.prodid),
             "CALSCALE:GREGORIAN", "NAME:" + escape_text(meta.name),
             "X-WR-CALNAME:" + escape_text(meta.name)]
    if clean_text(meta.description):
        lines += ["DESCRIPTION:" + escape_text(meta.description),
                  "X-WR-CALDESC:" + escape_text(meta.description)]
    if url := clean_uri(meta.url):
        lines.append("URL:" + url)
    if source := clean_uri(meta.source_url):
        lines.append("SOURCE;VALUE=URI:" + source)
    if meta.tz or len(zones) == 1:
        lines.append("X-WR-TIMEZONE:" + escape_text(meta.tz or next(iter(zones))))
    lines += ["REFRESH-INTERVAL;VALUE=DURATION:" + ttl, "X-PUBLISHED-TTL:" + ttl]
    for tzid in sorted(spans):
        lines += vtimezone_lines(tzid, *spans[tzid])
    lines += body
    lines.append("END:VCALENDAR")
    return encode_lines(lines)


def _when(start_utc: datetime, end_utc: datetime, tzid: str,
          spans: dict[str, list[int]]) -> list[str]:
    """DTSTART/DTEND in the zone's wall time with TZID (UTC if a time is ambiguous)."""
    tz = zone(tzid)
    start = start_utc.replace(tzinfo=timezone.utc).astimezone(tz)
    end = end_utc.replace(tzinfo=timezone.utc).astimezone(tz)
    if start.fold or end.fold:  # the repeated hour when clocks go back
        lines = ["DTSTART:" + utc_stamp(start_utc)]
        if end_utc > start_utc:
            lines.append("DTEND:" + utc_stamp(end_utc))
        return lines
    span = spans.setdefault(tzid, [start.year, end.year])
    span[0], span[1] = min(span[0], start.year), max(span[1], end.year)
    lines = [f"DTSTART;TZID={tzid}:{local_stamp(start)}"]
    if end_utc > start_utc:
        lines.append(f"DTEND;TZID={tzid}:{local_stamp(end)}")
    return lines


def _common(uid: str, last_modified: datetime, created: datetime | None, revision: int,
            cancelled: bool) -> list[str]:
    stamp = utc_stamp(last_modified)
    lines = ["BEGIN:VEVENT", "UID:" + escape_text(uid), "DTSTAMP:" + stamp]
    if created is not None:
        lines.append("CREATED:" + utc_stamp(created))
    lines += ["LAST-MODIFIED:" + stamp, f"SEQUENCE:{max(int(revision), 0)}",
              "STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED"]
    return lines


def _organizer(email: str | None, name: str | None) -> list[str]:
    address = mailto(email)
    if address is None:
        return []
    cn = clean_text(name).strip()
    return [("ORGANIZER;CN=" + quote_param(cn) if cn else "ORGANIZER") + ":" + address]


def _summary(title: str, cancelled: bool, labels: FeedLabels) -> str:
    return "SUMMARY:" + escape_text((labels.cancelled_prefix if cancelled else "") + title)


def _slot_lines(slot: CalendarSlot, audience: str, labels: FeedLabels,
                spans: dict[str, list[int]]) -> list[str]:
    cancelled = slot.status == "cancelled"
    lines = _common(slot.uid, slot.last_modified_utc, slot.created_utc, slot.revision, cancelled)
    lines.append("TRANSP:TRANSPARENT" if cancelled else "TRANSP:OPAQUE")
    lines += _when(slot.starts_at_utc, slot.ends_at_utc, slot.tz, spans)
    lines.append(_summary(slot.title, cancelled, labels))
    link = clean_uri(slot.online_link) if audience == "online" else None
    url = clean_uri(slot.url)
    if text := _slot_description(slot, link, url, labels):
        lines.append("DESCRIPTION:" + escape_text(text))
    if audience == "online":
        place = link
    else:
        place = ", ".join(part for part in (clean_text(p).strip() for p in
                                            (slot.room, slot.venue, slot.city)) if part)
    if place:
        lines.append("LOCATION:" + escape_text(place))
    if link:
        lines.append(f"CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL={quote_param(labels.join_online)}:{link}")
    if url:
        lines.append("URL:" + url)
    if kind := clean_text(slot.kind).strip():
        lines.append("CATEGORIES:" + escape_text(kind.replace("_", " ").capitalize()))
    lines += _organizer(slot.organizer_email, slot.organizer_name)
    lines.append("END:VEVENT")
    return lines


def _slot_description(slot: CalendarSlot, link: str | None, url: str | None,
                      labels: FeedLabels) -> str:
    blocks = []
    if text := clean_text(slot.description).strip():
        blocks.append(text)
    if slot.speakers:
        rows = [labels.speakers + ":"]
        for speaker in slot.speakers:
            role = f" ({speaker.role})" if speaker.role else ""
            organisation = f", {speaker.organisation}" if speaker.organisation else ""
            rows.append(f"- {speaker.name}{role}{organisation}")
        blocks.append("\n".join(rows))
    if question := clean_text(slot.guiding_question).strip():
        blocks.append(f"{labels.guiding_question}: {question}")
    if link:
        blocks.append(f"{labels.join_online}: {link}")
    if url:
        blocks.append(f"{labels.details}: {url}")
    return "\n\n".join(blocks)


def _series_lines(item: CalendarEventSummary, labels: FeedLabels,
                  spans: dict[str, list[int]]) -> list[str]:
    cancelled = item.status == "cancelled"
    lines = _common(item.uid, item.last_modified_utc, item.created_utc, item.revision, cancelled)
    if item.starts_at_utc is not None and item.ends_at_utc is not None:
        lines.append("TRANSP:TRANSPARENT" if cancelled else "TRANSP:OPAQUE")
        lines += _when(item.starts_at_utc, item.ends_at_utc, item.tz, spans)
    else:
        last = max(item.end_date, item.start_date)
        lines += ["TRANSP:TRANSPARENT", "DTSTART;VALUE=DATE:" + date_stamp(item.start_date),
                  "DTEND;VALUE=DATE:" + date_stamp(last + timedelta(days=1))]
    lines.append(_summary(item.title, cancelled, labels))
    url = clean_uri(item.url)
    text = clean_text(item.description).strip()
    if url:
        text = (text + "\n\n" if text else "") + f"{labels.details}: {url}"
    if text:
        lines.append("DESCRIPTION:" + escape_text(text))
    if place := clean_text(item.location).strip():
        lines.append("LOCATION:" + escape_text(place))
    if url:
        lines.append("URL:" + url)
    lines += _organizer(item.organizer_email, item.organizer_name)
    lines.append("END:VEVENT")
    return lines
