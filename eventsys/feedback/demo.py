"""Demo feedback: realistic responses for the sessions of an event that have ended.

``load_feedback_demo(event)`` gives the event its default forms, then, for every form
whose session has ended (the event's own form: once its last session has ended) and that
has no response yet, lets 35–65% of the participants who may answer it respond: ratings
skewed to the positive end, the usual choices, and comments now and then, most in
English, a few in Spanish. Seeded by the event's id, so a run gives the same data; forms
that already have responses are left alone, so running it again adds nothing. Responses
are written directly (the forms of a past event may be closed), with the same anonymity
as the service: no registration, no time and a random id, and the record of who answered
inserted apart, in another order.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from eventsys.extensions import db
from eventsys.permissions import SYSTEM
from eventsys.feedback import audience
from eventsys.feedback.models import (FeedbackAnswer, FeedbackQuestion, FeedbackRespondent, FeedbackResponse,
                                      random_id)
from eventsys.feedback.services import ensure_default_forms, event_forms
from eventsys.feedback.window import form_window, last_slot_end
from eventsys.registration.models import CONFIRMED, Registration
from eventsys.timeutil import utcnow

# A comment is an opening and a follow-up, so the demo has many comments and none twice.
OPENINGS_EN = [
    "Very clear presentations.",
    "Great mix of perspectives from patients, clinicians and industry.",
    "The moderator kept the debate focused and gave everyone a chance to speak.",
    "Excellent session.",
    "Useful overview of the regulatory landscape.",
    "Well organised and inspiring.",
    "Good content, but it ran over time and the last speaker had to rush.",
    "Too many slides for the time available.",
    "The discussion afterwards was the best part.",
    "The data-sharing case study was especially useful for my work.",
    "Interesting speakers, though the room was far too warm.",
    "The online sound was poor during the first twenty minutes.",
]
FOLLOW_UPS_EN = [
    "Please share the slides with the participants.",
    "More room for questions next time, please.",
    "I would have liked concrete examples of implementation in hospitals.",
    "Thank you!",
    "The Q&A could have been longer.",
    "A short break halfway would help.",
    "I will bring colleagues next year.",
    "A microphone for the audience would help those online.",
    "A reading list beforehand would have helped me prepare.",
    "Please record it for those who could not come.",
    "More time in small groups, please.",
    "Keep this format next year.",
]
OPENINGS_ES = [
    "Muy interesante, sobre todo el debate sobre la financiación sostenible.",
    "Excelente moderación y ponentes muy bien preparados.",
    "La conexión en línea se cortó un par de veces.",
    "Buen equilibrio entre teoría y casos prácticos.",
]
FOLLOW_UPS_ES = [
    "Faltó tiempo para las preguntas del público.",
    "¡Gracias!",
    "Compartan las diapositivas, por favor.",
    "Repetiría el formato el año que viene.",
]


class CommentPool:
    """Demo comments, each given out once (then None: the person wrote no comment)."""

    def __init__(self, rng: random.Random):
        self._left = [f"{a} {b}" for a in OPENINGS_EN for b in FOLLOW_UPS_EN]
        self._left += [f"{a} {b}" for a in OPENINGS_ES for b in FOLLOW_UPS_ES]
        rng.shuffle(self._left)

    def next(self) -> str | None:
        return self._left.pop() if self._left else None


RATING_WEIGHTS = (0.03, 0.07, 0.18, 0.40, 0.32)  # lowest to highest: most people are content


def _rating(question, rng: random.Random) -> int:
    points = list(range(question.scale_min, question.scale_max + 1))
    # Spread the five weights over a scale of any length: the top of the scale is likeliest.
    weights = [RATING_WEIGHTS[min(4, i * 5 // len(points))] for i in range(len(points))]
    return rng.choices(points, weights)[0]


def random_answer(question, rng: random.Random, comments: CommentPool | None = None):
    """One plausible stored answer to ``question`` (None: skipped); a text answer comes
    from ``comments`` (never twice from the same pool)."""
    if question.kind == "text":
        return (comments or CommentPool(rng)).next() if rng.random() < 0.3 else None
    if not question.required and rng.random() < 0.1:
        return None
    if question.kind == "rating":
        return _rating(question, rng)
    options = [str(i) for i in range(len(question.options or []))]
    if question.kind == "single_choice":
        return rng.choices(options, [max(1, len(options) - i) ** 2 for i in range(len(options))])[0]
    if question.kind == "multiple_choice":
        picked = set(rng.sample(options, rng.randint(1, min(3, len(options)))))
        return [key for key in options if key in picked]
    return rng.random() < 0.85  # yes_no: would attend again


def insert_responses(form, questions, registration_ids, rng: random.Random, opens_at: datetime,
                     comments: CommentPool | None = None) -> int:
    """Write one response per registration (core inserts, no commit); text answers from
    ``comments`` (a pool of its own when None)."""
    comments = comments or CommentPool(rng)
    if not registration_ids:
        return 0
    db.session.execute(insert(FeedbackRespondent),
                       [{"form_id": form.id, "registration_id": rid} for rid in registration_ids])
    responses, answers = [], []
    for rid in rng.sample(registration_ids, len(registration_ids)):  # not the respondents' order
        response_id = random_id()
        responses.append({"id": response_id, "form_id": form.id,
                          "registration_id": None if form.anonymous else rid,
                          "submitted_at": None if form.anonymous else
                          opens_at + timedelta(minutes=rng.randint(2, 3 * 24 * 60))})
        for question in questions:
            value = random_answer(question, rng, comments)
            if value is not None:
                answers.append({"response_id": response_id, "question_id": question.id, "value": value})
    db.session.execute(insert(FeedbackResponse), responses)
    if answers:
        db.session.execute(insert(FeedbackAnswer), answers)
    return len(registration_ids)


def load_feedback_demo(event, now: datetime | None = None) -> int:
    """Responses for the event's finished sessions; returns how many were added."""
    now = now or utcnow()
    ensure_default_forms(event, SYSTEM)
    rng = random.Random(f"feedback-demo-{event.id}")
    registration_ids = list(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id, Registration.status == CONFIRMED,
        Registration.user_id.is_not(None)).order_by(Registration.id)))
    groups = audience.group_ids_by_slot(event.id)
    last_end = last_slot_end(event)
    answered = set(db.session.scalars(select(FeedbackRespondent.form_id).distinct()))
    added, comments = 0, CommentPool(rng)
    for form in event_forms(event):
        window = form_window(form, event, last_end)
        if form.id in answered or window.cancelled or window.opens_at > now:
            continue
        eligible = _eligible(form, registration_ids, groups.get(form.slot_id))
        share = rng.uniform(0.35, 0.65)
        chosen = sorted(rng.sample(eligible, round(len(eligible) * share)))
        questions = list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.form_id == form.id)
                                            .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))
        added += insert_responses(form, questions, chosen, rng, window.opens_at, comments)
    db.session.commit()
    return added


def _eligible(form, registration_ids: list[int], slot_groups: set[int] | None) -> list[int]:
    if not slot_groups:
        return registration_ids
    from eventsys.groups.models import ASSIGNED, GroupMembership
    members = set(db.session.scalars(select(GroupMembership.registration_id).where(
        GroupMembership.group_id.in_(slot_groups), GroupMembership.status == ASSIGNED)))
    return [rid for rid in registration_ids if rid in members]
