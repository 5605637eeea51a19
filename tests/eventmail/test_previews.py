"""Previews of what participants receive: rendered by the same builders and renderer as
the mail that is queued, for a sample or a chosen participant, and nothing is queued."""
from __future__ import annotations

import html
from datetime import datetime

import pytest
from sqlalchemy import func, select

from eventsys import mail
from eventsys.errors import NotFound, PermissionDenied
from eventsys.eventmail.previews import build_previews
from eventsys.extensions import db
from eventsys.feedback.models import FeedbackForm
from eventsys.groups.models import GroupRound, WorkingGroup
from tests.builders import PASSWORD
from tests.events.helpers import grant
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import register

LINK = "http://localhost/events/{slug}/registration"


def outbox_size() -> int:
    return db.session.scalar(select(func.count(mail.OutboxMessage.id)))


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org", name="Olga Owner")


@pytest.fixture
def event(app, owner):
    event = make_open_event(owner, confirmation_message="Bring your badge.")
    event.title = "Rare workshop 2031"
    round_ = GroupRound(event_id=event.id, title="Round 1")
    db.session.add(round_)
    db.session.flush()
    db.session.add(WorkingGroup(round_id=round_.id, event_id=event.id, title="Diagnosis",
                                guiding_question="How to shorten the diagnostic odyssey?"))
    db.session.add(FeedbackForm(event_id=event.id, title="The workshop", anonymous=True,
                                closes_at=datetime(2031, 3, 18, 17, 0)))
    db.session.commit()
    return event


def test_every_kind_of_mail_is_previewed_for_a_sample_participant(event, owner):
    before = outbox_size()
    previews = {p.kind: p.mail for p in build_previews(event, owner, None, "en")}
    link = LINK.format(slug=event.slug)
    my_event = f"My event (your registration, working groups and feedback forms): http://localhost/events/{event.slug}/my"
    assert outbox_size() == before == 0
    assert {kind: (m.to, m.subject, m.locale) for kind, m in previews.items() if kind != "feedback_request"} == {
        "confirmed_in_person": ("alex.sample@example.org", "You are registered: Rare workshop 2031", "en"),
        "confirmed_online": ("alex.sample@example.org", "You are registered: Rare workshop 2031", "en"),
        "pending": ("alex.sample@example.org", "Registration received, awaiting approval: Rare workshop 2031", "en"),
        "waitlisted": ("alex.sample@example.org", "You are on the waiting list: Rare workshop 2031", "en"),
        "promoted": ("alex.sample@example.org", "You are registered: Rare workshop 2031", "en"),
        "group_assignment": ("alex.sample@example.org", "Your working group for Round 1: Diagnosis", "en"),
        "message": ("alex.sample@example.org", "Practical information", "en"),
    }
    assert previews["confirmed_in_person"].body_text == (
        "Hello Alex Sample,\n\nYou are registered for Rare workshop 2031.\nWay of attending: in person\n\n"
        f"Bring your badge.\n\nYour registration: {link}\n{my_event}")
    assert previews["confirmed_online"].body_text == (
        "Hello Alex Sample,\n\nYou are registered for Rare workshop 2031.\nWay of attending: online\n\n"
        f"Bring your badge.\n\nYour registration: {link}\n{my_event}")
    assert previews["pending"].body_text == (
        "Hello Alex Sample,\n\nWe have received your registration for Rare workshop 2031. The organisers will "
        f"confirm it soon.\n\nYour registration: {link}\n{my_event}")
    assert previews["waitlisted"].body_text == (
        "Hello Alex Sample,\n\nAll seats for Rare workshop 2031 are taken in the way of attending you chose. "
        "You are on the waiting list, position 1. If a seat becomes free, you will be registered automatically "
        f"and told by email.\n\nYour registration: {link}\n{my_event}")
    assert previews["promoted"].body_text == (
        "Hello Alex Sample,\n\nGood news: a seat became free and you are now registered for Rare workshop 2031.\n"
        f"Way of attending: in person\n\nBring your badge.\n\nYour registration: {link}\n{my_event}")
    assert previews["group_assignment"].body_text == (
        "Hello Alex Sample,\n\nYour working group for Round 1 at Rare workshop 2031 is “Diagnosis”.\n"
        "Guiding question: How to shorten the diagnostic odyssey?\n\n"
        f"Your working groups: http://localhost/events/{event.slug}/groups")
    assert previews["feedback_request"].subject == "Your feedback please: The workshop"
    assert previews["feedback_request"].body_text == (
        "Hello Alex Sample,\n\nThank you for taking part in Rare workshop 2031. Would you tell us how it went? "
        "It takes a few minutes.\n\nhttp://localhost/feedback/answer/preview\n\n"
        "The link opens the form directly: no need to log in.\n"
        "Your answers are anonymous: they are not linked to you. You can answer once.\n"
        "The form closes on Mar 18, 2031, 6:00\u202fPM (Europe/Madrid).")
    assert previews["message"].body_text == (
        "Hello Alex Sample,\n\nHere comes the text you write on the page Message participants.\n\n-- \n"
        f"A message from the organisers of Rare workshop 2031.\nYour registration: {link}")


def test_preview_equals_the_mail_that_is_queued(event, owner, make_user):
    person = make_user(email="ana@example.org", name="Ana Gómez", locale="es")
    registration = register(event, person)  # queues the real confirmation
    queued = db.session.scalars(select(mail.OutboxMessage).where(mail.OutboxMessage.to_addr == "ana@example.org")).all()
    assert len(queued) == 1
    preview = {p.kind: p.mail for p in build_previews(event, owner, registration)}["confirmed_in_person"]
    assert (preview.to, preview.subject, preview.body_text, preview.locale) == (
        "ana@example.org", queued[0].subject, queued[0].body_text, "es")
    assert queued[0].event_id == event.id
    assert outbox_size() == 1


def test_missing_groups_and_forms_are_said_instead_of_previewed(app, owner):
    bare = make_open_event(owner)
    previews = {p.kind: p for p in build_previews(bare, owner)}
    assert (previews["group_assignment"].mail, previews["group_assignment"].missing) == (
        None, "The event has no working group yet.")
    assert (previews["feedback_request"].mail, previews["feedback_request"].missing) == (
        None, "The event has no feedback form yet.")


def test_previews_are_refused_to_rapporteurs_and_other_events_registrations(event, owner, make_user):
    rapporteur = make_user()
    grant(event, rapporteur, "rapporteur")
    with pytest.raises(PermissionDenied):
        build_previews(event, rapporteur)
    other = make_open_event(owner)
    stranger = register(other, make_user())
    with pytest.raises(NotFound):
        build_previews(event, owner, stranger)


def test_previews_page_shows_each_mail_and_queues_nothing(app, login, event, owner, make_user):
    person = make_user(email="ben@example.org", name="Ben Brown")
    registration = register(event, person)
    before = outbox_size()
    client = app.test_client()
    login(client, owner, PASSWORD)
    response = client.get(f"/events/{event.slug}/manage/mail/?registration={registration.id}")
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert text.count('class="card mb-3 mail-preview"') == 8
    assert "Hello Ben Brown," in text and "ben@example.org" in text
    assert '<dd class="col-sm-10 mail-subject">Your working group for Round 1: Diagnosis</dd>' in text
    assert outbox_size() == before


def test_previews_page_refuses_another_events_participant(app, login, event, owner, make_user):
    stranger = register(make_open_event(), make_user())
    client = app.test_client()
    login(client, owner, PASSWORD)
    assert client.get(f"/events/{event.slug}/manage/mail/?registration={stranger.id}").status_code == 404
