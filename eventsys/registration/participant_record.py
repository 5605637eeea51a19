"""One participant's registration as the organisers see it: the facts, the answers
(sensitive ones only for those who may see them: the rule the exports use), the place
on the waiting list and the check-ins. Working-group places come from the groups
feature through the PARTICIPANT_GROUPS panel (eventsys/panels.py): imports flow down.

Rules: only people who may see the participant list open it (PermissionDenied).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsys import permissions
from eventsys.errors import PermissionDenied
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration.models import Registration, RegistrationAnswer, RegistrationQuestion
from eventsys.registration.checkin import checkin_times
from eventsys.registration.seats import waitlist_position


@dataclass
class AnswerLine:
    label: str
    value: object  # None when unanswered
    sensitive: bool


@dataclass
class ParticipantRecord:
    registration: Registration
    position: int | None
    answers: list[AnswerLine] = field(default_factory=list)
    hidden_sensitive: int = 0  # sensitive questions the viewer may not see
    checkins: list = field(default_factory=list)  # UTC times, one per day, earliest first


def participant_record(event: Event, registration: Registration, actor) -> ParticipantRecord:
    """The record of ``registration`` (of ``event``) for ``actor``. PermissionDenied."""
    if not permissions.can_view_participants(actor, event):
        raise PermissionDenied(_l("You cannot see the participants of this event."))
    questions = list(db.session.scalars(select(RegistrationQuestion).where(RegistrationQuestion.event_id == event.id)
                                        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)))
    sensitive_ok = permissions.can_view_sensitive(actor, event)
    shown = [q for q in questions if sensitive_ok or not q.sensitive]
    values = dict(db.session.execute(select(RegistrationAnswer.question_id, RegistrationAnswer.value).where(
        RegistrationAnswer.registration_id == registration.id,
        RegistrationAnswer.question_id.in_([q.id for q in shown]))).all()) if shown else {}
    return ParticipantRecord(registration, waitlist_position(registration),
                             [AnswerLine(q.label, values.get(q.id), q.sensitive) for q in shown],
                             len(questions) - len(shown), checkin_times(registration))
