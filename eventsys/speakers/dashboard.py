"""The speakers' set-up item on the event Overview: at least one speaker, and none still
awaiting an answer to their invitation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsys.events import dashboard
from eventsys.extensions import db
from eventsys.speakers.models import Speaker


def speakers_confirmed(event) -> bool:
    rows = dict(db.session.execute(select(Speaker.invitation_status, func.count())
                                   .where(Speaker.event_id == event.id).group_by(Speaker.invitation_status)).all())
    listed = sum(count for status, count in rows.items() if status != "declined")
    return listed > 0 and not rows.get("invited")


dashboard.register_check("speakers", 40, _l("Speakers confirmed"), "speakers.manage_speakers", speakers_confirmed)
