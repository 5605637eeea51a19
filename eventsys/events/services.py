"""Events: create, edit, clone, publish and delete; the team (roles; invitations are in
invitations.py); rooms.

Services take models or plain values and the acting user, enforce the rules, commit one
transaction and raise DomainError subclasses with a message (and field) a user can read.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l, lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventsys import inputrules, permissions
from eventsys.agenda.models import AgendaSlot, SlotSpeaker, new_uid
from eventsys.auth.services import normalise_email
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import FORMATS, ROLES, STATUSES, Event, EventRole, Room
from eventsys.extensions import db
from eventsys.reference import is_valid_country, is_valid_timezone
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_local, to_utc, utcnow

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
# Words that are page addresses of their own under /events/ and /series/.
RESERVED_SLUGS = frozenset({"new", "mine", "team-invitations"})
PUBLIC_SPEAKER_STATES = ("confirmed", "not_invited")
ROLE_ORDER = {role: n for n, role in enumerate(ROLES)}

FORMAT_LABELS = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("Hybrid (in person and online)")}
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "cancelled": _l("Cancelled")}
ROLE_LABELS = {"owner": _l("Owner"), "organiser": _l("Organiser"), "rapporteur": _l("Rapporteur"),
               "checkin": _l("Check-in staff")}
LABELS = {"format": FORMAT_LABELS, "status": STATUS_LABELS, "role": ROLE_LABELS}

SLUG_TAKEN = _l("This address is already taken. Choose another one.")


# --- reading ----------------------------------------------------------------------------

def get_event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def public_events_page(upcoming: bool, page: int, per_page: int = 20, today: date | None = None):
    """One page of published and cancelled events: upcoming ones soonest first (an event
    is upcoming until its last day has passed), past ones most recent first."""
    today = today or utcnow().date()
    query = select(Event).where(Event.is_public)
    if upcoming:
        query = query.where(Event.end_date >= today).order_by(Event.start_date, Event.id)
    else:
        query = query.where(Event.end_date < today).order_by(Event.start_date.desc(), Event.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_upcoming_events(limit: int = 6, today: date | None = None) -> list[Event]:
    """Published events that have not ended yet, soonest first (for the home page)."""
    today = today or utcnow().date()
    return list(db.session.scalars(
        select(Event).where(Event.status == "published", Event.end_date >= today)
        .order_by(Event.start_date, Event.id).limit(limit)))


def list_my_events(user) -> list[tuple[Event, str]]:
    """Events where ``user`` holds a role, with that role, newest first (none while the
    account's address is not verified: see permissions.event_role)."""
    if not permissions.is_verified(user):
        return []
    rows = db.session.execute(
        select(Event, EventRole.role).join(EventRole, EventRole.event_id == Event.id)
        .where(EventRole.user_id == user.id).order_by(Event.start_date.desc(), Event.id.desc()))
    return [(event, role) for event, role in rows]


def public_speakers(event: Event) -> list[Speaker]:
    """Speakers shown on public pages: confirmed ones and those not (yet) invited."""
    return list(db.session.scalars(
        select(Speaker).where(Speaker.event_id == event.id,
                              Speaker.invitation_status.in_(PUBLIC_SPEAKER_STATES))
        .order_by(Speaker.name, Speaker.id)))


def dashboard_counts(event: Event) -> dict[str, int]:
    """Rooms, agenda slots and speakers of the event, in one query."""
    def count(model):
        return select(func.count(model.id)).where(model.event_id == event.id).scalar_subquery()
    rooms, slots, speakers = db.session.execute(select(count(Room), count(AgendaSlot), count(Speaker))).one()
    return {"rooms": rooms, "slots": slots, "speakers": speakers}


# --- validation -------------------------------------------------------------------------

def check_slug(slug, model, exclude_id: int | None = None) -> str:
    """A URL name: lower-case letters, digits and single hyphens, at most 80 characters,
    not a reserved word, unique among ``model``'s rows. Raises ValidationError (field slug)."""
    slug = (slug or "").strip()
    if not slug:
        raise ValidationError(_l("Enter a short name for the address, e.g. workshop-2030."), field="slug")
    if len(slug) > SLUG_MAX:
        raise ValidationError(_l("Use at most %(n)s characters.", n=SLUG_MAX), field="slug")
    if not SLUG_RE.match(slug):
        raise ValidationError(_l("Use only lower-case letters, digits and single hyphens between them, "
                                 "e.g. workshop-2030."), field="slug")
    if slug in RESERVED_SLUGS:
        raise ValidationError(_l("This word is reserved. Choose another one."), field="slug")
    query = select(model.id).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise ValidationError(SLUG_TAKEN, field="slug")
    return slug


def clean_text(values: dict, name: str, max_length: int, required=None, multiline: bool = False) -> str:
    """A stripped text value, on one line unless ``multiline``; ``required`` is the message
    shown when it is empty."""
    value = (values.get(name) or "").strip()
    if not multiline:
        inputrules.require_single_line(value, name)
    if required and not value:
        raise ValidationError(required, field=name)
    if len(value) > max_length:
        raise ValidationError(_l("Use at most %(n)s characters.", n=max_length), field=name)
    return value


def _dates(values: dict) -> tuple[date, date]:
    start, end = values.get("start_date"), values.get("end_date")
    if not isinstance(start, date):
        raise ValidationError(_l("Enter the first day of the event."), field="start_date")
    if not isinstance(end, date):
        raise ValidationError(_l("Enter the last day of the event."), field="end_date")
    inputrules.require_date(start, "start_date")
    inputrules.require_date(end, "end_date")
    if end < start:
        raise ValidationError(_l("The event cannot end before it starts."), field="end_date")
    return start, end


def _online_link(values: dict) -> str:
    return inputrules.require_web_address(clean_text(values, "online_link", 500), "online_link")


def _series_id(raw, actor, current_id: int | None) -> int | None:
    """An event joins a series its actor owns; an event already in a series may stay."""
    if raw in (None, ""):
        return None
    series_id = inputrules.parse_db_id(raw)
    series = db.session.get(Series, series_id) if series_id is not None else None
    if series is None:
        raise ValidationError(_l("Choose a series from the list."), field="series_id")
    if series.id != current_id and not permissions.can_manage_series(actor, series):
        raise ValidationError(_l("You can only add events to a series you own."), field="series_id")
    return series.id


def validate_event_values(values: dict, actor, event: Event | None = None) -> dict:
    """Every field of the event form, checked and cleaned. Raises ValidationError naming
    the first field that breaks a rule."""
    clean = {
        "title": clean_text(values, "title", 200, required=_l("Enter a title.")),
        "slug": check_slug(values.get("slug"), Event, event.id if event else None),
        "summary": clean_text(values, "summary", 500, multiline=True),
        "description": clean_text(values, "description", 50_000, multiline=True),
    }
    clean["start_date"], clean["end_date"] = _dates(values)
    clean["timezone"] = (values.get("timezone") or "").strip()
    if not is_valid_timezone(clean["timezone"]):
        raise ValidationError(_l("Choose a time zone from the list."), field="timezone")
    clean["format"] = values.get("format") or ""
    if clean["format"] not in FORMATS:
        raise ValidationError(_l("Choose a format from the list."), field="format")
    clean["venue_name"] = clean_text(values, "venue_name", 200)
    clean["venue_address"] = clean_text(values, "venue_address", 300)
    clean["venue_city"] = clean_text(values, "venue_city", 100)
    clean["venue_country"] = (values.get("venue_country") or "").strip()
    if clean["venue_country"] and not is_valid_country(clean["venue_country"]):
        raise ValidationError(_l("Choose a country from the list."), field="venue_country")
    clean["online_link"] = _online_link(values)
    contact = (values.get("contact_email") or "").strip()
    clean["contact_email"] = normalise_email(contact, field="contact_email") if contact else ""
    clean["series_id"] = _series_id(values.get("series_id"), actor, event.series_id if event else None)
    return clean


def _commit(message=SLUG_TAKEN, field: str | None = "slug") -> None:
    """Commit; a unique constraint lost to a concurrent request becomes a field error."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError(message, field=field) from exc
    permissions.forget_roles()


# --- events -----------------------------------------------------------------------------

def create_event(values: dict, actor) -> Event:
    """Create a draft event; its creator becomes its owner. Raises PermissionDenied for
    anonymous actors and ValidationError for a bad field (see validate_event_values)."""
    if not permissions.can_create_event(actor):
        raise PermissionDenied(_l("Log in with a confirmed email address to create an event."))
    event = Event(**validate_event_values(values, actor), status="draft")
    event.roles.append(EventRole(user_id=actor.id, email=actor.email, role=permissions.OWNER))
    db.session.add(event)
    _commit()
    return event


def update_event(event: Event, values: dict, actor) -> Event:
    """Change the event's details (not its status). Needs can_manage_event
    (PermissionDenied); ValidationError for a bad field."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot edit this event."))
    for key, value in validate_event_values(values, actor, event).items():
        setattr(event, key, value)
    _commit()
    return event


def set_event_status(event: Event, status: str, actor) -> Event:
    """Publish, cancel or take back to draft. Needs can_manage_event (PermissionDenied);
    the status must be known and publishing needs a title and dates (ValidationError);
    only a public event can be cancelled (Conflict)."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change the status of this event."))
    if status not in STATUSES:
        raise ValidationError(_l("Choose a status from the list."), field="status")
    if status == "published" and not (event.title and event.start_date and event.end_date):
        raise ValidationError(_l("Give the event a title and dates before publishing it."), field="status")
    if status == "cancelled" and event.status == "draft":
        raise Conflict(_l("A draft is not public, so it cannot be cancelled. Delete it instead."), field="status")
    event.status = status
    db.session.commit()
    return event


def delete_event(event: Event, confirmation: str, actor) -> None:
    """Delete the event with its rooms, agenda, speakers and team. Owners only
    (PermissionDenied); the typed confirmation must equal the slug (ValidationError)."""
    if not permissions.can_delete_event(actor, event):
        raise PermissionDenied(_l("Only the event's owners can delete it."))
    if (confirmation or "").strip() != event.slug:
        raise ValidationError(_l("Type the event's address, %(slug)s, to confirm.", slug=event.slug),
                              field="confirm_slug")
    db.session.delete(event)  # the database cascades to rooms, slots, speakers and roles
    db.session.commit()
    permissions.forget_roles()


# --- cloning ----------------------------------------------------------------------------

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
    _commit()
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


# --- the team ---------------------------------------------------------------------------

def list_team(event: Event) -> list[EventRole]:
    """The event's roles, owners first, then by email."""
    grants = db.session.scalars(select(EventRole).where(EventRole.event_id == event.id)
                                .options(selectinload(EventRole.user)))
    return sorted(grants, key=lambda g: (ROLE_ORDER.get(g.role, 99), g.email))


def get_team_role(event: Event, role_id: int) -> EventRole | None:
    return db.session.scalar(select(EventRole).where(EventRole.id == role_id, EventRole.event_id == event.id))


def _check_role(role) -> str:
    if role not in ROLES:
        raise ValidationError(_l("Choose a role from the list."), field="role")
    return role


def _keep_an_owner(grant: EventRole) -> None:
    """Refuse to take away the last owner with an account. The owners' rows are locked
    (PostgreSQL) so that two owners cannot demote each other at the same moment."""
    if grant.role != permissions.OWNER or grant.user_id is None:
        return
    owners = db.session.scalars(
        select(EventRole.id).where(EventRole.event_id == grant.event_id, EventRole.role == permissions.OWNER,
                                   EventRole.user_id.is_not(None)).with_for_update()).all()
    if set(owners) <= {grant.id}:
        raise Conflict(_l("An event needs at least one owner. Make someone else an owner first."), field="role")


def change_team_role(grant: EventRole, role: str, actor) -> EventRole:
    """Change a person's role. Needs can_manage_team (PermissionDenied); ValidationError
    for an unknown role; Conflict when it would demote the last owner."""
    if not permissions.can_manage_team(actor, grant.event):
        raise PermissionDenied(_l("Only the event's owners can change the team."))
    role = _check_role(role)
    if role != permissions.OWNER:
        _keep_an_owner(grant)
    grant.role = role
    db.session.commit()
    permissions.forget_roles()
    return grant


def remove_team_member(grant: EventRole, actor) -> None:
    """Take a person off the team. Needs can_manage_team (PermissionDenied); Conflict
    when they are the last owner."""
    if not permissions.can_manage_team(actor, grant.event):
        raise PermissionDenied(_l("Only the event's owners can change the team."))
    _keep_an_owner(grant)
    db.session.delete(grant)
    db.session.commit()
    permissions.forget_roles()


# --- rooms ------------------------------------------------------------------------------

def get_room(event: Event, room_id: int) -> Room | None:
    return db.session.scalar(select(Room).where(Room.id == room_id, Room.event_id == event.id))


def _room_values(event: Event, values: dict, room: Room | None = None) -> dict:
    name = clean_text(values, "name", 120, required=_l("Enter the room's name."))
    taken = select(Room.id).where(Room.event_id == event.id, func.lower(Room.name) == name.lower())
    if room is not None:
        taken = taken.where(Room.id != room.id)
    if db.session.scalar(taken) is not None:
        raise ValidationError(_l("This event already has a room called %(name)s.", name=name), field="name")
    capacity = values.get("capacity")
    if capacity in (None, ""):
        return {"name": name, "capacity": None}
    if isinstance(capacity, bool) or not str(capacity).strip().isdigit() or not 0 < int(capacity) <= 1_000_000:
        raise ValidationError(_l("Enter a whole number of seats above zero, or leave it empty."), field="capacity")
    return {"name": name, "capacity": int(capacity)}


def add_room(event: Event, values: dict, actor) -> Room:
    """Add a room (name unique within the event, optional capacity above zero) at the end
    of the list. Needs can_manage_event (PermissionDenied); ValidationError for bad values."""
    if not permissions.can_manage_event(actor, event):
        raise PermissionDenied(_l("You cannot change this event's rooms."))
    clean = _room_values(event, values)
    last = db.session.scalar(select(func.max(Room.position)).where(Room.event_id == event.id))
    room = Room(event_id=event.id, position=(last or 0) + 1, **clean)
    db.session.add(room)
    _commit(_l("This event already has a room called %(name)s.", name=clean["name"]), "name")
    return room


def update_room(room: Room, values: dict, actor) -> Room:
    """Rename a room or change its capacity; same rules as add_room."""
    if not permissions.can_manage_event(actor, room.event):
        raise PermissionDenied(_l("You cannot change this event's rooms."))
    clean = _room_values(room.event, values, room)
    room.name, room.capacity = clean["name"], clean["capacity"]
    _commit(_l("This event already has a room called %(name)s.", name=clean["name"]), "name")
    return room


def delete_room(room: Room, actor) -> None:
    """Delete a room that no agenda slot uses. Needs can_manage_event (PermissionDenied);
    Conflict, saying how many slots use it, otherwise."""
    if not permissions.can_manage_event(actor, room.event):
        raise PermissionDenied(_l("You cannot change this event's rooms."))
    used = db.session.scalar(select(func.count(AgendaSlot.id)).where(AgendaSlot.room_id == room.id))
    if used:
        raise Conflict(lazy_ngettext(
            "%(name)s is used by %(num)d agenda slot. Move it to another room first.",
            "%(name)s is used by %(num)d agenda slots. Move them to another room first.", used, name=room.name))
    db.session.delete(room)
    db.session.commit()
