""""Public event" has one definition (events/models.py: PUBLIC_STATUSES, Event.is_public,
is_public_status), and every page and feed follows it: published and cancelled events are
shown to everyone, drafts to nobody outside their team."""
from __future__ import annotations

import pathlib
from datetime import datetime

import pytest
from sqlalchemy import select

from eventsys.events import models
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.ical import tokens
from eventsys.registration.models import Registration
from eventsys.series.services import series_events
from tests.events.helpers import make_event, make_slot
from tests.series.test_services import make_series

ROOT = pathlib.Path(__file__).resolve().parents[2] / "eventsys"


def test_public_statuses_are_written_down_once():
    spelled = sorted(str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py")
                     if '("published", "cancelled")' in path.read_text(encoding="utf-8"))
    assert spelled == ["events/models.py"]


@pytest.mark.parametrize("status, public", [("draft", False), ("published", True), ("cancelled", True)])
def test_is_public_in_python_and_in_sql_agree(app, status, public):
    event = make_event(status=status)
    assert (event.is_public, models.is_public_status(status)) == (public, public)
    assert db.session.scalar(select(Event.id).where(Event.is_public, Event.id == event.id)) == (
        event.id if public else None)


def test_pages_and_feeds_show_published_and_cancelled_events_only(app, client, make_user):
    owner, participant = make_user(), make_user()
    series = make_series(owner, slug="public-rule")
    events = {status: make_event(owner, status=status, series_id=series.id) for status in models.STATUSES}
    for status, event in events.items():
        make_slot(event, datetime(2030, 5, 6, 7, 0), datetime(2030, 5, 6, 8, 0), title=f"Slot of the {status} event")
        db.session.add(Registration(event_id=event.id, user_id=participant.id, mode="online", status="confirmed"))
    db.session.commit()

    pages = {status: (client.get(f"/events/{event.slug}/").status_code,
                      client.get(f"/events/{event.slug}/agenda.ics").status_code)
             for status, event in events.items()}
    assert pages == {"draft": (404, 404), "published": (200, 200), "cancelled": (200, 200)}

    upcoming, past = series_events(series, today=datetime(2030, 1, 1).date())
    assert (sorted(e.status for e in upcoming), past) == (["cancelled", "published"], [])
    series_feed = client.get(f"/series/{series.slug}.ics").get_data(as_text=True)
    personal = client.get(f"/calendar/{tokens.calendar_token(participant)}.ics").get_data(as_text=True)
    for status in models.STATUSES:
        expected = status != "draft"
        assert (events[status].title in series_feed, f"Slot of the {status} event" in personal) == (
            expected, expected), status
