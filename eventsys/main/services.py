from __future__ import annotations

from sqlalchemy import text

from eventsys.extensions import db


def database_status() -> str:
    """"ok", or the class name of the error that the database raised."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means "down" for a probe
        db.session.rollback()
        return f"error: {exc.__class__.__name__}"
