"""A small world for access checks: one of each kind of user, and the objects the access
table's URLs point at. Later features add their objects here."""
from __future__ import annotations

from datetime import date, datetime

from eventsys import mail
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.auth.services import make_reset_token
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.permissions import SYSTEM
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
    event_message = mail.queue_mail("participant@example.org", "Hello", "registration_cancelled",
                                    event=event, user=users["participant"])
    db.session.commit()
    world = {
        "users": users,
        "message_id": message.id,
        "event_message_id": event_message.id,
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
    world.update(_account_world(event, make_user, users))
    world.update(_participant_registration_world(event, users))
    world.update(_registration_world(event, world))
    world.update(_groups_world(event, room))
    world.update(_ical_world(users))
    world.update(_feedback_world(event, world))
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


def _registration_world(event, world) -> dict:
    """Organiser side: a custom question, and the QR token of the participant's registration."""
    from eventsys.registration.models import Registration, RegistrationQuestion
    question = RegistrationQuestion(event_id=event.id, kind="long_text", label="Accessibility needs",
                                    sensitive=True, applies_to="in_person")
    db.session.add(question)
    db.session.commit()
    registration = db.session.get(Registration, world["participant_registration_id"])
    return {"question_id": question.id, "qr_token": registration.qr_token}


def _account_world(event, make_user, users) -> dict:
    """An unverified account's confirmation token, and a pending team invitation on event."""
    from eventsys.auth.signup import make_verification_token
    from eventsys.events.invitations import _hash
    from eventsys.events.models import TeamInvitation
    from eventsys.timeutil import utcnow
    newcomer = make_user(email="newcomer@example.org", name="Nina Newcomer", email_verified_at=None)
    invitation = TeamInvitation(event_id=event.id, email="invited@example.org", role="rapporteur",
                                token_hash=_hash("access-team-token"), invited_by_id=users["organiser"].id,
                                expires_at=datetime(2100, 1, 1), created_at=utcnow())
    db.session.add(invitation)
    db.session.commit()
    return {"verify_token": make_verification_token(newcomer), "team_token": "access-team-token",
            "team_invitation_id": invitation.id}


def _speaker_world(speaker) -> dict:
    """The speaker invitation token, once the speakers feature can make one."""
    try:
        from eventsys.speakers.invitations import make_invitation_token
    except ImportError:
        return {"invitation_token": "no-token-yet"}
    return {"invitation_token": make_invitation_token(speaker)}


def _ical_world(users) -> dict:
    """The personal calendar feed token of "participant" (registered in person on event)."""
    from eventsys.ical.tokens import calendar_token
    return {"calendar_token": calendar_token(users["participant"])}


def _groups_world(event, room) -> dict:
    """A ranked round on ``event`` (open, no deadline) with one hybrid group, with a
    moderator, meeting in ``room`` in a working-group slot of its own."""
    from eventsys.groups.models import GroupRound, GroupStaff, WorkingGroup
    slot = AgendaSlot(event=event, kind="working_group", title="Working groups, round 1", room=room,
                      starts_at=datetime(2030, 5, 6, 12, 0), ends_at=datetime(2030, 5, 6, 13, 30))
    group_round = GroupRound(event_id=event.id, title="Day 1 afternoon", join_mode="ranked", min_ranks=1)
    db.session.add(group_round)
    db.session.flush()
    group = WorkingGroup(round_id=group_round.id, event_id=event.id, title="Data sharing", format="hybrid",
                         guiding_question="How do we share data safely?", in_person_seats=10, online_seats=10,
                         room_id=room.id, online_link="https://meet.example.org/access-wg", slots=[slot])
    group.staff.append(GroupStaff(name="Mo Moderator", role="moderator", mode="in_person"))
    db.session.add(group)
    db.session.commit()
    return {"group_round_id": group_round.id, "group_id": group.id}


def _feedback_world(event, world) -> dict:
    """The default feedback forms of ``event`` (its own, and the plenary's), a question of
    the plenary's form, and the signed answer link of "participant" for it."""
    from eventsys.feedback.models import FeedbackForm, FeedbackQuestion
    from eventsys.feedback.requests import make_answer_token
    from eventsys.feedback.services import ensure_default_forms
    from eventsys.registration.models import Registration
    ensure_default_forms(event, SYSTEM)
    form = db.session.scalar(db.select(FeedbackForm).where(FeedbackForm.slot_id == world["slot_id"]))
    question = db.session.scalar(db.select(FeedbackQuestion).where(FeedbackQuestion.form_id == form.id)
                                 .order_by(FeedbackQuestion.position))
    registration = db.session.get(Registration, world["participant_registration_id"])
    return {"feedback_form_id": form.id, "feedback_question_id": question.id,
            "feedback_token": make_answer_token(form, registration)}
