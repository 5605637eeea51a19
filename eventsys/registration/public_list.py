"""The published list of participants: the confirmed participants who ticked "show my
name and organisation" when registering (or later), and no one else."""
from __future__ import annotations

from sqlalchemy import select

from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.registration.models import CONFIRMED, Registration


def listed_participants(event) -> list[tuple[str, str]]:
    """(name, organisation) of those who opted in, by name (one query)."""
    rows = db.session.execute(
        select(User.name, User.organisation).join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event.id, Registration.status == CONFIRMED,
               Registration.consent_public_list.is_(True))
        .order_by(User.name, User.id))
    return [(name, organisation or "") for name, organisation in rows]
