"""Custom registration questions: kinds and options, who is asked, sensitive questions,
and the default template (organisation, country, stakeholder group)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsys.errors import PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.registration import organiser, services
from eventsys.registration.models import RegistrationAnswer
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, register

STAKEHOLDER_OPTIONS = ["Researcher", "Clinician or health professional", "Patient or citizen organisation",
                       "Industry", "Policy maker", "Funder", "Other"]


def question(**values) -> dict:
    return {"kind": "short_text", "label": "Job title", "options": "", "help_text": "", "applies_to": "all",
            "required": False, "sensitive": False, **values}


@pytest.fixture
def owner(make_user):
    return make_user()


def test_create_question_appends_with_clean_options(app, owner):
    event = make_open_event(owner)
    first = organiser.create_question(event, question(), owner)
    diet = organiser.create_question(event, question(
        kind="multiple_choice", label=" Dietary needs ", options="Vegetarian\n\n Vegan \nVegetarian\nHalal",
        applies_to="in_person", required=True, sensitive=True, help_text="For lunch"), owner)
    assert (diet.label, diet.options, diet.applies_to, diet.required, diet.sensitive, diet.help_text) == (
        "Dietary needs", ["Vegetarian", "Vegan", "Halal"], "in_person", True, True, "For lunch")
    assert diet.position == first.position + 1
    assert [q.id for q in services.questions_for(event, "online")] == [first.id]
    assert [q.id for q in services.questions_for(event, "in_person")] == [first.id, diet.id]


def test_text_question_keeps_no_options(app, owner):
    event = make_open_event(owner)
    assert organiser.create_question(event, question(options="a\nb"), owner).options == []


@pytest.mark.parametrize("changes, field", [
    ({"kind": "essay"}, "kind"),
    ({"label": "  "}, "label"),
    ({"label": "x" * 301}, "label"),
    ({"applies_to": "everyone"}, "applies_to"),
    ({"kind": "single_choice", "options": "Only one"}, "options"),
    ({"kind": "multiple_choice", "options": "Same\n Same \nSame"}, "options"),
    ({"kind": "single_choice", "options": "\n".join(f"o{n}" for n in range(51))}, "options"),
])
def test_bad_question_is_refused_at_the_field(app, owner, changes, field):
    event = make_open_event(owner)
    with pytest.raises(ValidationError) as error:
        organiser.create_question(event, question(**changes), owner)
    assert error.value.field == field
    assert services.questions_for(event) == []


def test_choice_options_are_case_sensitive_but_deduplicated_exactly(app, owner):
    event = make_open_event(owner)
    q = organiser.create_question(event, question(kind="single_choice", options="Same\nsame"), owner)
    assert q.options == ["Same", "same"]


def test_kind_cannot_change_once_answered(app, owner, make_user):
    event = make_open_event(owner)
    q = organiser.create_question(event, question(kind="single_choice", options="A\nB"), owner)
    register(event, make_user(), answers={q.id: "A"})
    with pytest.raises(ValidationError) as error:
        organiser.update_question(q, question(kind="short_text", label="Changed"), owner)
    assert error.value.field == "kind"
    db.session.refresh(q)
    assert (q.kind, q.label) == ("single_choice", "Job title")
    organiser.update_question(q, question(kind="single_choice", label="Pick", options="A\nB\nC"), owner)
    assert (q.label, q.options) == ("Pick", ["A", "B", "C"])


def test_kind_can_change_before_anyone_answered(app, owner):
    event = make_open_event(owner)
    q = organiser.create_question(event, question(), owner)
    organiser.update_question(q, question(kind="yes_no", label="Vegetarian?"), owner)
    assert (q.kind, q.label) == ("yes_no", "Vegetarian?")


def test_delete_question_removes_its_answers(app, owner, make_user):
    event = make_open_event(owner)
    q = organiser.create_question(event, question(), owner)
    keep = organiser.create_question(event, question(label="Other"), owner)
    register(event, make_user(), answers={q.id: "Nurse", keep.id: "x"})
    organiser.delete_question(q, owner)
    assert [a.question_id for a in db.session.scalars(select(RegistrationAnswer))] == [keep.id]
    assert organiser.get_question(event, q.id) is None


def test_template_adds_the_usual_questions_once(app, owner):
    event = make_open_event(owner)
    assert organiser.add_template_questions(event, owner) == 3
    assert organiser.add_template_questions(event, owner) == 0
    questions = services.questions_for(event)
    assert [(q.kind, q.label, q.required, q.sensitive, q.applies_to) for q in questions] == [
        ("short_text", "Organisation", False, False, "all"), ("country", "Country", False, False, "all"),
        ("single_choice", "Stakeholder group", False, False, "all")]
    assert questions[2].options == STAKEHOLDER_OPTIONS


def test_template_skips_questions_the_event_already_has(app, owner):
    event = make_open_event(owner)
    mine = organiser.create_question(event, question(label="ORGANISATION"), owner)
    organiser.create_question(event, question(kind="country", label="Country of residence"), owner)
    assert organiser.add_template_questions(event, owner) == 1
    assert [q.label for q in services.questions_for(event)] == [mine.label, "Country of residence", "Stakeholder group"]


def test_question_is_not_found_through_another_event(app, owner):
    event, other = make_open_event(owner), make_open_event(owner)
    q = organiser.create_question(event, question(), owner)
    assert organiser.get_question(other, q.id) is None


@pytest.mark.parametrize("role", ["rapporteur", "checkin"])
def test_questions_cannot_be_changed_by_staff_without_manage_right(app, owner, make_user, role):
    event = make_open_event(owner)
    q = organiser.create_question(event, question(), owner)
    staff = make_user()
    add_role(event, staff, role)
    with pytest.raises(PermissionDenied):
        organiser.create_question(event, question(), staff)
    with pytest.raises(PermissionDenied):
        organiser.update_question(q, question(label="x"), staff)
    with pytest.raises(PermissionDenied):
        organiser.delete_question(q, staff)
    with pytest.raises(PermissionDenied):
        organiser.add_template_questions(event, staff)
    assert len(services.questions_for(event)) == 1
