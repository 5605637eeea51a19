"""Time: the database stores naive UTC; every event has an IANA zone; pages show times in
the event's zone (or the viewer's). Formatting goes through Babel in the user's locale."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Naive UTC now, as stored in the database (SQLite has no time zones)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_utc(local: datetime, tz: str) -> datetime:
    """A wall-clock time in zone ``tz`` (naive or aware) to naive UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone(tz))
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def to_local(utc_naive: datetime, tz: str) -> datetime:
    """Naive UTC from the database to an aware datetime in zone ``tz``."""
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(zone(tz))


def local_day_bounds_utc(day: date, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day starts and ends."""
    start = datetime.combine(day, time.min).replace(tzinfo=zone(tz))
    end = datetime.combine(day, time.max).replace(tzinfo=zone(tz))
    return to_utc(start, tz), to_utc(end, tz)
