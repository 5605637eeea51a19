"""A hybrid workshop in Madrid across the spring clock change (Sat 30 Mar – Mon 1 Apr 2030,
clocks go forward on Sunday 31 March), with rooms, speakers, two parallel working groups,
and participants in every registration state. Timestamps are fixed, so that DTSTAMP,
LAST-MODIFIED and the Last-Modified header can be asserted exactly."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from sqlalchemy import update

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.groups.models import GroupMembership, GroupRound, WorkingGroup
from eventsys.ical import tokens
from eventsys.registration.models import Registration
from eventsys.speakers.models import Speaker

CREATED = datetime(2025, 11, 3, 8, 0)
EDITED = datetime(2025, 12, 1, 10, 0)  # every slot and the event, unless told
STREAM = "https://meet.example.org/stream-main"
VENUE = ("Centro de Conferencias Castellana", "Paseo de la Castellana 259, 28046", "Madrid")


@dataclass
class Workshop:
    event: Event
    owner: object
    slots: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    registrations: dict = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.event.slug


def madrid_utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """Naive UTC of a Madrid wall time in spring 2030: CET (UTC+1) until Sunday 31 March
    02:00, CEST (UTC+2) from then on."""
    offset = 1 if (month, day) < (3, 31) else 2
    return datetime(2030, month, day, hour - offset, minute)


def freeze_times(event_id: int, when: datetime = EDITED) -> None:
    """Set the stored change times. The slots first: any write to them bumps the event's
    content version and change time, which the second statement then sets."""
    db.session.execute(update(AgendaSlot.__table__).where(AgendaSlot.__table__.c.event_id == event_id)
                       .values(updated_at=when, created_at=CREATED))
    db.session.execute(update(Event.__table__).where(Event.__table__.c.id == event_id)
                       .values(updated_at=when, content_updated_at=when))
    db.session.commit()


def _slot(event, title, kind, start, end, room=None, **fields) -> AgendaSlot:
    return AgendaSlot(event=event, title=title, kind=kind, starts_at=start, ends_at=end, room=room, **fields)


@pytest.fixture
def workshop(app, make_user) -> Workshop:
    owner = make_user(email="olga@example.org", name="Olga Owner")
    event = Event(slug="madrid-2030", title="Hybrid workshop on cities", summary="Three days in Madrid.",
                  start_date=date(2030, 3, 30), end_date=date(2030, 4, 1), timezone="Europe/Madrid",
                  format="hybrid", status="published", venue_name=VENUE[0], venue_address=VENUE[1],
                  venue_city=VENUE[2], online_link="https://meet.example.org/event-lobby",
                  contact_email="contact@example.org")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
    auditorium, sala2, sala3 = (Room(event=event, name=n, position=i)
                                for i, n in enumerate(("Auditorio", "Sala 2", "Sala 3")))
    ana = Speaker(event=event, name="Ana Pérez", organisation="Universidad Complutense",
                  invitation_status="confirmed")
    jan = Speaker(event=event, name="Jan Nowak", organisation="", invitation_status="not_invited")
    dora = Speaker(event=event, name="Dora Declined", organisation="Nowhere", invitation_status="declined")
    slots = {
        "opening": _slot(event, "Opening plenary", "plenary", madrid_utc(30, 10), madrid_utc(30, 11), auditorium,
                         description="Welcome, and **why** cities matter.", online_link=STREAM),
        "wg1": _slot(event, "Working groups, first session", "working_group", madrid_utc(31, 10),
                     madrid_utc(31, 12)),
        "coffee": _slot(event, "Coffee", "break", madrid_utc(31, 12), madrid_utc(31, 12, 30)),
        "wg_a": _slot(event, "Mobility group: drafting", "working_group", madrid_utc(1, 9, month=4),
                      madrid_utc(1, 10, month=4)),
        "open": _slot(event, "Open working session", "working_group", madrid_utc(1, 10, month=4),
                      madrid_utc(1, 11, month=4), sala3),
        "dropped": _slot(event, "Dropped talk", "other", madrid_utc(1, 11, month=4), madrid_utc(1, 12, month=4),
                         sala2, status="cancelled", revision=3),
    }
    db.session.add_all([auditorium, sala2, sala3, ana, jan, dora, *slots.values()])
    db.session.flush()
    db.session.add_all([SlotSpeaker(slot=slots["opening"], speaker=ana, role="chair", position=0),
                        SlotSpeaker(slot=slots["opening"], speaker=jan, role="speaker", position=1),
                        SlotSpeaker(slot=slots["opening"], speaker=dora, role="speaker", position=2)])
    round_ = GroupRound(event_id=event.id, title="Round 1")
    db.session.add(round_)
    db.session.flush()
    mobility = WorkingGroup(round_id=round_.id, event_id=event.id, title="Mobility", room_id=sala2.id,
                            guiding_question="Which street changes first?",
                            online_link="https://meet.example.org/group-mobility", position=0)
    housing = WorkingGroup(round_id=round_.id, event_id=event.id, title="Housing", room_id=sala3.id,
                           guiding_question="Who can afford to stay?",
                           online_link="https://meet.example.org/group-housing", position=1)
    mobility.slots = [slots["wg1"], slots["wg_a"]]
    housing.slots = [slots["wg1"]]
    db.session.add_all([mobility, housing])
    db.session.commit()
    world = Workshop(event=event, owner=owner, slots=slots, groups={"mobility": mobility, "housing": housing})
    for key, mode, status, group in (("in_person", "in_person", "confirmed", mobility),
                                     ("online", "online", "confirmed", housing),
                                     ("waitlisted", "in_person", "waitlisted", None),
                                     ("cancelled", "online", "cancelled", None)):
        user = make_user(email=f"{key}@example.org", name=f"{key.title()} Participant")
        registration = Registration(event_id=event.id, user_id=user.id, mode=mode, status=status)
        db.session.add(registration)
        db.session.flush()
        if group is not None:
            db.session.add(GroupMembership(round_id=round_.id, group_id=group.id, registration_id=registration.id))
        world.people[key], world.registrations[key] = user, registration
    db.session.commit()
    freeze_times(event.id)
    return world


@pytest.fixture
def feed_token(app):
    """The personal feed token of a user (created on first use)."""
    return tokens.calendar_token


