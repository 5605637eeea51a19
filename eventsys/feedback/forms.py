"""Forms of the feedback pages. They only carry what people typed: every rule (required
answers, scales, options, locks after the first response) is checked by the services,
whose errors are shown at the fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, RadioField, SelectField, SelectMultipleField, SubmitField,
                     TextAreaField)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventsys.feedback.answers import field_name
from eventsys.forms import as_choices, BoundedIntegerField, SaneDateTimeLocalField, SingleLineField

KIND_LABELS = {"rating": _l("Rating on a scale"), "single_choice": _l("Single choice"),
               "multiple_choice": _l("Multiple choice"), "yes_no": _l("Yes or no"), "text": _l("Free text")}


class FormSettingsForm(FlaskForm):
    title = SingleLineField(_l("Title"))
    anonymous = BooleanField(_l("Anonymous"), description=_l(
        "Answers are stored without any link to the person, and each person can still answer only once. "
        "Anonymous answers cannot be changed afterwards. Fixed once responses arrive."))
    opens_at = SaneDateTimeLocalField(_l("Opens at"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                      description=_l("In the event's time zone. Leave empty to open when the "
                                                     "session ends (for the whole event: when the last session ends)."))
    closes_at = SaneDateTimeLocalField(_l("Closes at"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                       description=_l("In the event's time zone. Leave empty to close 14 days "
                                                      "after the event."))
    submit = SubmitField(_l("Save settings"))

    def values(self) -> dict:
        return {key: getattr(self, key).data for key in ("title", "anonymous", "opens_at", "closes_at")}


class QuestionForm(FlaskForm):
    label = SingleLineField(_l("Question"))
    kind = SelectField(_l("Type of answer"), validate_choice=False)
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Options"), description=_l("For choice questions: one option per line, "
                                                          "at least two."))
    scale_min = BoundedIntegerField(_l("Scale from"), default=1, validators=[Optional()])
    scale_max = BoundedIntegerField(_l("Scale to"), default=5, validators=[Optional()])
    low_label = SingleLineField(_l("Label of the lowest rating"), description=_l("For example: Poor"))
    high_label = SingleLineField(_l("Label of the highest rating"), description=_l("For example: Excellent"))
    submit = SubmitField(_l("Save question"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = as_choices(KIND_LABELS.items())

    @classmethod
    def for_question(cls, question, **kwargs):
        data = {"label": question.label, "kind": question.kind, "required": question.required,
                "options": "\n".join(question.options or []), "scale_min": question.scale_min,
                "scale_max": question.scale_max, "low_label": question.low_label,
                "high_label": question.high_label}
        return cls(prefix=f"q{question.id}", data=data, **kwargs)

    def values(self) -> dict:
        values = {key: getattr(self, key).data for key in
                  ("label", "kind", "required", "options", "low_label", "high_label")}
        values["scale_min"] = 1 if self.scale_min.data is None else self.scale_min.data
        values["scale_max"] = 5 if self.scale_max.data is None else self.scale_max.data
        return values


class NewFormForm(FlaskForm):
    slot_id = SelectField(_l("Add a form for"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Add form"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _field(question):
    """The field of one question; its choices are set on the form (see set_choices)."""
    if question.kind == "multiple_choice":
        return MultiCheckboxField(question.label, validate_choice=False)
    if question.kind == "text":
        return TextAreaField(question.label)
    return RadioField(question.label, validate_choice=False)


def enumerate_options(question):
    return ((str(i), text) for i, text in enumerate(question.options or []))


def _choices(question) -> list[tuple[str, str]]:
    if question.kind == "rating":
        return [(str(v), str(v)) for v in range(question.scale_min, question.scale_max + 1)]
    if question.kind == "yes_no":
        return [("yes", _l("Yes")), ("no", _l("No"))]
    return list(enumerate_options(question))


def build_answer_form(questions, previous: dict | None = None):
    """A form with one field per question (``q_<id>``), filled with ``previous`` answers."""
    class AnswerForm(FlaskForm):
        submit = SubmitField(_l("Send my answers"))

    for question in questions:
        setattr(AnswerForm, field_name(question), _field(question))
    data = {field_name(q): _as_field_value(q, previous[q.id]) for q in questions if previous and q.id in previous}
    form = AnswerForm(data=data)
    for question in questions:
        if question.kind != "text":
            getattr(form, field_name(question)).choices = as_choices(_choices(question))
    return form


def _as_field_value(question, value):
    if question.kind == "yes_no":
        return "yes" if value else "no"
    if question.kind == "multiple_choice":
        return [str(v) for v in value]
    return str(value)


def answers_from_form(form, questions) -> dict:
    return {question.id: getattr(form, field_name(question)).data for question in questions}
