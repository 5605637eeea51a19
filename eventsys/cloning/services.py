"""Cloning an event: a draft copy a year (or any number of days) later, with its rooms,
agenda, speakers and team. It spans events, speakers and agenda, so it lives above them.

Services take models or plain values and the acting user, enforce the rules, commit one
transaction and raise DomainError subclasses with a message (and field) a user can read.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsys import inputrules, permissions
from eventsys.agenda.models import AgendaSlot, SlotSpeaker, new_uid
from eventsys.errors import PermissionDenied, ValidationError
from eventsys.events.models import Event, EventRole, Room
from eventsys.events.rules import SLUG_MAX, check_slug, clean_text, commit_or_field_error
from eventsys.extensions import db
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_local, to_utc

COPIED_FIELDS = ("summary", "description", "timezone", "format", "venue_name", "venue_address",
                 "venue_city", "venue_country", "online_link", "contact_email", "series_id")
SPEAKER_FIELDS = ("name", "title", "organisation", "country", "bio", "photo_url", "photo_file",
                  "email", "user_id")


def _next_year(event: Event) -> date:
    try:
        return event.start_date.replace(year=event.start_date.year + 1)
    except ValueError:  # 29 February
        return event.start_date + timedelta(days=365)


def clone_defaults(event: Event) -> dict:
    """Suggested title, slug and start date for a copy: a year later, with the year in
    the title and slug moved on when they contain it."""
    start = _next_year(event)
    old, new = str(event.start_date.year), str(start.year)
    slug = event.slug.replace(old, new) if old in event.slug else f"{event.slug}-{new}"
    title = event.title.replace(old, new) if old in event.title else event.title
    return {"title": title, "slug": slug[:SLUG_MAX].strip("-"), "start_date": start}


def shift_local_days(utc: datetime, days: int, tz: str) -> datetime:
    """Move a stored UTC time by whole days of the event's calendar, keeping its wall-clock
    time (09:00 stays 09:00 across a change to or from summer time)."""
    local = to_local(utc, tz).replace(tzinfo=None) + timedelta(days=days)
    return to_utc(local, tz)


def clone_event(source: Event, values: dict, actor) -> Event:
    """Copy an event as a draft under a new title, slug and start date. Every date and
    slot time moves by the same number of days; rooms, slots (new uids, revision 0),
    speakers (invitations not yet sent), their links, the series and the team are copied,
    and the actor owns the copy. Needs can_manage_event (PermissionDenied); ValidationError
    for a missing title or start date, or a bad or taken slug."""
    if not permissions.can_manage_event(actor, source):
        raise PermissionDenied(_l("You cannot copy this event."))
    title = clean_text(values, "title", 200, required=_l("Enter a title."))
    slug = check_slug(values.get("slug"), Event)
    start = values.get("start_date")
    if not isinstance(start, date):
        raise ValidationError(_l("Enter the first day of the new event."), field="start_date")
    inputrules.require_date(start, "start_date")
    days = (start - source.start_date).days
    end = source.end_date + timedelta(days=days)
    inputrules.require_date(end, "start_date")  # the copy's last day must be in range too
    clone = Event(title=title, slug=slug, start_date=start, end_date=end,
                  status="draft", **{name: getattr(source, name) for name in COPIED_FIELDS})
    db.session.add(clone)
    rooms = {room.id: Room(event=clone, name=room.name, capacity=room.capacity, position=room.position)
             for room in source.rooms}
    db.session.add_all(rooms.values())
    speakers = {s.id: Speaker(event=clone, **{name: getattr(s, name) for name in SPEAKER_FIELDS})
                for s in db.session.scalars(select(Speaker).where(Speaker.event_id == source.id))}
    db.session.add_all(speakers.values())
    _copy_slots(source, clone, days, rooms, speakers)
    _copy_team(source, clone, actor)
    commit_or_field_error()
    return clone


def _copy_slots(source: Event, clone: Event, days: int, rooms: dict, speakers: dict) -> None:
    slots = db.session.scalars(select(AgendaSlot).where(AgendaSlot.event_id == source.id)
                               .options(selectinload(AgendaSlot.speaker_links)))
    for slot in slots:
        copy = AgendaSlot(event=clone, uid=new_uid(), revision=0, kind=slot.kind, title=slot.title,
                          description=slot.description, online_link=slot.online_link, status=slot.status,
                          starts_at=shift_local_days(slot.starts_at, days, source.timezone),
                          ends_at=shift_local_days(slot.ends_at, days, source.timezone),
                          room=rooms.get(slot.room_id))
        for link in slot.speaker_links:
            copy.speaker_links.append(SlotSpeaker(speaker=speakers[link.speaker_id], role=link.role,
                                                  position=link.position))
        db.session.add(copy)


def _copy_team(source: Event, clone: Event, actor) -> None:
    mine = False
    for grant in source.roles:
        is_actor = grant.user_id == actor.id or grant.email.lower() == actor.email.lower()
        mine = mine or is_actor
        clone.roles.append(EventRole(user_id=actor.id if is_actor else grant.user_id, email=grant.email,
                                     role=permissions.OWNER if is_actor else grant.role))
    if not mine:
        clone.roles.append(EventRole(user_id=actor.id, email=actor.email, role=permissions.OWNER))
