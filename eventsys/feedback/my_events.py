"""Panels feedback fills on lower pages (see eventsys/panels.py): the Attending section
of "My events", and a finished session's feedback form on its page."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from eventsys import panels
from eventsys.extensions import db
from eventsys.feedback.answering import form_status
from eventsys.feedback.attending import attending
from eventsys.feedback.models import FeedbackForm
from eventsys.registration.services import get_registration


def attending_panel(user):
    return render_template("feedback/_attending.html", rows=attending(user))


panels.provide(panels.MY_EVENTS_ATTENDING, attending_panel)


def slot_feedback_panel(event, slot, user):
    """Below a session's facts: its feedback form, for those who may answer it now."""
    registration = get_registration(event, user)
    if registration is None:
        return ""
    form = db.session.scalar(select(FeedbackForm).where(FeedbackForm.event_id == event.id,
                                                        FeedbackForm.slot_id == slot.id))
    status = form_status(form, event, registration) if form is not None else None
    if status is None or not status.can_submit:
        return ""
    return render_template("feedback/_slot_feedback.html", event=event, status=status)


panels.provide(panels.SLOT_AFTER, slot_feedback_panel)
