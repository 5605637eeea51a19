"""Feed caching that stays correct across worker processes.

Every feed request first reads the feed's *version* from the database with one cheap query
(``eventsys.ical.services.*_feed_state``); the built bytes are kept in a per-process LRU
keyed by (feed key, version). An edit made through any process changes the version in the
same transaction, so the next request to any process misses the cache and rebuilds: there
is nothing to invalidate and no window in which a process serves stale bytes.

The version of an event's feeds is ``Event.content_version``. :func:`_bump_content_versions`
(a ``before_flush`` hook on the app's session) raises it by one, and sets
``content_updated_at``, with a single UPDATE whenever an Event, or one of its agenda slots,
slot speakers, speakers, rooms, working groups (with their slot links) or group rounds, is
added, changed or deleted through the ORM. Changes to a series or to an event's place in
one bump the events of that series (the series feed's Last-Modified must never go back).
Group membership changes touch the registration's ``updated_at`` (the personal feed's
Last-Modified). A ``do_orm_execute`` hook does the same for bulk INSERT/UPDATE/DELETE
statements run through the session on those tables (e.g. account deletion clearing an
event's contact address). Only raw SQL text, or writes from outside the app, must bump
``content_version`` themselves.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import inspect, or_, select

from eventsys.timeutil import utcnow

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_SOURCES = ("build.py", "contentlines.py", "vtimezone.py", "services.py", "personal.py")


class FeedCache:
    """A thread-safe LRU of built feeds, bounded by the total size of the bytes kept."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key: tuple, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return body
            self.misses += 1
        body = build()  # outside the lock: a slow build must not hold up cached feeds
        self.put(key, body)
        return body

    def put(self, key: tuple, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size -= len(old) if old is not None else 0
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _key, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


def build_id(base_url: str) -> str:
    """Changes whenever a deployment could write different bytes for the same data: the
    package version, the feed code, and the base URL written into the feeds."""
    try:
        version = metadata.version("eventsys")
    except metadata.PackageNotFoundError:
        version = "checkout"
    digest = hashlib.sha256(f"{version}|{base_url}".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def etag_for(kind: str, key: str, version: str, build: str) -> str:
    """A quoted strong entity tag: the bytes are a function of exactly these."""
    return '"' + hashlib.sha256(f"{kind}|{key}|{version}|{build}".encode()).hexdigest()[:32] + '"'


def init_app(app: Flask) -> None:
    """The per-process cache, the build id, and the versioning hook (registered once)."""
    from eventsys.extensions import db

    app.extensions["ical_cache"] = FeedCache(app.config.get("ICAL_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))
    app.extensions["ical_build_id"] = app.config.get("ICAL_BUILD_ID") or build_id(app.config["BASE_URL"])
    if not sa_event.contains(db.session, "before_flush", _bump_content_versions):
        sa_event.listen(db.session, "before_flush", _bump_content_versions)
        sa_event.listen(db.session, "do_orm_execute", _bump_for_statement)


# --- the versioning hooks -------------------------------------------------------------

_OWN = "ical_content_version"  # execution option marking the hooks' own statements
_EVENT_CHILDREN = ("agenda_slot", "room", "speaker", "working_group", "group_round")
_WATCHED = frozenset(("event", "event_series", "slot_speaker", "working_group_slot",
                      "group_membership", *_EVENT_CHILDREN))


def _tables():
    from eventsys.events.models import Event
    from eventsys.registration.models import Registration
    return Event.__table__, Registration.__table__


def _bump_events(session, *conditions) -> None:
    """One UPDATE: every event matching any condition gets a new content version."""
    event, _registration = _tables()
    session.execute(event.update().where(or_(*conditions)).values(
        content_version=event.c.content_version + 1, content_updated_at=utcnow(),
        updated_at=event.c.updated_at),  # not an edit of the event's own fields (onupdate)
        execution_options={_OWN: True})


def _touch_registrations(session, ids) -> None:
    """Group changes are changes of the registration (the personal feed's Last-Modified)."""
    _event, registration = _tables()
    session.execute(registration.update().where(registration.c.id.in_(ids)).values(updated_at=utcnow()),
                    execution_options={_OWN: True})


def _bump_content_versions(session, _flush_context, _instances) -> None:
    """before_flush: objects added, changed or deleted through the unit of work."""
    from eventsys.agenda.models import AgendaSlot
    event, _registration = _tables()
    events, slots, series, registrations = _changed_parents(session)
    conditions = []
    if events:
        conditions.append(event.c.id.in_(sorted(events)))
    if slots:
        conditions.append(event.c.id.in_(select(AgendaSlot.event_id).where(AgendaSlot.id.in_(sorted(slots)))))
    if series:
        conditions.append(event.c.series_id.in_(sorted(series)))
    if conditions:
        _bump_events(session, *conditions)
    if registrations:
        _touch_registrations(session, sorted(registrations))


def _bump_for_statement(state) -> None:
    """do_orm_execute: bulk INSERT/UPDATE/DELETE statements run through the session (the
    unit of work does not see them), e.g. account deletion clearing a contact address."""
    if state.execution_options.get(_OWN) or not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name not in _WATCHED:
        return
    event, _registration = _tables()
    if state.is_insert:
        _bump_for_insert(state, name, event)
        return
    where = state.statement.whereclause
    rows = select(table.c[_KEY.get(name, "id")])
    rows = rows.where(where) if where is not None else rows
    if name == "event":
        siblings = select(table.c.series_id)
        siblings = siblings.where(where) if where is not None else siblings
        _bump_events(state.session, event.c.id.in_(rows), event.c.series_id.in_(siblings))
    elif name == "event_series":
        _bump_events(state.session, event.c.series_id.in_(rows))
    elif name == "group_membership":
        _touch_registrations(state.session, rows)
    else:
        _bump_events(state.session, event.c.id.in_(_event_ids(name, rows)))


_KEY = {"slot_speaker": "slot_id", "working_group_slot": "slot_id", "group_membership": "registration_id"}
_KEY.update({name: "event_id" for name in _EVENT_CHILDREN})


def _event_ids(name: str, keys):
    """Event ids behind a child table's key column (slot ids for the link tables)."""
    if name in ("slot_speaker", "working_group_slot"):
        from eventsys.agenda.models import AgendaSlot
        return select(AgendaSlot.event_id).where(AgendaSlot.id.in_(keys))
    return keys


def _bump_for_insert(state, name: str, event) -> None:
    params = state.parameters
    rows = params if isinstance(params, (list, tuple)) else [params or {}]
    keys = sorted({row.get(_KEY.get(name, "")) for row in rows} - {None})
    if not keys or name in ("event", "event_series"):
        return  # new events and series have no feed anyone has fetched yet
    if name == "group_membership":
        _touch_registrations(state.session, keys)
    else:
        _bump_events(state.session, event.c.id.in_(_event_ids(name, keys)))


def _changed_parents(session) -> tuple[set, set, set, set]:
    """Ids of the events, slots (for speaker links), series and registrations whose feeds
    change with this flush. Objects that are new, really modified, or deleted count."""
    from eventsys.agenda.models import AgendaSlot, SlotSpeaker
    from eventsys.events.models import Event, Room
    from eventsys.groups.models import GroupMembership, GroupRound, WorkingGroup
    from eventsys.series.models import Series
    from eventsys.speakers.models import Speaker

    events: set[int] = set()
    slots: set[int] = set()
    series: set[int] = set()
    registrations: set[int] = set()
    watched = (Event, AgendaSlot, Room, Speaker, WorkingGroup, GroupRound, SlotSpeaker, Series, GroupMembership)
    dirty = [obj for obj in session.dirty if isinstance(obj, watched) and session.is_modified(obj)]
    for obj in [*session.new, *dirty, *session.deleted]:
        if isinstance(obj, Event):
            events.update(_identity(obj))
            series.update(_values(obj, "series_id", "series"))
        elif isinstance(obj, (AgendaSlot, Room, Speaker, WorkingGroup, GroupRound)):
            events.update(_values(obj, "event_id", "event", "round"))
        elif isinstance(obj, SlotSpeaker):
            slots.update(_values(obj, "slot_id", "slot"))
        elif isinstance(obj, Series):
            series.update(_identity(obj))
        elif isinstance(obj, GroupMembership):
            registrations.update(_values(obj, "registration_id", "registration"))
    return events, slots, series, registrations


def _identity(obj) -> set[int]:
    identity = inspect(obj).identity
    return {identity[0]} if identity else set()


def _values(obj, column: str, *parents: str) -> set[int]:
    """The current and previous values of a foreign key column, or of the ids behind the
    relationship(s) that will set it during the flush (e.g. ``AgendaSlot(event=event)``)."""
    state = inspect(obj)
    found: set[int] = set()
    history = state.attrs[column].load_history()  # loads it if expired (the row still exists)
    found.update(v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None)
    for name in parents:
        if name not in state.mapper.relationships:
            continue
        rel_history = state.attrs[name].history
        for parent in (*rel_history.added, *rel_history.unchanged, *rel_history.deleted):
            value = getattr(parent, "event_id" if name == "round" else "id", None) if parent is not None else None
            if value is not None:
                found.add(value)
    return found
