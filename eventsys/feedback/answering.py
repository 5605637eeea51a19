"""Answering feedback forms (participant side).

Rules, all checked here whatever the page or link the answers come from:
- only the registration's own user answers, and only a participant who may answer the
  form (audience.refusal: confirmed, and a member of the working groups of its slot);
- only while the form is open (clear messages before it opens, after it closes, and when
  its session was cancelled);
- a rating outside its scale, an unknown option or a missing required answer is refused
  at its field (AnswersInvalid carries every field's message);
- once per person. A FeedbackRespondent row (unique per form and registration) records who
  has answered, apart from the answers. For an anonymous form it is written first, in the
  same transaction as a response that has no registration, no time and a random id, so the
  database itself refuses a second response, and nothing links the answers to the person:
  anonymous answers therefore cannot be changed later. For other forms the response is
  unique per registration: answering again updates it until the form closes, and two
  submissions racing each other end as one response (the loser retries as an update).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from eventsys.errors import Conflict, NotFound, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.feedback import audience
from eventsys.feedback.answers import AnswersInvalid, clean_answers, field_name  # noqa: F401  (re-exported)
from eventsys.feedback.models import (FeedbackAnswer, FeedbackForm, FeedbackQuestion, FeedbackRespondent,
                                      FeedbackResponse)
from eventsys.feedback.window import CANCELLED, CLOSED, NOT_OPEN, OPEN, Window, form_window, last_slot_end
from eventsys.formatting import event_date, event_time
from eventsys.timeutil import utcnow

RETRIES = 5
ANSWERED_ANONYMOUS = _l("You have already answered this form. Your answers are anonymous: they are "
                        "not linked to you, so they cannot be changed.")


def questions_of(form: FeedbackForm) -> list[FeedbackQuestion]:
    return list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.form_id == form.id)
                                   .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))


# --- state ----------------------------------------------------------------------------

def state_message(state: str, window: Window, event):
    when = lambda utc: (f"{event_date(utc, event.timezone, 'medium')}, "  # noqa: E731
                        f"{event_time(utc, event.timezone)} ({event.timezone})")
    if state == NOT_OPEN:
        return _l("This form is not open yet: it opens on %(when)s.", when=when(window.opens_at))
    if state == CLOSED:
        return _l("This form closed on %(when)s: answers are no longer accepted.", when=when(window.closes_at))
    if state == CANCELLED:
        return _l("This session was cancelled, so its form does not take answers.")
    return None


def has_answered(form: FeedbackForm, registration) -> bool:
    return bool(db.session.scalar(select(exists().where(FeedbackRespondent.form_id == form.id,
                                                        FeedbackRespondent.registration_id == registration.id))))


def previous_answers(form: FeedbackForm, registration) -> dict[int, object] | None:
    """The person's answers to a form that is not anonymous ({} when there are none yet)."""
    if form.anonymous or registration is None:
        return None
    rows = db.session.execute(select(FeedbackAnswer.question_id, FeedbackAnswer.value)
                              .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
                              .where(FeedbackResponse.form_id == form.id,
                                     FeedbackResponse.registration_id == registration.id))
    return dict(rows.all())


@dataclass
class FormStatus:
    form: FeedbackForm
    window: Window
    state: str
    answered: bool
    refusal: object = None

    @property
    def can_submit(self) -> bool:
        return self.refusal is None and self.state == OPEN and not (self.answered and self.form.anonymous)


def form_status(form: FeedbackForm, event, registration, now: datetime | None = None) -> FormStatus:
    window = form_window(form, event)
    answered = registration is not None and has_answered(form, registration)
    return FormStatus(form, window, window.state(now or utcnow()), answered, audience.refusal(form, registration))


def my_forms(event, registration, now: datetime | None = None) -> list[FormStatus]:
    """The forms ``registration`` may answer, in agenda order, with their state (a few
    queries whatever the number of forms). Forms of cancelled sessions are left out."""
    from eventsys.feedback.services import event_forms
    if registration is None or audience.refusal(None, registration, slot_groups=set()) is not None:
        return []
    now = now or utcnow()
    forms = event_forms(event)
    last_end = last_slot_end(event)
    groups = audience.group_ids_by_slot(event.id)
    mine = audience.member_group_ids(registration.id)
    answered = set(db.session.scalars(select(FeedbackRespondent.form_id)
                                      .where(FeedbackRespondent.registration_id == registration.id)))
    statuses = []
    for form in forms:
        window = form_window(form, event, last_end)
        if window.cancelled or audience.refusal(form, registration, groups.get(form.slot_id, set()), mine):
            continue
        statuses.append(FormStatus(form, window, window.state(now), form.id in answered))
    return statuses


# --- submitting -------------------------------------------------------------------------

def _check(form: FeedbackForm, event, registration, actor, now: datetime) -> list[FeedbackQuestion]:
    if event.id != form.event_id or (registration is not None and registration.event_id != form.event_id):
        raise NotFound(_l("This feedback form does not exist."))
    if registration is None:
        raise PermissionDenied(audience.NOT_CONFIRMED)
    if actor is None or getattr(actor, "id", None) != registration.user_id:
        raise PermissionDenied(_l("You can only answer for yourself."))
    refusal = audience.refusal(form, registration)
    if refusal is not None:
        raise PermissionDenied(refusal)
    window = form_window(form, event)
    state = window.state(now)
    if state != OPEN:
        raise ValidationError(state_message(state, window, event))
    if form.anonymous and has_answered(form, registration):
        raise Conflict(ANSWERED_ANONYMOUS)
    return questions_of(form)


def submit_response(form: FeedbackForm, event, registration, answers: dict, actor,
                    now: datetime | None = None) -> str:
    """Store ``registration``'s answers to ``form``; returns "created" or "updated".

    Raises NotFound (the registration or form is of another event), PermissionDenied (not
    the person, or not allowed to answer), ValidationError (the form is not open),
    Conflict (an anonymous form answered already) or AnswersInvalid (at the fields).
    """
    now = now or utcnow()
    clean = clean_answers(_check(form, event, registration, actor, now), answers)
    if form.anonymous:
        return _create_anonymous(form.id, registration.id, clean)
    for _attempt in range(RETRIES):
        try:
            return _save_named(form.id, registration.id, clean, now)
        except IntegrityError:
            db.session.rollback()  # another submission won the race: update what it wrote
    raise Conflict(_l("Your answers could not be saved because they were being saved at the same time. "
                      "Please try again."))


def _create_anonymous(form_id: int, registration_id: int, clean: dict) -> str:
    try:
        db.session.add(FeedbackRespondent(form_id=form_id, registration_id=registration_id))
        db.session.flush()  # the unique (form, registration) row first: the once-per-person guard
        response = FeedbackResponse(form_id=form_id, registration_id=None, submitted_at=None)
        response.answers = [FeedbackAnswer(question_id=qid, value=value) for qid, value in clean.items()]
        db.session.add(response)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(ANSWERED_ANONYMOUS) from exc
    return "created"


def _save_named(form_id: int, registration_id: int, clean: dict, now: datetime) -> str:
    response_id = db.session.scalar(select(FeedbackResponse.id).where(
        FeedbackResponse.form_id == form_id, FeedbackResponse.registration_id == registration_id))
    if response_id is None:
        db.session.add(FeedbackRespondent(form_id=form_id, registration_id=registration_id))
        db.session.flush()
        response = FeedbackResponse(form_id=form_id, registration_id=registration_id, submitted_at=now)
        response.answers = [FeedbackAnswer(question_id=qid, value=value) for qid, value in clean.items()]
        db.session.add(response)
        db.session.commit()
        return "created"
    # Writing first takes the row lock (PostgreSQL) or the write lock (SQLite), so the
    # answers read next are the latest and no other update interleaves with this one.
    db.session.execute(update(FeedbackResponse).where(FeedbackResponse.id == response_id)
                       .values(submitted_at=now).execution_options(synchronize_session=False))
    existing = {a.question_id: a for a in db.session.scalars(
        select(FeedbackAnswer).where(FeedbackAnswer.response_id == response_id))}
    for question_id in set(existing) | set(clean):
        answer, value = existing.get(question_id), clean.get(question_id)
        if value is None:
            db.session.delete(answer)
        elif answer is None:
            db.session.add(FeedbackAnswer(response_id=response_id, question_id=question_id, value=value))
        elif answer.value != value:
            answer.value = value
    db.session.commit()
    return "updated"
