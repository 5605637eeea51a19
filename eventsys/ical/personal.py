"""A participant's personal feed (``/calendar/<token>.ics``) and the "My agenda" list.

Which slots, and which location, follow the rules in :mod:`eventsys.ical.services`. The
state query reads the token, the user's language, every registration with its event and
its group memberships in one SELECT; building reads the slots of the relevant events in
three more, however many events and slots there are.

Last-Modified is the newest of: the token's creation (or reset), any of the user's
registrations' ``updated_at`` (group changes touch it, see :mod:`eventsys.ical.cache`), any
membership's creation, any registered event's ``content_updated_at``. One case can make it
go back: an event deleted outright takes its registrations with it. Clients that send
If-None-Match (every calendar app we know) are exact regardless.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from eventsys.auth.models import User
from eventsys.events.models import Event, is_public_status
from eventsys.groups.models import ASSIGNED, GroupMembership
from eventsys.ical import tokens
from eventsys.ical.build import CalendarSlot, FeedMeta, build_personal_ics, select_personal_slots
from eventsys.ical.models import CalendarToken
from eventsys.ical.services import (AUDIENCE, EVENT_COLUMNS, EventInfo, FeedState,
                                    base_url, calendar_slot, digest, feed_labels, load_slots,
                                    user_locale, state_rows)
from eventsys.registration.models import CONFIRMED, Registration


@dataclass(frozen=True)
class Participation:
    """A confirmed registration on a public event: how and in which groups."""
    info: EventInfo
    audience: str
    groups: frozenset[int]


@dataclass(frozen=True)
class AgendaItem:
    """One line of the "My agenda" page."""
    event: EventInfo
    slot: CalendarSlot
    audience: str

    @property
    def place(self) -> str:
        if self.audience == "online":
            return self.slot.online_link or ""
        return self.slot.room or ""


def personal_feed_state(token: str) -> FeedState | None:
    """The feed behind a token (None: no such token). One query."""
    if not tokens.looks_like_token(token):
        return None
    rows = _rows(BY_TOKEN_HASH, tokens.token_hash(token))
    if not rows:
        return None
    user_id, locale = rows[0].user_id, user_locale(rows[0].locale)
    parts, newest = _participations(rows)
    version = digest(user_id, locale, [(p.info.id, p.info.content_version, p.info.status, p.audience,
                                         sorted(p.groups)) for p in parts])
    return FeedState("personal", str(user_id), version, newest, "my-agenda.ics",
                     lambda: _build(parts, locale))


def upcoming_items(user, now: datetime, limit: int = 100) -> list[AgendaItem]:
    """The slots of the user's feed that have not ended yet, soonest first."""
    parts, _newest = _participations(_rows(BY_USER, user.id))
    items = [AgendaItem(part.info, slot, part.audience)
             for part, slots in _slots(parts, base_url()) for slot in slots if slot.ends_at_utc >= now]
    items.sort(key=lambda item: (item.slot.starts_at_utc, item.slot.uid))
    return items[:limit]


def _state_query(key):
    token, user, registration, membership = (CalendarToken.__table__, User.__table__,
                                             Registration.__table__, GroupMembership.__table__)
    event = Event.__table__
    return (select(token.c.user_id, token.c.created_at.label("t_created"), user.c.locale,
                   registration.c.id.label("r_id"), registration.c.status.label("r_status"),
                   registration.c.mode.label("r_mode"), registration.c.updated_at.label("r_updated"),
                   membership.c.group_id.label("m_group"), membership.c.status.label("m_status"),
                   membership.c.created_at.label("m_created"), *EVENT_COLUMNS)
            .select_from(token.join(user, user.c.id == token.c.user_id)
                         .outerjoin(registration, registration.c.user_id == token.c.user_id)
                         .outerjoin(event, event.c.id == registration.c.event_id)
                         .outerjoin(membership, membership.c.registration_id == registration.c.id))
            .where(token.c[key] == bindparam("key")).order_by(event.c.start_date, event.c.id))


BY_TOKEN_HASH, BY_USER = _state_query("token_hash"), _state_query("user_id")


def _rows(statement, key) -> list:
    return state_rows(statement, key=key)


def _participations(rows) -> tuple[list[Participation], datetime | None]:
    """The relevant registrations, in event order, and the newest change of any row."""
    stamps = [row.t_created for row in rows[:1]]
    found: dict[int, tuple] = {}
    groups: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.r_id is None:
            continue
        stamps += [row.r_updated, row.m_created, row.e_changed or row.e_updated]
        found.setdefault(row.r_id, row)
        if row.m_group is not None and row.m_status == ASSIGNED:
            groups[row.r_id].add(row.m_group)
    parts = [Participation(EventInfo.from_row(row), AUDIENCE[row.r_mode], frozenset(groups[r_id]))
             for r_id, row in found.items()
             if row.r_status == CONFIRMED and is_public_status(row.e_status) and row.r_mode in AUDIENCE]
    return parts, max((s for s in stamps if s is not None), default=None)


def _slots(parts: list[Participation], base: str) -> list[tuple[Participation, list[CalendarSlot]]]:
    rows, speakers, groups = load_slots([part.info.id for part in parts])
    by_event = defaultdict(list)
    for row in rows:
        by_event[row.event_id].append(row)
    chosen = []
    for part in parts:
        candidates = []
        for row in by_event[part.info.id]:
            linked = groups.get(row.id, [])
            if not linked:
                candidates.append(calendar_slot(part.info, row, speakers.get(row.id, ()), None, False, base))
            for group in linked:
                candidates.append(calendar_slot(part.info, row, speakers.get(row.id, ()), group,
                                                 len(linked) > 1, base))
        chosen.append((part, select_personal_slots(candidates, {str(g) for g in part.groups})))
    return chosen


def _build(parts: list[Participation], locale: str) -> bytes:
    with force_locale(locale):
        base = base_url()
        meta = FeedMeta(name=_("My agenda"),
                        description=_("Your sessions at the events you are registered for."),
                        url=f"{base}/calendar/", labels=feed_labels())
        return build_personal_ics(meta, [(part.audience, slots) for part, slots in _slots(parts, base)])
