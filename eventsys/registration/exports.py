"""Participant exports: one table, written as CSV or XLSX (openpyxl).

Rules: only people who may see the participant list export it (PermissionDenied). Answers
to sensitive questions (health data such as accessibility needs) are columns only when
the actor may see sensitive data (owners and organisers); for anyone else the columns
are absent, not empty. Anonymised registrations appear as "(deleted account)", so counts
stay right. Every cell is cleaned and neutralised by eventsys.spreadsheet (no formulas).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsys import permissions, spreadsheet
from eventsys.auth.forms import STAKEHOLDER_LABELS
from eventsys.errors import PermissionDenied
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration.models import Registration, RegistrationAnswer, RegistrationQuestion
from eventsys.registration.participants import ParticipantFilters, participants_query
from eventsys.timeutil import to_local

STATUS_LABELS = {"pending": _l("Awaiting approval"), "confirmed": _l("Confirmed"), "waitlisted": _l("Waiting list"),
                 "cancelled": _l("Cancelled"), "rejected": _l("Rejected")}
MODE_LABELS = {"in_person": _l("In person"), "online": _l("Online")}
DELETED = _l("(deleted account)")



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
    return [spreadsheet.cell(h) for h in header], [[spreadsheet.cell(cell) for cell in row] for row in rows]


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
    return spreadsheet.csv_text(header, rows).encode("utf-8")


def to_xlsx(header: list, rows: list, title: str = "Participants") -> bytes:
    return spreadsheet.xlsx_bytes(header, rows, title)
