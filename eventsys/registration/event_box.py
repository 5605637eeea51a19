"""The registration panels of the event page (see eventsys/panels.py): the box that
tells the truth about registration, and the header's "Register" / "My registration"
button. Both read one ``availability`` per event and request."""
from __future__ import annotations

from flask import g, render_template

from eventsys import panels
from eventsys.registration.availability import Availability, availability

def current_availability(event, user) -> Availability:
    cache = g.setdefault("_registration_availability", {})
    if event.id not in cache:
        cache[event.id] = availability(event, user)
    return cache[event.id]


def event_box(event, user):
    return render_template("registration/_event_box.html", event=event, a=current_availability(event, user))


def event_action(event, user):
    return render_template("registration/_event_action.html", event=event, a=current_availability(event, user))


panels.provide(panels.EVENT_REGISTRATION, event_box)
panels.provide(panels.EVENT_REGISTRATION_ACTION, event_action)
