"""A small world for access checks: one of each kind of user, and the objects the access
table's URLs point at. Later features add their objects here."""
from __future__ import annotations

from datetime import date, datetime

from eventsys import mail
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.auth.services import make_reset_token
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker


def build_access_world(make_user) -> dict:
    users = {
        "participant": make_user(email="participant@example.org", name="Pat Participant"),
        "organiser": make_user(email="owner@example.org", name="Olga Owner"),
        "other_organiser": make_user(email="other-organiser@example.org", name="Otto Other"),
        "admin": make_user(email="admin@example.org", name="Ada Admin", is_admin=True),
        "reset_target": make_user(email="forgetful@example.org", name="Fay Forgetful"),
    }
    message = mail.queue_mail("someone@example.org", "Hello", "password_reset",
                              user=users["reset_target"], token="t", max_age_minutes=60)
    series = Series(slug="access-series", title="Access series", owner=users["organiser"])
    event = Event(slug="access-event", title="Access workshop", start_date=date(2030, 5, 6),
                  end_date=date(2030, 5, 7), timezone="Europe/Madrid", format="hybrid",
                  status="published", series=series, contact_email="owner@example.org")
    other = Event(slug="other-event", title="Other workshop", start_date=date(2030, 6, 1),
                  end_date=date(2030, 6, 1), timezone="Europe/Berlin", status="draft")
    db.session.add_all([series, event, other])
    db.session.flush()
    pending_role = EventRole(event_id=event.id, user_id=None, email="co-organiser@example.org", role="organiser")
    db.session.add_all([
        EventRole(event_id=event.id, user_id=users["organiser"].id, email=users["organiser"].email, role="owner"),
        pending_role,
        EventRole(event_id=other.id, user_id=users["other_organiser"].id, email=users["other_organiser"].email,
                  role="owner"),
    ])
    room = Room(event=event, name="Sala Goya", capacity=80)
    speaker = Speaker(event=event, name="Dr. Sofía Ruiz", organisation="CNIO", country="ES",
                      email="sofia@example.org")
    slot = AgendaSlot(event=event, kind="plenary", title="Opening plenary", room=room,
                      starts_at=datetime(2030, 5, 6, 7, 0), ends_at=datetime(2030, 5, 6, 8, 0))
    db.session.add_all([room, speaker, slot])
    db.session.flush()
    db.session.add(SlotSpeaker(slot=slot, speaker=speaker, role="speaker"))
    db.session.commit()
    world = {
        "users": users,
        "message_id": message.id,
        "reset_token": make_reset_token(users["reset_target"]),
        "event": event.slug,
        "draft_event": other.slug,
        "series": series.slug,
        "room_id": room.id,
        "slot_id": slot.id,
        "speaker_id": speaker.id,
        "role_id": pending_role.id,
    }
    world.update(_speaker_world(speaker))
    world.update(_participant_registration_world(event, users))
    return world


def _participant_registration_world(event, users) -> dict:
    """Registration open on ``event`` with seats, and "participant" registered in person."""
    from eventsys.registration.models import CONFIRMED, Registration, RegistrationSettings
    settings = RegistrationSettings(event_id=event.id, is_open=True, in_person_capacity=50,
                                    online_capacity=None, in_person_taken=1)
    registration = Registration(event_id=event.id, user_id=users["participant"].id, mode="in_person",
                                status=CONFIRMED, consent_privacy_version="1")
    db.session.add_all([settings, registration])
    db.session.commit()
    return {"participant_registration_id": registration.id}


def _speaker_world(speaker) -> dict:
    """The speaker invitation token, once the speakers feature can make one."""
    try:
        from eventsys.speakers.services import make_invitation_token
    except ImportError:
        return {"invitation_token": "no-token-yet"}
    return {"invitation_token": make_invitation_token(speaker)}
