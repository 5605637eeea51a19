"""Feedback forms, organiser side: default forms, settings, questions.

Rules: only people who may manage the event change its forms (PermissionDenied). An event
has at most one form for the event as a whole and one per agenda slot. Once the first
response has arrived whether a form is anonymous is fixed, and its questions only change
their wording (questions.py), so that every answer keeps its meaning. Choice answers are
stored as the option's position ("0", "1", …) so that an option can be reworded.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import joinedload

from eventsys import permissions
from eventsys.agenda.models import AgendaSlot
from eventsys.errors import ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.feedback import templates_default
from eventsys.feedback.models import FeedbackForm, FeedbackQuestion, FeedbackRespondent, FeedbackResponse
from eventsys.feedback.window import form_window
from eventsys.timeutil import to_local, to_utc

MAX_LABEL = 300
LOCKED = _l("Responses have arrived: only the wording can change now, so that every answer keeps its meaning.")


CANNOT_CHANGE = _l("Only the event's organisers can change its feedback forms.")


# --- reading ---------------------------------------------------------------------------

def get_form(event: Event, form_id: int) -> FeedbackForm | None:
    """The event's form with that id (None for another event's form)."""
    return db.session.scalar(select(FeedbackForm).options(joinedload(FeedbackForm.slot))
                             .where(FeedbackForm.id == form_id, FeedbackForm.event_id == event.id))


def event_of(form: FeedbackForm) -> Event:
    return db.session.get(Event, form.event_id)


def get_question(form: FeedbackForm, question_id: int) -> FeedbackQuestion | None:
    return db.session.scalar(select(FeedbackQuestion).where(FeedbackQuestion.id == question_id,
                                                            FeedbackQuestion.form_id == form.id))


def event_forms(event: Event) -> list[FeedbackForm]:
    """The event's form first, then the slots' forms in agenda order."""
    return list(db.session.scalars(
        select(FeedbackForm).options(joinedload(FeedbackForm.slot))
        .outerjoin(AgendaSlot, AgendaSlot.id == FeedbackForm.slot_id).where(FeedbackForm.event_id == event.id)
        .order_by(FeedbackForm.slot_id.is_not(None), AgendaSlot.starts_at, AgendaSlot.title, FeedbackForm.id)))


def respondent_counts(form_ids) -> dict[int, int]:
    rows = db.session.execute(select(FeedbackRespondent.form_id, func.count()).where(
        FeedbackRespondent.form_id.in_(list(form_ids))).group_by(FeedbackRespondent.form_id))
    return dict(rows.all())


def has_responses(form: FeedbackForm) -> bool:
    """True from the first response on (its questions are then locked)."""
    return bool(db.session.scalar(select(or_(
        exists().where(FeedbackRespondent.form_id == form.id),
        exists().where(FeedbackResponse.form_id == form.id)))))


def slots_without_form(event: Event) -> list[AgendaSlot]:
    return list(db.session.scalars(
        select(AgendaSlot).where(AgendaSlot.event_id == event.id, AgendaSlot.status != "cancelled",
                                 ~exists().where(FeedbackForm.slot_id == AgendaSlot.id))
        .order_by(AgendaSlot.starts_at, AgendaSlot.title)))


def has_event_form(event: Event) -> bool:
    return bool(db.session.scalar(select(exists().where(FeedbackForm.event_id == event.id,
                                                        FeedbackForm.slot_id.is_(None)))))


# --- creating ---------------------------------------------------------------------------

def _lock_event(event: Event) -> None:
    """Serialise form creation per event: the unique (event, slot) constraint does not
    cover the event's own form, whose slot is NULL."""
    db.session.execute(update(Event).where(Event.id == event.id)
                       .values(id=Event.id, updated_at=Event.updated_at)
                       .execution_options(synchronize_session=False))


def _new_form(event: Event, slot: AgendaSlot | None) -> FeedbackForm:
    form = FeedbackForm(event_id=event.id, slot_id=slot.id if slot else None,
                        title=(slot.title if slot else event.title)[:300], anonymous=True)
    questions = templates_default.session_questions() if slot else templates_default.event_questions()
    form.questions = [FeedbackQuestion(**templates_default.materialise(q, i)) for i, q in enumerate(questions)]
    db.session.add(form)
    return form


def ensure_default_forms(event: Event, actor) -> int:
    """Give the event its own form and every plenary, keynote, panel and working-group slot
    (not cancelled) a form from the default templates, where they have none. Idempotent;
    returns how many forms were created. Jobs (CLI, demo) pass ``permissions.SYSTEM``."""
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    _lock_event(event)
    taken = set(db.session.scalars(select(FeedbackForm.slot_id).where(FeedbackForm.event_id == event.id)))
    created = 0
    if None not in taken:
        _new_form(event, None)
        created += 1
    slots = db.session.scalars(select(AgendaSlot).where(
        AgendaSlot.event_id == event.id, AgendaSlot.status != "cancelled",
        AgendaSlot.kind.in_(templates_default.DEFAULT_SLOT_KINDS)).order_by(AgendaSlot.starts_at))
    for slot in slots:
        if slot.id not in taken:
            _new_form(event, slot)
            created += 1
    db.session.commit()
    return created


def create_form(event: Event, slot_id: int | None, actor) -> FeedbackForm:
    """A form with the default questions for one slot of the event (any kind), or for the
    event itself when ``slot_id`` is None. Raises ValidationError at ``slot_id`` when the
    slot is not the event's or already has a form."""
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    slot = None
    if slot_id is not None:
        slot = db.session.get(AgendaSlot, slot_id)
        if slot is None or slot.event_id != event.id:
            raise ValidationError(_l("Choose a session of this event."), field="slot_id")
    _lock_event(event)
    if db.session.scalar(select(exists().where(FeedbackForm.event_id == event.id, FeedbackForm.slot_id.is_(None)
                                               if slot is None else FeedbackForm.slot_id == slot.id))):
        db.session.rollback()
        raise ValidationError(_l("That already has a feedback form."), field="slot_id")
    form = _new_form(event, slot)
    db.session.commit()
    return form


def delete_form(form: FeedbackForm, actor) -> None:
    """Delete the form with all its responses and the record of who was asked."""
    permissions.require_manager(actor, db.session.get(Event, form.event_id), CANNOT_CHANGE)
    db.session.delete(form)
    db.session.commit()


# --- settings ---------------------------------------------------------------------------

def settings_form_data(form: FeedbackForm, event: Event) -> dict:
    local = (lambda utc: to_local(utc, event.timezone).replace(tzinfo=None) if utc else None)
    return {"title": form.title, "anonymous": form.anonymous, "opens_at": local(form.opens_at),
            "closes_at": local(form.closes_at)}


def update_form_settings(form: FeedbackForm, values: dict, actor) -> FeedbackForm:
    """Title, anonymity, opening and closing times (wall-clock times in the event's zone;
    None for the defaults). Raises ValidationError at ``title``, ``anonymous`` (changed
    after the first response), ``opens_at`` or ``closes_at`` (closing before opening)."""
    event = db.session.get(Event, form.event_id)
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    title = " ".join(str(values.get("title") or "").split())
    if not title:
        raise ValidationError(_l("Give the form a title."), field="title")
    if len(title) > MAX_LABEL:
        raise ValidationError(_l("Keep the title under %(max)s characters.", max=MAX_LABEL), field="title")
    anonymous = bool(values.get("anonymous"))
    if anonymous != form.anonymous and has_responses(form):
        raise ValidationError(_l("Responses have arrived: whether the form is anonymous can no longer change, "
                                 "as people answered on that understanding."), field="anonymous")
    times = {}
    for key in ("opens_at", "closes_at"):
        value = values.get(key)
        if value is not None and not isinstance(value, datetime):
            raise ValidationError(_l("Enter a date and time."), field=key)
        times[key] = to_utc(value, event.timezone) if value else None
    form.title, form.anonymous, form.opens_at, form.closes_at = title, anonymous, times["opens_at"], times["closes_at"]
    window = form_window(form, event)
    if window.closes_at <= window.opens_at:
        db.session.rollback()
        raise ValidationError(_l("The form must close after it opens."), field="closes_at")
    db.session.commit()
    return form
