"""Series of events: create, edit, and attach events."""
from __future__ import annotations

from sqlalchemy import select

from eventsys.extensions import db
from eventsys.series.models import Series


def get_series_by_slug(slug: str) -> Series | None:
    return db.session.scalar(select(Series).where(Series.slug == slug))
