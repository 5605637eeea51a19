"""Results service: the stored answers reach the pure core as it expects them (choices by
option position, counts made in SQL), exact figures, and the slot comparison."""
from __future__ import annotations

from datetime import timedelta

import pytest

from eventsys.errors import PermissionDenied
from eventsys.feedback import questions as question_services, results, services
from eventsys.feedback.answering import submit_response
from eventsys.timeutil import utcnow
from tests.feedback.helpers import form_for, make_feedback_event, questions, register


@pytest.fixture
def event_form(app, make_user):
    owner = make_user()
    event, slots = make_feedback_event(owner)
    services.ensure_default_forms(event, owner)
    form = form_for(event)
    services.update_form_settings(form, {"title": "Event", "anonymous": True,
                                         "opens_at": utcnow() - timedelta(hours=1)}, owner)
    qs = questions(form)
    answers = [
        {qs[0].id: 5, qs[2].id: "0", qs[4].id: ["0", "2"], qs[5].id: "b idea", qs[6].id: True},
        {qs[0].id: 4, qs[2].id: "1", qs[4].id: ["2"], qs[6].id: True},
        {qs[0].id: 4, qs[2].id: "0", qs[4].id: ["1", "2"], qs[5].id: "A idea", qs[6].id: False},
        {qs[0].id: 2, qs[2].id: "0", qs[6].id: True},
        {qs[0].id: 5, qs[2].id: "2"},
    ]
    for values in answers:
        user = make_user()
        submit_response(form, event, register(event, user, checked_in=True), values, user)
    for _ in range(5):
        register(event, make_user(), checked_in=True)
    return {"owner": owner, "event": event, "form": form, "questions": qs, "slots": slots}


def test_form_results_exact_figures(event_form):
    result = results.form_results(event_form["form"], event_form["event"], event_form["owner"])
    assert (result.responses, result.attended, result.rate, result.withheld) == (5, 10, 50.0, False)
    overall, _organised, attended, _experience, topics, ideas, again = (q.summary for q in result.questions)
    assert (overall.count, overall.mean, overall.median) == (5, 4.0, 4.0)
    assert [p.count for p in overall.distribution] == [0, 1, 0, 2, 2]
    assert [(o.label, o.count) for o in attended.options] == [("In person", 3), ("Online", 1),
                                                               ("Both, in person and online", 1)]
    assert (topics.count, topics.selections) == (3, 5)
    assert [o.count for o in topics.options] == [1, 1, 3, 0, 0, 0]
    assert ideas.answers == ("A idea", "b idea")  # anonymous: sorted, not in arrival order
    assert (again.yes, again.no) == (3, 1)
    assert result.questions[0].chart.text.startswith("Overall, how would you rate the event?: mean 4.0 of 5")


def test_reworded_options_keep_their_answers(event_form):
    question = event_form["questions"][2]
    question_services.update_question(question, {"kind": "single_choice", "label": question.label, "required": False,
                                        "options": "On site\nRemote\nHybrid"}, event_form["owner"])
    result = results.form_results(event_form["form"], event_form["event"], event_form["owner"])
    assert [(o.label, o.count) for o in result.questions[2].summary.options] == [
        ("On site", 3), ("Remote", 1), ("Hybrid", 1)]


def test_results_refused_to_participants(event_form, make_user):
    with pytest.raises(PermissionDenied):
        results.form_results(event_form["form"], event_form["event"], make_user())


def test_compare_slots_rows(event_form, make_user):
    rows = results.compare_slots(event_form["event"], "title", event_form["owner"])
    assert [r.row.title for r in rows] == ["Closing keynote", "Opening plenary", "Working groups, round 1"]
    assert all(r.row.count == 0 and r.row.mean is None for r in rows)
