"""Questions of feedback forms (organiser side).

Rules: only people who may manage the event change them (PermissionDenied). A question
has a type (rating, single or multiple choice, yes/no, free text), a wording, whether an
answer is required; choices have 2 to 20 different options, ratings a scale from 0 or 1
to 2…10 with labelled ends. Once the first response has arrived a question keeps its type,
scale, number of options and whether it is required, and none is added or removed: only
the wording changes (ValidationError at the field that tried to change more).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsys import permissions
from eventsys.errors import ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.feedback.models import QUESTION_KINDS, FeedbackForm, FeedbackQuestion
from eventsys.feedback.services import CANNOT_CHANGE, LOCKED, MAX_LABEL, has_responses

CHOICE_KINDS = ("single_choice", "multiple_choice")
MAX_OPTIONS, MAX_OPTION_LENGTH, MAX_END_LABEL = 20, 200, 100


def _text(values: dict, key: str, limit: int, required_message=None) -> str:
    text = " ".join(str(values.get(key) or "").split())
    if required_message and not text:
        raise ValidationError(required_message, field=key)
    if len(text) > limit:
        raise ValidationError(_l("Keep it under %(max)s characters.", max=limit), field=key)
    return text


def _options(values: dict, kind: str) -> list[str]:
    raw = values.get("options") or []
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    options = [" ".join(str(line).split()) for line in lines if str(line).strip()]
    if kind not in CHOICE_KINDS:
        return []
    if len(options) < 2:
        raise ValidationError(_l("Give at least two options, one per line."), field="options")
    if len(options) > MAX_OPTIONS or any(len(o) > MAX_OPTION_LENGTH for o in options):
        raise ValidationError(_l("Give at most %(n)s options of up to %(max)s characters each.",
                                 n=MAX_OPTIONS, max=MAX_OPTION_LENGTH), field="options")
    if len(set(options)) != len(options):
        raise ValidationError(_l("Each option must be different."), field="options")
    return options


def _scale(values: dict, kind: str) -> tuple[int, int]:
    if kind != "rating":
        return 1, 5
    try:
        low, high = int(values.get("scale_min", 1)), int(values.get("scale_max", 5))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_l("Enter whole numbers."), field="scale_max") from exc
    if not (0 <= low <= 1 and 2 <= high <= 10):
        raise ValidationError(_l("A scale starts at 0 or 1 and ends between 2 and 10."), field="scale_max")
    return low, high


def clean_question(values: dict) -> dict:
    """Check a question's values; raises ValidationError at the field."""
    kind = values.get("kind")
    if kind not in QUESTION_KINDS:
        raise ValidationError(_l("Choose a type of answer."), field="kind")
    low, high = _scale(values, kind)
    rating = kind == "rating"
    return {"kind": kind, "label": _text(values, "label", MAX_LABEL, _l("Write the question.")),
            "required": bool(values.get("required")), "options": _options(values, kind),
            "scale_min": low, "scale_max": high,
            "low_label": _text(values, "low_label", MAX_END_LABEL) if rating else "",
            "high_label": _text(values, "high_label", MAX_END_LABEL) if rating else ""}


def add_question(form: FeedbackForm, values: dict, actor) -> FeedbackQuestion:
    """Add a question at the end. Refused (ValidationError) once responses have arrived."""
    permissions.require_manager(actor, db.session.get(Event, form.event_id), CANNOT_CHANGE)
    clean = clean_question(values)
    if has_responses(form):
        raise ValidationError(LOCKED)
    position = db.session.scalar(select(func.coalesce(func.max(FeedbackQuestion.position), -1))
                                 .where(FeedbackQuestion.form_id == form.id)) + 1
    question = FeedbackQuestion(form_id=form.id, position=position, **clean)
    db.session.add(question)
    db.session.commit()
    return question


def _check_locked_change(question: FeedbackQuestion, clean: dict) -> None:
    if clean["kind"] != question.kind:
        raise ValidationError(LOCKED, field="kind")
    if (clean["scale_min"], clean["scale_max"]) != (question.scale_min, question.scale_max):
        raise ValidationError(LOCKED, field="scale_max")
    if len(clean["options"]) != len(question.options or []):
        raise ValidationError(LOCKED, field="options")
    if clean["required"] != question.required:
        raise ValidationError(LOCKED, field="required")


def update_question(question: FeedbackQuestion, values: dict, actor) -> FeedbackQuestion:
    """Change a question. After the first response only its wording (question, end labels,
    option texts) may change: ValidationError at the field that tried to change more."""
    form = db.session.get(FeedbackForm, question.form_id)
    permissions.require_manager(actor, db.session.get(Event, form.event_id), CANNOT_CHANGE)
    clean = clean_question(values)
    if has_responses(form):
        _check_locked_change(question, clean)
    for key, value in clean.items():
        setattr(question, key, value)
    db.session.commit()
    return question


def delete_question(question: FeedbackQuestion, actor) -> None:
    """Remove a question; refused (ValidationError) once responses have arrived."""
    form = db.session.get(FeedbackForm, question.form_id)
    permissions.require_manager(actor, db.session.get(Event, form.event_id), CANNOT_CHANGE)
    if has_responses(form):
        raise ValidationError(LOCKED)
    db.session.delete(question)
    db.session.commit()
