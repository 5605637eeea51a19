"""A finished session's page says it is over and offers its feedback form to those who may answer."""
from __future__ import annotations

from eventsys import permissions
from eventsys.feedback.services import ensure_default_forms
from tests.feedback.helpers import form_for, make_feedback_event, register

OVER = "This session is over."
LINK = "Give feedback on this session"


def test_finished_session_page_links_to_its_form_for_a_confirmed_participant(client, app, make_user, login):
    event, slots = make_feedback_event()
    ensure_default_forms(event, permissions.SYSTEM)
    me = make_user()
    register(event, me)
    login(client, me)
    page = client.get(f"/events/{event.slug}/slots/{slots['plenary'].id}").get_data(as_text=True)
    assert OVER in page
    form = form_for(event, slots["plenary"])
    assert f'href="/events/{event.slug}/feedback/{form.id}">{LINK}</a>' in page


def test_finished_session_page_offers_no_form_to_others(client, app, make_user, login):
    event, slots = make_feedback_event()
    ensure_default_forms(event, permissions.SYSTEM)
    url = f"/events/{event.slug}/slots/{slots['plenary'].id}"
    anonymous = client.get(url).get_data(as_text=True)
    assert OVER in anonymous and LINK not in anonymous
    waiting = make_user()
    register(event, waiting, status="waitlisted")
    login(client, waiting)
    assert LINK not in client.get(url).get_data(as_text=True)


def test_future_session_page_is_not_over_and_has_no_form_link(client, app, make_user, login):
    event, slots = make_feedback_event()
    ensure_default_forms(event, permissions.SYSTEM)
    me = make_user()
    register(event, me)
    login(client, me)
    page = client.get(f"/events/{event.slug}/slots/{slots['keynote'].id}").get_data(as_text=True)
    assert OVER not in page and LINK not in page


def test_agenda_links_to_my_event_for_signed_in_people(client, app, make_user, login):
    event, _slots = make_feedback_event()
    link = f'href="/events/{event.slug}/my">My event</a>'
    assert link not in client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    login(client, make_user())
    assert link in client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
