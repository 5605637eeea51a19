"""Once per person rests on the unique (form, registration) row in feedback_respondent, not on
the service's pre-check. The concurrent tests in test_concurrency.py prove it under a race on
PostgreSQL; on SQLite writers are serialised by the database lock, so the later writer always
sees the earlier one's row and the pre-check alone stops it. These tests therefore switch the
pre-check off and show that the constraint holds the line on both databases."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventsys.errors import Conflict
from eventsys.extensions import db
from eventsys.feedback import answering, services
from eventsys.feedback.answering import submit_response
from eventsys.feedback.models import FeedbackAnswer, FeedbackRespondent, FeedbackResponse
from tests.feedback.helpers import form_for, make_feedback_event, questions, register


def _count(model, form_id):
    return db.session.scalar(select(func.count()).select_from(model).where(model.form_id == form_id))


@pytest.fixture
def answered(make_user):
    owner, person = make_user(), make_user()
    event, slots = make_feedback_event(owner)
    services.ensure_default_forms(event, owner)
    form = form_for(event, slots["plenary"])
    registration = register(event, person)
    question = questions(form)[0]
    assert submit_response(form, event, registration, {question.id: 4}, person) == "created"
    return form, event, registration, question, person


def test_respondent_row_twice_for_one_person_is_refused_by_the_database(answered):
    form, _event, registration, _question, _person = answered
    db.session.add(FeedbackRespondent(form_id=form.id, registration_id=registration.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert _count(FeedbackRespondent, form.id) == 1


def test_anonymous_second_answer_past_a_blind_pre_check_is_a_conflict(answered, monkeypatch):
    form, event, registration, question, person = answered
    assert form.anonymous is True
    monkeypatch.setattr(answering, "has_answered", lambda _form, _registration: False)
    with pytest.raises(Conflict):
        submit_response(form, event, registration, {question.id: 1}, person)
    assert _count(FeedbackResponse, form.id) == 1
    assert _count(FeedbackRespondent, form.id) == 1
    assert db.session.scalars(select(FeedbackAnswer.value)).all() == [4]
