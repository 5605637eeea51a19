"""Working groups' part of the event Overview: each round with the preferences received
and the state of its assignment; and the set-up item "groups defined"."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsys.events import dashboard
from eventsys.extensions import db
from eventsys.groups.models import AssignmentDraft, GroupPreference, GroupRound, WorkingGroup

PUBLISHED, DRAFTED, COLLECTING = "published", "drafted", "collecting"


def round_figures(event) -> list[dict]:
    """[{"title", "groups", "preferences" (participants who stated any), "state"}] per round,
    in one query: state is published, drafted (an assignment awaits review) or collecting."""
    groups = select(func.count(WorkingGroup.id)).where(WorkingGroup.round_id == GroupRound.id).scalar_subquery()
    prefs = (select(func.count(func.distinct(GroupPreference.registration_id)))
             .where(GroupPreference.round_id == GroupRound.id).scalar_subquery())
    drafts = select(func.count(AssignmentDraft.id)).where(AssignmentDraft.round_id == GroupRound.id).scalar_subquery()
    rows = db.session.execute(select(GroupRound.title, GroupRound.published_at, groups, prefs, drafts)
                              .where(GroupRound.event_id == event.id).order_by(GroupRound.position, GroupRound.id))
    return [{"title": title, "groups": n_groups, "preferences": n_prefs,
             "state": PUBLISHED if published_at else (DRAFTED if n_drafts else COLLECTING)}
            for title, published_at, n_groups, n_prefs, n_drafts in rows]


def has_groups(event) -> bool:
    return bool(db.session.scalar(select(func.count(WorkingGroup.id)).join(GroupRound)
                                  .where(GroupRound.event_id == event.id)))


dashboard.register_panel("groups", 30, "groups/panels/overview.html",
                         lambda event, viewer: {"rounds": round_figures(event)})
dashboard.register_check("groups", 80, _l("Working groups defined"), "groups.manage", has_groups)
