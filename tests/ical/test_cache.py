"""The feed cache: an LRU per process, validated against the database on every request, so
that an edit made through one worker is seen by the next request to any worker. Two app
instances on the same database stand for two gunicorn workers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from eventsys.agenda import services as agenda
from eventsys.agenda.models import AgendaSlot
from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.ical import tokens
from eventsys.ical.cache import FeedCache, build_id, etag_for
from eventsys.registration.models import Registration
from tests.ical.parsers import icalendar_events

AGENDA = "/events/madrid-2030/agenda.ics"


def summaries(data: bytes) -> set[str]:
    return {str(event["SUMMARY"]) for event in icalendar_events(data).values()}


# --- the LRU ------------------------------------------------------------------------------

def test_cache_builds_once_per_key():
    cache, calls = FeedCache(max_bytes=100), []

    def build():
        calls.append(1)
        return b"feed"
    assert cache.get_or_build(("event", "1", "v1"), build) == b"feed"
    assert cache.get_or_build(("event", "1", "v1"), build) == b"feed"
    assert (len(calls), cache.hits, cache.misses) == (1, 1, 1)
    cache.get_or_build(("event", "1", "v2"), build)
    assert len(calls) == 2


def test_cache_drops_the_least_recently_used_beyond_its_size():
    cache = FeedCache(max_bytes=10)
    cache.put(("a",), b"aaaa")
    cache.put(("b",), b"bbbb")
    cache.get_or_build(("a",), lambda: b"")  # a is now the most recently used
    cache.put(("c",), b"cccc")
    assert cache.get_or_build(("b",), lambda: b"rebuilt") == b"rebuilt"
    assert cache.get_or_build(("a",), lambda: b"rebuilt") in (b"aaaa", b"rebuilt")
    cache.put(("huge",), b"x" * 11)  # larger than the whole cache: never kept
    assert cache.get_or_build(("huge",), lambda: b"again") == b"again"
    assert sum(len(v) for v in cache._items.values()) <= 10


def test_etag_depends_on_every_part():
    base = etag_for("event", "1", "v", "b")
    assert base.startswith('"') and base.endswith('"') and len(base) == 34
    assert len({base, etag_for("slot", "1", "v", "b"), etag_for("event", "2", "v", "b"),
                etag_for("event", "1", "w", "b"), etag_for("event", "1", "v", "c")}) == 5


def test_build_id_changes_with_the_base_url():
    assert build_id("https://a.example.org") != build_id("https://b.example.org")
    assert build_id("https://a.example.org") == build_id("https://a.example.org")


# --- within one process ----------------------------------------------------------------------

def test_warm_requests_are_served_from_the_cache(app, workshop):
    cache = app.extensions["ical_cache"]
    client = app.test_client()
    first = client.get(AGENDA)
    misses = cache.misses
    second = client.get(AGENDA)
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert (cache.misses, cache.hits) == (misses, 1)


def test_304_does_not_build(app, workshop):
    cache = app.extensions["ical_cache"]
    etag = app.test_client().get(AGENDA).headers["ETag"]
    cache.clear()
    misses = cache.misses
    response = app.test_client().get(AGENDA, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert cache.misses == misses and len(cache) == 0


# --- across processes --------------------------------------------------------------------------

def test_an_edit_through_one_worker_is_seen_by_the_next_request_to_another(app, make_app, workshop):
    worker_a, worker_b = app, make_app()
    assert worker_a.extensions["ical_cache"] is not worker_b.extensions["ical_cache"]
    client_a, client_b = worker_a.test_client(), worker_b.test_client()
    warm = client_a.get(AGENDA)
    assert client_a.get(AGENDA).headers["ETag"] == warm.headers["ETag"]  # served warm by A
    assert client_b.get(AGENDA).data == warm.data  # B builds the same bytes: same ETag
    slot_id, owner_id = workshop.slots["coffee"].id, workshop.owner.id
    with worker_b.app_context():
        slot = db.session.get(AgendaSlot, slot_id)
        agenda.update_slot(slot, {"title": "Coffee, moved", "starts_at": datetime(2030, 3, 31, 16, 0),
                                  "ends_at": datetime(2030, 3, 31, 16, 30)}, db.session.get(User, owner_id))
        uid = slot.uid
    after = client_a.get(AGENDA)
    assert after.status_code == 200
    assert after.headers["ETag"] != warm.headers["ETag"]
    assert "Coffee, moved" in summaries(after.data) and "Coffee" not in summaries(after.data)
    assert icalendar_events(after.data)[uid]["SEQUENCE"] == 1
    assert client_b.get(AGENDA).headers["ETag"] == after.headers["ETag"]
    # A client holding A's old copy is told it changed, by either worker
    for client in (client_a, client_b):
        assert client.get(AGENDA, headers={"If-None-Match": warm.headers["ETag"]}).status_code == 200


def test_a_cancelled_registration_is_seen_by_every_worker(app, make_app, workshop):
    worker_a, worker_b = app, make_app()
    url = f"/calendar/{tokens.calendar_token(workshop.people['online'])}.ics"
    warm = worker_a.test_client().get(url)
    assert "Opening plenary" in summaries(warm.data)
    registration_id = workshop.registrations["online"].id
    with worker_b.app_context():
        registration = db.session.get(Registration, registration_id)
        registration.status = "cancelled"
        db.session.commit()
    after = worker_a.test_client().get(url)
    assert summaries(after.data) == set()
    assert after.headers["ETag"] != warm.headers["ETag"]


def test_a_reset_token_is_404_on_every_worker(app, make_app, workshop):
    worker_a, worker_b = app, make_app()
    user_id = workshop.people["online"].id
    old = f"/calendar/{tokens.calendar_token(workshop.people['online'])}.ics"
    assert worker_a.test_client().get(old).status_code == 200
    with worker_b.app_context():
        tokens.reset_calendar_token(db.session.get(User, user_id))
    assert worker_a.test_client().get(old).status_code == 404


def test_deleted_slot_disappears_on_the_other_worker(app, make_app, workshop):
    worker_a, worker_b = app, make_app()
    assert "Coffee" in summaries(worker_a.test_client().get(AGENDA).data)
    slot_id = workshop.slots["coffee"].id
    with worker_b.app_context():
        agenda.delete_slot(db.session.get(AgendaSlot, slot_id), db.session.get(User, workshop.owner.id))
        assert db.session.scalar(select(AgendaSlot.id).where(AgendaSlot.id == slot_id)) is None
    assert "Coffee" not in summaries(worker_a.test_client().get(AGENDA).data)
