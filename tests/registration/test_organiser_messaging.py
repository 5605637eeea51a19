"""Messages to all or a filtered set of participants: one mail per recipient through the
outbox, in their language, and never twice for the same form."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsys.errors import PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.registration import messaging, services
from eventsys.registration.models import RegistrationMessage
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, outbox, register


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org")


@pytest.fixture
def crowd(app, owner, make_user):
    """in person: 3 confirmed, 1 waitlisted, 1 cancelled; online: 1 confirmed (Spanish)."""
    event = make_open_event(owner, in_person=3, online=None)
    people = {name: make_user(email=f"{name}@example.org", name=name.title()) for name in
              ("ana", "ben", "cy", "dee", "eva")}
    people["eva"].locale = "es"
    regs = {name: register(event, people[name], "online" if name == "eva" else "in_person")
            for name in ("ana", "ben", "cy", "eva")}
    register(event, people["dee"])  # waitlisted
    services.cancel_registration(regs["cy"], people["cy"])  # dee moves up from the waitlist
    register(event, make_user(email="late@example.org"))  # waitlisted
    return event


def send(event, actor, batch_id="batch-0123456789abcdef", **values):
    return messaging.send_message(event, {"batch_id": batch_id, "subject": "Room change",
                                          "body": "We meet in Sala Goya.", **values}, actor)


@pytest.mark.parametrize("status, mode, expected", [
    (None, None, 5), ("active", "", 5), ("confirmed", "", 4), ("confirmed", "in_person", 3),
    ("confirmed", "online", 1), ("waitlisted", None, 1), ("pending", None, 0)])
def test_count_recipients_follows_the_filters(crowd, status, mode, expected):
    assert messaging.count_recipients(crowd, status, mode) == expected


def test_send_queues_one_mail_per_recipient_of_the_filter(crowd, owner):
    log, sent = send(crowd, owner, status="confirmed", mode="in_person")
    assert (sent, log.recipients, log.filters, log.sent_by_id) == (True, 3, {"status": "confirmed",
                                                                             "mode": "in_person"}, owner.id)
    assert sorted(m.to_addr for m in outbox()[-3:]) == ["ana@example.org", "ben@example.org", "dee@example.org"]
    message = outbox("ana@example.org")[-1]
    assert message.subject == "Room change"
    assert message.body_text.startswith("Hello Ana,\n\nWe meet in Sala Goya.\n")
    assert f"/events/{crowd.slug}/registration" in message.body_text


def test_send_writes_each_mail_in_the_recipients_language(crowd, owner):
    send(crowd, owner, status="confirmed", mode="online")
    body = outbox("eva@example.org")[-1].body_text
    assert body.startswith("Hola Eva,") or body.startswith("Hello Eva,")  # Spanish once translated
    assert "We meet in Sala Goya." in body


def test_resending_the_same_batch_sends_nothing(crowd, owner):
    before = len(outbox())
    first, sent_first = send(crowd, owner)
    again, sent_again = send(crowd, owner, subject="Edited after the fact")
    assert (sent_first, sent_again, again.id, again.subject) == (True, False, first.id, "Room change")
    assert len(outbox()) == before + 5
    assert db.session.scalar(select(db.func.count()).select_from(RegistrationMessage)) == 1


def test_anonymised_and_cancelled_registrations_get_nothing(crowd, owner):
    send(crowd, owner)
    assert [m.subject for m in outbox("cy@example.org")][-1] != "Room change"


@pytest.mark.parametrize("values, field", [
    ({"subject": "  "}, "subject"), ({"body": ""}, "body"), ({"subject": "x" * 201}, "subject"),
    ({"status": "cancelled"}, "status"), ({"mode": "both"}, "mode"), ({"batch_id": "short"}, None)])
def test_bad_message_is_refused_and_nothing_sent(crowd, owner, values, field):
    before = len(outbox())
    with pytest.raises(ValidationError) as error:
        send(crowd, owner, **values)
    assert error.value.field == field
    assert len(outbox()) == before


def test_subject_is_one_line(crowd, owner):
    log, _sent = send(crowd, owner, subject="Room\r\nBcc: evil@example.org")
    assert log.subject == "Room Bcc: evil@example.org"


def test_a_batch_id_of_another_event_is_refused(crowd, owner):
    other = make_open_event(owner)
    send(other, owner)
    with pytest.raises(ValidationError):
        send(crowd, owner)


@pytest.mark.parametrize("role", ["rapporteur", "checkin"])
def test_staff_without_manage_right_cannot_send(crowd, make_user, role):
    staff = make_user()
    add_role(crowd, staff, role)
    with pytest.raises(PermissionDenied):
        send(crowd, staff)
