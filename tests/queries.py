"""Counting the SQL statements a block runs (for "no query per row" tests)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event as sa_event

from eventsys.extensions import db


@contextmanager
def count_queries():
    """``with count_queries() as seen: ...``; ``seen`` is the list of SQL statements run on
    the database inside the block (``len(seen)`` is their number)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
