"""Registration: register, cancel, waitlist promotion.

Rules: only published events whose registration is open accept registrations, only in
the modes the event offers, with consent to the privacy notice; a seat is taken
atomically (see seats.py) or the person joins the waitlist; a double click or a
resubmitted form never creates a second registration (unique event+user, and an
existing active registration is returned as it is).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsys.errors import Conflict, FieldErrors, PermissionDenied, ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration import letters, seats
from eventsys.registration.answers import check_answers, validate_answers
from eventsys.registration.models import (CANCELLED, CONFIRMED, MODES, PENDING, REJECTED, SEATED,
                                          WAITLISTED, Registration, RegistrationAnswer,
                                          RegistrationQuestion, RegistrationSettings)
from eventsys.timeutil import utcnow

ACTIVE = (PENDING, CONFIRMED, WAITLISTED)


def get_settings(event: Event) -> RegistrationSettings:
    """The event's settings, created (closed, no in-person seats) on first use."""
    settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.event_id == event.id))
    if settings is None:
        settings = RegistrationSettings(event_id=event.id)
        db.session.add(settings)
        try:
            db.session.commit()
        except IntegrityError:  # created concurrently by another request
            db.session.rollback()
            settings = db.session.scalar(
                select(RegistrationSettings).where(RegistrationSettings.event_id == event.id))
    return settings


def registration_state(event: Event, settings: RegistrationSettings, now: datetime | None = None) -> str:
    """One of: open, not_published, cancelled, not_open_yet, closed."""
    now = now or utcnow()
    if event.status == "cancelled":
        return "cancelled"
    if event.status != "published":
        return "not_published"
    if not settings.is_open:
        return "closed"
    if settings.opens_at and now < settings.opens_at:
        return "not_open_yet"
    if settings.closes_at and now >= settings.closes_at:
        return "closed"
    return "open"


STATE_MESSAGES = {
    "cancelled": _l("This event has been cancelled: registration is closed."),
    "not_published": _l("This event is not published yet."),
    "not_open_yet": _l("Registration has not opened yet."),
    "closed": _l("Registration is closed."),
}


def offered_modes(event: Event, settings: RegistrationSettings) -> list[str]:
    modes = []
    if event.offers_in_person and settings.in_person_capacity != 0:
        modes.append("in_person")
    if event.offers_online and settings.online_capacity != 0:
        modes.append("online")
    return modes


def get_registration(event: Event, user) -> Registration | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                        Registration.user_id == user.id))


def questions_for(event: Event, mode: str | None = None) -> list[RegistrationQuestion]:
    query = select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
    if mode:
        query = query.where(RegistrationQuestion.applies_to.in_(("all", mode)))
    return list(db.session.scalars(query.order_by(RegistrationQuestion.position, RegistrationQuestion.id)))


def register(event: Event, user, mode: str, answers: dict | None = None, consent_privacy: bool = False,
             consent_public_list: bool = False, now: datetime | None = None,
             accept_waitlist: bool = True) -> Registration:
    """Register ``user`` for ``event`` in ``mode``.

    Raises ValidationError (closed/not open/cancelled/draft event) and FieldErrors with
    every problem at once, each at its field (a mode the event does not offer, missing
    consent, each bad answer; with ``accept_waitlist`` False, a full mode). Returns the
    existing registration unchanged when the person is already registered (double
    submission).
    """
    now = now or utcnow()
    settings = get_settings(event)
    state = registration_state(event, settings, now)
    if state != "open":
        raise ValidationError(STATE_MESSAGES[state])
    clean, errors = registration_errors(event, settings, mode, answers or {}, consent_privacy, accept_waitlist)
    if errors:
        raise FieldErrors(errors)
    existing = get_registration(event, user)
    if existing is not None:
        seats.lock(existing, settings)  # the same person's other request may be changing it
        if existing.status in ACTIVE:
            db.session.commit()
            return existing
        return _register_again(existing, event, user, settings, mode, clean, consent_public_list, now,
                               accept_waitlist)
    seated = seats.take_seat(settings.id, mode)
    if not seated and not accept_waitlist:  # the last seat went since the check above
        db.session.rollback()
        raise FieldErrors({"mode": full_mode_message(event, settings, mode)})
    status = seats.seated_status(settings) if seated else WAITLISTED
    registration = Registration(event_id=event.id, user_id=user.id, mode=mode, status=status,
                                created_at=now, **seats.seat_values(status, now))
    _fill(registration, user, settings, consent_public_list, now)
    db.session.add(registration)
    _store_answers(registration, clean)
    try:
        db.session.flush()
        letters.queue_status_mail(registration, event, settings)
        db.session.commit()
    except IntegrityError:
        # The same person's other request won the race: its registration stands.
        db.session.rollback()
        winner = get_registration(event, user)
        if winner is None:
            raise
        return winner
    return registration


def _register_again(registration, event, user, settings, mode, clean, consent_public_list, now,
                    accept_waitlist: bool = True) -> Registration:
    """A cancelled or rejected registration becomes active again (under the counter lock)."""
    values = {"created_at": now, "cancelled_at": None, "checked_in_at": None}
    status = seats.seated_status(settings)
    if not seats.transition(registration, settings, status, mode, **values, **seats.seat_values(status, now)):
        if not accept_waitlist:  # the last seat went since the check
            db.session.rollback()
            raise FieldErrors({"mode": full_mode_message(event, settings, mode)})
        seats.transition(registration, settings, WAITLISTED, mode, **values, confirmed_at=None)
    _fill(registration, user, settings, consent_public_list, now)
    _store_answers(registration, clean)
    db.session.flush()
    letters.queue_status_mail(registration, event, settings)
    db.session.commit()
    return registration


MODE_NAMES = {"in_person": _l("in-person"), "online": _l("online")}


def registration_errors(event: Event, settings: RegistrationSettings, mode: str, answers: dict,
                        consent_privacy: bool, accept_waitlist: bool = True) -> tuple[dict, dict]:
    """({question id: clean answer}, {field: message}) for a registration form: the
    mode, the privacy consent, every answer (of the questions for that mode) and, unless
    the person accepts the waiting list, whether the mode still has a seat."""
    errors = {}
    modes = offered_modes(event, settings)
    if mode not in modes:
        errors["mode"] = _l("Choose how you will attend.") if not mode else \
            _l("This event does not offer that way of attending.")
    elif not accept_waitlist and seats.seats_left(settings, mode) == 0:
        errors["mode"] = full_mode_message(event, settings, mode)
    if not consent_privacy:
        errors["consent_privacy"] = _l("Please accept the privacy notice to register.")
    clean, answer_errors = check_answers(questions_for(event, mode if mode in modes else "all"), answers)
    errors.update(answer_errors)
    return clean, errors


def full_mode_message(event: Event, settings: RegistrationSettings, mode: str):
    """What to say when ``mode`` is full: the other mode if it has seats, and the waiting list."""
    others = [m for m in offered_modes(event, settings) if m != mode and seats.seats_left(settings, m) != 0]
    if others:
        return _l("All %(mode)s seats are taken. You can attend %(other)s instead, or tick the box below "
                  "to join the waiting list for %(mode)s seats.", mode=MODE_NAMES[mode], other=MODE_NAMES[others[0]])
    return _l("All %(mode)s seats are taken. Tick the box below to join the waiting list.", mode=MODE_NAMES[mode])


def _fill(registration, user, settings, consent_public_list, now):
    """What a (new or renewed) registration copies from the account and the form."""
    registration.stakeholder_category = user.stakeholder_category or ""
    registration.country = user.country or ""
    registration.consent_privacy_version = settings.privacy_notice_version
    registration.consent_privacy_at = now
    registration.consent_public_list = bool(consent_public_list)


def _store_answers(registration: Registration, clean: dict) -> None:
    current = {a.question_id: a for a in registration.answers}
    for question_id, value in clean.items():
        if question_id in current:
            current[question_id].value = value
        else:
            registration.answers.append(RegistrationAnswer(question_id=question_id, value=value))
    for question_id, answer in current.items():
        if question_id not in clean:
            registration.answers.remove(answer)


# Features above registration react to a cancellation or a change of mode inside the same
# transaction, before its commit (groups frees or moves the person's places; see
# groups/connections.py, imported by create_app). Registration never imports them.
_ON_CANCEL: list = []       # callback(registration, now)
_ON_MODE_CHANGE: list = []  # callback(registration, old_mode, now)


def on_cancel(callback):
    """Call ``callback(registration, now)`` when a registration is cancelled, before commit."""
    if callback not in _ON_CANCEL:
        _ON_CANCEL.append(callback)
    return callback


def on_mode_change(callback):
    """Call ``callback(registration, old_mode, now)`` when a confirmed registration changes
    mode, before commit."""
    if callback not in _ON_MODE_CHANGE:
        _ON_MODE_CHANGE.append(callback)
    return callback


def cancel_registration(registration: Registration, actor, now: datetime | None = None) -> list[Registration]:
    """Cancel (by the participant, or an organiser on their behalf). Frees the seat and
    promotes the first in line, who is told by email. Returns the promoted registrations."""
    event = registration.event
    _check_may_cancel(registration, actor, event)
    now = now or utcnow()
    settings = get_settings(event)
    seats.lock(registration, settings)
    try:  # again on the current row: it may have changed (or lost its owner) meanwhile
        _check_may_cancel(registration, actor, event)
    except Exception:
        db.session.rollback()
        raise
    was_seated, mode = registration.status in SEATED, registration.mode
    seats.transition(registration, settings, CANCELLED, cancelled_at=now, stale_message=ALREADY_CANCELLED)
    promoted = seats.promote_waitlisted(settings, mode, now) if was_seated else []
    letters.queue_cancel_mail(registration, event)
    for other in promoted:
        letters.queue_status_mail(other, event, settings, promoted=True)
    for react in _ON_CANCEL:  # groups: free its working-group seats; their waitlists move up
        react(registration, now)
    db.session.commit()
    return promoted


ALREADY_CANCELLED = _l("This registration is already cancelled.")


def _check_may_cancel(registration: Registration, actor, event: Event) -> None:
    from eventsys import permissions
    if actor is None or (actor.id != registration.user_id and not permissions.can_view_participants(actor, event)):
        raise PermissionDenied(_l("You can only cancel your own registration."))
    if registration.status not in ACTIVE:
        raise Conflict(ALREADY_CANCELLED)


def promote_after_capacity_change(event: Event, now: datetime | None = None) -> list[Registration]:
    """After capacities were raised: fill the new seats from the waitlists, in order."""
    now = now or utcnow()
    settings = get_settings(event)
    seats.lock_counter(settings.id)
    promoted = []
    for mode in MODES:
        promoted += seats.promote_waitlisted(settings, mode, now)
    for registration in promoted:
        letters.queue_status_mail(registration, event, settings, promoted=True)
    db.session.commit()
    return promoted


__all__ = ["register", "cancel_registration", "get_settings", "get_registration", "registration_state",
           "offered_modes", "questions_for", "promote_after_capacity_change", "REJECTED"]


def update_registration(registration: Registration, actor, mode: str, answers: dict | None,
                        consent_public_list: bool, now: datetime | None = None) -> Registration:
    """The participant edits their answers, their consent to be listed, and their way of
    attending. A new mode needs a free seat there (taken atomically); the old seat is
    given back and the first in line for it promoted. Raises ValidationError at the field."""
    _check_may_update(registration, actor)
    now = now or utcnow()
    event = registration.event
    settings = get_settings(event)
    if mode not in offered_modes(event, settings):
        raise ValidationError(_l("This event does not offer that way of attending."), field="mode")
    clean = validate_answers(questions_for(event, mode), answers or {})
    seats.lock(registration, settings)
    try:  # again on the current row: a concurrent request may have changed it
        _check_may_update(registration, actor)
    except Exception:
        db.session.rollback()
        raise
    promoted = []
    if mode != registration.mode:
        promoted = _switch_mode(registration, settings, mode, now)
    _store_answers(registration, clean)
    registration.consent_public_list = bool(consent_public_list)
    for other in promoted:
        letters.queue_status_mail(other, event, settings, promoted=True)
    db.session.commit()
    return registration


def _check_may_update(registration: Registration, actor) -> None:
    if actor is None or actor.id != registration.user_id:
        raise PermissionDenied(_l("You can only change your own registration."))
    if registration.status not in ACTIVE:
        raise Conflict(_l("This registration is cancelled. Register again instead."))


def _switch_mode(registration: Registration, settings: RegistrationSettings, mode: str, now) -> list:
    old_mode = registration.mode
    if registration.status == WAITLISTED:  # joins the end of the other line
        seats.transition(registration, settings, WAITLISTED, mode, created_at=now)
        return []
    if not seats.transition(registration, settings, registration.status, mode):
        db.session.rollback()
        label = _l("in-person") if mode == "in_person" else _l("online")
        raise ValidationError(_l("All %(mode)s seats are taken, so you keep your current seat.", mode=label),
                              field="mode")
    promoted = seats.promote_waitlisted(settings, old_mode, now)
    follow_mode_in_groups(registration, old_mode, now)
    return promoted


def follow_mode_in_groups(registration: Registration, old_mode: str, now) -> None:
    """Working-group places follow a confirmed registration to its new mode (groups/)."""
    if registration.status == CONFIRMED:
        for react in _ON_MODE_CHANGE:
            react(registration, old_mode, now)
