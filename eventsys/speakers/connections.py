"""What speakers hand to the features below them: the speaker count on the event
dashboard. Imported by create_app (eventsys.HOOK_MODULES)."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys.events import reading
from eventsys.speakers.models import Speaker


def speakers_of_event(event_id):
    return select(func.count(Speaker.id)).where(Speaker.event_id == event_id).scalar_subquery()


reading.register_count("speakers", speakers_of_event)
