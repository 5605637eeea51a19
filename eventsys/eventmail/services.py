"""The event's outbox for its team: its messages, and retrying one now."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsys import mail, permissions
from eventsys.auth.models import User
from eventsys.errors import Conflict, NotFound, PermissionDenied
from eventsys.extensions import db
from eventsys.registration.models import Registration

CHOICES_LIMIT = 500


def _require(actor, event) -> None:
    if not permissions.can_view_event_outbox(actor, event):
        raise PermissionDenied(_l("Only the event's organisers can see its mail."))


def event_outbox(event, actor, status: str, page: int, per_page: int):
    """One page of the event's messages, newest first, and its counts by state.
    Raises PermissionDenied for anyone but the event's owners and organisers."""
    _require(actor, event)
    return mail.outbox_page(status, page, per_page, event_id=event.id), mail.event_mail_counts(event.id)


def get_event_message(event, message_id: int) -> mail.OutboxMessage:
    """A message of this event; NotFound for another event's (or a site) message."""
    message = db.session.get(mail.OutboxMessage, message_id)
    if message is None or message.event_id != event.id:
        raise NotFound(_l("This message is not in this event's outbox."))
    return message


def retry_event_message(event, message: mail.OutboxMessage, actor) -> None:
    """Make a queued or failed message of the event due now. Raises PermissionDenied (not
    the event's organisers) and Conflict (already sent)."""
    _require(actor, event)
    if message.status == mail.SENT:
        raise Conflict(_l("This message is already sent."))
    mail.retry_now(message)


def participant_choices(event) -> list[tuple[int, str]]:
    """Registrations with an account, by name, for choosing whose mail to preview."""
    rows = db.session.execute(
        select(Registration.id, User.name, User.email).join(User, Registration.user_id == User.id)
        .where(Registration.event_id == event.id).order_by(User.name, Registration.id).limit(CHOICES_LIMIT))
    return [(rid, f"{name} <{email}>") for rid, name, email in rows]


def get_registration(event, registration_id: int | None) -> Registration | None:
    if not registration_id:
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(_l("This participant is not registered for this event."))
    return registration
