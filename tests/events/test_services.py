"""Event services, called directly (no HTTP): events, status, cloning, deletion, the team
and rooms."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.cloning import services as cloning
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events import reading, rooms, services, team
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from eventsys.series.models import Series
from eventsys.speakers import services as speaker_services
from eventsys.speakers.models import Speaker
from tests.events.helpers import (count, event_values, grant, make_event, make_room, make_slot,
                                  make_speaker)


def raised(error_class, call, *args, **kwargs):
    with pytest.raises(error_class) as info:
        call(*args, **kwargs)
    return info.value


def outbox() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def roles_of(event) -> list[tuple[str, int | None, str]]:
    rows = db.session.scalars(select(EventRole).where(EventRole.event_id == event.id).order_by(EventRole.email))
    return [(r.email, r.user_id, r.role) for r in rows]


# --- create_event -----------------------------------------------------------------------

def test_create_event_makes_a_draft_owned_by_its_creator(app, make_user):
    olga = make_user(email="olga@example.org")
    event = services.create_event(event_values(), olga)
    stored = db.session.get(Event, event.id)
    assert (stored.slug, stored.title, stored.status) == ("rare-2030", "Rare diseases workshop 2030", "draft")
    assert (stored.start_date, stored.end_date, stored.timezone) == (date(2030, 5, 6), date(2030, 5, 7), "Europe/Madrid")
    assert stored.contact_email == "info@example.org"
    assert stored.series_id is None
    assert roles_of(stored) == [("olga@example.org", olga.id, "owner")]


def test_create_event_strips_text_fields(app, make_user):
    event = services.create_event(event_values(title="  Rare 2030  ", venue_city=" Madrid "), make_user())
    assert (event.title, event.venue_city) == ("Rare 2030", "Madrid")


@pytest.mark.parametrize("slug", ["", "Rare-2030", "rare 2030", "rare--2030", "-rare", "rare-", "rare_2030",
                                  "día-1", "a" * 81, "new", "mine"])
def test_create_event_refuses_bad_slug(app, make_user, slug):
    error = raised(ValidationError, services.create_event, event_values(slug=slug), make_user())
    assert error.field == "slug"
    assert count(Event) == 0


def test_create_event_accepts_slug_of_80_characters(app, make_user):
    assert services.create_event(event_values(slug="a" * 80), make_user()).slug == "a" * 80


def test_create_event_refuses_taken_slug(app, make_user):
    make_event(slug="rare-2030")
    error = raised(ValidationError, services.create_event, event_values(), make_user())
    assert (error.field, str(error.message)) == ("slug", "This address is already taken. Choose another one.")
    assert count(Event) == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": "   "}, "title", "Enter a title."),
    ({"start_date": None}, "start_date", "Enter the first day of the event."),
    ({"end_date": None}, "end_date", "Enter the last day of the event."),
    ({"end_date": date(2030, 5, 5)}, "end_date", "The event cannot end before it starts."),
    ({"timezone": "Europe/Atlantis"}, "timezone", "Choose a time zone from the list."),
    ({"timezone": ""}, "timezone", "Choose a time zone from the list."),
    ({"format": "carrier-pigeon"}, "format", "Choose a format from the list."),
    ({"venue_country": "XX"}, "venue_country", "Choose a country from the list."),
    ({"contact_email": "not-an-address"}, "contact_email", "Enter a valid email address."),
    ({"online_link": "ftp://files.example.org/meet"}, "online_link",
     "Enter a web address starting with https:// or http://."),
    ({"online_link": "javascript:alert(1)"}, "online_link", "Enter a web address starting with https:// or http://."),
    ({"online_link": "meet.example.org/room"}, "online_link", "Enter a web address starting with https:// or http://."),
    ({"online_link": "https://"}, "online_link", "Enter a web address starting with https:// or http://."),
    ({"summary": "x" * 501}, "summary", "Use at most 500 characters."),
    ({"series_id": "abc"}, "series_id", "Choose a series from the list."),
    ({"series_id": "999"}, "series_id", "Choose a series from the list."),
])
def test_create_event_refuses_bad_value_at_its_field(app, make_user, overrides, field, message):
    error = raised(ValidationError, services.create_event, event_values(**overrides), make_user())
    assert (error.field, str(error.message)) == (field, message)
    assert count(Event) == 0
    assert count(EventRole) == 0


def test_create_event_accepts_one_day_event_and_empty_optional_fields(app, make_user):
    event = services.create_event(event_values(end_date=date(2030, 5, 6), online_link="", contact_email="",
                                               venue_country="", format="online"), make_user())
    assert (event.start_date, event.end_date, event.online_link, event.contact_email) == (
        date(2030, 5, 6), date(2030, 5, 6), "", "")


def test_create_event_refuses_anonymous_actor(app):
    raised(PermissionDenied, services.create_event, event_values(), AnonymousUserMixin())
    assert count(Event) == 0


def test_create_event_joins_a_series_the_actor_owns(app, make_user):
    olga = make_user()
    series = Series(slug="rare-series", title="Rare workshops", owner_id=olga.id)
    db.session.add(series)
    db.session.commit()
    event = services.create_event(event_values(series_id=str(series.id)), olga)
    assert event.series_id == series.id


def test_create_event_refuses_a_series_of_someone_else(app, make_user):
    series = Series(slug="rare-series", title="Rare workshops", owner_id=make_user().id)
    db.session.add(series)
    db.session.commit()
    error = raised(ValidationError, services.create_event, event_values(series_id=str(series.id)), make_user())
    assert (error.field, str(error.message)) == ("series_id", "You can only add events to a series you own.")
    assert count(Event) == 0


def test_create_event_by_site_admin_may_use_any_series(app, make_user):
    series = Series(slug="rare-series", title="Rare workshops", owner_id=make_user().id)
    db.session.add(series)
    db.session.commit()
    event = services.create_event(event_values(series_id=series.id), make_user(is_admin=True))
    assert event.series_id == series.id


# --- update_event -----------------------------------------------------------------------

def test_update_event_changes_the_details(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, slug="rare-2030")
    services.update_event(event, event_values(title="Rare 2030, second edition", venue_city="Granada"), olga)
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert (stored.title, stored.venue_city, stored.slug) == ("Rare 2030, second edition", "Granada", "rare-2030")


def test_update_event_by_organiser_keeps_a_series_owned_by_someone_else(app, make_user):
    owner, organiser = make_user(), make_user()
    series = Series(slug="rare-series", title="Rare workshops", owner_id=owner.id)
    db.session.add(series)
    db.session.commit()
    event = make_event(owner=owner, series_id=series.id)
    grant(event, organiser, "organiser")
    services.update_event(event, event_values(slug=event.slug, series_id=str(series.id)), organiser)
    assert event.series_id == series.id


def test_update_event_refuses_taken_slug_and_changes_nothing(app, make_user):
    olga = make_user()
    make_event(slug="taken")
    event = make_event(owner=olga, slug="mine-2030", title="Before")
    error = raised(ValidationError, services.update_event, event, event_values(slug="taken", title="After"), olga)
    assert error.field == "slug"
    db.session.expire_all()
    assert (db.session.get(Event, event.id).slug, db.session.get(Event, event.id).title) == ("mine-2030", "Before")


@pytest.mark.parametrize("role", ["rapporteur", "checkin"])
def test_update_event_refuses_read_only_roles(app, make_user, role):
    event = make_event(owner=make_user(), title="Before")
    reader = make_user()
    grant(event, reader, role)
    raised(PermissionDenied, services.update_event, event, event_values(slug=event.slug, title="After"), reader)
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Before"


# --- set_event_status -------------------------------------------------------------------

def test_set_event_status_publishes_a_draft(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, status="draft")
    services.set_event_status(event, "published", olga)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"


def test_set_event_status_cancels_and_takes_back_to_draft(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, status="published")
    assert services.set_event_status(event, "cancelled", olga).status == "cancelled"
    assert services.set_event_status(event, "draft", olga).status == "draft"


def test_set_event_status_refuses_unknown_status(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, status="draft")
    error = raised(ValidationError, services.set_event_status, event, "archived", olga)
    assert (error.field, str(error.message)) == ("status", "Choose a status from the list.")
    assert event.status == "draft"


def test_set_event_status_refuses_to_cancel_a_draft(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, status="draft")
    error = raised(Conflict, services.set_event_status, event, "cancelled", olga)
    assert str(error.message) == "A draft is not public, so it cannot be cancelled. Delete it instead."


def test_set_event_status_refuses_publishing_without_a_title(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, status="draft", title="")
    error = raised(ValidationError, services.set_event_status, event, "published", olga)
    assert str(error.message) == "Give the event a title and dates before publishing it."
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "draft"


def test_set_event_status_refuses_checkin_staff(app, make_user):
    event = make_event(owner=make_user(), status="draft")
    staff = make_user()
    grant(event, staff, "checkin")
    raised(PermissionDenied, services.set_event_status, event, "published", staff)


# --- delete_event -----------------------------------------------------------------------

def test_delete_event_removes_rooms_slots_speakers_and_roles(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, slug="gone-2030")
    room = make_room(event)
    speaker = make_speaker(event)
    make_slot(event, datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8), room=room, speakers=[speaker])
    keep = make_event(owner=olga)
    make_room(keep)
    services.delete_event(event, "gone-2030", olga)
    db.session.expire_all()
    assert [e.slug for e in db.session.scalars(select(Event))] == [keep.slug]
    assert (count(Room), count(AgendaSlot), count(Speaker), count(SlotSpeaker), count(EventRole)) == (1, 0, 0, 0, 1)


def test_delete_event_refuses_wrong_confirmation(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, slug="keep-2030")
    error = raised(ValidationError, services.delete_event, event, "keep", olga)
    assert (error.field, str(error.message)) == ("confirm_slug", "Type the event's address, keep-2030, to confirm.")
    assert count(Event) == 1


def test_delete_event_refuses_organiser(app, make_user):
    event = make_event(owner=make_user(), slug="keep-2030")
    organiser = make_user()
    grant(event, organiser, "organiser")
    raised(PermissionDenied, services.delete_event, event, "keep-2030", organiser)
    assert count(Event) == 1


def test_delete_event_by_site_admin(app, make_user):
    event = make_event(owner=make_user(), slug="gone-2030")
    services.delete_event(event, "gone-2030", make_user(is_admin=True))
    assert count(Event) == 0


# --- clone_event ------------------------------------------------------------------------

@pytest.fixture
def source(app, make_user):
    """Last year's workshop: two rooms, two slots with speakers, a series and a team."""
    olga = make_user(email="olga@example.org")
    series = Series(slug="rare-series", title="Rare workshops", owner_id=olga.id)
    db.session.add(series)
    db.session.commit()
    event = make_event(owner=olga, slug="rare-2029", title="Rare workshop 2029", start_date=date(2029, 5, 7),
                       end_date=date(2029, 5, 8), series_id=series.id, status="published")
    goya, velazquez = make_room(event, "Sala Goya", 80), make_room(event, "Sala Velázquez", 30)
    ruiz = make_speaker(event, "Dr. Sofía Ruiz", email="sofia@example.org", invitation_status="confirmed",
                        invited_at=datetime(2029, 1, 1), responded_at=datetime(2029, 1, 2))
    lind = make_speaker(event, "Prof. Erik Lind", invitation_status="declined")
    # 09:00 and 14:30 in Madrid (UTC+2 in May)
    opening = make_slot(event, datetime(2029, 5, 7, 7, 0), datetime(2029, 5, 7, 8, 0), room=goya,
                        speakers=[ruiz, lind], title="Opening", kind="plenary", revision=3)
    group = make_slot(event, datetime(2029, 5, 8, 12, 30), datetime(2029, 5, 8, 14, 0), room=velazquez,
                      title="Working group A", kind="working_group")
    pending = EventRole(event_id=event.id, email="later@example.org", role="rapporteur")
    db.session.add(pending)
    db.session.commit()
    return {"event": event, "owner": olga, "series": series, "opening": opening, "group": group}


def clone_values(**overrides) -> dict:
    values = {"title": "Rare workshop 2030", "slug": "rare-2030", "start_date": date(2030, 5, 6)}
    values.update(overrides)
    return values


def test_clone_event_shifts_dates_and_slot_times_by_the_same_days(source):
    clone = cloning.clone_event(source["event"], clone_values(), source["owner"])
    assert (clone.slug, clone.title, clone.status) == ("rare-2030", "Rare workshop 2030", "draft")
    assert (clone.start_date, clone.end_date) == (date(2030, 5, 6), date(2030, 5, 7))
    slots = db.session.scalars(select(AgendaSlot).where(AgendaSlot.event_id == clone.id)
                               .order_by(AgendaSlot.starts_at)).all()
    assert [(s.title, s.starts_at, s.ends_at) for s in slots] == [
        ("Opening", datetime(2030, 5, 6, 7, 0), datetime(2030, 5, 6, 8, 0)),
        ("Working group A", datetime(2030, 5, 7, 12, 30), datetime(2030, 5, 7, 14, 0)),
    ]


def test_clone_event_keeps_local_time_across_summer_time(app, make_user):
    olga = make_user()
    event = make_event(owner=olga, start_date=date(2030, 3, 20), end_date=date(2030, 3, 20))
    # 09:00 in Madrid before summer time (UTC+1) ...
    make_slot(event, datetime(2030, 3, 20, 8, 0), datetime(2030, 3, 20, 9, 0))
    clone = cloning.clone_event(event, clone_values(start_date=date(2030, 4, 3)), olga)
    slot = db.session.scalar(select(AgendaSlot).where(AgendaSlot.event_id == clone.id))
    # ... is 09:00 in Madrid during summer time (UTC+2)
    assert (slot.starts_at, slot.ends_at) == (datetime(2030, 4, 3, 7, 0), datetime(2030, 4, 3, 8, 0))


def test_clone_event_copies_rooms_slots_and_speakers_with_new_identities(source):
    clone = cloning.clone_event(source["event"], clone_values(), source["owner"])
    rooms = {r.name: r for r in db.session.scalars(select(Room).where(Room.event_id == clone.id))}
    assert {(r.name, r.capacity) for r in rooms.values()} == {("Sala Goya", 80), ("Sala Velázquez", 30)}
    opening = db.session.scalar(select(AgendaSlot).where(AgendaSlot.event_id == clone.id,
                                                         AgendaSlot.title == "Opening"))
    assert opening.uid != source["opening"].uid
    assert (opening.revision, opening.kind, opening.room_id) == (0, "plenary", rooms["Sala Goya"].id)
    uids = db.session.scalars(select(AgendaSlot.uid)).all()
    assert len(uids) == len(set(uids)) == 4
    assert [(link.speaker.name, link.speaker.event_id, link.position) for link in opening.speaker_links] == [
        ("Dr. Sofía Ruiz", clone.id, 0), ("Prof. Erik Lind", clone.id, 1)]


def test_clone_event_asks_speakers_again(source):
    clone = cloning.clone_event(source["event"], clone_values(), source["owner"])
    speakers = db.session.scalars(select(Speaker).where(Speaker.event_id == clone.id).order_by(Speaker.name)).all()
    assert [(s.name, s.email, s.invitation_status, s.invited_at, s.responded_at) for s in speakers] == [
        ("Dr. Sofía Ruiz", "sofia@example.org", "not_invited", None, None),
        ("Prof. Erik Lind", "", "not_invited", None, None)]


def test_clone_event_copies_series_and_team(source):
    clone = cloning.clone_event(source["event"], clone_values(), source["owner"])
    assert clone.series_id == source["series"].id
    assert roles_of(clone) == [("later@example.org", None, "rapporteur"),
                               ("olga@example.org", source["owner"].id, "owner")]


def test_clone_event_makes_the_cloning_organiser_an_owner(source, make_user):
    organiser = make_user(email="otto@example.org")
    grant(source["event"], organiser, "organiser")
    clone = cloning.clone_event(source["event"], clone_values(), organiser)
    assert roles_of(clone) == [("later@example.org", None, "rapporteur"),
                               ("olga@example.org", source["owner"].id, "owner"),
                               ("otto@example.org", organiser.id, "owner")]


def test_clone_event_leaves_the_source_unchanged(source):
    cloning.clone_event(source["event"], clone_values(), source["owner"])
    db.session.expire_all()
    event = db.session.get(Event, source["event"].id)
    assert (event.slug, event.status, event.start_date) == ("rare-2029", "published", date(2029, 5, 7))
    opening = db.session.get(AgendaSlot, source["opening"].id)
    assert (opening.starts_at, opening.revision, len(opening.speaker_links)) == (datetime(2029, 5, 7, 7, 0), 3, 2)


@pytest.mark.parametrize("overrides, field", [({"slug": "rare-2029"}, "slug"), ({"slug": "Rare 2030"}, "slug"),
                                              ({"title": ""}, "title"), ({"start_date": None}, "start_date")])
def test_clone_event_refuses_bad_values_and_saves_nothing(source, overrides, field):
    error = raised(ValidationError, cloning.clone_event, source["event"], clone_values(**overrides), source["owner"])
    assert error.field == field
    assert (count(Event), count(Room), count(AgendaSlot), count(Speaker)) == (1, 2, 2, 2)


def test_clone_event_refuses_rapporteur(source, make_user):
    reader = make_user()
    grant(source["event"], reader, "rapporteur")
    raised(PermissionDenied, cloning.clone_event, source["event"], clone_values(), reader)
    assert count(Event) == 1


def test_clone_defaults_move_the_year_on(app):
    event = make_event(slug="rare-2029", title="Rare workshop 2029", start_date=date(2029, 5, 7),
                       end_date=date(2029, 5, 8))
    assert cloning.clone_defaults(event) == {"title": "Rare workshop 2030", "slug": "rare-2030",
                                              "start_date": date(2030, 5, 7)}


def test_clone_defaults_without_a_year_in_the_slug(app):
    event = make_event(slug="spring-school", title="Spring school", start_date=date(2028, 2, 29),
                       end_date=date(2028, 3, 1))
    assert cloning.clone_defaults(event) == {"title": "Spring school", "slug": "spring-school-2029",
                                              "start_date": date(2029, 2, 28)}


# --- the team ---------------------------------------------------------------------------

def test_change_team_role_refuses_to_demote_the_last_owner(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    row = db.session.scalar(select(EventRole).where(EventRole.event_id == event.id))
    error = raised(Conflict, team.change_team_role, row, "organiser", olga)
    assert (error.field, str(error.message)) == (
        "role", "An event needs at least one owner. Make someone else an owner first.")
    db.session.expire_all()
    assert db.session.get(EventRole, row.id).role == "owner"


def test_change_team_role_demotes_an_owner_when_another_remains(app, make_user):
    olga, otto = make_user(), make_user()
    event = make_event(owner=olga)
    row = grant(event, otto, "owner")
    team.change_team_role(row, "rapporteur", olga)
    assert db.session.get(EventRole, row.id).role == "rapporteur"


def test_change_team_role_refuses_unknown_role(app, make_user):
    olga, otto = make_user(), make_user()
    event = make_event(owner=olga)
    row = grant(event, otto, "organiser")
    assert raised(ValidationError, team.change_team_role, row, "boss", olga).field == "role"


def test_remove_team_member_refuses_the_last_owner(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    row = db.session.scalar(select(EventRole).where(EventRole.event_id == event.id))
    raised(Conflict, team.remove_team_member, row, olga)
    assert count(EventRole) == 1


def _legacy_pending(event, email: str, role: str) -> EventRole:
    """A role row granted to an address before invitations existed (no account)."""
    row = EventRole(event_id=event.id, user_id=None, email=email, role=role)
    db.session.add(row)
    db.session.commit()
    return row


def test_last_owner_rule_does_not_count_pending_owners(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    _legacy_pending(event, "future@example.org", "owner")
    mine = db.session.scalar(select(EventRole).where(EventRole.user_id == olga.id))
    raised(Conflict, team.remove_team_member, mine, olga)
    assert count(EventRole) == 2


def test_remove_team_member_removes_pending_owner(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    pending = _legacy_pending(event, "future@example.org", "owner")
    team.remove_team_member(pending, olga)
    assert roles_of(event) == [(olga.email, olga.id, "owner")]


def test_owner_may_leave_when_another_owner_remains(app, make_user):
    olga, otto = make_user(), make_user()
    event = make_event(owner=olga)
    grant(event, otto, "owner")
    mine = db.session.scalar(select(EventRole).where(EventRole.user_id == olga.id))
    team.remove_team_member(mine, olga)
    assert roles_of(event) == [(otto.email, otto.id, "owner")]


def test_remove_team_member_refuses_rapporteur(app, make_user):
    olga, reader = make_user(), make_user()
    event = make_event(owner=olga)
    grant(event, reader, "rapporteur")
    mine = db.session.scalar(select(EventRole).where(EventRole.user_id == olga.id))
    raised(PermissionDenied, team.remove_team_member, mine, reader)


def test_list_team_puts_owners_first(app, make_user):
    olga = make_user(email="zed@example.org")
    event = make_event(owner=olga)
    grant(event, make_user(email="amy@example.org"), "checkin")
    grant(event, make_user(email="bob@example.org"), "organiser")
    assert [(r.email, r.role) for r in team.list_team(event)] == [
        ("zed@example.org", "owner"), ("bob@example.org", "organiser"), ("amy@example.org", "checkin")]


# --- rooms ------------------------------------------------------------------------------

def test_add_room_appends_it_with_its_capacity(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    first = rooms.add_room(event, {"name": " Sala Goya ", "capacity": 80}, olga)
    second = rooms.add_room(event, {"name": "Sala Velázquez", "capacity": None}, olga)
    assert [(r.name, r.capacity, r.position) for r in (first, second)] == [
        ("Sala Goya", 80, 1), ("Sala Velázquez", None, 2)]


def test_add_room_refuses_a_name_the_event_already_has(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    make_room(event, "Sala Goya")
    error = raised(ValidationError, rooms.add_room, event, {"name": "sala goya", "capacity": 10}, olga)
    assert (error.field, str(error.message)) == ("name", "This event already has a room called sala goya.")
    assert count(Room) == 1


def test_add_room_allows_a_name_used_by_another_event(app, make_user):
    olga = make_user()
    make_room(make_event(owner=olga), "Sala Goya")
    event = make_event(owner=olga)
    assert rooms.add_room(event, {"name": "Sala Goya"}, olga).event_id == event.id


@pytest.mark.parametrize("capacity", [0, -3, "abc", "2.5", True])
def test_add_room_refuses_a_capacity_that_is_not_positive(app, make_user, capacity):
    olga = make_user()
    event = make_event(owner=olga)
    error = raised(ValidationError, rooms.add_room, event, {"name": "Sala Goya", "capacity": capacity}, olga)
    assert (error.field, str(error.message)) == (
        "capacity", "Enter a whole number of seats above zero, or leave it empty.")
    assert count(Room) == 0


def test_add_room_refuses_an_empty_name(app, make_user):
    olga = make_user()
    error = raised(ValidationError, rooms.add_room, make_event(owner=olga), {"name": "  "}, olga)
    assert (error.field, str(error.message)) == ("name", "Enter the room's name.")


def test_add_room_refuses_rapporteur(app, make_user):
    event = make_event(owner=make_user())
    reader = make_user()
    grant(event, reader, "rapporteur")
    raised(PermissionDenied, rooms.add_room, event, {"name": "Sala Goya"}, reader)


def test_update_room_renames_and_keeps_its_own_name(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    room = make_room(event, "Sala Goya", 80)
    rooms.update_room(room, {"name": "Sala Goya", "capacity": "120"}, olga)
    assert (room.name, room.capacity) == ("Sala Goya", 120)
    rooms.update_room(room, {"name": "Aula Magna", "capacity": ""}, olga)
    assert (room.name, room.capacity) == ("Aula Magna", None)


def test_delete_room_refuses_a_room_in_use_and_says_how_many_slots(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    room = make_room(event, "Sala Goya")
    make_slot(event, datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8), room=room)
    make_slot(event, datetime(2030, 5, 6, 9), datetime(2030, 5, 6, 10), room=room)
    error = raised(Conflict, rooms.delete_room, room, olga)
    assert str(error.message) == "Sala Goya is used by 2 agenda slots. Move them to another room first."
    assert count(Room) == 1


def test_delete_room_in_use_by_one_slot_uses_the_singular(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    room = make_room(event, "Sala Goya")
    make_slot(event, datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8), room=room)
    error = raised(Conflict, rooms.delete_room, room, olga)
    assert str(error.message) == "Sala Goya is used by 1 agenda slot. Move it to another room first."


def test_delete_room_removes_an_unused_room(app, make_user):
    olga = make_user()
    room = make_room(make_event(owner=olga))
    rooms.delete_room(room, olga)
    assert count(Room) == 0


def test_get_room_of_another_event_is_none(app, make_user):
    room = make_room(make_event())
    assert rooms.get_room(make_event(), room.id) is None
    assert rooms.get_room(room.event, room.id) is room


# --- reading ----------------------------------------------------------------------------

def test_public_events_page_splits_upcoming_and_past_and_hides_drafts(app):
    today = date(2030, 5, 7)
    make_event(slug="ends-today", start_date=date(2030, 5, 6), end_date=date(2030, 5, 7))
    make_event(slug="later", start_date=date(2030, 9, 1), end_date=date(2030, 9, 1), status="cancelled")
    make_event(slug="soon", start_date=date(2030, 6, 1), end_date=date(2030, 6, 2))
    make_event(slug="ended-yesterday", start_date=date(2030, 5, 5), end_date=date(2030, 5, 6))
    make_event(slug="long-ago", start_date=date(2020, 1, 1), end_date=date(2020, 1, 1))
    make_event(slug="secret", start_date=date(2030, 6, 1), end_date=date(2030, 6, 1), status="draft")
    upcoming = reading.public_events_page(True, 1, 20, today=today)
    past = reading.public_events_page(False, 1, 20, today=today)
    assert [e.slug for e in upcoming.items] == ["ends-today", "soon", "later"]
    assert [e.slug for e in past.items] == ["ended-yesterday", "long-ago"]


def test_public_events_page_paginates(app):
    for day in range(1, 6):
        make_event(slug=f"day-{day}", start_date=date(2030, 6, day), end_date=date(2030, 6, day))
    page = reading.public_events_page(True, 2, 2, today=date(2030, 1, 1))
    assert ([e.slug for e in page.items], page.pages) == (["day-3", "day-4"], 3)


def test_list_upcoming_events_shows_only_published(app):
    make_event(slug="on", start_date=date(2030, 6, 1), end_date=date(2030, 6, 1))
    make_event(slug="off", start_date=date(2030, 6, 1), end_date=date(2030, 6, 1), status="cancelled")
    make_event(slug="hidden", start_date=date(2030, 6, 1), end_date=date(2030, 6, 1), status="draft")
    assert [e.slug for e in reading.list_upcoming_events(today=date(2030, 1, 1))] == ["on"]


def test_list_my_events_gives_each_event_with_my_role(app, make_user):
    me = make_user()
    mine = make_event(owner=me, slug="mine", start_date=date(2030, 1, 1), end_date=date(2030, 1, 1))
    helping = make_event(slug="helping", start_date=date(2031, 1, 1), end_date=date(2031, 1, 1))
    grant(helping, me, "checkin")
    make_event(owner=make_user(), slug="not-mine")
    assert [(e.slug, role) for e, role in reading.list_my_events(me)] == [("helping", "checkin"), ("mine", "owner")]


def test_public_speakers_leaves_out_declined_and_pending_invitations(app):
    event = make_event()
    make_speaker(event, "B Confirmed", invitation_status="confirmed")
    make_speaker(event, "A Not invited", invitation_status="not_invited")
    make_speaker(event, "C Declined", invitation_status="declined")
    make_speaker(event, "D Invited", invitation_status="invited")
    make_speaker(make_event(), "E Elsewhere", invitation_status="confirmed")
    # sorted by family name (the last word): "Confirmed" before "invited"
    assert [s.name for s in speaker_services.public_speakers(event)] == ["B Confirmed", "A Not invited"]


def test_dashboard_counts_rooms_slots_and_speakers_of_the_event(app):
    event = make_event()
    room = make_room(event)
    make_speaker(event)
    make_slot(event, datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8), room=room)
    make_slot(event, datetime(2030, 5, 6, 9), datetime(2030, 5, 6, 10))
    make_room(make_event())
    assert reading.dashboard_counts(event) == {"rooms": 1, "slots": 2, "speakers": 1}
