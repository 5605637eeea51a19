"""Confirmation messages per way of attending: the in-person text never reaches online
participants (page and e-mail), and the e-mail links to "My event"."""
from __future__ import annotations

from sqlalchemy import select

from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from eventsys.registration import services
from tests.registration.helpers import make_open_event

GENERAL, VENUE, LINK = "Thanks for coming.", "Take metro line 10 to the venue.", "Join from your desk."


def _event():
    return make_open_event(in_person=5, online=None, confirmation_message=GENERAL,
                           confirmation_message_in_person=VENUE, confirmation_message_online=LINK)


def _mail_to(user) -> str:
    return db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.to_addr == user.email))


def test_online_participant_never_gets_the_in_person_message(client, app, make_user, login):
    event = _event()
    person = make_user()
    services.register(event, person, "online", consent_privacy=True)
    body = _mail_to(person)
    assert GENERAL in body and LINK in body and VENUE not in body
    assert f"/events/{event.slug}/my" in body
    login(client, person)
    page = client.get(f"/events/{event.slug}/registration").get_data(as_text=True)
    assert GENERAL in page and LINK in page and VENUE not in page


def test_in_person_participant_gets_the_in_person_message(client, app, make_user, login):
    event = _event()
    person = make_user()
    services.register(event, person, "in_person", consent_privacy=True)
    body = _mail_to(person)
    assert body.index(GENERAL) < body.index(VENUE) and LINK not in body
    login(client, person)
    page = client.get(f"/events/{event.slug}/registration").get_data(as_text=True)
    assert VENUE in page and LINK not in page
    assert f'href="/events/{event.slug}/my">My event</a>' in page


def test_settings_form_saves_both_mode_messages(client, app, make_user, login):
    owner = make_user()
    event = make_open_event(owner=owner)
    login(client, owner)
    url = f"/events/{event.slug}/manage/registration/settings"
    assert "for in-person participants only" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"is_open": "y", "in_person_capacity": "10", "online_capacity": "",
                                      "confirmation_message": GENERAL, "confirmation_message_in_person": VENUE,
                                      "confirmation_message_online": LINK, "privacy_notice": ""})
    assert response.status_code == 302
    db.session.expire_all()
    settings = services.get_settings(event)
    assert (settings.confirmation_message_in_person, settings.confirmation_message_online) == (VENUE, LINK)
    assert settings.confirmation_messages("online") == [GENERAL, LINK]
