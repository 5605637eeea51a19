"""The public list of participants exists, and lists only confirmed people who opted in."""
from __future__ import annotations

from eventsys.registration import services
from tests.registration.helpers import make_open_event


def test_participant_list_shows_only_confirmed_people_who_opted_in(client, app, make_user):
    event = make_open_event(in_person=2)
    listed = make_user(name="Ana Listed", organisation="ISCIII")
    services.register(event, listed, "in_person", consent_privacy=True, consent_public_list=True)
    services.register(event, make_user(name="Bo Private"), "in_person", consent_privacy=True)
    services.register(event, make_user(name="Cy Waiting"), "in_person", consent_privacy=True,
                      consent_public_list=True)  # waitlisted: not (yet) a participant
    page = client.get(f"/events/{event.slug}/participants").get_data(as_text=True)
    assert "Ana Listed" in page and "ISCIII" in page
    assert "Bo Private" not in page and "Cy Waiting" not in page
    event_page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert f'href="/events/{event.slug}/participants"' in event_page


def test_participant_list_of_a_draft_is_404(client, app):
    event = make_open_event(status="draft")
    assert client.get(f"/events/{event.slug}/participants").status_code == 404


def test_home_page_promises_no_report(client, app):
    assert "report" not in client.get("/").get_data(as_text=True).lower()
