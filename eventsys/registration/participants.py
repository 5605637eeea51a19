"""The participant list of an event and what organisers do with it: approve or reject
pending registrations, add someone by hand, move someone between in person and online,
cancel on their behalf (services.cancel_registration).

Every action first locks the event's seat counter row and re-reads the registration
(seats.lock), and changes it only through seats.transition, so two organisers (or an
organiser and the participant) acting at the same moment are serialised and a seat is
never given or freed twice.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from eventsys import mail, permissions
from eventsys.auth import passwords
from eventsys.auth.models import STAKEHOLDER_CATEGORIES, User
from eventsys.auth.services import get_user_by_email, normalise_email
from eventsys.errors import Conflict, ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration import invitations, letters, seats, services
from eventsys.registration.invitations import UNSET
from eventsys.registration.models import (CONFIRMED, MODES, PENDING, REJECTED, STATUSES, WAITLISTED,
                                          Registration)
from eventsys.registration.organiser import MODE_NAMES
from eventsys.timeutil import utcnow

PER_PAGE = 50


# --- reading ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ParticipantFilters:
    """Filters of the participant list (and of its exports). Unknown values are ignored."""
    status: str = ""
    mode: str = ""
    stakeholder: str = ""
    checked_in: str = ""  # "yes": checked in at the door or attended online; "no": neither
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "ParticipantFilters":
        pick = (lambda name, allowed: args.get(name, "") if args.get(name, "") in allowed else "")
        return cls(status=pick("status", STATUSES), mode=pick("mode", MODES),
                   stakeholder=pick("stakeholder", STAKEHOLDER_CATEGORIES),
                   checked_in=pick("checked_in", ("yes", "no")), q=(args.get("q") or "").strip()[:100])

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def participants_query(event: Event, filters: ParticipantFilters = ParticipantFilters()):
    """Registrations of the event with their users (one query, outer join: anonymised
    registrations have no user), newest first."""
    query = (select(Registration).outerjoin(User, Registration.user_id == User.id)
             .options(contains_eager(Registration.user)).where(Registration.event_id == event.id))
    if filters.status:
        query = query.where(Registration.status == filters.status)
    if filters.mode:
        query = query.where(Registration.mode == filters.mode)
    if filters.stakeholder:
        query = query.where(Registration.stakeholder_category == filters.stakeholder)
    attended = or_(Registration.checked_in_at.is_not(None), Registration.attended_online.is_(True))
    if filters.checked_in == "yes":
        query = query.where(attended)
    elif filters.checked_in == "no":
        query = query.where(~attended)
    if filters.q:
        needle = filters.q.lower()
        query = query.where(or_(*(func.lower(column).contains(needle, autoescape=True)
                                  for column in (User.name, User.email, User.organisation))))
    return query.order_by(Registration.created_at.desc(), Registration.id.desc())


def participants_page(event: Event, filters: ParticipantFilters, page: int = 1, per_page: int = PER_PAGE):
    return db.paginate(participants_query(event, filters), page=page, per_page=per_page, error_out=False)


def participant_counts(event: Event) -> dict:
    """{(status, mode): n} for every pair, plus totals by status and by mode (one query)."""
    rows = db.session.execute(select(Registration.status, Registration.mode, func.count())
                              .where(Registration.event_id == event.id)
                              .group_by(Registration.status, Registration.mode)).all()
    counts = {(status, mode): 0 for status in STATUSES for mode in MODES}
    counts.update({(status, mode): n for status, mode, n in rows})
    for status in STATUSES:
        counts[(status, "all")] = sum(counts[(status, mode)] for mode in MODES)
    for mode in (*MODES, "all"):
        counts[("all", mode)] = sum(counts[(status, mode)] for status in STATUSES)
    return counts


def get_event_registration(event: Event, registration_id: int) -> Registration | None:
    """The registration with this id, if it belongs to ``event`` (else None: a 404)."""
    return db.session.scalar(select(Registration).where(Registration.id == registration_id,
                                                        Registration.event_id == event.id))


# --- actions ----------------------------------------------------------------------------

CANNOT_CHANGE = _l("Only the event's organisers can change registrations.")


def _lock(registration: Registration):
    """Serialise with every other seat change of the event, then re-read the registration."""
    settings = services.get_settings(registration.event)
    seats.lock(registration, settings)
    return settings


def approve_registration(registration: Registration, actor, now: datetime | None = None) -> Registration:
    """Pending -> confirmed (the seat was held while pending); the person is told by
    email. PermissionDenied; Conflict when it is no longer pending."""
    permissions.require_manager(actor, registration.event, CANNOT_CHANGE)
    settings = _lock(registration)
    if registration.status != PENDING:
        db.session.rollback()
        raise Conflict(_l("Only registrations awaiting approval can be approved."))
    seats.transition(registration, settings, CONFIRMED, confirmed_at=now or utcnow())
    letters.queue_status_mail(registration, registration.event, settings)
    db.session.commit()
    return registration


def reject_registration(registration: Registration, actor, now: datetime | None = None) -> list[Registration]:
    """Pending -> rejected: the seat is freed and the first in line promoted; both are
    told by email. Returns the promoted. PermissionDenied; Conflict when not pending."""
    permissions.require_manager(actor, registration.event, CANNOT_CHANGE)
    settings = _lock(registration)
    if registration.status != PENDING:
        db.session.rollback()
        raise Conflict(_l("Only registrations awaiting approval can be rejected."))
    now = now or utcnow()
    event = registration.event
    seats.transition(registration, settings, REJECTED, cancelled_at=now)
    promoted = seats.promote_waitlisted(settings, registration.mode, now)
    _queue(registration, "registration_rejected", _l("Your registration: %(title)s", title=event.title))
    for other in promoted:
        letters.queue_status_mail(other, event, settings, promoted=True)
    db.session.commit()
    return promoted


def move_registration(registration: Registration, mode: str, actor, now: datetime | None = None) -> list:
    """Move someone to the other way of attending: a seat there is taken atomically and
    the old one given back (the first in line for it is promoted); a waitlisted person
    gets a seat in the new mode. Returns the promoted. PermissionDenied; ValidationError
    at ``mode`` for a mode not offered, the current mode, or a full mode (with numbers);
    Conflict when the registration is cancelled or rejected."""
    event = registration.event
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    settings = _lock(registration)
    if registration.status not in services.ACTIVE:
        db.session.rollback()
        raise Conflict(_l("This registration is cancelled; it cannot be moved."))
    _check_target(event, settings, registration, mode)
    now = now or utcnow()
    old_mode, was_seated = registration.mode, registration.holds_seat
    status = registration.status if was_seated else seats.seated_status(settings)
    values = {"checked_in_at": None, **({} if was_seated else seats.seat_values(status, now))}
    if not seats.transition(registration, settings, status, mode, **values):
        db.session.refresh(settings)
        taken, capacity = getattr(settings, f"{mode}_taken"), getattr(settings, f"{mode}_capacity")
        db.session.rollback()
        raise ValidationError(_l("All %(mode)s seats are taken (%(taken)s of %(capacity)s): raise the "
                                 "capacity first.", mode=MODE_NAMES[mode], taken=taken, capacity=capacity),
                              field="mode")
    promoted = seats.promote_waitlisted(settings, old_mode, now) if was_seated else []
    if was_seated:
        services.follow_mode_in_groups(registration, old_mode, now)
    _queue(registration, "registration_moved", _l("Your way of attending changed: %(title)s", title=event.title),
           settings=settings)
    for other in promoted:
        letters.queue_status_mail(other, event, settings, promoted=True)
    db.session.commit()
    return promoted


def _check_target(event, settings, registration, mode) -> None:
    if mode not in services.offered_modes(event, settings):
        db.session.rollback()
        raise ValidationError(_l("This event does not offer that way of attending."), field="mode")
    if mode == registration.mode:
        db.session.rollback()
        raise ValidationError(_l("This person already attends that way."), field="mode")


def add_participant(event: Event, values: dict, actor, now: datetime | None = None) -> Registration:
    """Register someone by hand, on a published event. An address with a verified
    account is registered on it; any other address gets an unverified placeholder
    account (or keeps its unverified one) and an invitation to confirm the place or
    decline it (invitations.py): the organiser never creates a usable account. Capacity
    is respected: with no free seat the person joins the waitlist (raise the capacity to
    make room). Organisers need no approval, so a seat means confirmed. Custom questions
    are left unanswered and no consent is recorded (the person gives it on their
    registration page).

    PermissionDenied; Conflict for an event that is not published; ValidationError at the
    field (bad email, missing name for an address without a verified account, a mode not
    offered); Conflict at ``email`` when already registered.
    """
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    if event.status != "published":
        raise Conflict(_l("Publish the event before adding participants: a draft or cancelled event "
                          "takes no registrations."))
    now = now or utcnow()
    settings = services.get_settings(event)
    mode = values.get("mode")
    if mode not in services.offered_modes(event, settings):
        raise ValidationError(_l("This event does not offer that way of attending."), field="mode")
    email = normalise_email(values.get("email") or "")
    try:
        registration, invited = _seat_by_hand(event, settings, email, values.get("name"), mode, now)
    except IntegrityError as exc:  # registered (or the account created) at this very moment
        db.session.rollback()
        raise Conflict(_l("%(email)s is already registered for this event.", email=email), field="email") from exc
    position = seats.waitlist_position(registration)
    if invited:
        _queue(registration, "registration_invitation", _l("You are invited: %(title)s", title=event.title),
               token=invitations.make_token(registration), position=position, settings=settings,
               max_age_days=invitations.MAX_AGE_DAYS)
    else:
        _queue(registration, "registration_added", _l("You are registered: %(title)s", title=event.title),
               position=position, settings=settings)
    db.session.commit()
    return registration


def _seat_by_hand(event, settings, email, name, mode, now):
    """(registration, whether the address's owner must confirm it by invitation)."""
    user = get_user_by_email(email)
    invited = invitations.needs_invitation(user)
    if invited and not (name or "").strip():
        # Asked for every address without a verified account, so that the form does not
        # tell the organiser whether someone signed up with it.
        raise ValidationError(_l("Enter the person's name: they will get an invitation to confirm their place."),
                              field="name")
    user = user or _new_account(email, name)
    registration = services.get_registration(event, user)
    if registration is not None:
        seats.lock(registration, settings)
        if registration.status in services.ACTIVE:
            db.session.rollback()
            raise Conflict(_l("%(email)s is already registered for this event.", email=email), field="email")
    if registration is not None:  # cancelled or rejected before: active again
        values = {"created_at": now, "cancelled_at": None, "checked_in_at": None}
        if not seats.transition(registration, settings, CONFIRMED, mode, confirmed_at=now, **values):
            seats.transition(registration, settings, WAITLISTED, mode, confirmed_at=None, **values)
        _fill(registration, user)
    else:
        status = CONFIRMED if seats.take_seat(settings.id, mode) else WAITLISTED
        registration = Registration(event_id=event.id, user_id=user.id, mode=mode, status=status, created_at=now,
                                    confirmed_at=now if status == CONFIRMED else None)
        _fill(registration, user)
        db.session.add(registration)
    db.session.flush()
    return registration, invited


def _new_account(email: str, name: str) -> User:
    """An unverified placeholder: UNSET + the hash of a random secret, so no password
    matches it until the address's owner chooses one (invitation, sign-up or reset)."""
    user = User(email=email, name=name.strip()[:200], email_verified_at=None,
                password_hash=UNSET + passwords.hash_password(secrets.token_urlsafe(32)))
    db.session.add(user)
    db.session.flush()
    return user


def _fill(registration: Registration, user: User) -> None:
    registration.stakeholder_category = user.stakeholder_category or ""
    registration.country = user.country or ""


def _queue(registration: Registration, template: str, subject, **context) -> None:
    user = registration.user
    if user is None:
        return
    mail.queue_mail(user.email, subject, template, locale=user.locale or None, user=user,
                    event=registration.event, registration=registration, **context)

