"""Small helpers around time: the database stores naive UTC."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC now, as stored in the database (SQLite has no time zones)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
