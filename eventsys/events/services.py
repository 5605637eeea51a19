"""Events: create, edit, clone, publish and delete; the team (roles); rooms.

Services take models or plain values and the acting user, enforce the rules, commit one
transaction and raise DomainError subclasses with a message (and field) a user can read.
"""
from __future__ import annotations

from sqlalchemy import select

from eventsys.events.models import Event
from eventsys.extensions import db


def get_event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))
