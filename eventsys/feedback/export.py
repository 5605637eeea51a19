"""CSV export of a feedback form's responses, one row per response.

Rules: for those who may see participants (PermissionDenied otherwise). A form that is not
anonymous names each respondent (name, email, time); an anonymous one has only the answers,
in the order of the responses' random ids (never the order they arrived in), and exports
nothing below 5 responses (Conflict), as its results page shows counts only. Choices are
written as their current wording; cells a spreadsheet would run as formulas are made text.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from eventsys import permissions, spreadsheet
from eventsys.auth.models import User
from eventsys.errors import Conflict, PermissionDenied
from eventsys.extensions import db
from eventsys.feedback import stats
from eventsys.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackQuestion, FeedbackResponse
from eventsys.feedback.results import response_count
from eventsys.registration.models import Registration
from eventsys.timeutil import to_local


def _cell(question: FeedbackQuestion, value):
    if value is None:
        return ""
    options = question.options or []
    option = (lambda key: options[int(key)] if str(key).isdigit() and int(key) < len(options) else str(key))  # noqa: E731
    if question.kind == "single_choice":
        return option(value)
    if question.kind == "multiple_choice":
        return "; ".join(option(key) for key in value)
    if question.kind == "yes_no":
        return gettext("Yes") if value else gettext("No")
    return value


def _responses(form: FeedbackForm):
    if form.anonymous:
        return [(rid, None, None, None) for rid in db.session.scalars(
            select(FeedbackResponse.id).where(FeedbackResponse.form_id == form.id).order_by(FeedbackResponse.id))]
    return db.session.execute(
        select(FeedbackResponse.id, User.name, User.email, FeedbackResponse.submitted_at)
        .outerjoin(Registration, Registration.id == FeedbackResponse.registration_id)
        .outerjoin(User, User.id == Registration.user_id)
        .where(FeedbackResponse.form_id == form.id)
        .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id)).all()


def export_csv(form: FeedbackForm, event, actor) -> str:
    """The responses as CSV text (with a byte-order mark, for spreadsheets). Raises
    PermissionDenied, or Conflict for an anonymous form with fewer than 5 responses."""
    if not permissions.can_view_participants(actor, event):
        raise PermissionDenied(_l("Only the event's owners and organisers can export its feedback."))
    if form.anonymous and response_count(form) < stats.MIN_RESPONSES:
        raise Conflict(_l("An anonymous form's answers can be exported once it has %(n)s responses.",
                          n=stats.MIN_RESPONSES))
    questions = list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.form_id == form.id)
                                        .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))
    answers: dict[str, dict[int, object]] = defaultdict(dict)
    for response_id, question_id, value in db.session.execute(
            select(FeedbackAnswer.response_id, FeedbackAnswer.question_id, FeedbackAnswer.value)
            .where(FeedbackAnswer.question_id.in_([q.id for q in questions]))):
        answers[response_id][question_id] = value
    people = [] if form.anonymous else [gettext("Name"), gettext("Email"), gettext("Submitted at")]
    rows = []
    for response_id, name, email, submitted_at in _responses(form):
        person = [] if form.anonymous else [
            name or gettext("(deleted account)"), email or "",
            to_local(submitted_at, event.timezone).strftime("%Y-%m-%d %H:%M") if submitted_at else ""]
        rows.append(person + [_cell(q, answers[response_id].get(q.id)) for q in questions])
    return spreadsheet.csv_text(people + [q.label for q in questions], rows)
