"""Previews: every kind of mail the event sends, rendered by the same builder and the same
renderer as when it is queued, for a sample participant or a chosen one, in the
recipient's language. Nothing is queued and nothing is written."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsys import mail, permissions
from eventsys.errors import NotFound, PermissionDenied
from eventsys.extensions import db
from eventsys.feedback.models import FeedbackForm
from eventsys.feedback.requests import feedback_letter, make_answer_token
from eventsys.feedback.window import form_window
from eventsys.groups.mails import ASSIGNED, group_letter
from eventsys.groups.models import GroupRound, WorkingGroup
from eventsys.registration.messaging import message_letter
from eventsys.registration.models import Registration
from eventsys.registration.letters import status_letter
from eventsys.registration.services import get_settings
from eventsys.timeutil import utcnow

KINDS = (
    ("confirmed_in_person", _l("Registration confirmed, in person")),
    ("confirmed_online", _l("Registration confirmed, online")),
    ("pending", _l("Registration awaiting approval")),
    ("waitlisted", _l("On the waiting list")),
    ("promoted", _l("Promoted from the waiting list")),
    ("group_assignment", _l("Working-group assignment")),
    ("feedback_request", _l("Feedback request")),
    ("message", _l("Message to participants")),
)
SAMPLE_SUBJECT = _l("Practical information")
SAMPLE_BODY = _l("Here comes the text you write on the page Message participants.")


@dataclass
class SampleUser:
    """Stands in for an account: only what the mail templates read."""
    name: str
    email: str
    locale: str | None


@dataclass
class SampleRegistration:
    """Stands in for a registration, so that a preview never touches a real row."""
    id: int | None
    event_id: int
    user: object
    mode: str
    status: str


@dataclass
class Preview:
    kind: str
    label: str
    mail: mail.RenderedMail | None  # None: the event has nothing to send of this kind yet
    missing: str = ""


def _recipient(event, registration: Registration | None, locale: str | None) -> SampleRegistration:
    if registration is not None:
        user = registration.user
        return SampleRegistration(registration.id, event.id, user, registration.mode, registration.status)
    user = SampleUser(str(_l("Alex Sample")), "alex.sample@example.org", locale)
    return SampleRegistration(None, event.id, user, "in_person", "confirmed")


def _registration_letter(kind, event, person, settings):
    mode = {"confirmed_online": "online"}.get(kind, "in_person" if kind.startswith("confirmed") else person.mode)
    status = {"pending": "pending", "waitlisted": "waitlisted"}.get(kind, "confirmed")
    stand_in = replace(person, mode=mode, status=status)
    return status_letter(stand_in, event, settings, promoted=kind == "promoted",
                         position=1 if status == "waitlisted" else None)


def _group_letter(event, person):
    group = db.session.scalar(select(WorkingGroup).join(GroupRound).where(GroupRound.event_id == event.id)
                              .order_by(GroupRound.id, WorkingGroup.id).limit(1))
    if group is None:
        return None
    return group_letter(person.user, event, group.round, group, person.mode, ASSIGNED)


def _feedback_letter(event, person, registration):
    form = db.session.scalar(select(FeedbackForm).where(FeedbackForm.event_id == event.id)
                             .order_by(FeedbackForm.slot_id.is_not(None), FeedbackForm.id).limit(1))
    if form is None:
        return None
    window = form_window(form, event)
    closes_at = window.closes_at or utcnow() + timedelta(days=14)
    token = make_answer_token(form, registration) if registration is not None else "preview"
    return feedback_letter(form, event, person, closes_at, token)


def build_previews(event, actor, registration: Registration | None = None, locale: str | None = None,
                   subject: str = "", body: str = "") -> list[Preview]:
    """Every kind of mail, as ``registration``'s person (or a sample person writing in
    ``locale``) would receive it now. Raises PermissionDenied for anyone but the event's
    organisers and NotFound for a registration of another event."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("Only the event's organisers can preview its mail."))
    if registration is not None and (registration.event_id != event.id or registration.user is None):
        raise NotFound(_l("This participant is not registered for this event."))
    person = _recipient(event, registration, locale)
    settings = get_settings(event)
    missing = {"group_assignment": _l("The event has no working group yet."),
               "feedback_request": _l("The event has no feedback form yet.")}
    previews = []
    for kind, label in KINDS:
        if kind == "group_assignment":
            letter = _group_letter(event, person)
        elif kind == "feedback_request":
            letter = _feedback_letter(event, person, registration)
        elif kind == "message":
            letter = message_letter(person, event, subject or str(SAMPLE_SUBJECT), body or str(SAMPLE_BODY))
        else:
            letter = _registration_letter(kind, event, person, settings)
        previews.append(Preview(kind, str(label), mail.render_letter(letter) if letter else None,
                                "" if letter else str(missing.get(kind, ""))))
    return previews
