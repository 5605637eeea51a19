"""One definition of "public speaker" (confirmed, or listed without an invitation) on
every public page and feed: the agenda, slot pages, the speaker list and page, iCal."""
from __future__ import annotations

from datetime import datetime

from eventsys.speakers.models import PUBLIC_STATES, Speaker
from tests.events.helpers import make_event, make_slot, make_speaker


def _event_with_speakers():
    event = make_event(status="published")
    shown = make_speaker(event, "Dr. Confirmed Cora", invitation_status="confirmed")
    listed = make_speaker(event, "Dr. Listed Lena", invitation_status="not_invited")
    invited = make_speaker(event, "Dr. Invited Ivo", invitation_status="invited")
    declined = make_speaker(event, "Dr. Declined Dan", invitation_status="declined")
    slot = make_slot(event, datetime(2030, 5, 6, 8), datetime(2030, 5, 6, 9),
                     speakers=(shown, listed, invited, declined))
    return event, slot, (shown, listed, invited, declined)


def test_public_states_are_confirmed_and_not_invited(app):
    assert PUBLIC_STATES == ("confirmed", "not_invited")
    assert [Speaker(invitation_status=s).is_public for s in ("confirmed", "not_invited", "invited", "declined")] \
        == [True, True, False, False]


def test_agenda_and_slot_page_name_only_public_speakers(client, app):
    event, slot, (shown, listed, invited, declined) = _event_with_speakers()
    for url in (f"/events/{event.slug}/agenda", f"/events/{event.slug}/slots/{slot.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Dr. Confirmed Cora" in page and "Dr. Listed Lena" in page, url
        assert "Dr. Invited Ivo" not in page and "Dr. Declined Dan" not in page, url
        assert f"/speakers/{invited.id}" not in page and f"/speakers/{declined.id}" not in page, url
        assert client.get(f"/events/{event.slug}/speakers/{shown.id}").status_code == 200


def test_speaker_list_page_and_feed_use_the_same_rule(client, app):
    event, _slot, (shown, listed, invited, declined) = _event_with_speakers()
    listing = client.get(f"/events/{event.slug}/speakers").get_data(as_text=True)
    event_page = client.get(f"/events/{event.slug}/").get_data(as_text=True)
    feed = client.get(f"/events/{event.slug}/agenda.ics").get_data(as_text=True).replace("\r\n ", "")
    for text in (listing, event_page, feed):
        assert "Dr. Confirmed Cora" in text and "Dr. Listed Lena" in text
        assert "Dr. Invited Ivo" not in text and "Dr. Declined Dan" not in text
    assert client.get(f"/events/{event.slug}/speakers/{invited.id}").status_code == 404
    assert client.get(f"/events/{event.slug}/speakers/{declined.id}").status_code == 404
