"""Registration forms. The custom questions become fields named ``q_<id>`` built per event."""
from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l, ngettext
from flask_wtf import FlaskForm
from wtforms import (BooleanField, RadioField, SelectField, SelectMultipleField, SubmitField,
                     TextAreaField, widgets)
from wtforms.validators import Optional

from eventsys.forms import as_choices, SingleLineField
from eventsys.reference import country_choices
from eventsys.registration.answers import MAX_LONG, MAX_SHORT, answer_field

MODE_LABELS = {"in_person": _l("In person"), "online": _l("Online")}


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RegistrationFormBase(FlaskForm):
    mode = RadioField(_l("How will you attend?"), choices=[])
    consent_privacy = BooleanField(_l("I have read and accept the privacy notice."))
    consent_public_list = BooleanField(
        _l("Show my name and organisation on the event's public list of participants (optional)."))
    accept_waitlist = BooleanField(_l("If my choice is full, put me on the waiting list."))
    submit = SubmitField(_l("Register"))


def build_registration_form(questions, modes, formdata=None, **kwargs):
    """A form class with one field per question; ``modes`` are the ways of attending on offer."""
    class RegistrationForm(RegistrationFormBase):
        pass

    for question in questions:
        setattr(RegistrationForm, answer_field(question.id), _question_field(question))
    form = RegistrationForm(formdata=formdata, **kwargs) if formdata is not None else RegistrationForm(**kwargs)
    form.mode.choices = as_choices((m, MODE_LABELS[m]) for m in modes)
    form.mode.validate_choice = False  # the service says what is wrong with the mode, with the other errors
    return form


def label_modes_with_seats(form, mode_seats) -> None:
    """Show each mode's free seats at the choice ("In person — 3 seats left")."""
    form.mode.choices = [(m.mode, f"{MODE_LABELS[m.mode]} — {seats_phrase(m)}") for m in mode_seats]


def seats_phrase(mode_seats) -> str:
    if mode_seats.left is None:
        return str(_l("places available"))
    if mode_seats.full:
        return str(_l("full: waiting list only"))
    return ngettext("%(num)s seat left", "%(num)s seats left", mode_seats.left)


def _question_field(question):
    label, help_text = question.label, question.help_text
    opts = {"description": help_text, "validators": [Optional()]}
    if question.kind == "short_text":
        return SingleLineField(label, render_kw={"maxlength": MAX_SHORT}, **opts)
    if question.kind == "long_text":
        return TextAreaField(label, render_kw={"maxlength": MAX_LONG, "rows": 3}, **opts)
    if question.kind == "single_choice":
        return RadioField(label, choices=as_choices((o, o) for o in question.options), validate_choice=False, **opts)
    if question.kind == "multiple_choice":
        return MultiCheckboxField(label, choices=as_choices((o, o) for o in question.options), validate_choice=False, **opts)
    if question.kind == "yes_no":
        return RadioField(label, choices=as_choices([("yes", _l("Yes")), ("no", _l("No"))]), validate_choice=False, **opts)
    if question.kind == "country":
        field = SelectField(label, validate_choice=False, **opts)
        field.kwargs["choices"] = as_choices([("", _l("— choose —"))] + country_choices(str(get_locale() or "en")))
        return field
    raise ValueError(question.kind)


def answers_from_form(form, questions) -> dict:
    return {q.id: getattr(form, answer_field(q.id)).data for q in questions}
