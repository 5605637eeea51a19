"""Messages from organisers to all or a filtered set of participants, through the outbox.

Rules: one mail per recipient, in the recipient's language, queued in the same
transaction as the log row (RegistrationMessage), so a message exists if and only if it
is logged. The form carries a batch id: sending the same batch again (double click,
back button, a retry after a time-out) sends nothing and reports the first sending.
"""
from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from eventsys import mail, permissions
from eventsys.auth.models import User
from eventsys.errors import ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration.models import CONFIRMED, MODES, PENDING, WAITLISTED, Registration, RegistrationMessage

ACTIVE = "active"  # pending, confirmed and waitlisted: everyone who has not cancelled
STATUS_FILTERS = {ACTIVE: (PENDING, CONFIRMED, WAITLISTED), CONFIRMED: (CONFIRMED,),
                  PENDING: (PENDING,), WAITLISTED: (WAITLISTED,)}
BATCH_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_batch_id() -> str:
    return secrets.token_urlsafe(18)


def clean_filters(status: str | None, mode: str | None) -> dict:
    """Status (default: everyone active) and mode (default: both); ValidationError at the field."""
    status = status or ACTIVE
    if status not in STATUS_FILTERS:
        raise ValidationError(_l("Choose who receives the message."), field="status")
    mode = mode or ""
    if mode and mode not in MODES:
        raise ValidationError(_l("Choose a way of attending."), field="mode")
    return {"status": status, "mode": mode}


def _recipients_query(event: Event, filters: dict):
    query = (select(Registration).join(User, Registration.user_id == User.id)
             .options(contains_eager(Registration.user))
             .where(Registration.event_id == event.id, Registration.status.in_(STATUS_FILTERS[filters["status"]])))
    if filters["mode"]:
        query = query.where(Registration.mode == filters["mode"])
    return query


def count_recipients(event: Event, status: str | None = None, mode: str | None = None) -> int:
    """How many people a message with these filters would reach (anonymised
    registrations have no address and are not counted)."""
    query = _recipients_query(event, clean_filters(status, mode))
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def find_message(batch_id: str) -> RegistrationMessage | None:
    return db.session.scalar(select(RegistrationMessage).where(RegistrationMessage.batch_id == batch_id))


def send_message(event: Event, values: dict, actor) -> tuple[RegistrationMessage, bool]:
    """Queue ``subject`` and ``body`` to every participant matching ``status``/``mode``.
    Returns the log row and whether this call sent it (False: this batch was already sent).

    Raises PermissionDenied (cannot manage the event) and ValidationError at the field:
    empty or too long subject or body, unknown filters, a malformed batch id.
    """
    permissions.require_manager(actor, event, _l("Only the event's organisers can message participants."))
    batch_id = values.get("batch_id") or ""
    if not BATCH_RE.match(batch_id):
        raise ValidationError(_l("This form has expired. Please reload the page and try again."))
    subject = " ".join(_text(values, "subject", 200).split())  # one line: it becomes a mail header
    body = _text(values, "body", 20000)
    filters = clean_filters(values.get("status"), values.get("mode"))
    existing = find_message(batch_id)
    if existing is not None:
        return _same_event(existing, event), False
    recipients = db.session.scalars(_recipients_query(event, filters)).all()
    log = RegistrationMessage(event_id=event.id, batch_id=batch_id, subject=subject, body=body,
                              filters=filters, recipients=len(recipients), sent_by_id=actor.id)
    db.session.add(log)
    try:
        db.session.flush()
    except IntegrityError:  # the same batch sent by a concurrent request
        db.session.rollback()
        return _same_event(find_message(batch_id), event), False
    for registration in recipients:
        mail.queue_letter(message_letter(registration, event, subject, body))
    db.session.commit()
    return log, True


def message_letter(registration, event: Event, subject: str, body: str) -> mail.Letter:
    """The organisers' message to one participant, as queued and as previewed."""
    user = registration.user
    return mail.Letter(user.email, subject, "registration_message", user.locale or None, event,
                       dict(user=user, registration=registration, body=body))


def _same_event(log: RegistrationMessage, event: Event) -> RegistrationMessage:
    if log.event_id != event.id:
        raise ValidationError(_l("This form has expired. Please reload the page and try again."))
    return log


def _text(values: dict, field: str, limit: int) -> str:
    text = (values.get(field) or "").strip()
    if not text:
        raise ValidationError(_l("This cannot be empty."), field=field)
    if len(text) > limit:
        raise ValidationError(_l("Keep this under %(n)s characters.", n=limit), field=field)
    return text


def sent_messages(event: Event, limit: int = 20) -> list[RegistrationMessage]:
    return list(db.session.scalars(select(RegistrationMessage).where(RegistrationMessage.event_id == event.id)
                                   .order_by(RegistrationMessage.id.desc()).limit(limit)))
