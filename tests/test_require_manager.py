"""One rule for "may change this event": ``permissions.require_manager(actor, event)``.
No service grants rights to a missing actor (None); jobs pass ``permissions.SYSTEM``."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from eventsys import permissions
from eventsys.agenda import importing as agenda_importing
from eventsys.agenda import services as agenda_services
from eventsys.errors import PermissionDenied
from eventsys.extensions import db
from eventsys.feedback import questions as feedback_questions
from eventsys.feedback import services as feedback_services
from eventsys.feedback.models import FeedbackForm
from eventsys.groups import services as group_services
from eventsys.registration import messaging, organiser, participants
from eventsys.registration.models import Registration
from eventsys.speakers import services as speaker_services
from tests.events.helpers import make_event
from tests.registration.helpers import make_open_event

SLOT = {"kind": "plenary", "title": "Opening plenary", "starts_at": datetime(2030, 5, 6, 9, 0),
        "ends_at": datetime(2030, 5, 6, 10, 0)}

# (family, call with actor None, the family's message)
CALLS = {
    "agenda": (lambda event: agenda_services.create_slot(event, dict(SLOT), None),
               "You cannot change the agenda of this event."),
    "agenda import": (lambda event: agenda_importing.import_agenda(event, b"", None),
                      "You cannot change the agenda of this event."),
    "groups": (lambda event: group_services.create_round(event, {"title": "Round 1"}, None),
               "You cannot change the working groups of this event."),
    "feedback default forms": (lambda event: feedback_services.ensure_default_forms(event, None),
                               "Only the event's organisers can change its feedback forms."),
    "feedback form": (lambda event: feedback_services.create_form(event, None, None),
                      "Only the event's organisers can change its feedback forms."),
    "speakers": (lambda event: speaker_services.create_speaker(event, {"name": "Dr. Sofía Ruiz"}, None),
                 "You cannot manage the speakers of this event."),
    "registration settings": (lambda event: organiser.add_template_questions(event, None),
                              "Only the event's organisers can change its registration."),
    "registrations": (lambda event: participants.add_participant(
        event, {"email": "pat@example.org", "name": "Pat", "mode": "online"}, None),
        "Only the event's organisers can change registrations."),
    "messages": (lambda event: messaging.send_message(event, {"subject": "Hi", "body": "Hello"}, None),
                 "Only the event's organisers can message participants."),
}


@pytest.mark.parametrize("family", sorted(CALLS))
def test_service_refuses_a_missing_actor(app, make_user, family):
    event = make_open_event(owner=make_user())
    call, message = CALLS[family]
    with pytest.raises(PermissionDenied) as refused:
        call(event)
    assert str(refused.value.message) == message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FeedbackForm)) == 0
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_feedback_questions_refuse_a_missing_actor(app, make_user):
    owner = make_user()
    event = make_event(owner)
    form = feedback_services.create_form(event, None, owner)
    with pytest.raises(PermissionDenied) as refused:
        feedback_questions.add_question(form, {"kind": "long_text", "label": "Anything else?"}, None)
    assert str(refused.value.message) == "Only the event's organisers can change its feedback forms."


def test_system_actor_creates_the_default_feedback_forms(app, make_user):
    event = make_event(make_user())
    assert feedback_services.ensure_default_forms(event, permissions.SYSTEM) == 1
    assert feedback_services.ensure_default_forms(event, permissions.SYSTEM) == 0


def test_system_actor_is_an_owner_but_no_person(app, make_user):
    event = make_event(make_user(), status="draft")
    assert permissions.event_role(permissions.SYSTEM, event) == permissions.OWNER
    assert permissions.can_manage_event(permissions.SYSTEM, event) is True
    assert permissions.can_see_event(permissions.SYSTEM, event) is True
    assert (permissions.is_authenticated(permissions.SYSTEM), permissions.is_site_admin(permissions.SYSTEM),
            permissions.is_verified(permissions.SYSTEM)) == (False, False, False)


def test_require_manager_refuses_none_and_strangers_with_the_message(app, make_user):
    owner, stranger = make_user(), make_user()
    event = make_event(owner)
    permissions.require_manager(owner, event, "unused")
    for actor in (None, stranger):
        with pytest.raises(PermissionDenied) as refused:
            permissions.require_manager(actor, event, "Not yours.")
        assert str(refused.value.message) == "Not yours."
    with pytest.raises(PermissionDenied) as general:
        permissions.require_manager(None, event)
    assert str(general.value.message) == "You cannot change this event."
