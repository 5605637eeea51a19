"""Validation of answers to feedback questions: plain values in, stored values out.

A rating is a whole number on the question's scale; a single choice is the position of one
of its options ("0", "1", …), a multiple choice a list of such positions (each once, in the
options' order), yes/no a boolean, free text a string of up to 5,000 characters. A blank
answer is skipped, or refused when the question is required. Every refusal is reported at
its field (``q_<question id>``), all at once.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventsys.errors import ValidationError

TEXT_MAX = 5000


class AnswersInvalid(ValidationError):
    """Several fields can be wrong at once: ``errors`` maps each field to its message;
    ``field`` and ``message`` are the first of them."""

    def __init__(self, errors: dict):
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = errors


def field_name(question) -> str:
    return f"q_{question.id}"


# --- validation (plain values in, stored values out) -------------------------------------

class _Refused(Exception):
    pass


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, (list, tuple, set)) and not value)


def _rating(question, value) -> int:
    if isinstance(value, bool):
        raise _Refused()
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError as exc:
        raise _Refused() from exc
    if not isinstance(number, int) or not question.scale_min <= number <= question.scale_max:
        raise _Refused()
    return number


def _option_keys(question) -> list[str]:
    return [str(i) for i in range(len(question.options or []))]


def _single(question, value) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) not in _option_keys(question):
        raise _Refused()
    return str(value)


def _multiple(question, value) -> list[str]:
    values = [value] if isinstance(value, (str, int)) else value
    if not isinstance(values, (list, tuple, set)):
        raise _Refused()
    keys = _option_keys(question)
    chosen = {str(v) for v in values if not isinstance(v, bool)}
    if len(chosen) != len(set(map(str, values))) or not chosen <= set(keys):
        raise _Refused()
    return [key for key in keys if key in chosen]


def _yes_no(question, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    raise _Refused()


def _text(question, value) -> str:
    if not isinstance(value, str):
        raise _Refused()
    return value.strip().replace("\r\n", "\n")


CLEANERS = {"rating": _rating, "single_choice": _single, "multiple_choice": _multiple,
            "yes_no": _yes_no, "text": _text}
REFUSALS = {
    "rating": lambda q: _l("Choose a rating from %(min)s to %(max)s.", min=q.scale_min, max=q.scale_max),
    "single_choice": lambda q: _l("Choose one of the options offered."),
    "multiple_choice": lambda q: _l("Choose only among the options offered."),
    "yes_no": lambda q: _l("Answer yes or no."),
    "text": lambda q: _l("Write your answer as text."),
}


def clean_answers(questions, raw: dict) -> dict[int, object]:
    """{question id: stored value} for the answered questions; ``raw`` is keyed by question
    id (int or str) or by field name (q_<id>). Raises AnswersInvalid at the fields."""
    clean, errors = {}, {}
    for question in questions:
        value = next((raw[k] for k in (question.id, str(question.id), field_name(question)) if k in raw), None)
        if _blank(value):
            if question.required:
                errors[field_name(question)] = _l("Please answer this question.")
            continue
        try:
            clean[question.id] = CLEANERS[question.kind](question, value)
        except _Refused:
            errors[field_name(question)] = REFUSALS[question.kind](question)
            continue
        if question.kind == "text" and len(clean[question.id]) > TEXT_MAX:
            errors[field_name(question)] = _l("Keep your answer under %(max)s characters.", max=TEXT_MAX)
    if errors:
        raise AnswersInvalid(errors)
    return clean
