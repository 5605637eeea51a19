"""Demo data: two accounts, the series and the published demo event (``/events/demo``).

Idempotent: running it twice neither fails nor duplicates anything; an existing ``demo``
event is left as it is. With ``slots`` the event is generated at that size instead (see
``eventsys.demo_scaled``), for benchmarks.
"""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys.agenda.models import AgendaSlot
from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.demo_event import DEMO_SLUG, build_workshop, ensure_series
from eventsys.demo_scaled import build_scaled_event, default_speakers  # noqa: F401  (for benchmarks)
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.timeutil import utcnow
from eventsys.speakers.models import Speaker

DEFAULT_PASSWORD = "eventsys-demo"
ORGANISER_EMAIL = "organiser@example.org"

ACCOUNTS = [
    {"email": "admin@example.org", "name": "Ada Admin", "is_admin": True,
     "organisation": "eventsys", "country": "ES", "timezone": "Europe/Madrid"},
    {"email": ORGANISER_EMAIL, "name": "Olga Organiser", "is_admin": False,
     "organisation": "Instituto de Salud Carlos III", "country": "ES", "timezone": "Europe/Madrid",
     "stakeholder_category": "researcher"},
]


def ensure_user(password_hash: str, email: str, reset_password: bool = False, **fields) -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        if reset_password:
            user.password_hash = password_hash
        return user, False
    user = User(email=email, password_hash=password_hash, email_verified_at=utcnow(), **fields)
    db.session.add(user)
    return user, True


def load_demo(password: str, reset_passwords: bool = False, slots: int | None = None,
              rooms: int | None = None, days: int | None = None, speakers: int | None = None) -> list[str]:
    """Create the demo accounts, series and event; returns one line per thing created or found.
    With ``reset_passwords`` existing demo accounts get ``password`` too. With ``slots`` the
    event has that many slots over ``rooms`` rooms (default 10) and ``days`` days (default 3).
    Raises ValueError for sizes that make no sense; then nothing is written."""
    if slots is None and (rooms, days, speakers) != (None, None, None):
        raise ValueError("--rooms, --days and --speakers need --slots.")
    password_hash = passwords.hash_password(password)
    lines, users = [], {}
    for spec in ACCOUNTS:
        user, created = ensure_user(password_hash, reset_password=reset_passwords, **spec)
        users[user.email] = user
        lines.append(f"{'created' if created else 'exists '} {user.email}")
    db.session.flush()
    organiser = users[ORGANISER_EMAIL]
    series, created = ensure_series(organiser)
    lines.append(f"{'created' if created else 'exists '} series {series.slug}")
    lines.append(_load_event(organiser, series, slots, rooms, days, speakers))
    db.session.commit()
    if slots is None:
        lines += _load_activity(password_hash, reset_passwords)
    return lines


def _load_activity(password_hash: str, reset_passwords: bool) -> list[str]:
    """Registrations, working groups and feedback for the realistic demo event."""
    from eventsys.feedback.demo import load_feedback_demo
    from eventsys.groups.demo import load_groups_demo
    from eventsys.registration.demo import load_registration_demo

    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    lines = [load_registration_demo(event, password_hash, reset_passwords)]
    lines += [str(line) for line in load_groups_demo(event)]
    lines.append(f"feedback: {load_feedback_demo(event)} responses added for the finished sessions")
    db.session.commit()
    return lines


def _load_event(organiser, series, slots, rooms, days, speakers) -> str:
    if db.session.scalar(select(Event.id).where(Event.slug == DEMO_SLUG)) is not None:
        return f"exists  event {DEMO_SLUG} (left as it is: delete it to build it again)"
    try:
        if slots is None:
            event = build_workshop(organiser, series)
        else:
            event = build_scaled_event(slots, rooms or 10, days or 3, speakers,
                                       owner=organiser, series=series)
    except ValueError:
        db.session.rollback()
        raise
    slot_count = db.session.scalar(select(func.count()).where(AgendaSlot.event_id == event.id))
    speaker_count = db.session.scalar(select(func.count()).where(Speaker.event_id == event.id))
    return (f"created event {event.slug}: {event.title}, {event.start_date:%Y-%m-%d} to "
            f"{event.end_date:%Y-%m-%d} in {event.venue_city}, {len(event.rooms)} rooms, "
            f"{slot_count} slots, {speaker_count} speakers")
