"""Feedback services: default forms, windows, who may answer, validation at the field,
once per person, updates, and the lock on questions once responses have arrived."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventsys.errors import Conflict, NotFound, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.feedback import answering, questions as question_services, services
from eventsys.feedback.answering import AnswersInvalid, submit_response
from eventsys.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackRespondent, FeedbackResponse
from eventsys.feedback.window import event_end_utc, form_window
from eventsys.timeutil import utcnow
from tests.feedback.helpers import form_for, make_feedback_event, make_group, questions, register


@pytest.fixture
def world(app, make_user):
    owner = make_user(name="Olga Owner")
    event, slots = make_feedback_event(owner)
    services.ensure_default_forms(event, owner)
    people = [make_user(name=f"Person {i}") for i in range(3)]
    registrations = [register(event, p) for p in people]
    return {"owner": owner, "event": event, "slots": slots, "people": people, "registrations": registrations,
            "plenary": form_for(event, slots["plenary"])}


def answers_for(form, rating=4, **extra):
    qs = questions(form)
    values = {qs[0].id: rating}
    values.update({qs[i].id: v for i, v in extra.items()})
    return values


def count(model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


# --- default forms ---------------------------------------------------------------------------

def test_ensure_default_forms_event_and_plenary_keynote_panel_group_not_break_or_cancelled(world):
    event, slots = world["event"], world["slots"]
    forms = services.event_forms(event)
    assert [f.slot_id for f in forms] == [None, slots["plenary"].id, slots["group"].id, slots["keynote"].id]
    assert [f.title for f in forms] == [event.title, "Opening plenary", "Working groups, round 1", "Closing keynote"]
    assert all(f.anonymous for f in forms)


def test_ensure_default_forms_is_idempotent(world):
    assert services.ensure_default_forms(world["event"], world["owner"]) == 0
    assert count(FeedbackForm, event_id=world["event"].id) == 4


def test_default_session_questions(world):
    qs = questions(world["plenary"])
    assert [(q.kind, q.required) for q in qs] == [("rating", True), ("rating", False), ("rating", False),
                                                   ("text", False)]
    assert qs[0].label == "Overall, how would you rate this session?"
    assert (qs[0].scale_min, qs[0].scale_max, qs[0].low_label, qs[0].high_label) == (1, 5, "Poor", "Excellent")


def test_default_event_questions(world):
    qs = questions(form_for(world["event"]))
    assert [q.kind for q in qs] == ["rating", "rating", "single_choice", "rating", "multiple_choice", "text", "yes_no"]
    assert qs[2].options == ["In person", "Online", "Both, in person and online"]
    assert qs[6].label == "Would you attend again?"


def test_ensure_default_forms_refused_to_a_participant(world):
    with pytest.raises(PermissionDenied):
        services.ensure_default_forms(world["event"], world["people"][0])


def test_create_form_for_a_break_then_again_is_refused_at_slot_id(world):
    form = services.create_form(world["event"], world["slots"]["break"].id, world["owner"])
    assert form.slot_id == world["slots"]["break"].id and len(questions(form)) == 4
    with pytest.raises(ValidationError) as error:
        services.create_form(world["event"], world["slots"]["break"].id, world["owner"])
    assert (error.value.field, str(error.value.message)) == ("slot_id", "That already has a feedback form.")


def test_create_form_for_a_slot_of_another_event_is_refused_at_slot_id(world, make_user):
    _other, other_slots = make_feedback_event(world["owner"])
    with pytest.raises(ValidationError) as error:
        services.create_form(world["event"], other_slots["break"].id, world["owner"])
    assert error.value.field == "slot_id"


# --- windows ---------------------------------------------------------------------------------

def test_window_defaults_slot_end_to_fourteen_days_after_the_event(world):
    event, plenary = world["event"], world["plenary"]
    window = form_window(plenary, event)
    assert window.opens_at == world["slots"]["plenary"].ends_at
    assert window.closes_at == datetime.combine(event.end_date + timedelta(days=15), datetime.min.time())
    assert event_end_utc(event) + timedelta(days=14) == window.closes_at


def test_event_form_opens_when_the_last_session_ends(world):
    window = form_window(form_for(world["event"]), world["event"])
    assert window.opens_at == world["slots"]["keynote"].ends_at


def test_submit_before_the_form_opens_is_refused_with_the_opening_time(world):
    keynote = form_for(world["event"], world["slots"]["keynote"])
    registration = world["registrations"][0]
    with pytest.raises(ValidationError) as error:
        submit_response(keynote, world["event"], registration, answers_for(keynote), world["people"][0])
    opens = world["slots"]["keynote"].ends_at
    assert str(error.value.message) == (f"This form is not open yet: it opens on "
                                        f"{opens.strftime('%b')} {opens.day}, {opens.year}, "
                                        f"{opens.strftime('%-I:%M')}\u202f{opens.strftime('%p')} (UTC).")


def test_submit_after_the_form_closes_is_refused_with_a_clear_message(world):
    plenary, event = world["plenary"], world["event"]
    later = form_window(plenary, event).closes_at + timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        submit_response(plenary, event, world["registrations"][0], answers_for(plenary), world["people"][0], now=later)
    assert str(error.value.message).startswith("This form closed on ")
    assert str(error.value.message).endswith("(UTC): answers are no longer accepted.")


def test_custom_window_closing_before_opening_is_refused_at_closes_at(world):
    with pytest.raises(ValidationError) as error:
        services.update_form_settings(world["plenary"], {"title": "Plenary", "anonymous": True,
                                                         "opens_at": datetime(2030, 1, 2, 10, 0),
                                                         "closes_at": datetime(2030, 1, 2, 9, 0)}, world["owner"])
    assert (error.value.field, str(error.value.message)) == ("closes_at", "The form must close after it opens.")


def test_form_of_a_cancelled_session_takes_no_answers(world):
    form = services.create_form(world["event"], world["slots"]["panel"].id, world["owner"])
    with pytest.raises(ValidationError) as error:
        submit_response(form, world["event"], world["registrations"][0], answers_for(form), world["people"][0])
    assert str(error.value.message) == "This session was cancelled, so its form does not take answers."


# --- who may answer --------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["waitlisted", "pending", "cancelled", "rejected"])
def test_only_confirmed_participants_may_answer(world, make_user, status):
    user = make_user()
    registration = register(world["event"], user, status=status)
    with pytest.raises(PermissionDenied) as error:
        submit_response(world["plenary"], world["event"], registration, answers_for(world["plenary"]), user)
    assert str(error.value.message) == "Only confirmed participants of this event can answer its feedback forms."


def test_someone_not_registered_may_not_answer(world, make_user):
    with pytest.raises(PermissionDenied):
        submit_response(world["plenary"], world["event"], None, answers_for(world["plenary"]), make_user())


def test_registration_of_another_event_is_not_found(world, make_user):
    other, _slots = make_feedback_event()
    user = make_user()
    with pytest.raises(NotFound):
        submit_response(world["plenary"], world["event"], register(other, user), answers_for(world["plenary"]), user)


def test_nobody_answers_for_someone_else(world):
    with pytest.raises(PermissionDenied) as error:
        submit_response(world["plenary"], world["event"], world["registrations"][0], answers_for(world["plenary"]),
                        world["people"][1])
    assert str(error.value.message) == "You can only answer for yourself."


def test_working_group_session_only_for_its_members(world):
    event, slot = world["event"], world["slots"]["group"]
    member, waiting, outsider = world["registrations"]
    make_group(event, slot, members=[member], waitlisted=[waiting])
    form = form_for(event, slot)
    assert submit_response(form, event, member, answers_for(form), world["people"][0]) == "created"
    for registration, person in ((waiting, world["people"][1]), (outsider, world["people"][2])):
        with pytest.raises(PermissionDenied) as error:
            submit_response(form, event, registration, answers_for(form), person)
        assert str(error.value.message) == ("This feedback form is for the members of the working groups "
                                            "that met in this session.")


def test_working_group_session_without_groups_is_open_to_everyone(world):
    form = form_for(world["event"], world["slots"]["group"])
    assert submit_response(form, world["event"], world["registrations"][2], answers_for(form),
                           world["people"][2]) == "created"


# --- validation at the field -----------------------------------------------------------------

def _invalid(world, form, values):
    with pytest.raises(AnswersInvalid) as error:
        submit_response(form, world["event"], world["registrations"][0], values, world["people"][0])
    return {field: str(message) for field, message in error.value.errors.items()}


@pytest.mark.parametrize("value", [0, 6, "6", "abc", 4.5, True, None, ""])
def test_rating_outside_its_scale_or_missing_is_refused_at_the_field(world, value):
    qid = questions(world["plenary"])[0].id
    expected = "Please answer this question." if value in (None, "") else "Choose a rating from 1 to 5."
    assert _invalid(world, world["plenary"], {qid: value}) == {f"q_{qid}": expected}
    assert count(FeedbackResponse) == 0 and count(FeedbackRespondent) == 0


def test_unknown_options_and_bad_values_are_refused_at_their_fields(world):
    event_form = form_for(world["event"])
    services.update_form_settings(event_form, {"title": "Event", "anonymous": True,
                                               "opens_at": datetime(2020, 1, 1), "closes_at": None}, world["owner"])
    qs = questions(event_form)
    errors = _invalid(world, event_form, {qs[0].id: 5, qs[2].id: "3", qs[4].id: ["0", "9"], qs[5].id: 12,
                                          qs[6].id: "maybe"})
    assert errors == {f"q_{qs[2].id}": "Choose one of the options offered.",
                      f"q_{qs[4].id}": "Choose only among the options offered.",
                      f"q_{qs[5].id}": "Write your answer as text.",
                      f"q_{qs[6].id}": "Answer yes or no."}


def test_too_long_text_is_refused_at_the_field(world):
    qs = questions(world["plenary"])
    assert _invalid(world, world["plenary"], {qs[0].id: 3, qs[3].id: "x" * 5001}) == {
        f"q_{qs[3].id}": "Keep your answer under 5000 characters."}


def test_choices_are_stored_as_option_positions(world):
    event_form = form_for(world["event"])
    services.update_form_settings(event_form, {"title": "Event", "anonymous": False,
                                               "opens_at": datetime(2020, 1, 1), "closes_at": None}, world["owner"])
    qs = questions(event_form)
    submit_response(event_form, world["event"], world["registrations"][0],
                    {qs[0].id: "5", qs[2].id: "1", qs[4].id: ["4", "0", "4"], qs[5].id: "  More on AI  ",
                     qs[6].id: "yes"}, world["people"][0])
    stored = dict(db.session.execute(select(FeedbackAnswer.question_id, FeedbackAnswer.value)).all())
    assert stored == {qs[0].id: 5, qs[2].id: "1", qs[4].id: ["0", "4"], qs[5].id: "More on AI", qs[6].id: True}


# --- once per person -------------------------------------------------------------------------

def test_anonymous_form_second_submission_is_refused_never_duplicated(world):
    form, registration, person = world["plenary"], world["registrations"][0], world["people"][0]
    assert submit_response(form, world["event"], registration, answers_for(form, 5), person) == "created"
    with pytest.raises(Conflict) as error:
        submit_response(form, world["event"], registration, answers_for(form, 1), person)
    assert str(error.value.message) == ("You have already answered this form. Your answers are anonymous: they "
                                        "are not linked to you, so they cannot be changed.")
    assert count(FeedbackResponse, form_id=form.id) == 1
    assert count(FeedbackRespondent, form_id=form.id) == 1
    assert db.session.scalars(select(FeedbackAnswer.value)).all() == [5]


def test_named_form_second_submission_updates_the_one_response(world):
    form, registration, person = world["plenary"], world["registrations"][0], world["people"][0]
    services.update_form_settings(form, {"title": form.title, "anonymous": False}, world["owner"])
    qs = questions(form)
    first = utcnow().replace(microsecond=0) - timedelta(minutes=30)
    assert submit_response(form, world["event"], registration, {qs[0].id: 2, qs[3].id: "Too long"}, person,
                           now=first) == "created"
    assert submit_response(form, world["event"], registration, {qs[0].id: 4, qs[1].id: 5}, person) == "updated"
    response = db.session.scalar(select(FeedbackResponse))
    assert count(FeedbackResponse) == 1 and count(FeedbackRespondent) == 1
    assert response.registration_id == registration.id and response.submitted_at > first
    assert answering.previous_answers(form, registration) == {qs[0].id: 4, qs[1].id: 5}


def test_has_answered_is_recorded_apart_for_both_kinds(world):
    form = world["plenary"]
    submit_response(form, world["event"], world["registrations"][1], answers_for(form), world["people"][1])
    assert answering.has_answered(form, world["registrations"][1])
    assert not answering.has_answered(form, world["registrations"][0])


# --- locks after the first response ----------------------------------------------------------

@pytest.fixture
def answered(world):
    submit_response(world["plenary"], world["event"], world["registrations"][0], answers_for(world["plenary"]),
                    world["people"][0])
    return world


def _question_values(question, **changes):
    values = {"kind": question.kind, "label": question.label, "required": question.required,
              "options": "\n".join(question.options), "scale_min": question.scale_min,
              "scale_max": question.scale_max, "low_label": question.low_label, "high_label": question.high_label}
    values.update(changes)
    return values


@pytest.mark.parametrize("changes, field", [
    ({"kind": "text"}, "kind"), ({"scale_max": 10}, "scale_max"), ({"scale_min": 0}, "scale_max"),
    ({"required": False}, "required"),
])
def test_after_the_first_response_types_and_scales_are_locked(answered, changes, field):
    question = questions(answered["plenary"])[0]
    with pytest.raises(ValidationError) as error:
        question_services.update_question(question, _question_values(question, **changes), answered["owner"])
    assert error.value.field == field
    assert str(error.value.message).startswith("Responses have arrived: only the wording can change now")
    db.session.refresh(question)
    assert (question.kind, question.scale_min, question.scale_max, question.required) == ("rating", 1, 5, True)


def test_after_the_first_response_wording_still_changes(answered):
    question = questions(answered["plenary"])[0]
    question_services.update_question(question, _question_values(question, label="How was it?", low_label="Bad",
                                                         high_label="Superb"), answered["owner"])
    db.session.refresh(question)
    assert (question.label, question.low_label, question.high_label) == ("How was it?", "Bad", "Superb")


def test_after_the_first_response_options_are_reworded_not_added(world):
    event_form = form_for(world["event"])
    services.update_form_settings(event_form, {"title": "Event", "anonymous": True,
                                               "opens_at": datetime(2020, 1, 1)}, world["owner"])
    qs = questions(event_form)
    submit_response(event_form, world["event"], world["registrations"][0], {qs[0].id: 4}, world["people"][0])
    choice = qs[2]
    question_services.update_question(choice, _question_values(choice, options="On site\nRemote\nBoth"), world["owner"])
    assert questions(event_form)[2].options == ["On site", "Remote", "Both"]
    with pytest.raises(ValidationError) as error:
        question_services.update_question(choice, _question_values(choice, options="On site\nRemote\nBoth\nNeither"),
                                 world["owner"])
    assert error.value.field == "options"


def test_after_the_first_response_questions_are_neither_added_nor_removed(answered):
    form = answered["plenary"]
    with pytest.raises(ValidationError):
        question_services.add_question(form, {"kind": "yes_no", "label": "Again?"}, answered["owner"])
    with pytest.raises(ValidationError):
        question_services.delete_question(questions(form)[3], answered["owner"])
    assert len(questions(form)) == 4


def test_after_the_first_response_anonymity_is_fixed(answered):
    with pytest.raises(ValidationError) as error:
        services.update_form_settings(answered["plenary"], {"title": "Plenary", "anonymous": False},
                                      answered["owner"])
    assert error.value.field == "anonymous"


def test_before_any_response_questions_change_freely(world):
    form = world["plenary"]
    question = question_services.add_question(form, {"kind": "single_choice", "label": "Format?",
                                            "options": "Talk\nWorkshop"}, world["owner"])
    assert (question.position, question.options) == (4, ["Talk", "Workshop"])
    question_services.update_question(question, _question_values(question, kind="rating", scale_min=0, scale_max=10),
                             world["owner"])
    assert (question.kind, question.options, question.scale_max) == ("rating", [], 10)
    question_services.delete_question(question, world["owner"])
    assert len(questions(form)) == 4


@pytest.mark.parametrize("values, field", [
    ({"kind": "single_choice", "label": "Q", "options": "Only one"}, "options"),
    ({"kind": "single_choice", "label": "Q", "options": "Same\nSame"}, "options"),
    ({"kind": "rating", "label": "Q", "scale_min": 1, "scale_max": 11}, "scale_max"),
    ({"kind": "rating", "label": "  "}, "label"),
    ({"kind": "essay", "label": "Q"}, "kind"),
])
def test_bad_questions_are_refused_at_the_field(world, values, field):
    with pytest.raises(ValidationError) as error:
        question_services.add_question(world["plenary"], values, world["owner"])
    assert error.value.field == field


def test_question_changes_refused_to_a_participant(world):
    with pytest.raises(PermissionDenied):
        question_services.add_question(world["plenary"], {"kind": "yes_no", "label": "Q"}, world["people"][0])
