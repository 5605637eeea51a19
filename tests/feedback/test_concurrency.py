"""Once per person under concurrent submission: 20 threads, each with its own database
connection, submit at once, on SQLite (file) and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys.auth.models import User
from eventsys.errors import Conflict
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.feedback import services
from eventsys.feedback.answering import submit_response
from eventsys.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackRespondent, FeedbackResponse
from eventsys.registration.models import Registration
from tests.concurrency import run_each
from tests.feedback.helpers import form_for, make_feedback_event, questions, register

THREADS = 20


def _all_at_once(app, work, items) -> list:
    """What each ``work(item)`` run at once raised (None when it succeeded)."""
    return [o if isinstance(o, BaseException) else None for o in run_each(app, work, items)]


def _setup(make_user, anonymous: bool, people: int = 1):
    owner = make_user()
    event, slots = make_feedback_event(owner)
    services.ensure_default_forms(event, owner)
    form = form_for(event, slots["plenary"])
    if not anonymous:
        services.update_form_settings(form, {"title": form.title, "anonymous": False}, owner)
    registrations = [register(event, make_user()) for _ in range(people)]
    ids = (event.id, form.id, questions(form)[0].id, [r.id for r in registrations])
    db.session.remove()
    return ids


def _submit(args):
    event_id, form_id, question_id, registration_id, rating = args
    registration = db.session.get(Registration, registration_id)
    submit_response(db.session.get(FeedbackForm, form_id), db.session.get(Event, event_id), registration,
                    {question_id: rating}, db.session.get(User, registration.user_id))


def _count(model, form_id):
    return db.session.scalar(select(func.count()).select_from(model).where(model.form_id == form_id))


def test_twenty_concurrent_anonymous_submissions_of_one_person_store_exactly_one(pooled_app, make_user):
    event_id, form_id, question_id, (registration_id,) = _setup(make_user, anonymous=True)
    outcomes = _all_at_once(pooled_app, _submit,
                            [(event_id, form_id, question_id, registration_id, 1 + i % 5) for i in range(THREADS)])
    assert [type(o).__name__ for o in outcomes if o is not None] == ["Conflict"] * (THREADS - 1)
    assert all(isinstance(o, Conflict) for o in outcomes if o is not None)
    assert _count(FeedbackResponse, form_id) == 1
    assert _count(FeedbackRespondent, form_id) == 1
    assert db.session.scalar(select(func.count()).select_from(FeedbackAnswer)) == 1


def test_twenty_concurrent_named_submissions_of_one_person_end_as_one_response(pooled_app, make_user):
    event_id, form_id, question_id, (registration_id,) = _setup(make_user, anonymous=False)
    outcomes = _all_at_once(pooled_app, _submit,
                            [(event_id, form_id, question_id, registration_id, 1 + i % 5) for i in range(THREADS)])
    assert outcomes == [None] * THREADS
    assert _count(FeedbackResponse, form_id) == 1
    assert _count(FeedbackRespondent, form_id) == 1
    values = db.session.scalars(select(FeedbackAnswer.value)).all()
    assert len(values) == 1 and values[0] in {1, 2, 3, 4, 5}


def test_twenty_people_answering_an_anonymous_form_at_once_all_count(pooled_app, make_user):
    event_id, form_id, question_id, registration_ids = _setup(make_user, anonymous=True, people=THREADS)
    outcomes = _all_at_once(pooled_app, _submit,
                            [(event_id, form_id, question_id, rid, 4) for rid in registration_ids])
    assert outcomes == [None] * THREADS
    assert _count(FeedbackResponse, form_id) == THREADS
    assert _count(FeedbackRespondent, form_id) == THREADS
