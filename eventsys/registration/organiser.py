"""Organiser side of registration: settings and custom questions.

Rules: only people who may manage the event change them (PermissionDenied otherwise).
Capacities change through a conditional UPDATE (``capacity = :new WHERE taken <= :new``),
never by reading and writing the seat counters, so a capacity can never be set below
the seats taken, not even while people are registering. Raising a capacity fills the
new seats from the waitlists, in order. The participant list and the actions on it are
in participants.py.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from eventsys import permissions
from eventsys.auth.forms import STAKEHOLDER_LABELS
from eventsys.auth.models import STAKEHOLDER_CATEGORIES
from eventsys.errors import ValidationError
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import (MODES, QUESTION_KINDS, QUESTION_MODES, RegistrationAnswer,
                                          RegistrationQuestion, RegistrationSettings)
from eventsys.timeutil import to_local, to_utc

CHOICE_KINDS = ("single_choice", "multiple_choice")
TEXT_KINDS = ("short_text", "long_text")
MAX_OPTIONS, MAX_OPTION_LENGTH, MAX_CAPACITY = 50, 200, 100_000
MODE_NAMES = {"in_person": _l("in-person"), "online": _l("online")}


CANNOT_CHANGE = _l("Only the event's organisers can change its registration.")


# --- settings ---------------------------------------------------------------------------

def settings_form_data(event: Event, settings: RegistrationSettings) -> dict:
    """The settings as a form shows them: times as wall-clock times in the event's zone."""
    local = (lambda utc: to_local(utc, event.timezone).replace(tzinfo=None) if utc else None)
    return {"is_open": settings.is_open, "opens_at": local(settings.opens_at),
            "closes_at": local(settings.closes_at), "in_person_capacity": settings.in_person_capacity,
            "online_capacity": settings.online_capacity, "requires_approval": settings.requires_approval,
            "confirmation_message": settings.confirmation_message, "privacy_notice": settings.privacy_notice,
            "confirmation_message_in_person": settings.confirmation_message_in_person,
            "confirmation_message_online": settings.confirmation_message_online}


def _capacity(values: dict, mode: str, required: bool) -> int | None:
    field = f"{mode}_capacity"
    raw = values.get(field)
    if raw in (None, ""):
        if required:
            raise ValidationError(_l("Enter the number of seats (0 when this way of attending is not offered)."),
                                  field=field)
        return None
    try:
        number = int(raw)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_l("Enter a whole number."), field=field) from exc
    if not 0 <= number <= MAX_CAPACITY:
        raise ValidationError(_l("Enter a number between 0 and %(max)s.", max=MAX_CAPACITY), field=field)
    return number


def clean_settings(event: Event, values: dict) -> dict:
    """Check the values; times given in the event's zone come back in UTC."""
    clean = {"is_open": bool(values.get("is_open")), "requires_approval": bool(values.get("requires_approval")),
             "confirmation_message": (values.get("confirmation_message") or "").strip()[:5000],
             "confirmation_message_in_person": (values.get("confirmation_message_in_person") or "").strip()[:5000],
             "confirmation_message_online": (values.get("confirmation_message_online") or "").strip()[:5000],
             "privacy_notice": (values.get("privacy_notice") or "").strip()[:20000]}
    for key in ("opens_at", "closes_at"):
        value = values.get(key)
        if value is not None and not isinstance(value, datetime):
            raise ValidationError(_l("Enter a date and time."), field=key)
        clean[key] = to_utc(value, event.timezone) if value else None
    if clean["opens_at"] and clean["closes_at"] and clean["closes_at"] <= clean["opens_at"]:
        raise ValidationError(_l("Registration must close after it opens."), field="closes_at")
    for mode in MODES:
        if f"{mode}_capacity" in values:
            # An in-person capacity is a number; online seats may be unlimited (blank).
            clean[f"{mode}_capacity"] = _capacity(values, mode, required=(mode == "in_person"))
    return clean


def _set_capacity(settings: RegistrationSettings, mode: str, capacity: int | None) -> None:
    """Conditional UPDATE: refused (with the numbers, at the field) when fewer seats than taken."""
    taken = getattr(RegistrationSettings, f"{mode}_taken")
    column = getattr(RegistrationSettings, f"{mode}_capacity")
    query = update(RegistrationSettings).where(RegistrationSettings.id == settings.id)
    if capacity is not None:
        query = query.where(taken <= capacity)
    result = db.session.execute(query.values({column.key: capacity}).execution_options(synchronize_session=False))
    if result.rowcount == 1:
        return
    seated = db.session.scalar(select(taken).where(RegistrationSettings.id == settings.id))
    db.session.rollback()
    raise ValidationError(
        _l("%(taken)s %(mode)s seats are taken, so the capacity cannot be lower than %(taken)s. "
           "Cancel or move registrations first.", taken=seated, mode=MODE_NAMES[mode]),
        field=f"{mode}_capacity")


def _next_version(version: str) -> str:
    return str(int(version) + 1) if (version or "").isdigit() else "2"


def update_settings(event: Event, values: dict, actor, now: datetime | None = None) -> list:
    """Save the registration settings of ``event`` (capacity keys that are absent stay as
    they are). The privacy notice's version goes up whenever its text changes, so each
    registration records which text was accepted. Returns the registrations promoted
    from the waitlists into new seats (they are told by email).

    Raises PermissionDenied (cannot manage the event) and ValidationError at the field:
    a bad time or capacity, closing before opening, a capacity below the seats taken.
    """
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    clean = clean_settings(event, values)
    settings = services.get_settings(event)
    for mode in MODES:
        if f"{mode}_capacity" in clean:
            _set_capacity(settings, mode, clean.pop(f"{mode}_capacity"))
    if clean["privacy_notice"] != (settings.privacy_notice or ""):
        settings.privacy_notice_version = _next_version(settings.privacy_notice_version)
    for key, value in clean.items():
        setattr(settings, key, value)
    # Commits the whole change, with any promotion it allows, as one transaction.
    return services.promote_after_capacity_change(event, now)


# --- questions --------------------------------------------------------------------------

def get_question(event: Event, question_id: int) -> RegistrationQuestion | None:
    return db.session.scalar(select(RegistrationQuestion).where(
        RegistrationQuestion.id == question_id, RegistrationQuestion.event_id == event.id))


def _options(raw) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
    options = []
    for line in (str(item).strip() for item in lines):
        if line and line not in options:
            options.append(line)
    return options


def clean_question(values: dict) -> dict:
    """Check a question's values; choice questions need two or more options, one per line."""
    kind = values.get("kind")
    if kind not in QUESTION_KINDS:
        raise ValidationError(_l("Choose a type of question."), field="kind")
    label = (values.get("label") or "").strip()
    if not label:
        raise ValidationError(_l("Enter the question."), field="label")
    if len(label) > 300:
        raise ValidationError(_l("Keep the question under 300 characters."), field="label")
    applies_to = values.get("applies_to") or "all"
    if applies_to not in QUESTION_MODES:
        raise ValidationError(_l("Choose who is asked."), field="applies_to")
    options = _options(values.get("options")) if kind in CHOICE_KINDS else []
    if kind in CHOICE_KINDS and len(options) < 2:
        raise ValidationError(_l("Give at least two different options, one per line."), field="options")
    if len(options) > MAX_OPTIONS or any(len(o) > MAX_OPTION_LENGTH for o in options):
        raise ValidationError(_l("Give at most %(n)s options of up to %(length)s characters each.",
                                 n=MAX_OPTIONS, length=MAX_OPTION_LENGTH), field="options")
    return {"kind": kind, "label": label, "help_text": (values.get("help_text") or "").strip()[:500],
            "options": options, "required": bool(values.get("required")), "applies_to": applies_to,
            "sensitive": bool(values.get("sensitive"))}


def _next_position(event: Event) -> int:
    highest = db.session.scalar(select(func.max(RegistrationQuestion.position))
                                .where(RegistrationQuestion.event_id == event.id))
    return (highest or 0) + 1


def create_question(event: Event, values: dict, actor) -> RegistrationQuestion:
    """Add a question at the end. PermissionDenied; ValidationError at the field."""
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    question = RegistrationQuestion(event_id=event.id, position=_next_position(event), **clean_question(values))
    db.session.add(question)
    db.session.commit()
    return question


def update_question(question: RegistrationQuestion, values: dict, actor) -> RegistrationQuestion:
    """Change a question. Its type cannot change once someone answered it (the answers
    would no longer fit); options can, and earlier answers keep their text.
    PermissionDenied; ValidationError at the field."""
    permissions.require_manager(actor, question_event(question), CANNOT_CHANGE)
    clean = clean_question(values)
    if clean["kind"] != question.kind and _has_answers(question):
        raise ValidationError(_l("People have answered this question, so its type cannot change. "
                                 "Add a new question instead."), field="kind")
    for key, value in clean.items():
        setattr(question, key, value)
    db.session.commit()
    return question


def question_event(question: RegistrationQuestion) -> Event:
    return db.session.get(Event, question.event_id)


def _has_answers(question: RegistrationQuestion) -> bool:
    return db.session.scalar(select(RegistrationAnswer.id).where(
        RegistrationAnswer.question_id == question.id).limit(1)) is not None


def delete_question(question: RegistrationQuestion, actor) -> None:
    """Delete a question and every answer to it. PermissionDenied."""
    permissions.require_manager(actor, question_event(question), CANNOT_CHANGE)
    db.session.execute(delete(RegistrationAnswer).where(RegistrationAnswer.question_id == question.id))
    db.session.delete(question)
    db.session.commit()


def template_questions() -> list[dict]:
    """The usual fields: organisation, country and stakeholder group."""
    return [
        {"kind": "short_text", "label": str(_l("Organisation")), "options": []},
        {"kind": "country", "label": str(_l("Country")), "options": []},
        {"kind": "single_choice", "label": str(_l("Stakeholder group")),
         "options": [str(STAKEHOLDER_LABELS[key]) for key in STAKEHOLDER_CATEGORIES]},
    ]


def add_template_questions(event: Event, actor) -> int:
    """Add the template's questions the event does not have yet (same type and label,
    case-insensitive; any country question counts as the country question), so a second
    click adds nothing. Returns how many were added. PermissionDenied."""
    permissions.require_manager(actor, event, CANNOT_CHANGE)
    existing = db.session.execute(select(RegistrationQuestion.kind, RegistrationQuestion.label)
                                  .where(RegistrationQuestion.event_id == event.id)).all()
    have = {(kind, label.casefold()) for kind, label in existing}
    kinds = {kind for kind, _label in existing}
    position, added = _next_position(event), 0
    for spec in template_questions():
        if (spec["kind"], spec["label"].casefold()) in have or (spec["kind"] == "country" and "country" in kinds):
            continue
        db.session.add(RegistrationQuestion(event_id=event.id, position=position + added, required=False,
                                            applies_to="all", sensitive=False, help_text="", **spec))
        added += 1
    db.session.commit()
    return added
