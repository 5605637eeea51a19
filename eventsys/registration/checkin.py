"""At the door and online: check in confirmed in-person participants (found by name through
door_search, or by the QR code on their registration page), and record who attended online
(by hand, or from a video platform's attendance report, matched by email).

Rules: only people with the check-in right (owners, organisers, check-in staff) do this
(PermissionDenied). Checking in twice keeps the first time; only confirmed in-person
registrations are checked in; only confirmed online registrations are marked attended.
Importing the same report twice gives the same result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import segno
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from eventsys import permissions
from eventsys.auth.models import User
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration.attendance_report import AttendanceReportError, parse_attendance_report
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.timeutil import utcnow

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

def scan_url(registration: Registration) -> str:
    """The absolute address of the door's scan page for this registration. Built from
    BASE_URL (as in mail), never from the request's Host header."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base + "/"):
        return url_for("registration.checkin_scan", slug=registration.event.slug,
                       qr_token=registration.qr_token, _external=True)


def qr_svg(registration: Registration) -> str:
    """The QR code of :func:`scan_url` as an SVG ``data:`` URI for an ``<img src>`` (the
    CSP allows data: images; segno writes attributes, never ``style=``)."""
    return segno.make(scan_url(registration), error="m").svg_data_uri(scale=5, border=2)


# --- the door -----------------------------------------------------------------------------

def door_counts(event: Event) -> tuple[int, int]:
    """(checked in, expected) among confirmed in-person registrations, anonymised included."""
    row = db.session.execute(
        select(func.count(Registration.checked_in_at), func.count())
        .where(Registration.event_id == event.id, Registration.status == CONFIRMED,
               Registration.mode == "in_person")).one()
    return row[0], row[1]


def checkin_times(registration: Registration) -> list[datetime]:
    """The registration's check-ins (UTC), earliest first."""
    return [registration.checked_in_at] if registration.checked_in_at else []


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
    """Check in; True when this call did it, False when already checked in (the first
    time is kept). PermissionDenied; Conflict with the reason when not confirmed in person."""
    _require(actor, registration.event)
    reason = refusal(registration)
    if reason:
        raise Conflict(REFUSALS[reason])
    result = db.session.execute(
        update(Registration).where(Registration.id == registration.id, Registration.checked_in_at.is_(None),
                                   Registration.status == CONFIRMED, Registration.mode == "in_person")
        .values(checked_in_at=now or utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(registration)
    if result.rowcount == 0 and registration.checked_in_at is None:
        raise Conflict(REFUSALS[refusal(registration) or "unknown"])
    return result.rowcount == 1


def undo_check_in(registration: Registration, actor) -> None:
    """Undo a check-in made by mistake. PermissionDenied."""
    _require(actor, registration.event)
    registration.checked_in_at = None
    db.session.commit()


@dataclass
class ScanResult:
    outcome: str  # "checked_in", "already", or a REFUSALS key
    registration: Registration | None = None

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
    return ScanResult("checked_in" if check_in(registration, actor, now) else "already", registration)


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
