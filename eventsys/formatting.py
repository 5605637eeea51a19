"""Jinja filters that show stored UTC times in a given zone, formatted by Babel in the
viewer's locale. Formatted values are cached per request: an agenda repeats a few dozen
distinct times hundreds of times, and Babel formatting is the costly part."""
from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, g
from flask_babel import get_locale

from eventsys.timeutil import to_local


def _cached(kind: str, value, tz: str, fmt: str, fn):
    if value is None:
        return ""
    cache = g.setdefault("_fmt_cache", {})
    key = (kind, value, tz, fmt)
    if key not in cache:
        cache[key] = fn()
    return cache[key]


def event_time(utc: datetime, tz: str, fmt: str = "short") -> str:
    """14:30 (in zone ``tz``)."""
    return _cached("t", utc, tz, fmt,
                   lambda: format_time(to_local(utc, tz), fmt, tzinfo=to_local(utc, tz).tzinfo, locale=get_locale()))


def event_date(utc: datetime, tz: str, fmt: str = "full") -> str:
    """Tuesday, 6 May 2030 (the local date in zone ``tz``)."""
    return _cached("d", utc, tz, fmt, lambda: format_date(to_local(utc, tz).date(), fmt, locale=get_locale()))


def event_datetime(utc: datetime, tz: str, fmt: str = "medium") -> str:
    return _cached("dt", utc, tz, fmt,
                   lambda: format_datetime(to_local(utc, tz), fmt, tzinfo=to_local(utc, tz).tzinfo, locale=get_locale()))


def plain_date(value, fmt: str = "long") -> str:
    """A calendar date (no time zone involved), e.g. an event's start date."""
    return format_date(value, fmt, locale=get_locale()) if value else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(event_time=event_time, event_date=event_date,
                                 event_datetime=event_datetime, plain_date=plain_date)
