"""Results of feedback forms: per-question summaries with charts, the comparison of the
slots' ratings, and the CSV export.

Rules: results are for the event's owners, organisers and rapporteurs (can_write_report);
the CSV export, which names the people who answered a form that is not anonymous, for
those who may see participants (can_view_participants). An anonymous form with fewer than
5 responses shows counts only, never an answer, and exports nothing (Conflict).

Cost: a fixed number of queries whatever the number of responses. Ratings, choices and
yes/no answers are counted per distinct value in SQL (GROUP BY on the stored JSON text) and
summarised by the pure core (stats.py); only free-text answers are loaded one by one.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext, lazy_gettext as _l, ngettext
from sqlalchemy import Text, cast, func, select

from eventsys import permissions
from eventsys.errors import PermissionDenied
from eventsys.extensions import db
from eventsys.feedback import audience, stats
from eventsys.feedback.charts import Chart, choice_chart, rating_chart
from eventsys.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackQuestion, FeedbackResponse

TEXT_LIMIT = 300  # free-text answers shown per question; the CSV export has them all


def require_results_viewer(actor, event) -> None:
    if not permissions.can_write_report(actor, event):
        raise PermissionDenied(_l("Only the event's team can see its feedback."))


def stats_question(question: FeedbackQuestion) -> stats.Question:
    """The pure core's view of a question; choice options keyed by their position."""
    return stats.Question(
        id=question.id, kind=question.kind, label=question.label,
        scale_min=question.scale_min, scale_max=question.scale_max,
        low_label=question.low_label or "", high_label=question.high_label or "",
        options=tuple(stats.Option(str(i), text) for i, text in enumerate(question.options or ())))


def value_counts(question_ids) -> dict[int, list]:
    """{question id: [value, value, …]} expanded from per-value counts made in SQL."""
    ids = list(question_ids)
    if not ids:
        return {}
    text = cast(FeedbackAnswer.value, Text)
    rows = db.session.execute(select(FeedbackAnswer.question_id, text, func.count())
                              .where(FeedbackAnswer.question_id.in_(ids))
                              .group_by(FeedbackAnswer.question_id, text))
    values: dict[int, list] = defaultdict(list)
    for question_id, raw, count in rows:
        if raw is not None:
            values[question_id].extend([json.loads(raw)] * count)
    return values


def _texts(form: FeedbackForm, question_ids) -> dict[int, list[str]]:
    if not question_ids:
        return {}
    query = (select(FeedbackAnswer.question_id, FeedbackAnswer.value)
             .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
             .where(FeedbackAnswer.question_id.in_(list(question_ids))))
    if not form.anonymous:  # anonymous answers are sorted by the core, never kept in arrival order
        query = query.order_by(FeedbackResponse.submitted_at.desc(), FeedbackResponse.id)
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, value in db.session.execute(query):
        texts[question_id].append(value)
    return texts


def response_count(form: FeedbackForm) -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackResponse)
                             .where(FeedbackResponse.form_id == form.id)) or 0


@dataclass
class QuestionResult:
    question: FeedbackQuestion
    summary: stats.QuestionSummary
    chart: Chart | None = None
    texts: tuple[str, ...] = ()
    more_texts: int = 0


@dataclass
class FormResults:
    form: FeedbackForm
    responses: int
    attended: int
    rate: float | None
    withheld: bool
    min_responses: int
    questions: list[QuestionResult] = field(default_factory=list)


def _chart(question: FeedbackQuestion, summary) -> Chart | None:
    words = {"chart_id": f"q{question.id}", "gettext": gettext, "ngettext": ngettext}
    if question.kind == "rating":
        return rating_chart(summary, question.label, **words)
    if question.kind in ("single_choice", "multiple_choice", "yes_no"):
        return choice_chart(summary, question.label, **words)
    return None


def form_results(form: FeedbackForm, event, actor) -> FormResults:
    """Every question's summary, chart and free texts, the response count and the rate
    among the people who attended. Raises PermissionDenied."""
    require_results_viewer(actor, event)
    questions = list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.form_id == form.id)
                                        .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))
    responses = response_count(form)
    withheld = form.anonymous and responses < stats.MIN_RESPONSES
    counted = value_counts(q.id for q in questions if q.kind != "text")
    text_ids = [q.id for q in questions if q.kind == "text"]
    texts = _text_counts(text_ids) if withheld else _texts(form, text_ids)
    attended = audience.audience_count(form)
    result = FormResults(form, responses, attended, stats.response_rate(responses, attended), withheld,
                         stats.MIN_RESPONSES)
    for question in questions:
        values = texts.get(question.id, []) if question.kind == "text" else counted.get(question.id, [])
        summary = stats.summarise_question(stats_question(question), values, withheld=withheld,
                                           anonymous=form.anonymous)
        shown = tuple(summary.answers[:TEXT_LIMIT]) if question.kind == "text" and summary.answers else ()
        more = (summary.count - len(shown)) if question.kind == "text" and not summary.withheld else 0
        result.questions.append(QuestionResult(question, summary, _chart(question, summary), shown, more))
    return result


def _text_counts(question_ids) -> dict[int, list[str]]:
    """Placeholders, one per answer (blank answers are never stored): a withheld summary
    shows only how many there are, so the texts themselves are not even loaded."""
    if not question_ids:
        return {}
    rows = db.session.execute(select(FeedbackAnswer.question_id, func.count())
                              .where(FeedbackAnswer.question_id.in_(question_ids))
                              .group_by(FeedbackAnswer.question_id))
    return {question_id: ["x"] * count for question_id, count in rows}


# --- comparing the slots --------------------------------------------------------------------

@dataclass
class ComparisonRow:
    row: stats.SlotComparisonRow
    form: FeedbackForm


def compare_slots(event, order: str, actor) -> list[ComparisonRow]:
    """Every slot form's first rating question (its overall rating), sorted by the core's
    ``order`` (mean, count or title; anything else is mean). Four queries."""
    require_results_viewer(actor, event)
    from eventsys.feedback.services import event_forms
    forms = [f for f in event_forms(event) if f.slot_id is not None and f.slot.status != "cancelled"]
    ids = [f.id for f in forms]
    first: dict[int, FeedbackQuestion] = {}
    for question in db.session.scalars(select(FeedbackQuestion).where(
            FeedbackQuestion.form_id.in_(ids), FeedbackQuestion.kind == "rating")
            .order_by(FeedbackQuestion.form_id, FeedbackQuestion.position, FeedbackQuestion.id)):
        first.setdefault(question.form_id, question)
    responses = dict(db.session.execute(select(FeedbackResponse.form_id, func.count())
                                        .where(FeedbackResponse.form_id.in_(ids))
                                        .group_by(FeedbackResponse.form_id)).all())
    counted = value_counts(q.id for q in first.values())
    rows, by_slot = [], {}
    for form in forms:
        question = first.get(form.id)
        stats_q = stats_question(question) if question else stats.Question(id=None, kind="rating", label="")
        withheld = form.anonymous and responses.get(form.id, 0) < stats.MIN_RESPONSES
        summary = stats.summarise_rating(stats_q, counted.get(question.id, []) if question else [],
                                         withheld=withheld)
        rows.append(stats.SlotRating(form.slot_id, form.slot.title, summary))
        by_slot[form.slot_id] = form
    ordered = stats.slot_comparison(rows, order if order in stats.SORT_ORDERS else "mean")
    return [ComparisonRow(row, by_slot[row.slot_id]) for row in ordered]
