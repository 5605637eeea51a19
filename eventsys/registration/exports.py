"""Participant exports: one table, written as CSV or XLSX (openpyxl).

Rules: only people who may see the participant list export it (PermissionDenied). Answers
to sensitive questions (health data such as accessibility needs) are columns only when
the actor may see sensitive data (owners and organisers); for anyone else the columns
are absent, not empty. Anonymised registrations appear as "(deleted account)", so counts
stay right. Every text cell that a spreadsheet would read as a formula (starting with
= + - @, a tab or a carriage return) gets a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import select

from eventsys import permissions
from eventsys.auth.forms import STAKEHOLDER_LABELS
from eventsys.errors import PermissionDenied
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration.models import Registration, RegistrationAnswer, RegistrationQuestion
from eventsys.registration.participants import ParticipantFilters, participants_query
from eventsys.timeutil import to_local

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STATUS_LABELS = {"pending": _l("Awaiting approval"), "confirmed": _l("Confirmed"), "waitlisted": _l("Waiting list"),
                 "cancelled": _l("Cancelled"), "rejected": _l("Rejected")}
MODE_LABELS = {"in_person": _l("In person"), "online": _l("Online")}
DELETED = _l("(deleted account)")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula becomes plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _columns() -> list[str]:
    return [str(label) for label in (
        _l("ID"), _l("Name"), _l("Email"), _l("Organisation"), _l("Country"), _l("Stakeholder group"),
        _l("Way of attending"), _l("Status"), _l("Registered at"), _l("Confirmed at"), _l("Cancelled at"),
        _l("Checked in at"), _l("Attended online"), _l("Minutes online"), _l("Listed publicly"),
        _l("Privacy notice version"))]


def participant_table(event: Event, actor, filters: ParticipantFilters = ParticipantFilters()):
    """(header, rows) of the event's registrations matching ``filters``, in three
    queries. Raises PermissionDenied when the actor may not see participants."""
    if not permissions.can_view_participants(actor, event):
        raise PermissionDenied(_l("You cannot see the participants of this event."))
    query = select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
    if not permissions.can_view_sensitive(actor, event):
        query = query.where(RegistrationQuestion.sensitive.is_(False))
    questions = list(db.session.scalars(query.order_by(RegistrationQuestion.position, RegistrationQuestion.id)))
    registrations = db.session.scalars(participants_query(event, filters)).unique().all()
    answers = _answers(event, [q.id for q in questions])
    header = _columns() + [q.label for q in questions]
    rows = [_row(event, r) + [_answer(answers.get((r.id, q.id))) for q in questions] for r in registrations]
    return [neutralise(h) for h in header], [[neutralise(cell) for cell in row] for row in rows]


def _answers(event: Event, question_ids: list[int]) -> dict:
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(RegistrationAnswer.registration_id, RegistrationAnswer.question_id, RegistrationAnswer.value)
        .join(Registration, Registration.id == RegistrationAnswer.registration_id)
        .where(Registration.event_id == event.id, RegistrationAnswer.question_id.in_(question_ids)))
    return {(registration_id, question_id): value for registration_id, question_id, value in rows}


def _when(event: Event, utc: datetime | None) -> str:
    return to_local(utc, event.timezone).strftime("%Y-%m-%d %H:%M") if utc else ""


def _yes_no(flag: bool) -> str:
    return str(_l("Yes")) if flag else str(_l("No"))


def _row(event: Event, r: Registration) -> list:
    user = r.user
    name, email, organisation = (user.name, user.email, user.organisation or "") if user else (str(DELETED), "", "")
    stakeholder = STAKEHOLDER_LABELS.get(r.stakeholder_category)
    return [r.id, name, email, organisation, r.country, str(stakeholder) if stakeholder else "",
            str(MODE_LABELS[r.mode]), str(STATUS_LABELS[r.status]), _when(event, r.created_at),
            _when(event, r.confirmed_at), _when(event, r.cancelled_at), _when(event, r.checked_in_at),
            _yes_no(r.attended_online), r.online_minutes if r.online_minutes is not None else "",
            _yes_no(r.consent_public_list), r.consent_privacy_version or ""]


def _answer(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_csv(header: list, rows: list) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: list, rows: list, title: str = "Participants") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(label))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    # Control characters are not allowed in XLSX; everything else is kept.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value)) if isinstance(value, str) else value


def _sheet_title(title: str) -> str:
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return (cleaned or "Participants")[:31]
