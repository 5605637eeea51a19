"""VTIMEZONE rules computed from zoneinfo, checked with icalendar's and vobject's readers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eventsys.ical.vtimezone import vtimezone_lines
from tests.ical.parsers import with_icalendar, with_vobject

ZONES = sorted(available_timezones() - {"Factory", "localtime"})


def rules(tzid: str, first_year: int, last_year: int):
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            + "\r\n".join(vtimezone_lines(tzid, first_year, last_year)) + "\r\nEND:VCALENDAR\r\n")
    data = text.encode("utf-8")
    return with_icalendar(data).walk("VTIMEZONE")[0].to_tz(), with_vobject(data).vtimezone.gettzinfo()


def unambiguous_offset(local: datetime, tz: ZoneInfo) -> timedelta | None:
    """zoneinfo's offset for a wall time, or None in the gap or the repeated hour."""
    first, second = local.replace(tzinfo=tz), local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None
    return first.utcoffset()


def test_madrid_has_rrules_with_onsets_in_local_time_before_the_change():
    assert vtimezone_lines("Europe/Madrid", 2025, 2025) == (
        "BEGIN:VTIMEZONE", "TZID:Europe/Madrid", "X-LIC-LOCATION:Europe/Madrid",
        "BEGIN:DAYLIGHT", "DTSTART:20240331T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "TZNAME:CEST", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
        "BEGIN:STANDARD", "DTSTART:20241027T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "TZNAME:CET", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD", "END:VTIMEZONE")


def test_zone_without_changes_has_one_standard_component():
    assert vtimezone_lines("Asia/Tokyo", 2025, 2026) == (
        "BEGIN:VTIMEZONE", "TZID:Asia/Tokyo", "X-LIC-LOCATION:Asia/Tokyo", "BEGIN:STANDARD",
        "DTSTART:20240101T000000", "TZNAME:JST", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900",
        "END:STANDARD", "END:VTIMEZONE")


def test_a_rule_that_ended_gets_until_in_utc():
    lines = vtimezone_lines("Europe/Madrid", 1995, 1996)  # EU autumn change moved in 1996
    assert "RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=-1SU;UNTIL=19950925T030000Z" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in lines


@pytest.mark.parametrize("tzid, first_year, last_year", [
    ("Europe/Madrid", 2025, 2025), ("Europe/Madrid", 1995, 1996), ("America/New_York", 2025, 2025),
    ("Australia/Lord_Howe", 2025, 2025), ("Europe/Dublin", 2025, 2025),
    ("Africa/Casablanca", 2025, 2025), ("America/Santiago", 2025, 2025),
    ("Pacific/Chatham", 2025, 2025), ("Europe/Moscow", 2010, 2011), ("Asia/Gaza", 2025, 2025),
])
def test_rules_give_zoneinfo_offsets_all_year(tzid, first_year, last_year):
    tz = ZoneInfo(tzid)
    by_icalendar, by_vobject = rules(tzid, first_year, last_year)
    moment = datetime(first_year, 1, 1, tzinfo=timezone.utc) - timedelta(hours=14)
    end = datetime(last_year + 1, 1, 1, tzinfo=timezone.utc) + timedelta(hours=14)
    checked = 0
    while moment < end:
        local = moment.astimezone(tz).replace(tzinfo=None, fold=0)
        expected = unambiguous_offset(local, tz)
        if expected is not None and first_year <= local.year <= last_year:
            assert local.replace(tzinfo=by_icalendar).utcoffset() == expected, local
            assert local.replace(tzinfo=by_vobject).utcoffset() == expected, local
            checked += 1
        moment += timedelta(minutes=45)
    assert checked > 11000 * (last_year - first_year + 1)


@settings(max_examples=120, deadline=None)
@given(tzid=st.sampled_from(ZONES),
       local=st.datetimes(min_value=datetime(1975, 1, 1), max_value=datetime(2037, 12, 31)))
def test_rules_of_any_zone_give_zoneinfo_offsets(tzid, local):
    expected = unambiguous_offset(local, ZoneInfo(tzid))
    assume(expected is not None)
    by_icalendar, by_vobject = rules(tzid, local.year, local.year)
    assert local.replace(tzinfo=by_icalendar).utcoffset() == expected
    assert local.replace(tzinfo=by_vobject).utcoffset() == expected
