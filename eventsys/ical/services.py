"""Calendar feeds from the database, and personal feed tokens.

Each feed has a *state* function that reads, in one query, whether the feed exists and its
version (what the ETag and the cache key are made of), and returns a :class:`FeedState`
whose ``build`` reads the rest (three more queries at most, whatever the size) and writes
the bytes through the pure core (:mod:`eventsys.ical.build`). See :mod:`eventsys.ical.cache`
for how versions change.

Rules:
- Public feeds (an event's agenda, one slot, a series) exist for published and cancelled
  events only; drafts answer 404 to everyone, organisers included (they preview on the
  page). They never contain online links and are written in the site's default language.
- A personal feed holds, for each *confirmed* registration on a public event, the slots
  meant for all participants plus the slots of the working groups the registration is
  assigned to; a slot linked to no working group is for everyone. Pending, waitlisted,
  cancelled and rejected registrations contribute nothing. Online participants get the
  online link (the group's, else the slot's, else the event's), in-person participants the
  room (the group's, else the slot's), venue and city. It is written in the owner's language.
- A slot of a cancelled event is written as cancelled.
- Speakers are listed when their invitation is confirmed or they were never invited (as on
  the public speaker pages), with their organisation and their translated role.
- A slot linked to one working group shows that group's guiding question (and its room when
  the slot has none) in the public feeds too; a slot shared by several groups shows each
  participant their own group's room, link and question, its title followed by the group's.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, select

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events.models import PUBLIC_STATUSES, Event, Room, is_public_status
from eventsys.extensions import db
from eventsys.groups.models import WorkingGroup, working_group_slot
from eventsys.ical.build import (CalendarEventSummary, CalendarSlot, FeedLabels, FeedMeta, SpeakerLine,
                                 build_agenda_ics, build_series_ics)
from eventsys.markdown import markdown_to_text
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker, is_public_speaker

ROLE_LABELS = {"speaker": _l("Speaker"), "chair": _l("Chair"), "moderator": _l("Moderator"),
               "panellist": _l("Panellist")}
AUDIENCE = {"in_person": "in_person", "online": "online"}

# Markdown rendering costs about 0.5 ms per description here, most of a 300-slot build;
# descriptions rarely change between builds, so each process remembers the plain text.
plain_text = lru_cache(maxsize=8192)(markdown_to_text)


@dataclass(frozen=True)
class FeedState:
    """What a feed request needs before deciding between 404, 304 and the bytes."""
    kind: str        # "event", "slot", "series", "personal"
    key: str         # which feed of that kind
    version: str     # changes whenever the bytes would
    last_modified: datetime | None  # naive UTC
    filename: str
    build: Callable[[], bytes] = field(compare=False, repr=False)

    @property
    def personal(self) -> bool:
        return self.kind == "personal"

    @property
    def cache_key(self) -> tuple[str, str, str]:
        return (self.kind, self.key, self.version)


@dataclass(frozen=True)
class EventInfo:
    id: int
    slug: str
    title: str
    summary: str
    status: str
    tz: str
    start_date: date
    end_date: date
    venue_name: str
    venue_address: str
    venue_city: str
    online_link: str
    contact_email: str
    content_version: int
    changed_at: datetime
    updated_at: datetime
    created_at: datetime

    @classmethod
    def from_row(cls, row) -> EventInfo:
        m = row._mapping
        return cls(id=m["e_id"], slug=m["e_slug"], title=m["e_title"], summary=m["e_summary"] or "",
                   status=m["e_status"], tz=m["e_tz"], start_date=m["e_start"], end_date=m["e_end"],
                   venue_name=m["e_venue_name"] or "", venue_address=m["e_venue_address"] or "",
                   venue_city=m["e_venue_city"] or "", online_link=m["e_online_link"] or "",
                   contact_email=m["e_contact"] or "", content_version=m["e_version"] or 0,
                   changed_at=m["e_changed"] or m["e_updated"], updated_at=m["e_updated"],
                   created_at=m["e_created"])


_EVENT = Event.__table__
# label: column. Plain table columns and prebuilt statements with bound parameters keep
# the per-request state query cheap (a quarter of the cost of an ORM select built each time).
EVENT_COLUMNS = tuple(_EVENT.c[column].label(label) for label, column in (
    ("e_id", "id"), ("e_slug", "slug"), ("e_title", "title"), ("e_summary", "summary"),
    ("e_status", "status"), ("e_tz", "timezone"), ("e_start", "start_date"), ("e_end", "end_date"),
    ("e_venue_name", "venue_name"), ("e_venue_address", "venue_address"), ("e_venue_city", "venue_city"),
    ("e_online_link", "online_link"), ("e_contact", "contact_email"), ("e_version", "content_version"),
    ("e_changed", "content_updated_at"), ("e_updated", "updated_at"), ("e_created", "created_at")))
_SLOT = AgendaSlot.__table__
_SERIES = Series.__table__
EVENT_STATE = select(*EVENT_COLUMNS).where(_EVENT.c.slug == bindparam("slug"))
SLOT_STATE = (select(*EVENT_COLUMNS, _SLOT.c.id.label("slot_id"))
              .select_from(_EVENT.outerjoin(_SLOT, and_(_SLOT.c.event_id == _EVENT.c.id,
                                                        _SLOT.c.id == bindparam("slot_id"))))
              .where(_EVENT.c.slug == bindparam("slug")))
SERIES_STATE = (select(_SERIES.c.id.label("s_id"), _SERIES.c.slug.label("s_slug"),
                       _SERIES.c.title.label("s_title"), _SERIES.c.description.label("s_description"),
                       _SERIES.c.created_at.label("s_created"), *EVENT_COLUMNS)
                .select_from(_SERIES.outerjoin(_EVENT, and_(_EVENT.c.series_id == _SERIES.c.id,
                                                            _EVENT.c.status.in_(PUBLIC_STATUSES))))
                .where(_SERIES.c.slug == bindparam("slug")).order_by(_EVENT.c.start_date, _EVENT.c.id))


def state_rows(statement, **params) -> list:
    """Run a prebuilt state query on the session's connection (same transaction)."""
    return db.session.connection().execute(statement, params).all()


def digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def public_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"


def user_locale(locale: str | None) -> str:
    return locale if locale in current_app.config["LANGUAGES"] else public_locale()


def feed_labels() -> FeedLabels:
    return FeedLabels(speakers=_("Speakers"), guiding_question=_("Guiding question"),
                      join_online=_("Join online"), details=_("Details"),
                      cancelled_prefix=_("Cancelled: "))


# --- public feeds -----------------------------------------------------------------------

def event_feed_state(slug: str) -> FeedState | None:
    """The agenda feed of a public event (None: no such public event). One query."""
    row = next(iter(state_rows(EVENT_STATE, slug=slug)), None)
    if row is None or not is_public_status(row.e_status):
        return None
    info, locale = EventInfo.from_row(row), public_locale()
    return FeedState("event", str(info.id), digest(info.content_version, info.status, locale),
                     info.changed_at, f"{info.slug}-agenda.ics",
                     lambda: _build_event(info, locale, None))


def slot_feed_state(slug: str, slot_id: int) -> FeedState | None:
    """One slot of a public event, for "add to my calendar". One query."""
    row = next(iter(state_rows(SLOT_STATE, slug=slug, slot_id=slot_id)), None)
    if row is None or not is_public_status(row.e_status) or row.slot_id is None:
        return None
    info, locale = EventInfo.from_row(row), public_locale()
    return FeedState("slot", f"{info.id}:{slot_id}", digest(info.content_version, info.status, locale),
                     info.changed_at, f"{info.slug}-slot-{slot_id}.ics",
                     lambda: _build_event(info, locale, slot_id))


def _build_event(info: EventInfo, locale: str, slot_id: int | None) -> bytes:
    with force_locale(locale):
        base, labels = base_url(), feed_labels()
        rows, speakers, groups = load_slots([info.id], slot_id)
        slots = []
        for row in rows:
            linked = groups.get(row.id, [])
            group = linked[0] if len(linked) == 1 else None  # several groups: no single question
            slots.append(calendar_slot(info, row, speakers.get(row.id, ()), group, False, base))
        source = (f"{base}/events/{info.slug}/agenda.ics" if slot_id is None
                  else f"{base}/events/{info.slug}/slots/{slot_id}.ics")
        meta = FeedMeta(name=info.title, description=info.summary, url=f"{base}/events/{info.slug}/",
                        source_url=source, tz=info.tz, labels=labels)
        return build_agenda_ics(meta, slots, "public")


def series_feed_state(slug: str) -> FeedState | None:
    """Every public event of a series, one VEVENT each. One query."""
    rows = state_rows(SERIES_STATE, slug=slug)
    if not rows:
        return None
    head = rows[0]
    events = [EventInfo.from_row(row) for row in rows if row.e_id is not None]
    locale = public_locale()
    version = digest(head.s_title, head.s_description, locale,
                      [(e.id, e.content_version, e.status) for e in events])
    newest = max([head.s_created, *(e.changed_at for e in events)])
    series = {"slug": head.s_slug, "title": head.s_title, "description": head.s_description or ""}
    return FeedState("series", str(head.s_id), version, newest, f"{head.s_slug}-series.ics",
                     lambda: _build_series(series, events, locale))


def _build_series(series: dict, events: list[EventInfo], locale: str) -> bytes:
    with force_locale(locale):
        base = base_url()
        host = urlsplit(base).hostname or "eventsys"
        times = _single_day_times([e.id for e in events if e.start_date == e.end_date])
        items = []
        for info in events:
            starts, ends = times.get(info.id, (None, None))
            place = ", ".join(part for part in (info.venue_name, info.venue_city) if part)
            items.append(CalendarEventSummary(
                uid=f"event-{info.id}@{host}", title=info.title, start_date=info.start_date,
                end_date=info.end_date, tz=info.tz, last_modified_utc=info.changed_at,
                revision=info.content_version, status=_status(info.status), starts_at_utc=starts,
                ends_at_utc=ends, created_utc=info.created_at, description=info.summary,
                location=place or None, url=f"{base}/events/{info.slug}/",
                organizer_email=info.contact_email or None, organizer_name=info.title))
        meta = FeedMeta(name=series["title"], description=plain_text(series["description"]),
                        url=f"{base}/series/{series['slug']}",
                        source_url=f"{base}/series/{series['slug']}.ics", labels=feed_labels())
        return build_series_ics(meta, items)


def _single_day_times(event_ids: list[int]) -> dict[int, tuple[datetime, datetime]]:
    """A one-day event with a scheduled agenda is written timed, from its first slot's
    start to its last slot's end; other events are all-day."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(AgendaSlot.event_id, func.min(AgendaSlot.starts_at), func.max(AgendaSlot.ends_at))
        .where(AgendaSlot.event_id.in_(event_ids), AgendaSlot.status == "scheduled")
        .group_by(AgendaSlot.event_id))
    return {event_id: (first, last) for event_id, first, last in rows}


# --- slots as plain data (three queries, whatever the size) -----------------------------

def load_slots(event_ids: list[int], slot_id: int | None = None):
    """(slot rows, {slot id: (SpeakerLine...)}, {slot id: [group rows]})."""
    if not event_ids:
        return [], {}, {}
    where = [AgendaSlot.event_id.in_(event_ids)]
    if slot_id is not None:
        where.append(AgendaSlot.id == slot_id)
    rows = db.session.execute(
        select(AgendaSlot.id, AgendaSlot.event_id, AgendaSlot.uid, AgendaSlot.kind, AgendaSlot.title,
               AgendaSlot.description, AgendaSlot.starts_at, AgendaSlot.ends_at, AgendaSlot.status,
               AgendaSlot.revision, AgendaSlot.created_at, AgendaSlot.updated_at, AgendaSlot.online_link,
               Room.name.label("room_name"))
        .outerjoin(Room, Room.id == AgendaSlot.room_id).where(*where)
        .order_by(AgendaSlot.starts_at, AgendaSlot.id)).all()
    speakers: dict[int, list[SpeakerLine]] = defaultdict(list)
    roles = {key: str(label) for key, label in ROLE_LABELS.items()}  # translate once, not per row
    for slot, role, name, organisation in db.session.execute(
            select(SlotSpeaker.slot_id, SlotSpeaker.role, Speaker.name, Speaker.organisation)
            .join(Speaker, Speaker.id == SlotSpeaker.speaker_id)
            .join(AgendaSlot, AgendaSlot.id == SlotSpeaker.slot_id)
            .where(*where, is_public_speaker())
            .order_by(SlotSpeaker.slot_id, SlotSpeaker.position, SlotSpeaker.id)):
        speakers[slot].append(SpeakerLine(name, roles.get(role, ""), organisation or ""))
    groups: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
            select(working_group_slot.c.slot_id, WorkingGroup.id, WorkingGroup.title,
                   WorkingGroup.guiding_question, WorkingGroup.online_link, Room.name.label("room_name"))
            .join(WorkingGroup, WorkingGroup.id == working_group_slot.c.group_id)
            .join(AgendaSlot, AgendaSlot.id == working_group_slot.c.slot_id)
            .outerjoin(Room, Room.id == WorkingGroup.room_id)
            .where(*where).order_by(working_group_slot.c.slot_id, WorkingGroup.position, WorkingGroup.id)):
        groups[row.slot_id].append(row)
    return rows, {k: tuple(v) for k, v in speakers.items()}, groups


def _status(status: str) -> str:
    return "cancelled" if status == "cancelled" else "scheduled"


def calendar_slot(info: EventInfo, row, speakers, group, many_groups: bool, base: str) -> CalendarSlot:
    """A slot row as the pure core wants it; ``group`` (a row, or None) supplies its room,
    online link and guiding question, and names the slot when several groups share it.
    LAST-MODIFIED is the later of the slot's and the event's own last edit."""
    venue = ", ".join(part for part in (info.venue_name, info.venue_address) if part)
    city = info.venue_city if info.venue_city.lower() not in venue.lower() else ""
    title = f"{row.title} — {group.title}" if group is not None and many_groups else row.title
    return CalendarSlot(
        uid=row.uid, title=title, kind=row.kind, starts_at_utc=row.starts_at, ends_at_utc=row.ends_at,
        tz=info.tz, last_modified_utc=max(row.updated_at, info.updated_at), revision=row.revision or 0,
        status="cancelled" if "cancelled" in (row.status, info.status) else "scheduled",
        created_utc=row.created_at, description=plain_text(row.description or ""), speakers=speakers,
        guiding_question=(group.guiding_question or None) if group is not None else None,
        room=(group.room_name if group is not None and group.room_name else row.room_name) or None,
        venue=venue or None, city=city or None,
        online_link=((group.online_link if group is not None else "") or row.online_link
                     or info.online_link or None),
        url=f"{base}/events/{info.slug}/slots/{row.id}", organizer_email=info.contact_email or None,
        organizer_name=info.title, group_key=str(group.id) if group is not None else None)
