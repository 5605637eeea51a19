""""Your feedback please": the emails, and the signed links in them.

``send_feedback_requests`` (the ``eventsys send-feedback-requests`` command, run by a
scheduler every few minutes) asks the people who attended a slot (audience.py: checked in
or online; everyone confirmed when the event records no attendance at all; only the
members of the working groups meeting in it) once its form is open and the slot ended at
least FEEDBACK_REQUEST_DELAY_MINUTES (5) ago. The event's own form is requested once the
last slot has ended. Each person is asked once per form: a FeedbackRequest row, unique per
form and registration, is written in the same transaction as the queued email, so running
the command again, or twice at the same time, asks nobody twice. People who have already
answered are not asked. Only published events send requests.

The link opens the form without logging in: an itsdangerous token with its own salt that
carries the form and the registration (and a fingerprint of the registration, so a link
stops working if the registration is deleted and its id reused).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from eventsys import mail
from eventsys.agenda.models import AgendaSlot
from eventsys.errors import ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.feedback import audience
from eventsys.feedback.models import FeedbackForm, FeedbackRequest, FeedbackRespondent
from eventsys.feedback.window import DEFAULT_CLOSE_AFTER, OPEN, event_end_utc, form_window, last_slot_end
from eventsys.registration.models import Registration
from eventsys.timeutil import to_local, utcnow

SALT = "eventsys-feedback-answer"
DEFAULT_DELAY_MINUTES = 5
DEFAULT_LINK_MAX_AGE = 120 * 24 * 3600  # seconds; the form's closing time is checked anyway


class InvalidLink(ValidationError):
    pass


# --- signed links -------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(registration: Registration) -> str:
    basis = f"{registration.created_at.isoformat()}|{registration.user_id}|{registration.event_id}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def make_answer_token(form: FeedbackForm, registration: Registration) -> str:
    return _serializer().dumps({"f": form.id, "r": registration.id, "fp": _fingerprint(registration)})


def read_answer_token(token: str) -> tuple[FeedbackForm, Registration]:
    """The form and registration a link was made for. Raises InvalidLink (400) when the
    link is forged, expired, or its registration or form no longer exists."""
    max_age = int(current_app.config.get("FEEDBACK_LINK_MAX_AGE", DEFAULT_LINK_MAX_AGE))
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidLink(_l("This feedback link has expired. You can still answer from your "
                             "\"My event\" page after logging in, while the form is open.")) from exc
    except BadSignature as exc:
        raise InvalidLink(_l("This feedback link is not valid. Please check that you copied all of it.")) from exc
    form = db.session.get(FeedbackForm, data.get("f")) if isinstance(data, dict) else None
    registration = db.session.get(Registration, data.get("r")) if isinstance(data, dict) else None
    if (form is None or registration is None or registration.event_id != form.event_id
            or _fingerprint(registration) != data.get("fp")):
        raise InvalidLink(_l("This feedback link no longer works: the form or your registration has been "
                             "removed."))
    return form, registration


# --- asking -------------------------------------------------------------------------------

@dataclass
class RequestReport:
    people: int = 0  # different people asked (one may be asked for several forms)
    forms: int = 0   # forms for which someone was asked


def _candidates(now: datetime, cutoff: datetime):
    """Forms of published events whose slot ended before ``cutoff`` (or the event's own
    form) and that can still be open at ``now``."""
    recent = (now - DEFAULT_CLOSE_AFTER - timedelta(days=2)).date()
    return db.session.execute(
        select(FeedbackForm, Event).join(Event, Event.id == FeedbackForm.event_id)
        .outerjoin(AgendaSlot, AgendaSlot.id == FeedbackForm.slot_id)
        .options(joinedload(FeedbackForm.slot))
        .where(Event.status == "published",
               or_(FeedbackForm.slot_id.is_(None),
                   and_(AgendaSlot.ends_at <= cutoff, AgendaSlot.status != "cancelled")),
               or_(FeedbackForm.closes_at > now, and_(FeedbackForm.closes_at.is_(None), Event.end_date >= recent)))
        .order_by(FeedbackForm.id)).all()


def due_forms(now: datetime, delay: timedelta) -> list[tuple[FeedbackForm, Event]]:
    cutoff, ends, due = now - delay, {}, []
    for form, event in _candidates(now, cutoff):
        if event.id not in ends:
            ends[event.id] = last_slot_end(event)
        if form.slot_id is None and (ends[event.id] or event_end_utc(event)) > cutoff:
            continue
        if form_window(form, event, ends[event.id]).state(now) == OPEN:
            due.append((form, event))
    return due


def _unasked(form: FeedbackForm, recorded: bool) -> list[Registration]:
    query = audience.audience(form, recorded).options(joinedload(Registration.user)).where(
        ~exists().where(FeedbackRequest.form_id == form.id, FeedbackRequest.registration_id == Registration.id),
        ~exists().where(FeedbackRespondent.form_id == form.id, FeedbackRespondent.registration_id == Registration.id))
    return list(db.session.scalars(query.order_by(Registration.id)))


def _closing_text(closes_at: datetime, event: Event, locale: str) -> str:
    """In the recipient's language, formatted here: the template filters cache per request,
    not per language, and one run mails people in several languages."""
    local = to_local(closes_at, event.timezone)
    return (f"{format_date(local.date(), 'medium', locale=locale)}, "
            f"{format_time(local, 'short', tzinfo=local.tzinfo, locale=locale)} ({event.timezone})")


def feedback_letter(form: FeedbackForm, event: Event, registration, closes_at: datetime,
                    token: str) -> mail.Letter:
    """The request to answer ``form``, as queued and as previewed."""
    user = registration.user
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config[
        "BABEL_DEFAULT_LOCALE"]
    return mail.Letter(user.email, _l("Your feedback please: %(title)s", title=form.title), "feedback_request",
                       locale, event, dict(user=user, form=form, token=token,
                                           closes=_closing_text(closes_at, event, locale)))


def _ask(form: FeedbackForm, event: Event, registration: Registration, closes_at: datetime) -> None:
    db.session.add(FeedbackRequest(form_id=form.id, registration_id=registration.id))
    mail.queue_letter(feedback_letter(form, event, registration, closes_at, make_answer_token(form, registration)))


def request_feedback(form: FeedbackForm, event: Event, recorded: bool) -> list[int]:
    """Ask everyone in the form's audience who has not been asked nor answered; one
    transaction. Returns the ids of the registrations asked."""
    closes_at = form_window(form, event).closes_at
    for _attempt in range(3):
        people = _unasked(form, recorded)
        try:
            for registration in people:
                _ask(form, event, registration, closes_at)
            db.session.commit()
            return [registration.id for registration in people]
        except IntegrityError:
            db.session.rollback()  # another run asked some of them meanwhile: look again
            form, event = db.session.get(FeedbackForm, form.id), db.session.get(Event, event.id)
    return []


def send_feedback_requests(now: datetime | None = None, delay_minutes: int | None = None) -> RequestReport:
    """Ask for feedback on every form that is due (see the module doc). Idempotent."""
    now = now or utcnow()
    if delay_minutes is None:
        delay_minutes = int(current_app.config.get("FEEDBACK_REQUEST_DELAY_MINUTES", DEFAULT_DELAY_MINUTES))
    report, recorded, people = RequestReport(), {}, set()
    for form, event in due_forms(now, timedelta(minutes=delay_minutes)):
        if event.id not in recorded:
            recorded[event.id] = audience.attendance_recorded(event.id)
        asked = request_feedback(form, event, recorded[event.id])
        if asked:
            people.update(asked)
            report.forms += 1
    report.people = len(people)
    return report
