"""The public agenda runs a fixed, small number of SQL queries whatever the agenda's size
(no query per slot, room or speaker; no lazy loads from the templates)."""
from __future__ import annotations

import itertools
import statistics
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker
from tests.queries import count_queries

MAX_QUERIES = 10


def build_agenda(slug: str, owner, slots: int, rooms: int, days: int, speakers: int) -> Event:
    """Bulk inserts: ``slots`` slots spread over ``days`` days, all rooms in parallel,
    two speakers per slot, one slot in seven cancelled."""
    event = Event(slug=slug, title=f"Event {slug}", start_date=date(2030, 5, 6),
                  end_date=date(2030, 5, 5 + days), timezone="Europe/Madrid", status="published")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
    room_ids = db.session.scalars(insert(Room).returning(Room.id, sort_by_parameter_order=True), [
        {"event_id": event.id, "name": f"Room {n + 1}", "position": n} for n in range(rooms)]).all()
    speaker_ids = db.session.scalars(insert(Speaker).returning(Speaker.id, sort_by_parameter_order=True), [
        {"event_id": event.id, "name": f"Speaker {n + 1}", "organisation": f"Institute {n % 17}"}
        for n in range(speakers)]).all()
    per_day = -(-slots // days)
    rows = []
    for n in range(slots):
        day, index = divmod(n, per_day)
        period, room = divmod(index, rooms)
        start = datetime(2030, 5, 6 + day, 7, 0) + timedelta(hours=period)  # UTC
        rows.append({"event_id": event.id, "uid": f"{slug}-{n}", "kind": "working_group",
                     "title": f"Session {n + 1}", "description": "", "starts_at": start,
                     "ends_at": start + timedelta(minutes=50), "room_id": room_ids[room],
                     "online_link": "", "status": "cancelled" if n % 7 == 3 else "scheduled", "revision": 0})
    slot_ids = db.session.scalars(insert(AgendaSlot).returning(AgendaSlot.id, sort_by_parameter_order=True),
                                  rows).all()
    cycle = itertools.cycle(speaker_ids)
    db.session.execute(insert(SlotSpeaker), [
        {"slot_id": slot_id, "speaker_id": next(cycle), "role": role, "position": position}
        for slot_id in slot_ids for position, role in enumerate(("chair", "speaker"))])
    db.session.commit()
    return event


@pytest.fixture
def small_and_large(app, make_user):
    owner = make_user()
    small = build_agenda("small-agenda", owner, slots=10, rooms=2, days=1, speakers=5)
    large = build_agenda("large-agenda", owner, slots=300, rooms=10, days=3, speakers=250)
    return owner, small, large


def queries_for(client, url: str) -> list[str]:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("query", ["", "?tz=America/New_York"])
def test_public_agenda_query_count_is_small_and_independent_of_size(client, small_and_large, query):
    _owner, small, large = small_and_large
    client.get(f"/events/{small.slug}/agenda")  # warm-up: first-request work is not per page
    small_count = len(queries_for(client, f"/events/{small.slug}/agenda{query}"))
    large_queries = queries_for(client, f"/events/{large.slug}/agenda{query}")
    print(f"\npublic agenda queries{query or ''}: 10 slots -> {small_count}, 300 slots -> {len(large_queries)}")
    assert len(large_queries) <= MAX_QUERIES, large_queries
    assert small_count == len(large_queries)


def test_public_agenda_query_count_for_a_logged_in_organiser(client, small_and_large, login):
    owner, small, large = small_and_large
    login(client, owner)
    small_count = len(queries_for(client, f"/events/{small.slug}/agenda"))
    large_count = len(queries_for(client, f"/events/{large.slug}/agenda"))
    print(f"\npublic agenda queries (organiser): 10 slots -> {small_count}, 300 slots -> {large_count}")
    assert large_count <= MAX_QUERIES
    assert small_count == large_count


def test_agenda_editor_query_count_is_independent_of_size(client, small_and_large, login):
    owner, small, large = small_and_large
    login(client, owner)
    small_count = len(queries_for(client, f"/events/{small.slug}/manage/agenda"))
    large_count = len(queries_for(client, f"/events/{large.slug}/manage/agenda"))
    print(f"\nagenda editor queries: 10 slots -> {small_count}, 300 slots -> {large_count}")
    assert large_count <= MAX_QUERIES
    assert small_count == large_count


def test_public_agenda_of_300_slots_renders_every_slot_quickly(client, small_and_large):
    """Guards against accidental slowness. The budget is a median under 50 ms; the test
    asserts on CPU time (robust on a shared, loaded machine) with room to spare, and
    prints wall-clock time as well."""
    _owner, _small, large = small_and_large
    url = f"/events/{large.slug}/agenda"
    page = client.get(url).get_data(as_text=True)
    assert page.count('<li class="agenda-slot ') == 300
    assert page.count("is-cancelled") == 43
    wall, cpu = [], []
    for _ in range(9):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    print(f"\npublic agenda, 300 slots: median {statistics.median(wall):.1f} ms wall, "
          f"{statistics.median(cpu):.1f} ms CPU over 9 requests")
    assert statistics.median(cpu) < 150
