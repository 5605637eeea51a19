"""Demo feedback: responses for finished sessions only, realistic, idempotent."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.feedback.demo import OPENINGS_ES, load_feedback_demo
from eventsys.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackRespondent, FeedbackResponse
from eventsys.feedback.results import form_results
from tests.feedback.helpers import form_for, make_feedback_event, make_group, many_participants, questions, register


def _responses(form):
    return db.session.scalar(select(func.count()).select_from(FeedbackResponse).where(FeedbackResponse.form_id == form.id))


def test_demo_answers_finished_sessions_only_and_is_idempotent(app, make_user):
    owner = make_user()
    event, slots = make_feedback_event(owner)
    registrations = many_participants(event, 60)
    make_group(event, slots["group"], members=registrations[:10])
    added = load_feedback_demo(event)
    plenary, group = form_for(event, slots["plenary"]), form_for(event, slots["group"])
    assert added == _responses(plenary) + _responses(group)
    assert 21 <= _responses(plenary) <= 39 and 3 <= _responses(group) <= 7
    assert _responses(form_for(event, slots["keynote"])) == 0 and _responses(form_for(event)) == 0
    assert load_feedback_demo(event) == 0
    assert db.session.scalar(select(func.count()).select_from(FeedbackRespondent)) == added
    anonymous = db.session.execute(select(FeedbackResponse.registration_id, FeedbackResponse.submitted_at)).all()
    assert set(anonymous) == {(None, None)}


def test_demo_ratings_lean_positive_with_comments(app, make_user):
    owner = make_user()
    event, slots = make_feedback_event(owner)
    many_participants(event, 300)
    load_feedback_demo(event)
    plenary = form_for(event, slots["plenary"])
    overall = questions(plenary)[0]
    ratings = Counter(db.session.scalars(select(FeedbackAnswer.value).where(FeedbackAnswer.question_id == overall.id)))
    assert ratings[4] + ratings[5] > 1.5 * (ratings[1] + ratings[2] + ratings[3])
    texts = db.session.scalars(select(FeedbackAnswer.value).where(FeedbackAnswer.question_id == questions(plenary)[3].id)).all()
    assert len(texts) > 10 and any(t.startswith(tuple(OPENINGS_ES)) for t in texts)
    results = form_results(plenary, event, owner)
    assert results.questions[0].summary.mean > 3.5


def test_demo_of_a_future_event_adds_nothing(app, make_user):
    from datetime import timedelta
    from eventsys.timeutil import utcnow
    event, _slots = make_feedback_event(make_user(), now=utcnow() + timedelta(days=30))
    register(event, make_user())
    assert load_feedback_demo(event) == 0
    assert db.session.scalar(select(func.count()).select_from(FeedbackForm).where(FeedbackForm.event_id == event.id)) == 4


def test_demo_comments_are_never_repeated(app, make_user):
    owner = make_user()
    event, _slots = make_feedback_event(owner)
    many_participants(event, 300)
    load_feedback_demo(event)
    texts = [t for t in db.session.scalars(select(FeedbackAnswer.value)) if isinstance(t, str) and " " in t]
    assert len(texts) > 60
    assert len(set(texts)) == len(texts)
