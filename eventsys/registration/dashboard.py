"""Registration's part of the event Overview: registrations by status and way of attending,
seats left, waiting lists, check-ins today; and the set-up items it owns (registration
open, privacy notice). Registered with events.dashboard when the views are imported."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsys.events import dashboard
from eventsys.extensions import db
from eventsys.registration import checkin
from eventsys.registration.models import (MODES, STATUSES, WAITLISTED, Registration, RegistrationSettings)
from eventsys.timeutil import utcnow


def _settings(event) -> RegistrationSettings | None:
    # Read only: the Overview never creates the settings row.
    return db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.event_id == event.id))


def registration_figures(event, now: datetime | None = None) -> dict:
    """{"by_status": {status: {mode: n, "total": n}}, "seats_left": {mode: n or None (no limit)},
    "waitlist": {mode: n}, "checked_in_today": n (check-ins of today, in the event's zone),
    "open": bool} in three queries."""
    now = now or utcnow()
    rows = db.session.execute(select(Registration.status, Registration.mode, func.count())
                              .where(Registration.event_id == event.id)
                              .group_by(Registration.status, Registration.mode))
    by_status = {status: {mode: 0 for mode in MODES} | {"total": 0} for status in STATUSES}
    for status, mode, count in rows:
        by_status[status][mode] += count
        by_status[status]["total"] += count
    checked_in_today = checkin.checked_in_on(event, checkin.event_day(event, now))
    settings = _settings(event)
    return {"by_status": by_status, "seats_left": _seats_left(settings),
            "waitlist": {mode: by_status[WAITLISTED][mode] for mode in MODES},
            "checked_in_today": checked_in_today or 0, "open": _is_open(settings, now)}


def _seats_left(settings) -> dict:
    if settings is None:
        return {"in_person": 0, "online": None}
    left = {}
    for mode in MODES:
        capacity = getattr(settings, f"{mode}_capacity")
        left[mode] = None if capacity is None else max(capacity - getattr(settings, f"{mode}_taken"), 0)
    return left


def _is_open(settings, now: datetime | None = None) -> bool:
    """The organiser's switch is on and the closing time (if any) has not passed."""
    now = now or utcnow()
    return settings is not None and settings.is_open and (settings.closes_at is None or now < settings.closes_at)


dashboard.register_panel("registration", 20, "registration/panels/overview.html",
                         lambda event, viewer: registration_figures(event))
dashboard.register_check("registration_open", 60, _l("Registration is open"), "registration.manage_settings",
                         lambda event: _is_open(_settings(event)), warn_on_publish=True)
dashboard.register_check("privacy_notice", 70, _l("Privacy notice written"), "registration.manage_settings",
                         lambda event: bool((s := _settings(event)) and s.privacy_notice.strip()))
