"""At the door and online: check in confirmed in-person participants (found by name through
door_search, or by the QR code on their registration page), and record who attended online
(by hand, or from a video platform's attendance report, matched by email).

Rules: only people with the check-in right (owners, organisers, check-in staff) do this
(PermissionDenied). A check-in is per day of the event (its local date in the event's
zone): checking in twice the same day keeps the first time; only confirmed in-person
registrations are checked in; only confirmed online registrations are marked attended.
Importing the same report twice gives the same result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import segno
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from eventsys import permissions
from eventsys.auth.models import User
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration.attendance_report import AttendanceReportError, parse_attendance_report
from eventsys.registration.models import CONFIRMED, Checkin, Registration
from eventsys.timeutil import to_local, utcnow

REFUSALS = {
    "pending": _l("This registration is still awaiting approval."),
    "waitlisted": _l("This person is on the waiting list, not registered."),
    "cancelled": _l("This registration was cancelled."),
    "rejected": _l("This registration was not accepted."),
    "online": _l("This person registered to attend online, not in person."),
    "unknown": _l("This code does not belong to a registration for this event."),
}
REPORT_ERRORS = {
    "too_large": _l("The file is too large (at most 5 MB)."),
    "encoding": _l("The file is not a UTF-8 text file. Export the report as CSV (UTF-8) and try again."),
    "not_csv": _l("This is not a CSV file. Export the report as CSV and try again."),
    "no_email_column": _l("No email column found. The report needs a column such as \"Email\", "
                          "\"User Email\" or \"Attendee Email\"."),
}


def _require(actor, event: Event) -> None:
    if not permissions.can_check_in(actor, event):
        raise PermissionDenied(_l("You cannot check people in for this event."))


# --- the QR code --------------------------------------------------------------------------

def qr_svg(scan_url: str) -> str:
    """The QR code of the door's scan address (built by the view: registration.views.scan_url)
    as an SVG ``data:`` URI for an ``<img src>`` (the CSP allows data: images; segno writes
    attributes, never ``style=``)."""
    return segno.make(scan_url, error="m").svg_data_uri(scale=5, border=2)


# --- the door -----------------------------------------------------------------------------

def event_day(event: Event, now: datetime | None = None) -> date:
    """Today (or the day of ``now``, naive UTC) in the event's zone."""
    return to_local(now or utcnow(), event.timezone).date()


def door_counts(event: Event, now: datetime | None = None) -> tuple[int, int]:
    """(checked in today, expected) among confirmed in-person registrations, anonymised
    included; "today" is the day of ``now`` in the event's zone."""
    expected = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status == CONFIRMED, Registration.mode == "in_person"))
    return checked_in_on(event, event_day(event, now), confirmed_in_person=True), expected


def checked_in_on(event: Event, day: date, confirmed_in_person: bool = False) -> int:
    """How many registrations of the event were checked in on ``day``."""
    query = (select(func.count()).select_from(Checkin).join(Registration, Registration.id == Checkin.registration_id)
             .where(Registration.event_id == event.id, Checkin.day == day))
    if confirmed_in_person:
        query = query.where(Registration.status == CONFIRMED, Registration.mode == "in_person")
    return db.session.scalar(query) or 0


def checkins_today(event: Event, registration_ids: list[int], now: datetime | None = None) -> dict[int, datetime]:
    """{registration id: time of today's check-in} for those of ``registration_ids`` checked in today."""
    if not registration_ids:
        return {}
    return dict(db.session.execute(select(Checkin.registration_id, Checkin.at).where(
        Checkin.registration_id.in_(registration_ids), Checkin.day == event_day(event, now))).all())


def checkin_times(registration: Registration) -> list[datetime]:
    """The registration's check-ins (UTC), one per day, earliest first."""
    return list(db.session.scalars(select(Checkin.at).where(Checkin.registration_id == registration.id)
                                   .order_by(Checkin.day)))


def refusal(registration: Registration | None) -> str | None:
    """Why this registration cannot be checked in at the door (a REFUSALS key), or None."""
    if registration is None or registration.anonymised:
        return "unknown"
    if registration.status != CONFIRMED:
        return registration.status
    if registration.mode != "in_person":
        return "online"
    return None


def check_in(registration: Registration, actor, now: datetime | None = None) -> bool:
    """Check in for the day of ``now`` in the event's zone; True when this call did it,
    False when already checked in that day (the first time is kept: a double scan is one
    row, by the unique (registration, day)). ``checked_in_at`` keeps the first check-in
    of all. PermissionDenied; Conflict with the reason when not confirmed in person."""
    _require(actor, registration.event)
    reason = refusal(registration)
    if reason:
        raise Conflict(REFUSALS[reason])
    now = now or utcnow()
    # The conditional UPDATE re-checks the status in the same statement (a cancel or move
    # may have won meanwhile) and locks the row, so concurrent scans queue up behind it.
    seated = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.status == CONFIRMED,
                                   Registration.mode == "in_person")
        .values(checked_in_at=func.coalesce(Registration.checked_in_at, now))
        .execution_options(synchronize_session=False)).rowcount
    if seated == 0:
        db.session.rollback()
        db.session.refresh(registration)
        raise Conflict(REFUSALS[refusal(registration) or "unknown"])
    try:
        db.session.add(Checkin(registration_id=registration.id, day=event_day(registration.event, now), at=now,
                               by_id=getattr(actor, "id", None)))
        db.session.commit()
    except IntegrityError:  # already checked in that day: the first row stays
        db.session.rollback()
        return False
    finally:
        db.session.refresh(registration)
    return True


def undo_check_in(registration: Registration, actor, now: datetime | None = None) -> None:
    """Undo today's check-in made by mistake (the day of ``now`` in the event's zone);
    ``checked_in_at`` becomes the first remaining check-in. PermissionDenied."""
    _require(actor, registration.event)
    db.session.execute(delete(Checkin).where(Checkin.registration_id == registration.id,
                                             Checkin.day == event_day(registration.event, now)))
    registration.checked_in_at = db.session.scalar(select(func.min(Checkin.at))
                                                   .where(Checkin.registration_id == registration.id))
    db.session.commit()


@dataclass
class ScanResult:
    outcome: str  # "checked_in", "already", or a REFUSALS key
    registration: Registration | None = None
    at: datetime | None = None  # the day's check-in (UTC)

    @property
    def ok(self) -> bool:
        return self.outcome in ("checked_in", "already")

    @property
    def message(self):
        return REFUSALS.get(self.outcome)


def scan(event: Event, qr_token: str, actor, now: datetime | None = None) -> ScanResult:
    """The door's answer to a scanned code: checks the person in when their registration
    for *this* event is confirmed and in person. PermissionDenied."""
    _require(actor, event)
    registration = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.qr_token == (qr_token or "")[:64]))
    reason = refusal(registration)
    if reason:
        return ScanResult(reason, registration)
    outcome = "checked_in" if check_in(registration, actor, now) else "already"
    return ScanResult(outcome, registration, checkins_today(event, [registration.id], now).get(registration.id))


# --- online attendance -------------------------------------------------------------------

def online_participants(event: Event) -> list[Registration]:
    """Confirmed online registrations with an account (for matching a report; pages
    list people through door_search, which applies who may see what)."""
    query = (select(Registration).join(User, Registration.user_id == User.id)
             .options(contains_eager(Registration.user))
             .where(Registration.event_id == event.id, Registration.status == CONFIRMED,
                    Registration.mode == "online"))
    return list(db.session.scalars(query))


def set_online_attendance(registration: Registration, attended: bool, actor) -> None:
    """Mark a confirmed online registration as attended (or not). PermissionDenied;
    Conflict when it is not a confirmed online registration."""
    _require(actor, registration.event)
    if registration.status != CONFIRMED or registration.mode != "online":
        raise Conflict(_l("Only confirmed online registrations can be marked as attended online."))
    registration.attended_online = bool(attended)
    if not attended:
        registration.online_minutes = None
    db.session.commit()


@dataclass
class ImportReport:
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)


def import_attendance(event: Event, data: bytes, actor) -> ImportReport:
    """Mark as attended the confirmed online registrations whose account email (any case)
    is in the report, with their minutes when the report has a duration; the others'
    addresses are reported as unmatched. Re-importing the same file changes nothing more.

    PermissionDenied; ValidationError at ``file`` (too large, not UTF-8, not CSV, no
    email column), in which case nothing is changed.
    """
    _require(actor, event)
    try:
        attendance = parse_attendance_report(data or b"")
    except AttendanceReportError as error:
        raise ValidationError(REPORT_ERRORS[error.code], field="file") from error
    by_email = {r.user.email.lower(): r for r in online_participants(event)}
    report = ImportReport()
    for email, minutes in sorted(attendance.items()):
        registration = by_email.get(email)
        if registration is None:
            report.unmatched.append(email)
            continue
        registration.attended_online = True
        if minutes is not None:
            registration.online_minutes = round(minutes)
        report.matched += 1
    db.session.commit()
    return report
