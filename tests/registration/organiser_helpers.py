"""Helpers for the organiser-side registration tests (plain functions, no fixtures)."""
from __future__ import annotations

from sqlalchemy import select

from eventsys import mail
from eventsys.events.models import EventRole
from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import Registration, RegistrationSettings


def register(event, user, mode: str = "in_person", answers: dict | None = None) -> Registration:
    return services.register(event, user, mode, answers or {}, consent_privacy=True)


def add_role(event, user, role: str) -> None:
    db.session.add(EventRole(event_id=event.id, user_id=user.id, email=user.email, role=role))
    db.session.commit()


def fresh_settings(event) -> RegistrationSettings:
    db.session.expire_all()
    return db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.event_id == event.id))


def seats_taken(event) -> tuple[int, int]:
    settings = fresh_settings(event)
    return settings.in_person_taken, settings.online_taken


def seated_count(event, mode: str) -> int:
    """Seats actually held, counted from the registrations (must equal the counter)."""
    return db.session.scalar(select(db.func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.mode == mode,
        Registration.status.in_(("pending", "confirmed"))))


def statuses(event) -> dict[int, tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.execute(select(Registration.id, Registration.status, Registration.mode)
                              .where(Registration.event_id == event.id))
    return {rid: (status, mode) for rid, status, mode in rows}


def outbox(to: str | None = None) -> list:
    query = select(mail.OutboxMessage).order_by(mail.OutboxMessage.id)
    if to is not None:
        query = query.where(mail.OutboxMessage.to_addr == to)
    return list(db.session.scalars(query))


