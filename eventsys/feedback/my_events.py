"""The Attending section of "My events" (see eventsys/panels.py)."""
from __future__ import annotations

from flask import render_template

from eventsys import panels
from eventsys.feedback.attending import attending


def attending_panel(user):
    return render_template("feedback/_attending.html", rows=attending(user))


panels.provide(panels.MY_EVENTS_ATTENDING, attending_panel)
