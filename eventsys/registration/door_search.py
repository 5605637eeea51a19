"""Finding people at the door and in the online attendance list.

Rule for check-in staff (who have the check-in right but may not see the participant list):
names found by a search, never the whole list. Their search looks at names only and needs
at least MIN_LETTERS letters (so "@", "." or "a" find nobody), shows at most MAX_RESULTS
people (with "refine your search" when more match), and shows e-mail addresses masked
(m•••@e•••.org). Owners and organisers (who may see the participant list anyway) also
search by e-mail, without a minimum, and see the online list whole with full addresses.
The door caps its results for everyone: it is a search, not a list.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from eventsys import permissions
from eventsys.auth.models import User
from eventsys.errors import PermissionDenied
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration.models import CONFIRMED, Registration

MIN_LETTERS = 2
MAX_RESULTS = 20
MASK = "•••"


def mask_email(email: str) -> str:
    """maria@example.org -> m•••@e•••.org: enough to tell two people apart, not to write."""
    local, _, domain = (email or "").partition("@")
    name, dot, tld = domain.rpartition(".")
    masked_domain = f"{name[:1]}{MASK}.{tld}" if dot else f"{domain[:1]}{MASK}"
    return f"{local[:1]}{MASK}@{masked_domain}"


def letters(q: str) -> int:
    return sum(1 for c in q if c.isalpha())


@dataclass
class Found:
    """People found by a search (or the whole list, for those who may see it)."""
    people: list[Registration] = field(default_factory=list)
    full_view: bool = False  # owners and organisers: whole list, e-mail search, full addresses
    too_short: bool = False  # check-in staff searched with fewer than MIN_LETTERS letters
    more: bool = False       # more than MAX_RESULTS matched; only the first are shown

    def email(self, user: User) -> str:
        return user.email if self.full_view else mask_email(user.email)


def _base(event: Event, mode: str):
    return (select(Registration).join(User, Registration.user_id == User.id)
            .options(contains_eager(Registration.user))
            .where(Registration.event_id == event.id, Registration.status == CONFIRMED, Registration.mode == mode))


def _search(event: Event, q: str, actor, mode: str, whole_list: bool) -> Found:
    if not permissions.can_check_in(actor, event):
        raise PermissionDenied(_l("You cannot check people in for this event."))
    found = Found(full_view=permissions.can_view_participants(actor, event))
    needle = (q or "").strip().lower()[:100]
    query = _base(event, mode).order_by(User.name, Registration.id)
    if found.full_view and whole_list and not needle:
        found.people = list(db.session.scalars(query))
        return found
    if not needle:
        return found
    if not found.full_view and letters(needle) < MIN_LETTERS:
        found.too_short = True
        return found
    columns = (User.name, User.email) if found.full_view else (User.name,)
    query = query.where(or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns)))
    if found.full_view and whole_list:
        found.people = list(db.session.scalars(query))
        return found
    people = list(db.session.scalars(query.limit(MAX_RESULTS + 1)))
    found.people, found.more = people[:MAX_RESULTS], len(people) > MAX_RESULTS
    return found


def find_at_door(event: Event, q: str, actor) -> Found:
    """Confirmed in-person registrations matching ``q`` (at most MAX_RESULTS). PermissionDenied."""
    return _search(event, q, actor, "in_person", whole_list=False)


def find_online(event: Event, q: str, actor) -> Found:
    """Confirmed online registrations: for owners and organisers the whole list (filtered
    by ``q``), for check-in staff only a name search. PermissionDenied."""
    return _search(event, q, actor, "online", whole_list=True)
