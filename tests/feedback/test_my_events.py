""""My events": Attending (registration, waiting list, groups, open feedback forms, links)
and Organising, on one page."""
from __future__ import annotations

import html
import re

from eventsys import permissions
from eventsys.feedback.answering import my_forms
from eventsys.feedback.attending import attending
from eventsys.feedback.services import ensure_default_forms
from eventsys.groups.models import GroupRound
from eventsys.extensions import db
from eventsys.registration import services as registration_services
from tests.events.helpers import grant, make_event
from tests.feedback.helpers import make_feedback_event, make_group, register
from tests.registration.helpers import make_open_event


def section(page: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    assert match, heading_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(match.group(1)))).strip()


def test_my_events_lists_attending_and_organising(client, app, make_user, login):
    me = make_user()
    event, slots = make_feedback_event()
    registration = register(event, me)
    group = make_group(event, slots["group"], members=[registration])
    db.session.get(GroupRound, group.round_id).join_mode = "direct"
    db.session.commit()
    ensure_default_forms(event, permissions.SYSTEM)
    open_titles = [s.form.title for s in my_forms(event, registration) if s.state == "open"]
    full = make_open_event(in_person=1)
    registration_services.register(full, make_user(), "in_person", consent_privacy=True)
    registration_services.register(full, me, "in_person", consent_privacy=True)
    organised = make_event(slug="i-organise", title="The one I organise")
    grant(organised, me, "organiser")
    login(client, me)
    response = client.get("/events/mine")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    attending_text = section(page, "attending-heading")
    assert open_titles and all(title in attending_text for title in open_titles)
    assert f"My working groups {group.title} (Round 1)" in attending_text
    assert "My registration On the waiting list (position 1 in line) Way of attending In person" in attending_text
    assert f"{event.title}" in attending_text and f"{full.title}" in attending_text
    for slug in (event.slug, full.slug):
        assert f'href="/events/{slug}/my">My event' in page
        assert f'href="/events/{slug}/registration">My registration' in page
    assert page.count('href="/calendar/">My calendar feed') == 2
    organising = section(page, "events-heading")
    assert "The one I organise" in organising and event.title not in organising


def test_my_events_hides_groups_of_an_unpublished_ranked_round(app, make_user):
    me = make_user()
    event, slots = make_feedback_event()
    registration = register(event, me)
    group = make_group(event, slots["group"], members=[registration])
    round_ = db.session.get(GroupRound, group.round_id)
    assert (round_.join_mode, round_.published_at) == ("ranked", None)
    [row] = attending(me)
    assert row.groups == []
    round_.published_at = round_.created_at
    db.session.commit()
    [row] = attending(me)
    assert row.groups == [("Round 1", group.title)]


def test_my_events_without_registrations_points_to_events(client, app, make_user, login):
    login(client, make_user())
    page = client.get("/events/mine").get_data(as_text=True)
    assert section(page, "attending-heading") == "Attending You are not registered for any event yet. Find an event"
