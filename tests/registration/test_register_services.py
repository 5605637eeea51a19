from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from eventsys.registration import seats, services
from eventsys.registration.models import Registration, RegistrationQuestion
from eventsys.timeutil import utcnow
from tests.registration.helpers import make_open_event


def _register(event, user, mode="in_person", **kw):
    kw.setdefault("consent_privacy", True)
    return services.register(event, user, mode, **kw)


def test_register_confirms_while_seats_remain_and_queues_mail(app, make_user):
    event = make_open_event(in_person=2)
    user = make_user(stakeholder_category="clinician", country="ES")
    registration = _register(event, user)
    assert registration.status == "confirmed"
    assert registration.confirmed_at is not None
    assert (registration.stakeholder_category, registration.country) == ("clinician", "ES")
    assert registration.consent_privacy_version == "1" and registration.consent_privacy_at is not None
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    assert message.subject == f"You are registered: {event.title}"
    assert "/events/%s/registration" % event.slug in message.body_text


def test_register_waitlists_when_mode_full_with_position(app, make_user):
    event = make_open_event(in_person=1)
    _register(event, make_user())
    second = _register(event, make_user())
    third = _register(event, make_user())
    assert (second.status, third.status) == ("waitlisted", "waitlisted")
    assert (seats.waitlist_position(second), seats.waitlist_position(third)) == (1, 2)


def test_register_online_unlimited_never_waitlists(app, make_user):
    event = make_open_event(in_person=0, online=None)
    statuses = {_register(event, make_user(), mode="online").status for _ in range(30)}
    assert statuses == {"confirmed"}


def test_register_twice_returns_the_same_registration(app, make_user):
    event = make_open_event(in_person=5)
    user = make_user()
    first = _register(event, user)
    again = _register(event, user)
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_register_needing_approval_is_pending_and_holds_a_seat(app, make_user):
    event = make_open_event(in_person=1, approval=True)
    assert _register(event, make_user()).status == "pending"
    assert _register(event, make_user()).status == "waitlisted"


@pytest.mark.parametrize("change, message", [
    ({"status": "draft"}, "This event is not published yet."),
    ({"status": "cancelled"}, "This event has been cancelled: registration is closed."),
    ({"is_open": False}, "Registration is closed."),
    ({"opens_at": utcnow() + timedelta(days=1)}, "Registration has not opened yet."),
    ({"closes_at": utcnow() - timedelta(minutes=1)}, "Registration is closed."),
])
def test_register_refused_when_not_open(app, make_user, change, message):
    event = make_open_event(status=change.pop("status", "published"), **change)
    with pytest.raises(ValidationError) as info:
        _register(event, make_user())
    assert str(info.value.message) == message
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_register_refuses_mode_not_offered(app, make_user):
    event = make_open_event(fmt="in_person", in_person=5)
    with pytest.raises(ValidationError) as info:
        _register(event, make_user(), mode="online")
    assert info.value.field == "mode"


def test_register_requires_privacy_consent(app, make_user):
    event = make_open_event()
    with pytest.raises(ValidationError) as info:
        _register(event, make_user(), consent_privacy=False)
    assert info.value.field == "consent_privacy"


def test_register_validates_answers_at_their_field_and_saves_nothing(app, make_user):
    event = make_open_event()
    question = RegistrationQuestion(event_id=event.id, kind="single_choice", label="Diet",
                                    options=["none", "vegetarian"], required=True, applies_to="in_person")
    db.session.add(question)
    db.session.commit()
    with pytest.raises(ValidationError) as info:
        _register(event, make_user(), answers={question.id: "carnivore"})
    assert info.value.field == f"q_{question.id}"
    with pytest.raises(ValidationError):
        _register(event, make_user(), answers={})
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    # the question applies only to in-person participants: online ones are not asked
    online = _register(event, make_user(), mode="online", answers={})
    assert online.status == "confirmed" and online.answers == []
    stored = _register(event, make_user(), answers={question.id: "vegetarian"})
    assert [a.value for a in stored.answers] == ["vegetarian"]


def test_cancel_promotes_first_in_line_and_tells_them(app, make_user):
    event = make_open_event(in_person=1)
    first = _register(event, make_user())
    waiting = _register(event, make_user())
    later = _register(event, make_user())
    promoted = services.cancel_registration(first, first.user)
    assert [r.id for r in promoted] == [waiting.id]
    assert (first.status, waiting.status, later.status) == ("cancelled", "confirmed", "waitlisted")
    assert seats.waitlist_position(later) == 1
    subjects = [m.subject for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_addr == waiting.user.email).order_by(OutboxMessage.id))]
    assert subjects == [f"You are on the waiting list: {event.title}", f"You are registered: {event.title}"]
    body = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.to_addr == waiting.user.email)
                             .order_by(OutboxMessage.id.desc()))
    assert "a seat became free" in body


def test_cancel_by_someone_else_is_refused(app, make_user):
    event = make_open_event()
    registration = _register(event, make_user())
    with pytest.raises(PermissionDenied):
        services.cancel_registration(registration, make_user())
    assert registration.status == "confirmed"


def test_cancel_twice_is_a_conflict(app, make_user):
    event = make_open_event()
    user = make_user()
    registration = _register(event, user)
    services.cancel_registration(registration, user)
    with pytest.raises(Conflict):
        services.cancel_registration(registration, user)


def test_register_again_after_cancelling_reuses_the_row_and_joins_the_end_of_the_line(app, make_user):
    event = make_open_event(in_person=1)
    user = make_user()
    registration = _register(event, user)
    services.cancel_registration(registration, user)
    _register(event, make_user())
    again = _register(event, user)
    assert again.id == registration.id
    assert again.status == "waitlisted"


def test_raising_capacity_promotes_in_order(app, make_user):
    event = make_open_event(in_person=1)
    _register(event, make_user())
    a, b, c = (_register(event, make_user()) for _ in range(3))
    settings = services.get_settings(event)
    settings.in_person_capacity = 3
    db.session.commit()
    promoted = services.promote_after_capacity_change(event)
    assert [r.id for r in promoted] == [a.id, b.id]
    assert c.status == "waitlisted"
    assert services.get_settings(event).in_person_taken == 3


def test_switching_mode_moves_the_seat_and_promotes_the_old_line(app, make_user):
    event = make_open_event(in_person=1, online=1)
    user = make_user()
    mine = _register(event, user)
    waiting = _register(event, make_user())
    services.update_registration(mine, user, "online", {}, consent_public_list=True)
    settings = services.get_settings(event)
    assert (mine.mode, mine.status, mine.consent_public_list) == ("online", "confirmed", True)
    assert waiting.status == "confirmed"
    assert (settings.in_person_taken, settings.online_taken) == (1, 1)


def test_switching_to_a_full_mode_is_refused_and_keeps_the_seat(app, make_user):
    event = make_open_event(in_person=1, online=1)
    _register(event, make_user(), mode="online")
    user = make_user()
    mine = _register(event, user)
    with pytest.raises(ValidationError) as info:
        services.update_registration(mine, user, "online", {}, consent_public_list=False)
    assert info.value.field == "mode"
    db.session.expire_all()
    mine = db.session.get(Registration, mine.id)
    settings = services.get_settings(event)
    assert (mine.mode, mine.status) == ("in_person", "confirmed")
    assert (settings.in_person_taken, settings.online_taken) == (1, 1)
