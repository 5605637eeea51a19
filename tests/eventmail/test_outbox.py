"""The event's own outbox: its team (owners, organisers) sees recipient, subject, body,
state and error of this event's mail and can retry; everyone else is turned away."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from eventsys import mail
from eventsys.extensions import db
from eventsys.timeutil import utcnow
from tests.builders import PASSWORD
from tests.events.helpers import grant, make_event


@pytest.fixture
def team(app, make_user):
    users = {role: make_user(email=f"{role}@example.org") for role in
             ("owner", "organiser", "rapporteur", "checkin", "participant", "other_owner")}
    event = make_event(owner=users["owner"], slug="mail-2030", title="Mail workshop")
    for role in ("organiser", "rapporteur", "checkin"):
        grant(event, users[role], role)
    other = make_event(owner=users["other_owner"], slug="other-2030", title="Other workshop")
    draft = make_event(owner=users["other_owner"], slug="draft-2030", status="draft")
    ana = users["participant"]
    failing = mail.queue_mail("ana@example.org", "Your registration", "registration_cancelled", event=event, user=ana)
    sent = mail.queue_mail("ben@example.org", "Welcome", "registration_cancelled", event=event, user=ana)
    mail.queue_mail("carl@example.org", "Elsewhere", "registration_cancelled", event=other, user=ana)
    mail.queue_mail("dora@example.org", "Reset your password", "password_reset", user=ana, token="t",
                    max_age_minutes=5)
    db.session.flush()
    failing.last_error, failing.attempts = "550 mailbox unavailable", 2
    failing.next_attempt_at = utcnow() + timedelta(hours=1)
    sent.status, sent.sent_at, sent.attempts = "sent", utcnow(), 1
    db.session.commit()
    return {"event": event, "other": other, "draft": draft, "failing": failing.id, "sent": sent.id, **users}


def client_for(app, login, user):
    client = app.test_client()
    login(client, user, PASSWORD)
    return client


@pytest.mark.parametrize("role", ["owner", "organiser"])
def test_team_sees_this_events_mail_with_body_state_and_error(app, login, team, role):
    response = client_for(app, login, team[role]).get("/events/mail-2030/manage/mail/outbox")
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert "ana@example.org" in text and "ben@example.org" in text
    assert "carl@example.org" not in text and "dora@example.org" not in text
    assert "Last error: 550 mailbox unavailable" in text
    assert "Your registration for Mail workshop is cancelled." in text  # the body
    assert '<span class="badge text-bg-danger">failing</span>' in text
    assert '<span class="badge text-bg-success">sent</span>' in text
    assert "Queued: 0 · Failing, will be retried: 1 · Failed, given up: 0 · Sent: 1" in text


@pytest.mark.parametrize("role", ["rapporteur", "checkin", "participant", "other_owner"])
def test_others_are_refused_the_events_outbox(app, login, team, role):
    client = client_for(app, login, team[role])
    assert client.get("/events/mail-2030/manage/mail/outbox").status_code == 403
    assert client.post(f"/events/mail-2030/manage/mail/outbox/{team['failing']}/retry").status_code == 403


def test_a_draft_events_outbox_is_not_revealed(app, login, team):
    client = client_for(app, login, team["owner"])
    assert client.get("/events/draft-2030/manage/mail/outbox").status_code == 404


def test_retry_makes_a_failing_message_due_now(app, login, team):
    client = client_for(app, login, team["organiser"])
    response = client.post(f"/events/mail-2030/manage/mail/outbox/{team['failing']}/retry")
    assert response.status_code == 302
    assert response.headers["Location"] == "/events/mail-2030/manage/mail/outbox?status=queued"
    db.session.expire_all()
    assert db.session.get(mail.OutboxMessage, team["failing"]).next_attempt_at <= utcnow()


def test_retry_refuses_another_events_message(app, login, team):
    site_message = db.session.scalar(db.select(mail.OutboxMessage.id).where(
        mail.OutboxMessage.to_addr == "dora@example.org"))
    client = client_for(app, login, team["owner"])
    assert client.post(f"/events/mail-2030/manage/mail/outbox/{site_message}/retry").status_code == 404


def test_retry_of_a_sent_message_says_so(app, login, team):
    client = client_for(app, login, team["owner"])
    response = client.post(f"/events/mail-2030/manage/mail/outbox/{team['sent']}/retry", follow_redirects=True)
    assert "This message is already sent." in response.get_data(as_text=True)


def test_admin_outbox_still_lists_every_message(app, login, make_user, team):
    admin = make_user(is_admin=True)
    text = client_for(app, login, admin).get("/admin/outbox").get_data(as_text=True)
    assert all(address in text for address in ("ana@", "ben@", "carl@", "dora@"))


def test_deleting_the_event_keeps_its_mail_without_an_event(app, team):
    db.session.delete(db.session.get(type(team["event"]), team["event"].id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(mail.OutboxMessage, team["failing"]).event_id is None
