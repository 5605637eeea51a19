"""A small world for access checks: one of each kind of user, and the objects the access
table's URLs point at. Later features add their objects here."""
from __future__ import annotations

from eventsys import mail
from eventsys.auth.services import make_reset_token
from eventsys.extensions import db


def build_access_world(make_user) -> dict:
    users = {
        "participant": make_user(email="participant@example.org", name="Pat Participant"),
        "organiser": make_user(email="owner@example.org", name="Olga Owner"),
        "other_organiser": make_user(email="other-organiser@example.org", name="Otto Other"),
        "admin": make_user(email="admin@example.org", name="Ada Admin", is_admin=True),
        "reset_target": make_user(email="forgetful@example.org", name="Fay Forgetful"),
    }
    message = mail.queue_mail("someone@example.org", "Hello", "password_reset",
                              user=users["reset_target"], token="t", max_age_minutes=60)
    db.session.commit()
    return {
        "users": users,
        "message_id": message.id,
        "reset_token": make_reset_token(users["reset_target"]),
    }
