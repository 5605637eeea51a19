"""Feedback's part of the event Overview: responses and response rate per form, for those
who may see feedback results."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys import permissions
from eventsys.events import dashboard
from eventsys.extensions import db
from eventsys.feedback.audience import attendance_recorded, audience_count
from eventsys.feedback.models import FeedbackForm, FeedbackResponse


def feedback_figures(event) -> dict:
    """{"forms": [{"title", "responses", "audience", "rate" (whole percent or None)}],
    "responses", "audience", "rate"}: the audience is who attended what the form is about."""
    counts = select(func.count(FeedbackResponse.id)).where(FeedbackResponse.form_id == FeedbackForm.id) \
        .scalar_subquery()
    rows = db.session.execute(select(FeedbackForm, counts).where(FeedbackForm.event_id == event.id)
                              .order_by(FeedbackForm.slot_id.is_not(None), FeedbackForm.id)).all()
    recorded = attendance_recorded(event.id) if rows else False
    forms = []
    for form, responses in rows:
        audience = audience_count(form, recorded)
        forms.append({"title": form.title, "responses": responses, "audience": audience,
                      "rate": _rate(responses, audience)})
    total, audience = sum(f["responses"] for f in forms), sum(f["audience"] for f in forms)
    return {"forms": forms, "responses": total, "audience": audience, "rate": _rate(total, audience)}


def _rate(responses: int, audience: int) -> int | None:
    return round(100 * responses / audience) if audience else None


def _panel(event, viewer):
    return feedback_figures(event) if permissions.can_write_report(viewer, event) else None


dashboard.register_panel("feedback", 40, "feedback/panels/overview.html", _panel)
