"""The words shown for an event's format, status and team roles."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

FORMAT_LABELS = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("Hybrid (in person and online)")}
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "cancelled": _l("Cancelled")}
ROLE_LABELS = {"owner": _l("Owner"), "organiser": _l("Organiser"), "rapporteur": _l("Rapporteur"),
               "checkin": _l("Check-in staff")}
LABELS = {"format": FORMAT_LABELS, "status": STATUS_LABELS, "role": ROLE_LABELS}
