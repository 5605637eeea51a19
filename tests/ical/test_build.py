"""The pure iCal builder: every feed is read back with icalendar and with vobject."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsys.ical.build import (CalendarEventSummary, CalendarSlot, FeedMeta, SpeakerLine,
                                 build_agenda_ics, build_personal_ics, build_series_ics,
                                 select_personal_slots)
from tests.ical.parsers import (build_agenda_calendar, build_series_calendar, icalendar_events,
                                to_ics_bytes, vobject_events, with_icalendar, with_vobject)

UTC = timezone.utc
META = FeedMeta(name="Urban Futures 2025", description="The agenda",
                url="https://events.example.org/e/42")
LINK = "https://meet.example.org/r/secret-room-7"
VENUE = "Palacio de Congresos, Paseo de la Castellana 99"


def make_slot(**overrides) -> CalendarSlot:
    values = dict(
        uid="5f0c6a0e-0000-4000-8000-000000000001", title="Opening plenary", kind="plenary",
        starts_at_utc=datetime(2025, 3, 29, 9, 0), ends_at_utc=datetime(2025, 3, 29, 10, 0),
        tz="Europe/Madrid", last_modified_utc=datetime(2025, 2, 3, 12, 30, 15), revision=2,
        created_utc=datetime(2025, 1, 10, 8, 0), room="Sala 3", venue=VENUE, city="Madrid",
        online_link=LINK, url="https://events.example.org/e/42/agenda/1",
        organizer_email="contact@example.org", organizer_name="Programme committee")
    values.update(overrides)
    return CalendarSlot(**values)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def strip_controls(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)


# --- identity, revision, status -------------------------------------------------------

def test_agenda_feed_uid_sequence_and_status_read_back_by_both_parsers():
    slots = [make_slot(), make_slot(uid="slot-b", revision=7, status="cancelled",
                                    starts_at_utc=datetime(2025, 3, 29, 11, 0),
                                    ends_at_utc=datetime(2025, 3, 29, 12, 0))]
    data = build_agenda_ics(META, slots, "in_person")
    ical, vob = icalendar_events(data), vobject_events(data)
    assert sorted(ical) == sorted(vob) == ["5f0c6a0e-0000-4000-8000-000000000001", "slot-b"]
    assert ical["5f0c6a0e-0000-4000-8000-000000000001"]["SEQUENCE"] == 2
    assert ical["slot-b"]["SEQUENCE"] == 7
    assert vob["slot-b"].sequence.value == "7"
    assert str(ical["5f0c6a0e-0000-4000-8000-000000000001"]["STATUS"]) == "CONFIRMED"
    assert str(ical["slot-b"]["STATUS"]) == "CANCELLED"
    assert vob["slot-b"].status.value == "CANCELLED"
    assert str(ical["slot-b"]["TRANSP"]) == "TRANSPARENT"
    assert str(ical["slot-b"]["SUMMARY"]) == "Cancelled: Opening plenary"


def test_uid_stays_when_slot_is_moved_and_sequence_follows_revision():
    before = build_agenda_ics(META, [make_slot()], "public")
    moved = make_slot(starts_at_utc=datetime(2025, 3, 29, 15, 0),
                      ends_at_utc=datetime(2025, 3, 29, 16, 0), revision=3, title="Moved",
                      last_modified_utc=datetime(2025, 2, 4, 9, 0))
    after = build_agenda_ics(META, [moved], "public")
    (uid_before, old), = icalendar_events(before).items()
    (uid_after, new), = icalendar_events(after).items()
    assert uid_before == uid_after == "5f0c6a0e-0000-4000-8000-000000000001"
    assert (old["SEQUENCE"], new["SEQUENCE"]) == (2, 3)
    assert new["DTSTAMP"].dt == datetime(2025, 2, 4, 9, 0, tzinfo=UTC)


def test_dtstamp_and_last_modified_are_the_slots_last_change():
    data = build_agenda_ics(META, [make_slot()], "public")
    lines = unfolded(data)
    assert "DTSTAMP:20250203T123015Z" in lines
    assert "LAST-MODIFIED:20250203T123015Z" in lines
    assert "CREATED:20250110T080000Z" in lines
    (event,) = vobject_events(data).values()
    assert event.dtstamp.value == datetime(2025, 2, 3, 12, 30, 15, tzinfo=event.dtstamp.value.tzinfo)


def test_same_input_gives_identical_bytes_whatever_the_order():
    slots = [make_slot(uid=f"slot-{n}", starts_at_utc=datetime(2025, 3, 29, 8 + n),
                       ends_at_utc=datetime(2025, 3, 29, 9 + n)) for n in range(5)]
    first = build_agenda_ics(META, slots, "in_person")
    assert build_agenda_ics(META, slots, "in_person") == first
    assert build_agenda_ics(META, list(reversed(slots)), "in_person") == first


def test_duplicate_uid_is_written_once():
    data = build_agenda_ics(META, [make_slot(), make_slot(title="Again")], "public")
    assert unfolded(data).count("UID:5f0c6a0e-0000-4000-8000-000000000001") == 1


# --- time zones -----------------------------------------------------------------------

def test_dtstart_carries_madrid_tzid_with_matching_vtimezone():
    data = build_agenda_ics(META, [make_slot()], "public")
    lines = unfolded(data)
    assert "DTSTART;TZID=Europe/Madrid:20250329T100000" in lines
    assert "DTEND;TZID=Europe/Madrid:20250329T110000" in lines
    assert "X-WR-TIMEZONE:Europe/Madrid" in lines
    calendar = with_icalendar(data)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Madrid"
    assert {c.name for c in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    rules = vtimezone.to_tz()
    assert datetime(2025, 3, 29, 10, 0, tzinfo=rules).utcoffset() == timedelta(hours=1)
    assert datetime(2025, 7, 1, 10, 0, tzinfo=rules).utcoffset() == timedelta(hours=2)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    vob = with_vobject(data)
    assert vob.vtimezone.tzid.value == "Europe/Madrid"
    vrules = vob.vtimezone.gettzinfo()
    assert datetime(2025, 3, 29, 10, 0, tzinfo=vrules).utcoffset() == timedelta(hours=1)
    assert datetime(2025, 7, 1, 10, 0, tzinfo=vrules).utcoffset() == timedelta(hours=2)
    assert vob.vevent.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Madrid"]


def test_slots_either_side_of_the_spring_change_keep_ten_oclock_local():
    saturday = make_slot(uid="sat", starts_at_utc=datetime(2025, 3, 29, 9, 0),
                         ends_at_utc=datetime(2025, 3, 29, 10, 0))
    sunday = make_slot(uid="sun", starts_at_utc=datetime(2025, 3, 30, 8, 0),
                       ends_at_utc=datetime(2025, 3, 30, 9, 0))
    data = build_agenda_ics(META, [saturday, sunday], "in_person")
    lines = unfolded(data)
    assert "DTSTART;TZID=Europe/Madrid:20250329T100000" in lines
    assert "DTSTART;TZID=Europe/Madrid:20250330T100000" in lines
    by_icalendar = {uid: event["DTSTART"].dt for uid, event in icalendar_events(data).items()}
    by_vobject = {uid: event.dtstart.value for uid, event in vobject_events(data).items()}
    for starts in (by_icalendar, by_vobject):
        assert (starts["sat"].hour, starts["sun"].hour) == (10, 10)
        assert starts["sat"].astimezone(UTC) == datetime(2025, 3, 29, 9, 0, tzinfo=UTC)
        assert starts["sun"].astimezone(UTC) == datetime(2025, 3, 30, 8, 0, tzinfo=UTC)
    feed_rules = (with_icalendar(data).walk("VTIMEZONE")[0].to_tz(),
                  with_vobject(data).vtimezone.gettzinfo())
    for rules in feed_rules:
        assert datetime(2025, 3, 29, 10, 0, tzinfo=rules).utcoffset() == timedelta(hours=1)
        assert datetime(2025, 3, 30, 10, 0, tzinfo=rules).utcoffset() == timedelta(hours=2)


def test_repeated_autumn_hour_is_written_in_utc():
    # 01:30 UTC on 26 Oct 2025 is the second 02:30 in Madrid: TZID cannot name it.
    slot = make_slot(starts_at_utc=datetime(2025, 10, 26, 1, 30), ends_at_utc=datetime(2025, 10, 26, 2, 30))
    data = build_agenda_ics(META, [slot], "public")
    assert "DTSTART:20251026T013000Z" in unfolded(data)
    (event,) = icalendar_events(data).values()
    assert event["DTSTART"].dt == datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    assert event["DTEND"].dt == datetime(2025, 10, 26, 2, 30, tzinfo=UTC)


def test_slot_ending_at_its_start_has_no_dtend():
    slot = make_slot(ends_at_utc=datetime(2025, 3, 29, 9, 0))
    data = build_agenda_ics(META, [slot], "public")
    assert not [line for line in unfolded(data) if line.startswith("DTEND")]


def test_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        build_agenda_ics(META, [make_slot(tz="Mars/Olympus")], "public")


# --- audiences and content ------------------------------------------------------------

def test_public_feed_never_contains_the_online_link():
    data = build_agenda_ics(META, [make_slot()], "public")
    assert b"secret-room-7" not in data
    (event,) = icalendar_events(data).values()
    assert str(event["LOCATION"]) == f"Sala 3, {VENUE}, Madrid"
    assert "CONFERENCE" not in event


def test_online_feed_shows_the_link_as_location_conference_and_in_description():
    data = build_agenda_ics(META, [make_slot()], "online")
    (event,) = icalendar_events(data).values()
    assert str(event["LOCATION"]) == LINK
    assert str(event["CONFERENCE"]) == LINK
    assert event["CONFERENCE"].params["FEATURE"] == "VIDEO"
    assert f"Join online: {LINK}" in str(event["DESCRIPTION"])
    (vevent,) = vobject_events(data).values()
    assert vevent.location.value == LINK
    assert b"Sala 3" not in data


def test_in_person_feed_shows_room_venue_and_city_and_not_the_link():
    data = build_agenda_ics(META, [make_slot()], "in_person")
    assert b"secret-room-7" not in data
    (vevent,) = vobject_events(data).values()
    assert vevent.location.value == f"Sala 3, {VENUE}, Madrid"


def test_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="unknown audience 'everyone'"):
        build_agenda_ics(META, [make_slot()], "everyone")


def test_description_lists_speakers_with_role_and_organisation_and_the_guiding_question():
    slot = make_slot(kind="working_group", description="We compare three cities.",
                     speakers=(SpeakerLine("Ana Pérez", "Chair", "Universidad Complutense"),
                               SpeakerLine("Jan Nowak", "Rapporteur", ""),
                               SpeakerLine("Li Wei", "", "Tongji University")),
                     guiding_question="What should change first?")
    data = build_agenda_ics(META, [slot], "in_person")
    expected = ("We compare three cities.\n\nSpeakers:\n- Ana Pérez (Chair), Universidad Complutense\n"
                "- Jan Nowak (Rapporteur)\n- Li Wei, Tongji University\n\n"
                "Guiding question: What should change first?\n\n"
                "Details: https://events.example.org/e/42/agenda/1")
    (event,) = icalendar_events(data).values()
    assert str(event["DESCRIPTION"]) == expected
    (vevent,) = vobject_events(data).values()
    assert vevent.description.value == expected
    assert event["CATEGORIES"].cats == ["Working group"]


def test_url_organizer_and_categories():
    data = build_agenda_ics(META, [make_slot()], "public")
    lines = unfolded(data)
    assert "URL:https://events.example.org/e/42/agenda/1" in lines
    assert 'ORGANIZER;CN="Programme committee":mailto:contact@example.org' in lines
    assert "CATEGORIES:Plenary" in lines
    (vevent,) = vobject_events(data).values()
    assert vevent.organizer.params["CN"] == ["Programme committee"]


def test_unsafe_url_and_bad_email_are_left_out():
    slot = make_slot(url="javascript:alert(1)", organizer_email="not-an-address")
    lines = unfolded(build_agenda_ics(META, [slot], "public"))
    event_lines = lines[lines.index("BEGIN:VEVENT"):]
    assert not [line for line in event_lines if line.startswith(("URL", "ORGANIZER"))]


def test_calendar_properties_name_refresh_and_product():
    data = build_agenda_ics(META, [make_slot()], "public")
    lines = unfolded(data)
    assert lines[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//eventsys//eventsys//EN",
                         "CALSCALE:GREGORIAN"]
    for line in ("NAME:Urban Futures 2025", "X-WR-CALNAME:Urban Futures 2025",
                 "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H",
                 "URL:https://events.example.org/e/42", "X-WR-CALDESC:The agenda"):
        assert line in lines
    assert "METHOD" not in data.decode()
    calendar = with_icalendar(data)
    assert str(calendar["X-WR-CALNAME"]) == "Urban Futures 2025"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert with_vobject(data).x_published_ttl.value == "PT1H"


def test_empty_feed_parses_and_names_the_event_zone():
    data = build_agenda_ics(replace(META, tz="Europe/Madrid"), [], "public")
    assert "X-WR-TIMEZONE:Europe/Madrid" in unfolded(data)
    assert with_icalendar(data).walk("VEVENT") == []
    assert with_vobject(data).validate() is True


def test_refresh_interval_follows_meta():
    data = build_agenda_ics(replace(META, refresh_minutes=90), [make_slot()], "public")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H30M" in unfolded(data)


# --- personal feed --------------------------------------------------------------------

def test_personal_feed_uses_each_events_own_audience_and_zone():
    madrid = make_slot(uid="madrid-1")
    tokyo = make_slot(uid="tokyo-1", tz="Asia/Tokyo", starts_at_utc=datetime(2025, 6, 2, 1, 0),
                      ends_at_utc=datetime(2025, 6, 2, 2, 0), room="Hall B", venue="Tokyo Forum",
                      city="Tokyo", online_link="https://meet.example.org/tokyo")
    data = build_personal_ics(META, [("in_person", [madrid]), ("online", [tokyo])])
    lines = unfolded(data)
    assert "DTSTART;TZID=Asia/Tokyo:20250602T100000" in lines
    assert not [line for line in lines if line.startswith("X-WR-TIMEZONE")]
    events = vobject_events(data)
    assert events["madrid-1"].location.value == f"Sala 3, {VENUE}, Madrid"
    assert events["tokyo-1"].location.value == "https://meet.example.org/tokyo"
    zones = sorted(str(tz["TZID"]) for tz in with_icalendar(data).walk("VTIMEZONE"))
    assert zones == ["Asia/Tokyo", "Europe/Madrid"]


def test_personal_selection_keeps_shared_slots_and_own_groups():
    slots = [make_slot(uid="plenary"), make_slot(uid="wg-a", group_key="a"),
             make_slot(uid="wg-b", group_key="b"), make_slot(uid="break", kind="break")]
    chosen = select_personal_slots(slots, ["b"])
    assert [slot.uid for slot in chosen] == ["plenary", "wg-b", "break"]


# --- series ---------------------------------------------------------------------------

def make_event(**overrides) -> CalendarEventSummary:
    values = dict(uid="event-2025", title="Urban Futures 2025", start_date=date(2025, 5, 12),
                  end_date=date(2025, 5, 14), tz="Europe/Madrid",
                  last_modified_utc=datetime(2025, 2, 1, 10, 0), revision=1,
                  location="Palacio de Congresos, Madrid", url="https://events.example.org/e/42")
    values.update(overrides)
    return CalendarEventSummary(**values)


def test_series_all_day_event_uses_dates_with_exclusive_end():
    data = build_series_ics(META, [make_event()])
    lines = unfolded(data)
    assert "DTSTART;VALUE=DATE:20250512" in lines
    assert "DTEND;VALUE=DATE:20250515" in lines
    assert b"BEGIN:VTIMEZONE" not in data
    (event,) = icalendar_events(data).values()
    assert event["DTSTART"].dt == date(2025, 5, 12) and not isinstance(event["DTSTART"].dt, datetime)
    assert event["DTEND"].dt == date(2025, 5, 15)
    (vevent,) = vobject_events(data).values()
    assert (vevent.dtstart.value, vevent.dtend.value) == (date(2025, 5, 12), date(2025, 5, 15))
    assert str(event["LOCATION"]) == "Palacio de Congresos, Madrid"


def test_series_timed_and_cancelled_events():
    timed = make_event(uid="event-2026", start_date=date(2026, 5, 11), end_date=date(2026, 5, 11),
                       starts_at_utc=datetime(2026, 5, 11, 7, 0), ends_at_utc=datetime(2026, 5, 11, 15, 0))
    cancelled = make_event(uid="event-2024", start_date=date(2024, 5, 13), end_date=date(2024, 5, 13),
                           status="cancelled", revision=4)
    data = build_series_ics(META, [timed, cancelled, make_event()])
    lines = unfolded(data)
    assert "DTSTART;TZID=Europe/Madrid:20260511T090000" in lines
    events = icalendar_events(data)
    assert list(events) == ["event-2024", "event-2025", "event-2026"]
    assert str(events["event-2024"]["STATUS"]) == "CANCELLED"
    assert events["event-2024"]["SEQUENCE"] == 4
    assert vobject_events(data)["event-2026"].dtstart.value.hour == 9


def test_calendar_objects_and_bytes():
    calendar = build_agenda_calendar(META, [make_slot()], "public")
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == ["5f0c6a0e-0000-4000-8000-000000000001"]
    assert b"BEGIN:VEVENT" in to_ics_bytes(calendar)
    series = build_series_calendar(META, [make_event()])
    assert [str(e["UID"]) for e in series.walk("VEVENT")] == ["event-2025"]


@pytest.mark.parametrize("feed", ["agenda", "one_slot", "personal", "series"])
def test_every_feed_passes_vobject_validation(feed):
    slots = [make_slot(), make_slot(uid="b", status="cancelled", guiding_question="Why?",
                                    speakers=(SpeakerLine("Ann", "Chair", "Org"),))]
    data = {"agenda": lambda: build_agenda_ics(META, slots, "online"),
            "one_slot": lambda: build_agenda_ics(META, slots[:1], "in_person"),
            "personal": lambda: build_personal_ics(META, [("online", slots[:1]), ("in_person", slots[1:])]),
            "series": lambda: build_series_ics(META, [make_event()])}[feed]()
    assert with_vobject(data).validate() is True
    assert all(component.errors == [] for component in with_icalendar(data).walk())


# --- hostile text, folding, line endings ----------------------------------------------

HOSTILE = ('Commas, semi;colons; back\\slash\\n not a newline; "quotes"\r\nline two\nline three'
           "\x00NUL\x07bell\x1b[31mescape\x7fdel\x85nel\ttab 😀🇪🇸 ñ€ " + "ñ€😀漢字" * 60)


def test_hostile_text_round_trips_through_both_parsers():
    expected = strip_controls(HOSTILE)
    slot = make_slot(title=HOSTILE, description=HOSTILE, room=HOSTILE, venue=None, city=None,
                     url=None, speakers=(), organizer_name='Evil "CN"\n;,:')
    data = build_agenda_ics(META, [slot], "in_person")
    (event,) = icalendar_events(data).values()
    (vevent,) = vobject_events(data).values()
    assert str(event["SUMMARY"]) == vevent.summary.value == expected
    assert str(event["DESCRIPTION"]) == vevent.description.value == expected.strip()
    assert str(event["LOCATION"]) == vevent.location.value == expected.strip()
    assert vevent.organizer.params["CN"] == ["Evil 'CN' ;,:"]
    assert "\x00" not in data.decode("utf-8")


def test_lines_are_folded_at_75_octets_with_crlf_and_whole_characters():
    slot = make_slot(title="ñ€😀漢字" * 80, description="a" * 500 + "😀" * 100)
    data = build_agenda_ics(META, [slot], "online")
    assert data.count(b"\n") == data.count(b"\r\n")
    lines = physical_lines(data)
    assert max(len(line) for line in lines) == 75
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # no character split across a fold
    assert sum(1 for line in lines if line.startswith(b" ")) > 20


safe_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


@settings(max_examples=150, deadline=None)
@given(title=safe_text, description=safe_text, room=safe_text)
def test_any_text_round_trips_through_icalendar(title, description, room):
    slot = make_slot(title=title, description=description, room=room, venue=None, city=None,
                     url=None, speakers=())
    data = build_agenda_ics(META, [slot], "in_person")
    (event,) = icalendar_events(data).values()
    assert str(event["SUMMARY"]) == strip_controls(title)
    assert str(event.get("DESCRIPTION", "")) == strip_controls(description).strip()
    assert str(event.get("LOCATION", "")) == strip_controls(room).strip()
    assert all(len(line) <= 75 for line in physical_lines(data))


@settings(max_examples=60, deadline=None)
@given(title=safe_text, description=safe_text)
def test_any_text_round_trips_through_vobject(title, description):
    slot = make_slot(title=title, description=description, url=None, speakers=())
    (vevent,) = vobject_events(build_agenda_ics(META, [slot], "public")).values()
    assert vevent.summary.value == strip_controls(title)
    description_value = vevent.description.value if "description" in vevent.contents else ""
    assert description_value == strip_controls(description).strip()
