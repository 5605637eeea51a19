"""`eventsys send-feedback-requests`: who is asked, once per form, with a link that answers
without logging in; and what the link does when forged, expired or late."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.permissions import SYSTEM
from eventsys.feedback import services
from eventsys.feedback.answering import submit_response
from eventsys.feedback.commands import send_feedback_requests_command
from eventsys.feedback.models import FeedbackRequest, FeedbackResponse
from eventsys.feedback.requests import make_answer_token, send_feedback_requests
from eventsys.feedback.window import form_window
from eventsys.mail import OutboxMessage, deliver_due
from eventsys.timeutil import utcnow
from tests.feedback.helpers import form_for, make_feedback_event, make_group, questions, register


@pytest.fixture
def world(app, make_user):
    owner = make_user()
    event, slots = make_feedback_event(owner)
    services.ensure_default_forms(event, owner)
    people = {name: make_user(email=f"{name}@example.org", name=name.title()) for name in
              ("ana", "ben", "cleo", "dev", "eva")}
    regs = {
        "ana": register(event, people["ana"], checked_in=True),
        "ben": register(event, people["ben"], mode="online", online=True),
        "cleo": register(event, people["cleo"]),                       # confirmed, not checked in
        "dev": register(event, people["dev"], status="waitlisted", checked_in=True),
        "eva": register(event, people["eva"], checked_in=True),
    }
    return {"owner": owner, "event": event, "slots": slots, "people": people, "regs": regs}


def _requests(form=None):
    query = select(FeedbackRequest.form_id, FeedbackRequest.registration_id)
    if form is not None:
        query = query.where(FeedbackRequest.form_id == form.id)
    return sorted(db.session.execute(query).all())


def test_asks_attendees_of_ended_sessions_once_per_form(world, mailbox):
    event, slots, regs = world["event"], world["slots"], world["regs"]
    report = send_feedback_requests()
    plenary, group = form_for(event, slots["plenary"]), form_for(event, slots["group"])
    attended = sorted([regs["ana"].id, regs["ben"].id, regs["eva"].id])
    assert (report.people, report.forms) == (3, 2)
    assert _requests() == sorted([(plenary.id, r) for r in attended] + [(group.id, r) for r in attended])
    again = send_feedback_requests()
    assert (again.people, again.forms) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(FeedbackRequest)) == 6
    assert deliver_due().sent == 6
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        ["ana@example.org", "ben@example.org", "eva@example.org"] * 2)
    assert sorted(m["Subject"] for m in mailbox.to("ana@example.org")) == [
        "Your feedback please: Opening plenary", "Your feedback please: Working groups, round 1"]


def test_a_session_that_ended_less_than_the_delay_ago_waits(world):
    plenary = form_for(world["event"], world["slots"]["plenary"])
    ended = world["slots"]["plenary"].ends_at
    assert send_feedback_requests(now=ended + timedelta(minutes=4)).forms == 0
    report = send_feedback_requests(now=ended + timedelta(minutes=5))
    assert report.forms == 1 and {f for f, _r in _requests()} == {plenary.id}


def test_the_event_form_is_requested_after_the_last_session(world):
    event_form = form_for(world["event"])
    last = world["slots"]["keynote"].ends_at
    send_feedback_requests(now=last)
    assert _requests(event_form) == []
    send_feedback_requests(now=last + timedelta(minutes=5))
    assert len(_requests(event_form)) == 3


def test_without_any_attendance_recorded_every_confirmed_participant_is_asked(app, make_user):
    event, slots = make_feedback_event()
    services.ensure_default_forms(event, SYSTEM)
    regs = [register(event, make_user()) for _ in range(3)] + [register(event, make_user(), status="cancelled")]
    send_feedback_requests()
    plenary = form_for(event, slots["plenary"])
    assert [r for _f, r in _requests(plenary)] == sorted(r.id for r in regs[:3])


def test_working_group_session_asks_only_its_members(world):
    regs = world["regs"]
    make_group(world["event"], world["slots"]["group"], members=[regs["ana"], regs["cleo"]], waitlisted=[regs["ben"]])
    send_feedback_requests()
    group = form_for(world["event"], world["slots"]["group"])
    assert [r for _f, r in _requests(group)] == [regs["ana"].id]


def test_people_who_already_answered_are_not_asked(world):
    plenary = form_for(world["event"], world["slots"]["plenary"])
    submit_response(plenary, world["event"], world["regs"]["ana"], {questions(plenary)[0].id: 5},
                    world["people"]["ana"])
    send_feedback_requests()
    assert [r for _f, r in _requests(plenary)] == sorted([world["regs"]["ben"].id, world["regs"]["eva"].id])


def test_closed_forms_and_draft_events_are_not_requested(world, app, make_user):
    plenary = form_for(world["event"], world["slots"]["plenary"])
    services.update_form_settings(plenary, {"title": plenary.title, "anonymous": True,
                                            "opens_at": utcnow() - timedelta(days=2),
                                            "closes_at": utcnow() - timedelta(minutes=1)}, world["owner"])
    draft, _slots = make_feedback_event(status="draft")
    services.ensure_default_forms(draft, SYSTEM)
    register(draft, make_user(), checked_in=True)
    send_feedback_requests()
    assert {f for f, _r in _requests()} == {form_for(world["event"], world["slots"]["group"]).id}


def test_the_command_prints_what_it_did_and_is_idempotent(world, app):
    runner = app.test_cli_runner()
    first = runner.invoke(send_feedback_requests_command, [])
    assert first.exit_code == 0 and first.output == "asked 3 people for 2 forms\n"
    assert runner.invoke(send_feedback_requests_command, []).output == "asked 0 people for 0 forms\n"


def test_the_command_is_registered(app):
    assert "send-feedback-requests" in app.cli.commands and "create-feedback-forms" in app.cli.commands


def test_the_link_in_the_email_answers_without_logging_in(world, mailbox, client):
    send_feedback_requests()
    deliver_due()
    message = next(m for m in mailbox.to("eva@example.org") if m["Subject"].endswith("Opening plenary"))
    body = mailbox.body(message)
    assert "Thank you for taking part in \"Opening plenary\"" in body
    assert "Your answers are anonymous" in body
    link = next(url for url in mailbox.links(message) if "/feedback/answer/" in url)
    assert link.startswith("http://localhost/feedback/answer/")  # BASE_URL of the tests
    path = link.removeprefix("http://localhost")
    page = client.get(path)
    assert page.status_code == 200 and "Opening plenary" in page.get_data(as_text=True)
    plenary = form_for(world["event"], world["slots"]["plenary"])
    qid = questions(plenary)[0].id
    response = client.post(path, data={f"q_{qid}": "5"})
    assert response.status_code == 302 and response.headers["Location"] == path
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1
    after = client.get(path).get_data(as_text=True)
    assert "Thank you! Your answers are recorded anonymously." in after
    assert "You have already answered this form. Thank you!" in after
    again = client.post(path, data={f"q_{qid}": "1"})
    assert again.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1


def test_a_forged_link_gets_a_friendly_400(world, client):
    token = make_answer_token(form_for(world["event"], world["slots"]["plenary"]), world["regs"]["ana"])
    response = client.get(f"/feedback/answer/{token[:-3]}xyz")
    assert response.status_code == 400
    assert "This feedback link is not valid. Please check that you copied all of it." in response.get_data(as_text=True)


def test_an_expired_link_gets_a_friendly_400(world, make_app):
    token = make_answer_token(form_for(world["event"], world["slots"]["plenary"]), world["regs"]["ana"])
    expired_app = make_app(FEEDBACK_LINK_MAX_AGE=-1)
    response = expired_app.test_client().get(f"/feedback/answer/{token}")
    assert response.status_code == 400
    assert "This feedback link has expired." in response.get_data(as_text=True)


def test_after_the_form_closes_the_link_says_so(world, client):
    plenary = form_for(world["event"], world["slots"]["plenary"])
    services.update_form_settings(plenary, {"title": plenary.title, "anonymous": True,
                                            "opens_at": utcnow() - timedelta(days=2),
                                            "closes_at": utcnow() - timedelta(minutes=1)}, world["owner"])
    path = f"/feedback/answer/{make_answer_token(plenary, world['regs']['ana'])}"
    page = client.get(path).get_data(as_text=True)
    assert "answers are no longer accepted." in page and 'name="q_' not in page
    qid = questions(plenary)[0].id
    refused = client.post(path, data={f"q_{qid}": "5"})
    assert refused.status_code == 400
    assert re.search(r"This form closed on .*: answers are no longer accepted\.", refused.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0


def test_link_of_a_deleted_registration_no_longer_works(world, client):
    plenary = form_for(world["event"], world["slots"]["plenary"])
    token = make_answer_token(plenary, world["regs"]["cleo"])
    db.session.delete(world["regs"]["cleo"])
    db.session.commit()
    response = client.get(f"/feedback/answer/{token}")
    assert response.status_code == 400
    assert "This feedback link no longer works" in response.get_data(as_text=True)


def test_outbox_holds_one_message_per_request(world):
    send_feedback_requests()
    send_feedback_requests()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 6
    window = form_window(form_for(world["event"], world["slots"]["plenary"]), world["event"])
    body = db.session.scalar(select(OutboxMessage.body_text).limit(1))
    assert f"{window.closes_at.year}" in body and "(UTC)" in body


def test_create_feedback_forms_command_is_idempotent(app, make_user):
    from eventsys.feedback.commands import create_feedback_forms_command
    event, _slots = make_feedback_event(make_user())
    runner = app.test_cli_runner()
    assert runner.invoke(create_feedback_forms_command, [event.slug]).output == f"created 4 feedback forms for {event.slug}\n"
    assert runner.invoke(create_feedback_forms_command, [event.slug]).output == f"created 0 feedback forms for {event.slug}\n"
    missing = runner.invoke(create_feedback_forms_command, ["no-such-event"])
    assert missing.exit_code == 1 and "No event with the slug 'no-such-event'." in missing.output
