"""Validation of answers to an event's custom registration questions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventsys import inputrules
from eventsys.errors import ValidationError
from eventsys.reference import is_valid_country

MAX_SHORT, MAX_LONG = 300, 5000


def answer_field(question_id: int) -> str:
    """The form field name of a question (errors are reported at it)."""
    return f"q_{question_id}"


def validate_answers(questions, answers: dict) -> dict:
    """Return {question id: clean value} for the given questions (those that apply to the
    chosen mode). Raises ValidationError at the first bad question's field."""
    clean, errors = check_answers(questions, answers)
    for field, message in errors.items():
        raise ValidationError(message, field=field)
    return clean


def check_answers(questions, answers: dict) -> tuple[dict, dict]:
    """({question id: clean value}, {field: message}): every question checked, so a form
    can show all its errors at once."""
    clean, errors = {}, {}
    for question in questions:
        try:
            value = _clean_one(question, answers.get(question.id))
        except ValidationError as error:
            errors[error.field] = error.message
            continue
        if value in (None, "", []):
            if question.required:
                errors[answer_field(question.id)] = _l("Please answer this question.")
            continue
        clean[question.id] = value
    return clean, errors


def _clean_one(question, raw):
    field = answer_field(question.id)
    kind = question.kind
    if kind in ("short_text", "long_text"):
        text = (raw or "").strip() if isinstance(raw, str) else ""
        if len(text) > (MAX_SHORT if kind == "short_text" else MAX_LONG):
            raise ValidationError(_l("This answer is too long."), field=field)
        if kind == "short_text":
            inputrules.require_single_line(text, field)
        return text
    if kind == "yes_no":
        if raw in (None, ""):
            return None
        if raw in (True, "yes", "y", "true", "1"):
            return True
        if raw in (False, "no", "n", "false", "0"):
            return False
        raise ValidationError(_l("Answer yes or no."), field=field)
    if kind == "single_choice":
        if raw in (None, ""):
            return None
        if raw not in (question.options or []):
            raise ValidationError(_l("Choose one of the options."), field=field)
        return raw
    if kind == "multiple_choice":
        values = [raw] if isinstance(raw, str) else list(raw or [])
        if any(v not in (question.options or []) for v in values):
            raise ValidationError(_l("Choose from the options."), field=field)
        return [o for o in question.options if o in values]
    if kind == "country":
        if raw in (None, ""):
            return None
        if not isinstance(raw, str) or not is_valid_country(raw):
            raise ValidationError(_l("Choose a country from the list."), field=field)
        return raw
    raise ValidationError(_l("Unknown question type."), field=field)
