"""The default feedback forms: one for a session, one for the event as a whole.

Questions are plain dicts with the columns of FeedbackQuestion. Their wording is marked
for translation and stored in the language of whoever creates the form (the default
language from the CLI and the demo); organisers can reword them at any time.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Agenda slots that get a form by default (breaks, meals and socials do not).
DEFAULT_SLOT_KINDS = ("plenary", "keynote", "panel", "working_group")


def _rating(label, low=_l("Poor"), high=_l("Excellent"), required=False) -> dict:
    return {"kind": "rating", "label": label, "required": required, "scale_min": 1, "scale_max": 5,
            "low_label": low, "high_label": high, "options": []}


def _choice(kind: str, label, options, required=False) -> dict:
    return {"kind": kind, "label": label, "required": required, "options": list(options)}


def session_questions() -> list[dict]:
    return [
        _rating(_l("Overall, how would you rate this session?"), required=True),
        _rating(_l("How relevant was it to your work?"), low=_l("Not relevant"), high=_l("Very relevant")),
        _rating(_l("How good were the speakers or the moderation?")),
        _choice("text", _l("Comments"), []),
    ]


def event_questions() -> list[dict]:
    return [
        _rating(_l("Overall, how would you rate the event?"), required=True),
        _rating(_l("How well was the event organised?")),
        _choice("single_choice", _l("How did you take part?"),
                [_l("In person"), _l("Online"), _l("Both, in person and online")]),
        _rating(_l("How good was your experience of taking part that way (in person or online)?")),
        _choice("multiple_choice", _l("Which topics would you like future activities to cover?"),
                [_l("Research and evidence"), _l("Policy and regulation"), _l("Tools and methods"),
                 _l("Training and capacity building"), _l("Patients and citizens"),
                 _l("Networking and collaboration")]),
        _choice("text", _l("Other topics or suggestions for future activities"), []),
        _choice("yes_no", _l("Would you attend again?"), []),
    ]


def materialise(question: dict, position: int) -> dict:
    """The question with its lazy strings turned into text in the current language."""
    values = {key: (str(value) if key in ("label", "low_label", "high_label") else value)
              for key, value in question.items()}
    values["options"] = [str(option) for option in question.get("options", [])]
    values["position"] = position
    return values
