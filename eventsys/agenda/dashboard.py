"""The agenda's set-up item on the event Overview."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsys.agenda.models import AgendaSlot
from eventsys.events import dashboard
from eventsys.extensions import db


def has_agenda(event) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(AgendaSlot)
                                  .where(AgendaSlot.event_id == event.id, AgendaSlot.status != "cancelled")))


dashboard.register_check("agenda", 30, _l("Agenda has sessions"), "agenda.manage", has_agenda)
