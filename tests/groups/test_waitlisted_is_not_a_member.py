"""A person on a working group's waiting list is not one of its members: the group's sessions
stay out of their personal feed and "My agenda", they are not shown the group's online link,
and they may not answer the group session's feedback form. Each test has a member beside the
waitlisted person as the control, so an empty page or feed cannot pass."""
from __future__ import annotations

from datetime import timedelta

import pytest

from eventsys.agenda.models import AgendaSlot
from eventsys.events.models import Event, EventRole
from eventsys.extensions import db
from eventsys.feedback import audience, services as feedback
from eventsys.ical import tokens
from eventsys.timeutil import utcnow
from tests.feedback.helpers import form_for, make_group, register

GROUP_LINK = "https://meet.example.org/group-genomics"


@pytest.fixture
def world(app, make_user):
    owner, member, waiting = make_user(), make_user(name="Mia Member"), make_user(name="Walt Waiting")
    start = (utcnow() + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    event = Event(slug="wl-event", title="Waitlist workshop", start_date=start.date(), end_date=start.date(),
                  timezone="UTC", format="hybrid", status="published")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
    plenary = AgendaSlot(event_id=event.id, kind="plenary", title="Opening plenary", starts_at=start,
                         ends_at=start + timedelta(hours=1))
    session = AgendaSlot(event_id=event.id, kind="working_group", title="Genomics group session",
                         starts_at=start + timedelta(hours=2), ends_at=start + timedelta(hours=3))
    db.session.add_all([plenary, session])
    db.session.commit()
    member_reg = register(event, member, mode="online")
    waiting_reg = register(event, waiting, mode="online")
    group = make_group(event, session, members=[member_reg], waitlisted=[waiting_reg])
    group.title, group.online_link = "Genomics", GROUP_LINK
    group.round.published_at = utcnow()
    db.session.commit()
    return {"event": event, "plenary": plenary, "session": session, "member": member, "waiting": waiting,
            "member_reg": member_reg, "waiting_reg": waiting_reg, "owner": owner}


def _feed(client, user) -> str:
    response = client.get(f"/calendar/{tokens.calendar_token(user)}.ics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_personal_feed_leaves_out_the_group_session_of_a_waitlisted_person(client, world):
    member_feed, waiting_feed = _feed(client, world["member"]), _feed(client, world["waiting"])
    assert f"UID:{world['session'].uid}" in member_feed
    assert f"UID:{world['plenary'].uid}" in waiting_feed
    assert f"UID:{world['session'].uid}" not in waiting_feed
    assert GROUP_LINK not in waiting_feed


def test_my_agenda_leaves_out_the_group_session_of_a_waitlisted_person(client, other_client, world, login):
    login(client, world["member"])
    login(other_client, world["waiting"])
    member_page = client.get("/calendar/").get_data(as_text=True)
    waiting_page = other_client.get("/calendar/").get_data(as_text=True)
    assert "Genomics group session" in member_page
    assert "Opening plenary" in waiting_page
    assert "Genomics group session" not in waiting_page


def test_group_online_link_is_shown_to_members_only(client, other_client, world, login):
    login(client, world["member"])
    login(other_client, world["waiting"])
    member_page = client.get("/events/wl-event/groups")
    waiting_page = other_client.get("/events/wl-event/groups")
    assert member_page.status_code == waiting_page.status_code == 200
    assert GROUP_LINK in member_page.get_data(as_text=True)
    assert "Genomics" in waiting_page.get_data(as_text=True)
    assert GROUP_LINK not in waiting_page.get_data(as_text=True)


def test_group_session_feedback_is_refused_to_a_waitlisted_person(world):
    feedback.ensure_default_forms(world["event"], world["owner"])
    form = form_for(world["event"], world["session"])
    assert audience.refusal(form, world["member_reg"]) is None
    assert audience.refusal(form, world["waiting_reg"]) == audience.NOT_IN_GROUP
