"""The feeds through HTTP: every feed read back with icalendar and with vobject, the exact
properties, conditional requests, refusals, the personal feed per participant, and the
"My agenda" page with its token reset."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from eventsys.agenda import services as agenda
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.auth.models import User
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.ical import tokens
from eventsys.ical.models import CalendarToken
from eventsys.markdown import markdown_to_text
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker
from tests.builders import PASSWORD
from tests.ical.conftest import EDITED, STREAM, freeze_times
from tests.ical.parsers import icalendar_events, vobject_events, with_icalendar, with_vobject

UTC = timezone.utc
MADRID_VENUE = "Centro de Conferencias Castellana, Paseo de la Castellana 259, 28046, Madrid"
EDITED_HTTP = "Mon, 01 Dec 2025 10:00:00 GMT"


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def read(response) -> tuple[dict, dict]:
    """Both parsers' VEVENTs by UID; both must agree on the set, and vobject must validate."""
    assert response.status_code == 200, response.status_code
    ical, vob = icalendar_events(response.data), vobject_events(response.data)
    assert sorted(ical) == sorted(vob)
    assert with_vobject(response.data).validate() is True
    assert all(component.errors == [] for component in with_icalendar(response.data).walk())
    return ical, vob


def summaries(events: dict) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in events.values())


def personal_url(user) -> str:
    return f"/calendar/{tokens.calendar_token(user)}.ics"


# --- the event's agenda ------------------------------------------------------------------

def test_event_feed_headers(client, workshop):
    response = client.get("/events/madrid-2030/agenda.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="madrid-2030-agenda.ics"'
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["ETag"])
    assert response.headers["Last-Modified"] == EDITED_HTTP
    assert "X-Robots-Tag" not in response.headers


def test_event_feed_calendar_properties(client, workshop):
    response = client.get("/events/madrid-2030/agenda.ics")
    lines = unfolded(response.data)
    assert lines[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eventsys//eventsys//EN",
                         "CALSCALE:GREGORIAN"]
    for line in ("NAME:Hybrid workshop on cities", "X-WR-CALNAME:Hybrid workshop on cities",
                 "X-WR-CALDESC:Three days in Madrid.", "URL:http://localhost/events/madrid-2030/",
                 "SOURCE;VALUE=URI:http://localhost/events/madrid-2030/agenda.ics",
                 "X-WR-TIMEZONE:Europe/Madrid", "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
                 "X-PUBLISHED-TTL:PT1H"):
        assert line in lines
    calendar = with_vobject(response.data)
    assert calendar.x_wr_calname.value == "Hybrid workshop on cities"
    assert calendar.x_published_ttl.value == "PT1H"
    assert str(with_icalendar(response.data)["REFRESH-INTERVAL"].to_ical(), "ascii") == "PT1H"


def test_event_feed_has_every_slot_with_exact_properties(client, workshop):
    ical, vob = read(client.get("/events/madrid-2030/agenda.ics"))
    slot = workshop.slots["opening"]
    assert sorted(ical) == sorted(s.uid for s in workshop.slots.values())
    event, vevent = ical[slot.uid], vob[slot.uid]
    assert str(event["SUMMARY"]) == vevent.summary.value == "Opening plenary"
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt == EDITED.replace(tzinfo=UTC)
    assert event["CREATED"].dt == datetime(2025, 11, 3, 8, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime(2030, 3, 30, 10, 0)
    assert vevent.dtend.value.astimezone(UTC) == datetime(2030, 3, 30, 10, 0, tzinfo=UTC)
    expected = ("Welcome, and why cities matter.\n\nSpeakers:\n- Ana Pérez (Chair), Universidad "
                f"Complutense\n- Jan Nowak (Speaker)\n\nDetails: http://localhost/events/madrid-2030/slots/{slot.id}")
    assert str(event["DESCRIPTION"]) == vevent.description.value == expected
    assert str(event["LOCATION"]) == vevent.location.value == f"Auditorio, {MADRID_VENUE}"
    assert str(event["URL"]) == f"http://localhost/events/madrid-2030/slots/{slot.id}"
    assert event["CATEGORIES"].cats == ["Plenary"]
    assert str(event["ORGANIZER"]) == "mailto:contact@example.org"
    assert vevent.organizer.params["CN"] == ["Hybrid workshop on cities"]


def test_event_feed_never_shows_online_links_or_declined_speakers(client, workshop):
    response = client.get("/events/madrid-2030/agenda.ics")
    ical, _vob = read(response)
    data = response.data
    assert sorted(ical) == sorted(slot.uid for slot in workshop.slots.values())
    assert "Ana Pérez (Chair)" in str(ical[workshop.slots["opening"].uid]["DESCRIPTION"])
    assert b"meet.example.org" not in data
    assert b"CONFERENCE" not in data
    assert "Dora Declined".encode() not in data


def test_single_group_slot_shows_its_question_and_room(client, workshop):
    ical, _vob = read(client.get("/events/madrid-2030/agenda.ics"))
    event = ical[workshop.slots["wg_a"].uid]
    assert str(event["LOCATION"]) == f"Sala 2, {MADRID_VENUE}"
    assert str(event["DESCRIPTION"]).startswith("Guiding question: Which street changes first?\n\n")
    assert event["CATEGORIES"].cats == ["Working group"]


def test_slots_either_side_of_the_clock_change_keep_their_local_time(client, workshop):
    data = client.get("/events/madrid-2030/agenda.ics").data
    lines = unfolded(data)
    assert "DTSTART;TZID=Europe/Madrid:20300330T100000" in lines  # Saturday, CET
    assert "DTSTART;TZID=Europe/Madrid:20300331T100000" in lines  # Sunday, CEST
    saturday, sunday = workshop.slots["opening"].uid, workshop.slots["wg1"].uid
    for starts in ({uid: e["DTSTART"].dt for uid, e in icalendar_events(data).items()},
                   {uid: e.dtstart.value for uid, e in vobject_events(data).items()}):
        assert (starts[saturday].hour, starts[sunday].hour) == (10, 10)
        assert starts[saturday].astimezone(UTC) == datetime(2030, 3, 30, 9, 0, tzinfo=UTC)
        assert starts[sunday].astimezone(UTC) == datetime(2030, 3, 31, 8, 0, tzinfo=UTC)
    (vtimezone,) = with_icalendar(data).walk("VTIMEZONE")
    rules = vtimezone.to_tz()
    assert datetime(2030, 3, 30, 10, 0, tzinfo=rules).utcoffset() == timedelta(hours=1)
    assert datetime(2030, 3, 31, 10, 0, tzinfo=rules).utcoffset() == timedelta(hours=2)
    vrules = with_vobject(data).vtimezone.gettzinfo()
    assert datetime(2030, 3, 31, 10, 0, tzinfo=vrules).utcoffset() == timedelta(hours=2)


def test_cancelled_slot_stays_marked_cancelled(client, workshop):
    ical, vob = read(client.get("/events/madrid-2030/agenda.ics"))
    uid = workshop.slots["dropped"].uid
    assert str(ical[uid]["STATUS"]) == vob[uid].status.value == "CANCELLED"
    assert str(ical[uid]["SUMMARY"]) == "Cancelled: Dropped talk"
    assert ical[uid]["SEQUENCE"] == 3
    assert str(ical[uid]["TRANSP"]) == "TRANSPARENT"


def test_cancelling_a_slot_through_the_service_keeps_it_cancelled_with_a_higher_sequence(client, workshop):
    before = client.get("/events/madrid-2030/agenda.ics")
    agenda.cancel_slot(workshop.slots["open"], workshop.owner)
    after = client.get("/events/madrid-2030/agenda.ics")
    assert after.headers["ETag"] != before.headers["ETag"]
    ical, vob = read(after)
    uid = workshop.slots["open"].uid
    assert (str(ical[uid]["STATUS"]), ical[uid]["SEQUENCE"], vob[uid].sequence.value) == ("CANCELLED", 1, "1")


def test_moved_slot_has_a_higher_sequence_new_times_and_a_new_etag(client, workshop):
    before = client.get("/events/madrid-2030/agenda.ics")
    slot = workshop.slots["opening"]
    agenda.update_slot(slot, {"starts_at": datetime(2030, 3, 30, 15, 0), "ends_at": datetime(2030, 3, 30, 16, 0)},
                       workshop.owner)
    after = client.get("/events/madrid-2030/agenda.ics")
    assert after.headers["ETag"] != before.headers["ETag"]
    ical, vob = read(after)
    assert ical[slot.uid]["SEQUENCE"] == 1
    assert vob[slot.uid].sequence.value == "1"
    assert "DTSTART;TZID=Europe/Madrid:20300330T150000" in unfolded(after.data)
    assert ical[slot.uid]["LAST-MODIFIED"].dt > EDITED.replace(tzinfo=UTC)
    assert sorted(ical) == sorted(icalendar_events(before.data))  # same UIDs: moved, not replaced


def test_hostile_text_round_trips(client, workshop):
    hostile = 'Evil, "quoted"; back\\slash\nnew line \x07bell 😀 ñ€ 漢字 <script>alert(1)</script>'
    expected = hostile.replace("\x07", "")
    slot = workshop.slots["opening"]
    slot.title = slot.description = hostile
    workshop.event.title = hostile
    speaker = Speaker(event_id=workshop.event.id, name=hostile, organisation="Org; with, commas",
                      invitation_status="confirmed")
    db.session.add(speaker)
    db.session.flush()
    db.session.add(SlotSpeaker(slot_id=slot.id, speaker_id=speaker.id, role="moderator", position=5))
    db.session.commit()
    ical, vob = read(client.get("/events/madrid-2030/agenda.ics"))
    assert str(ical[slot.uid]["SUMMARY"]) == vob[slot.uid].summary.value == expected
    plain = markdown_to_text(hostile).replace("\x07", "")
    assert plain.startswith("Evil, \"quoted\"; back\\slash") and "<script>alert(1)</script>" in plain
    assert vob[slot.uid].description.value.startswith(plain + "\n\nSpeakers:\n")
    assert str(ical[slot.uid]["DESCRIPTION"]) == vob[slot.uid].description.value
    assert f"- {expected} (Moderator), Org; with, commas" in vob[slot.uid].description.value
    assert f"- {expected} (Moderator), Org; with, commas" in str(ical[slot.uid]["DESCRIPTION"])
    calendar = with_vobject(client.get("/events/madrid-2030/agenda.ics").data)
    assert calendar.x_wr_calname.value == expected
    assert vob[slot.uid].organizer.params["CN"] == ["Evil, 'quoted'; back\\slash new line bell 😀 ñ€ 漢字 "
                                                    "<script>alert(1)</script>"]


def test_feed_of_a_draft_event_is_404_even_for_its_organiser(client, login, workshop):
    workshop.event.status = "draft"
    db.session.commit()
    login(client, workshop.owner)
    slot_id = workshop.slots["opening"].id
    assert client.get("/events/madrid-2030/agenda.ics").status_code == 404
    assert client.get(f"/events/madrid-2030/slots/{slot_id}.ics").status_code == 404


def test_unknown_event_and_slot_are_404(client, workshop, make_user):
    other = Event(slug="elsewhere", title="Elsewhere", start_date=date(2030, 1, 1), end_date=date(2030, 1, 1),
                  timezone="UTC", status="published")
    db.session.add(other)
    db.session.commit()
    assert client.get("/events/nowhere/agenda.ics").status_code == 404
    assert client.get("/events/madrid-2030/slots/99999.ics").status_code == 404
    # a slot of another event, under this event's address
    assert client.get(f"/events/elsewhere/slots/{workshop.slots['opening'].id}.ics").status_code == 404


def test_cancelled_event_is_served_with_every_slot_cancelled(client, workshop):
    workshop.event.status = "cancelled"
    db.session.commit()
    ical, _vob = read(client.get("/events/madrid-2030/agenda.ics"))
    assert {str(event["STATUS"]) for event in ical.values()} == {"CANCELLED"}


# --- one slot -----------------------------------------------------------------------------

def test_slot_feed_holds_that_slot_only(client, workshop):
    slot = workshop.slots["opening"]
    response = client.get(f"/events/madrid-2030/slots/{slot.id}.ics")
    assert response.headers["Content-Disposition"] == f'inline; filename="madrid-2030-slot-{slot.id}.ics"'
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    ical, vob = read(response)
    assert list(ical) == [slot.uid]
    assert vob[slot.uid].location.value == f"Auditorio, {MADRID_VENUE}"
    assert f"SOURCE;VALUE=URI:http://localhost/events/madrid-2030/slots/{slot.id}.ics" in unfolded(response.data)


def test_slot_page_offers_add_to_calendar_and_agenda_page_offers_subscription(client, workshop):
    slot = workshop.slots["opening"]
    page = client.get(f"/events/madrid-2030/slots/{slot.id}").get_data(as_text=True)
    assert f'href="/events/madrid-2030/slots/{slot.id}.ics"' in page
    assert "Add to my calendar" in page
    agenda_page = client.get("/events/madrid-2030/agenda").get_data(as_text=True)
    assert 'href="webcal://localhost/events/madrid-2030/agenda.ics"' in agenda_page
    assert 'href="http://localhost/events/madrid-2030/agenda.ics"' in agenda_page
    assert "Subscribe to this agenda" in agenda_page


# --- conditional requests --------------------------------------------------------------

def test_if_none_match_gives_304_without_a_body(client, workshop):
    first = client.get("/events/madrid-2030/agenda.ics")
    again = client.get("/events/madrid-2030/agenda.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=300"
    other = client.get("/events/madrid-2030/agenda.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    star = client.get("/events/madrid-2030/agenda.ics", headers={"If-None-Match": "*"})
    assert star.status_code == 304


def test_if_modified_since_gives_304_when_nothing_changed_since(client, workshop):
    assert client.get("/events/madrid-2030/agenda.ics",
                      headers={"If-Modified-Since": EDITED_HTTP}).status_code == 304
    assert client.get("/events/madrid-2030/agenda.ics",
                      headers={"If-Modified-Since": "Mon, 01 Dec 2025 09:59:59 GMT"}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client, workshop):
    response = client.get("/events/madrid-2030/agenda.ics",
                          headers={"If-None-Match": '"stale"', "If-Modified-Since": EDITED_HTTP})
    assert response.status_code == 200


def test_an_edit_makes_old_validators_fail(client, workshop):
    first = client.get("/events/madrid-2030/agenda.ics")
    workshop.slots["coffee"].title = "Coffee and tea"
    db.session.commit()
    response = client.get("/events/madrid-2030/agenda.ics",
                          headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert "SUMMARY:Coffee and tea" in unfolded(response.data)
    by_date = client.get("/events/madrid-2030/agenda.ics", headers={"If-Modified-Since": EDITED_HTTP})
    assert by_date.status_code == 200


def test_last_modified_is_left_out_while_the_change_is_this_second(client, workshop, monkeypatch):
    """A second edit within the same second would carry the same Last-Modified."""
    from eventsys.ical import views
    monkeypatch.setattr(views, "utcnow", lambda: EDITED.replace(microsecond=900_000))
    same_second = client.get("/events/madrid-2030/agenda.ics")
    assert "Last-Modified" not in same_second.headers and same_second.headers["ETag"]
    assert client.get("/events/madrid-2030/agenda.ics",
                      headers={"If-Modified-Since": EDITED_HTTP}).status_code == 200
    monkeypatch.setattr(views, "utcnow", lambda: EDITED + timedelta(seconds=1))
    assert client.get("/events/madrid-2030/agenda.ics").headers["Last-Modified"] == EDITED_HTTP


# --- series -------------------------------------------------------------------------------

@pytest.fixture
def series(app, workshop):
    series = Series(slug="cities", title="Cities workshops", description="Every **spring**.")
    db.session.add(series)
    db.session.flush()
    workshop.event.series_id = series.id
    day = Event(slug="cities-day", title="Cities day", start_date=date(2031, 5, 6), end_date=date(2031, 5, 6),
                timezone="Europe/Madrid", status="published", series_id=series.id, venue_name="Hall",
                venue_city="Sevilla", contact_email="day@example.org")
    gone = Event(slug="cities-gone", title="Cancelled edition", start_date=date(2029, 4, 2),
                 end_date=date(2029, 4, 3), timezone="Europe/Madrid", status="cancelled", series_id=series.id)
    draft = Event(slug="cities-draft", title="Draft edition", start_date=date(2032, 4, 2),
                  end_date=date(2032, 4, 3), timezone="Europe/Madrid", status="draft", series_id=series.id)
    db.session.add_all([day, gone, draft])
    db.session.flush()
    db.session.add_all([
        AgendaSlot(event_id=day.id, title="Morning", kind="plenary", starts_at=datetime(2031, 5, 6, 7, 0),
                   ends_at=datetime(2031, 5, 6, 9, 0)),
        AgendaSlot(event_id=day.id, title="Afternoon", kind="plenary", starts_at=datetime(2031, 5, 6, 13, 0),
                   ends_at=datetime(2031, 5, 6, 15, 30))])
    db.session.commit()
    for event in (workshop.event, day, gone):
        freeze_times(event.id)
    return {"series": series, "day": day, "gone": gone, "draft": draft}


def test_series_feed_has_one_event_each_all_day_or_timed(client, series, workshop):
    response = client.get("/series/cities.ics")
    assert response.headers["Content-Disposition"] == 'inline; filename="cities-series.ics"'
    assert response.headers["Cache-Control"] == "public, max-age=300"
    ical, vob = read(response)
    uid = {key: f"event-{series[key].id}@localhost" for key in ("day", "gone")}
    uid["workshop"] = f"event-{workshop.event.id}@localhost"
    assert sorted(ical) == sorted(uid.values())
    three_days = ical[uid["workshop"]]
    assert three_days["DTSTART"].dt == date(2030, 3, 30) and not isinstance(three_days["DTSTART"].dt, datetime)
    assert three_days["DTEND"].dt == date(2030, 4, 2)
    assert vob[uid["workshop"]].dtend.value == date(2030, 4, 2)
    assert str(three_days["LOCATION"]) == "Centro de Conferencias Castellana, Madrid"
    assert str(three_days["URL"]) == "http://localhost/events/madrid-2030/"
    timed = ical[uid["day"]]
    assert "DTSTART;TZID=Europe/Madrid:20310506T090000" in unfolded(response.data)
    assert timed["DTEND"].dt.astimezone(UTC) == datetime(2031, 5, 6, 15, 30, tzinfo=UTC)
    assert str(timed["ORGANIZER"]) == "mailto:day@example.org"
    assert str(ical[uid["gone"]]["STATUS"]) == vob[uid["gone"]].status.value == "CANCELLED"
    assert "Draft edition" not in response.data.decode()
    lines = unfolded(response.data)
    assert "X-WR-CALNAME:Cities workshops" in lines
    assert "X-WR-CALDESC:Every spring." in lines


def test_series_feed_follows_its_events(client, series):
    first = client.get("/series/cities.ics")
    series["draft"].status = "published"
    db.session.commit()
    second = client.get("/series/cities.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert "SUMMARY:Draft edition" in unfolded(second.data)


def test_series_page_links_to_its_feed(client, series):
    page = client.get("/series/cities").get_data(as_text=True)
    assert 'href="webcal://localhost/series/cities.ics"' in page


def test_unknown_series_feed_is_404(client):
    assert client.get("/series/nothing.ics").status_code == 404


# --- personal feeds ---------------------------------------------------------------------

def test_personal_feed_of_an_in_person_participant(client, workshop):
    response = client.get(personal_url(workshop.people["in_person"]))
    assert response.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert response.headers["Content-Disposition"] == 'inline; filename="my-agenda.ics"'
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    ical, vob = read(response)
    assert summaries(ical) == ["Cancelled: Dropped talk", "Coffee", "Mobility group: drafting",
                               "Open working session", "Opening plenary",
                               "Working groups, first session — Mobility"]
    first_session = vob[workshop.slots["wg1"].uid]
    assert first_session.location.value == f"Sala 2, {MADRID_VENUE}"
    assert "Guiding question: Which street changes first?" in first_session.description.value
    assert vob[workshop.slots["opening"].uid].location.value == f"Auditorio, {MADRID_VENUE}"
    assert vob[workshop.slots["coffee"].uid].location.value == MADRID_VENUE
    assert b"meet.example.org" not in response.data
    assert b"CONFERENCE" not in response.data
    assert b"Housing" not in response.data
    assert "X-WR-CALNAME:My agenda" in unfolded(response.data)


def test_personal_feed_of_an_online_participant(client, workshop):
    response = client.get(personal_url(workshop.people["online"]))
    ical, vob = read(response)
    assert summaries(ical) == ["Cancelled: Dropped talk", "Coffee", "Open working session", "Opening plenary",
                               "Working groups, first session — Housing"]
    session = ical[workshop.slots["wg1"].uid]
    assert str(session["LOCATION"]) == "https://meet.example.org/group-housing"
    assert str(session["CONFERENCE"]) == "https://meet.example.org/group-housing"
    assert "Guiding question: Who can afford to stay?" in str(session["DESCRIPTION"])
    assert vob[workshop.slots["opening"].uid].location.value == STREAM
    assert vob[workshop.slots["coffee"].uid].location.value == "https://meet.example.org/event-lobby"
    for place in (b"Sala 2", b"Sala 3", b"Auditorio", b"Castellana", b"Mobility"):
        assert place not in response.data


@pytest.mark.parametrize("who", ["waitlisted", "cancelled"])
def test_registrations_that_are_not_confirmed_give_an_empty_feed(client, workshop, who):
    ical, _vob = read(client.get(personal_url(workshop.people[who])))
    assert ical == {}


def test_cancelling_the_registration_empties_the_feed_of_that_event(client, workshop):
    user = workshop.people["in_person"]
    url = personal_url(user)
    first = client.get(url)
    from eventsys.registration.services import cancel_registration
    cancel_registration(workshop.registrations["in_person"], user)
    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert read(response)[0] == {}


def test_personal_feed_follows_a_change_of_working_group(client, workshop):
    user = workshop.people["in_person"]
    url = personal_url(user)
    first = client.get(url)
    from eventsys.groups.models import GroupMembership
    membership = db.session.query(GroupMembership).filter_by(
        registration_id=workshop.registrations["in_person"].id).one()
    membership.group_id = workshop.groups["housing"].id
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    ical, _vob = read(response)
    assert "Working groups, first session — Housing" in summaries(ical)
    assert "Mobility group: drafting" not in summaries(ical)


def test_personal_feed_of_a_draft_event_is_empty(client, workshop):
    workshop.event.status = "draft"
    db.session.commit()
    assert read(client.get(personal_url(workshop.people["in_person"])))[0] == {}


def test_personal_feed_answers_304(client, workshop):
    url = personal_url(workshop.people["online"])
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_unknown_and_malformed_tokens_are_404(client, workshop):
    real = tokens.calendar_token(workshop.people["online"])
    forged = ("A" if real[0] != "A" else "B") + real[1:]
    for token in (forged, "x" * 43, "short", real + "x", real.upper() if real.upper() != real else real[::-1]):
        assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_token_is_43_characters_and_only_its_hash_is_stored(app, workshop):
    user = workshop.people["online"]
    token = tokens.calendar_token(user)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    row = db.session.query(CalendarToken).filter_by(user_id=user.id).one()
    assert row.token_hash == tokens.token_hash(token) != token
    assert len(bytes.fromhex(row.nonce)) == 32
    assert token not in (row.nonce, row.token_hash)
    assert tokens.calendar_token(user) == token  # shown again, the same


def test_deleting_the_account_makes_the_feed_404(client, workshop):
    user = workshop.people["in_person"]
    url = personal_url(user)
    assert client.get(url).status_code == 200
    from eventsys.account.services import delete_account
    delete_account(db.session.get(User, user.id), PASSWORD, user)
    assert client.get(url).status_code == 404


# --- the "My agenda" page -----------------------------------------------------------------

def test_my_agenda_page_shows_the_subscription_links_and_upcoming_items(client, login, workshop):
    user = workshop.people["online"]
    login(client, user)
    page = client.get("/calendar/").get_data(as_text=True)
    token = tokens.calendar_token(user)
    assert f'href="webcal://localhost/calendar/{token}.ics"' in page
    assert f'value="http://localhost/calendar/{token}.ics"' in page
    assert "Working groups, first session — Housing" in page
    assert "https://meet.example.org/group-housing" in page
    assert "Mobility group: drafting" not in page
    assert 'action="/calendar/reset"' in page


def test_reset_gives_a_new_address_and_the_old_one_404s(client, login, workshop):
    user = workshop.people["online"]
    old = personal_url(user)
    assert client.get(old).status_code == 200
    login(client, user)
    response = client.post("/calendar/reset")
    assert response.status_code == 302 and response.headers["Location"] == "/calendar/"
    page = client.get("/calendar/").get_data(as_text=True)
    assert "Your calendar address has been reset." in page
    new = personal_url(user)
    assert new != old and f"webcal://localhost{new}" in page
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_reset_needs_the_csrf_token(make_app, workshop):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    with strict.app_context():
        user = db.session.get(User, workshop.people["online"].id)
        old = f"/calendar/{tokens.calendar_token(user)}.ics"
    form = client.get("/auth/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    logged_in = client.post("/auth/login", data={"email": "online@example.org", "password": PASSWORD,
                                                  "csrf_token": csrf})
    assert logged_in.status_code == 302
    assert client.post("/calendar/reset").status_code == 400
    assert client.get(old).status_code == 200


def test_my_agenda_requires_log_in(client):
    response = client.get("/calendar/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_nav_links_to_my_agenda_for_logged_in_users(client, login, workshop):
    assert 'href="/calendar/"' not in client.get("/").get_data(as_text=True)
    login(client, workshop.people["online"])
    assert 'href="/calendar/"' in client.get("/").get_data(as_text=True)


def test_personal_feed_is_written_in_the_owners_language(client, workshop):
    """The feed's words follow the profile, not the calling app's Accept-Language; a change
    of language is a new version (no translations ship yet, so the words stay English)."""
    user = workshop.people["online"]
    url = personal_url(user)
    english = client.get(url, headers={"Accept-Language": "es"})
    db.session.execute(update(User).where(User.id == user.id).values(locale="es"))
    db.session.commit()
    spanish = client.get(url, headers={"Accept-Language": "en", "If-None-Match": english.headers["ETag"]})
    assert spanish.status_code == 200
    assert spanish.headers["ETag"] != english.headers["ETag"]
