"""The Overview as a dashboard: exact figures from each feature, the set-up checklist with
links to where each item is fixed, and publishing that asks first when registration is
not open."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest

from eventsys import mail
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.feedback.dashboard import feedback_figures
from eventsys.feedback.models import FeedbackForm, FeedbackResponse
from eventsys.groups.dashboard import round_figures
from eventsys.groups.models import AssignmentDraft, GroupPreference, GroupRound, WorkingGroup
from eventsys.registration.checkin import event_day
from eventsys.registration.dashboard import registration_figures
from eventsys.registration.models import Checkin, Registration, RegistrationSettings
from eventsys.timeutil import utcnow
from tests.builders import PASSWORD
from tests.events.helpers import grant, make_event, make_room, make_slot, make_speaker
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import register


def page(app, login, user, url):
    client = app.test_client()
    login(client, user, PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _user(make_user, n):
    return [make_user() for _ in range(n)]


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org", name="Olga Owner")


def test_registration_figures_count_status_mode_seats_waitlist_and_checkins_today(app, make_user, owner):
    event = make_open_event(owner, in_person=2, online=None)
    a, b, c, d, e = _user(make_user, 5)
    first = register(event, a)                      # confirmed, in person
    register(event, b)                              # confirmed, in person (the last seat)
    register(event, c)                              # waiting list, in person
    register(event, d, mode="online")               # confirmed, online
    late = register(event, e, mode="online")
    late.status = "cancelled"
    db.session.add_all([Checkin(registration_id=first.id, day=event_day(event), at=utcnow()),
                        Checkin(registration_id=late.id, day=event_day(event) - timedelta(days=3),
                                at=utcnow() - timedelta(days=3))])  # not today
    db.session.commit()
    figures = registration_figures(event)
    assert figures["by_status"] == {
        "confirmed": {"in_person": 2, "online": 1, "total": 3},
        "pending": {"in_person": 0, "online": 0, "total": 0},
        "waitlisted": {"in_person": 1, "online": 0, "total": 1},
        "cancelled": {"in_person": 0, "online": 1, "total": 1},
        "rejected": {"in_person": 0, "online": 0, "total": 0},
    }
    assert figures["seats_left"] == {"in_person": 0, "online": None}
    assert figures["waitlist"] == {"in_person": 1, "online": 0}
    assert figures["checked_in_today"] == 1
    assert figures["open"] is True
    text = page(app, _login, owner, f"/events/{event.slug}/manage/")
    row = re.search(r'<tr id="registrations-confirmed">(.*?)</tr>', text, re.S).group(1)
    assert re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) == ["Confirmed", "2", "1", "3"]
    seats = re.search(r'<tr id="seats-left">(.*?)</tr>', text, re.S).group(1)
    assert re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", seats) == ["Seats left", "0", "no limit", ""]
    assert '<strong id="figure-checked-in-today">1</strong>' in text


def _login(client, user, password=PASSWORD):
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 302
    return response


def test_group_rounds_show_preferences_and_assignment_state(app, make_user, owner):
    event = make_open_event(owner)
    drafted = GroupRound(event_id=event.id, title="Round A", position=0)
    published = GroupRound(event_id=event.id, title="Round B", position=1, published_at=utcnow())
    collecting = GroupRound(event_id=event.id, title="Round C", position=2)
    db.session.add_all([drafted, published, collecting])
    db.session.flush()
    g1 = WorkingGroup(round_id=drafted.id, event_id=event.id, title="Diagnosis")
    g2 = WorkingGroup(round_id=drafted.id, event_id=event.id, title="Registries")
    db.session.add_all([g1, g2, WorkingGroup(round_id=published.id, event_id=event.id, title="Care")])
    db.session.flush()
    x, y = (register(event, u) for u in _user(make_user, 2))
    db.session.add_all([GroupPreference(round_id=drafted.id, registration_id=x.id, group_id=g1.id, rank=1),
                        GroupPreference(round_id=drafted.id, registration_id=x.id, group_id=g2.id, rank=2),
                        GroupPreference(round_id=drafted.id, registration_id=y.id, group_id=g2.id, rank=1),
                        AssignmentDraft(round_id=drafted.id, assignment={}, figures={})])
    db.session.commit()
    assert round_figures(event) == [
        {"title": "Round A", "groups": 2, "preferences": 2, "state": "drafted"},
        {"title": "Round B", "groups": 1, "preferences": 0, "state": "published"},
        {"title": "Round C", "groups": 0, "preferences": 0, "state": "collecting"},
    ]
    text = page(app, _login, owner, f"/events/{event.slug}/manage/")
    assert "Round A: Assignment drafted, not published" in re.sub(r"</?strong>", "", text)
    assert "preferences from 2 participants" in text


def test_feedback_shows_responses_and_response_rate(app, make_user, owner):
    event = make_open_event(owner, in_person=10)
    people = [register(event, u) for u in _user(make_user, 3)]
    form = FeedbackForm(event_id=event.id, title="The workshop", anonymous=True)
    db.session.add(form)
    db.session.flush()
    db.session.add(FeedbackResponse(form_id=form.id))
    db.session.commit()
    assert len(people) == 3
    assert feedback_figures(event) == {
        "forms": [{"title": "The workshop", "responses": 1, "audience": 3, "rate": 33}],
        "responses": 1, "audience": 3, "rate": 33}
    text = page(app, _login, owner, f"/events/{event.slug}/manage/")
    assert "1 responses from 3 participants asked (33% response rate)" in text


def test_mail_panel_counts_this_events_mail_by_state(app, make_user, owner):
    event = make_open_event(owner)
    other = make_open_event()
    user = make_user()
    sent, failing, queued, given_up = (mail.queue_mail(user.email, f"M{i}", "registration_cancelled",
                                                       event=event, user=user) for i in range(4))
    mail.queue_mail(user.email, "Other", "registration_cancelled", event=other, user=user)
    mail.queue_mail(user.email, "Site", "password_reset", user=user, token="t", max_age_minutes=5)
    db.session.flush()
    sent.status, sent.sent_at = "sent", utcnow()
    failing.last_error = "550 mailbox unavailable"
    given_up.status, given_up.last_error = "failed", "550 mailbox unavailable"
    db.session.commit()
    assert mail.event_mail_counts(event.id) == {"queued": 1, "failing": 1, "failed": 1, "sent": 1}
    text = page(app, _login, owner, f"/events/{event.slug}/manage/")
    assert re.findall(r'<strong id="figure-mail-(\w+)">(\d+)</strong>', text) == [
        ("queued", "1"), ("failing", "1"), ("failed", "1"), ("sent", "1")]


CHECKLIST = ["Dates and time zone", "Rooms (not needed for online events)", "Agenda has sessions",
             "Speakers confirmed", "Registration is open", "Privacy notice written", "Working groups defined"]


def checklist(text: str) -> list[tuple[str, str, str]]:
    """(state, label, link or '') per item, in order."""
    items = re.findall(r'<li class="mb-1" id="check-\w+">(.*?)</li>', text, re.S)
    result = []
    for item in items:
        state = "done" if "Done:" in item else "missing"
        link = re.search(r'<a href="([^"]+)">([^<]+)</a>', item)
        label = link.group(2) if link else re.sub(r"<[^>]+>|Done:|\u2713", "", item).strip()
        result.append((state, label, link.group(1) if link else ""))
    return result


def test_checklist_links_each_missing_item_to_where_it_is_fixed(app, owner):
    event = make_event(owner=owner, slug="empty-2030", status="draft")
    text = page(app, _login, owner, "/events/empty-2030/manage/")
    base = "/events/empty-2030/manage"
    assert checklist(text) == [
        ("done", "Dates and time zone", ""),
        ("missing", "Rooms (not needed for online events)", f"{base}/rooms"),
        ("missing", "Agenda has sessions", f"{base}/agenda"),
        ("missing", "Speakers confirmed", f"{base}/speakers"),
        ("missing", "Registration is open", f"{base}/registration/settings"),
        ("missing", "Privacy notice written", f"{base}/registration/settings"),
        ("missing", "Working groups defined", f"{base}/groups"),
    ]
    assert "1 of 7 ready." in text
    assert event.status == "draft"


def test_checklist_is_complete_when_everything_is_set_up(app, owner):
    event = make_event(owner=owner, slug="ready-2030", status="draft")
    room = make_room(event)
    make_slot(event, datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8), room=room)
    make_speaker(event, invitation_status="confirmed")
    make_speaker(event, "Declined Speaker", invitation_status="declined")
    db.session.add(RegistrationSettings(event_id=event.id, is_open=True, privacy_notice="We keep your data..."))
    round_ = GroupRound(event_id=event.id, title="Round 1")
    db.session.add(round_)
    db.session.flush()
    db.session.add(WorkingGroup(round_id=round_.id, event_id=event.id, title="Diagnosis"))
    db.session.commit()
    text = page(app, _login, owner, "/events/ready-2030/manage/")
    assert [state for state, _label, _link in checklist(text)] == ["done"] * 7
    assert [label for _state, label, _link in checklist(text)] == CHECKLIST
    assert "Everything is ready." in text


def test_speakers_awaiting_an_answer_are_not_confirmed(app, owner):
    event = make_event(owner=owner, slug="waiting-2030", status="draft")
    make_speaker(event, invitation_status="confirmed")
    make_speaker(event, "Pending Speaker", invitation_status="invited")
    text = page(app, _login, owner, "/events/waiting-2030/manage/")
    assert ("missing", "Speakers confirmed", "/events/waiting-2030/manage/speakers") in checklist(text)


def test_publishing_with_registration_closed_asks_for_confirmation(app, owner):
    event = make_event(owner=owner, slug="draft-2030", status="draft")
    client = app.test_client()
    _login(client, owner)
    response = client.post("/events/draft-2030/manage/status", data={"status": "published"})
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert "Publish this event?" in text
    assert re.findall(r'<ul class="publish-warnings">\s*<li><a href="([^"]+)">([^<]+)</a></li>', text) == [
        ("/events/draft-2030/manage/registration/settings", "Registration is open")]
    assert db.session.get(Event, event.id).status == "draft"
    response = client.post("/events/draft-2030/manage/status", data={"status": "published", "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"


def test_publishing_with_registration_open_needs_no_confirmation(app, owner):
    event = make_open_event(owner, status="draft")
    client = app.test_client()
    _login(client, owner)
    response = client.post(f"/events/{event.slug}/manage/status", data={"status": "published"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"


def test_rapporteur_sees_figures_but_not_mail_nor_checklist(app, make_user, owner):
    event = make_open_event(owner)
    rapporteur, checkin = make_user(), make_user()
    grant(event, rapporteur, "rapporteur")
    grant(event, checkin, "checkin")
    text = page(app, _login, rapporteur, f"/events/{event.slug}/manage/")
    assert 'id="registration-heading"' in text and 'id="feedback-heading"' in text
    assert 'id="mail-heading"' not in text and 'id="checklist-heading"' not in text
    text = page(app, _login, checkin, f"/events/{event.slug}/manage/")
    assert 'id="registration-heading"' in text
    assert 'id="feedback-heading"' not in text and 'id="mail-heading"' not in text
