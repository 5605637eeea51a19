"""VTIMEZONE components computed from the IANA database (zoneinfo).

Each run of yearly transitions that fall on the same weekday rule ("last Sunday of March
at 02:00") becomes one STANDARD/DAYLIGHT sub-component with an RRULE, which is what
Outlook understands (it mishandles RDATE lists); irregular transitions get a component
each. DTSTART of a sub-component is the local time *before* the change, in TZOFFSETFROM
(RFC 5545 3.6.5), e.g. 02:00 for the spring change in Europe/Madrid. The rules cover the
years asked for plus one either side, and the result is cached per zone and years.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsys.ical.contentlines import escape_text, local_stamp, utc_stamp

_DAY = 86400
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class _Transition:
    onset: datetime        # local wall time before the change (naive)
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool

    @property
    def key(self) -> tuple:
        return (self.offset_from, self.offset_to, self.name, self.is_dst, _weekday_rule(self.onset))


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or ValueError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _state(tz: ZoneInfo, ts: int) -> tuple[timedelta, str, int]:
    """(UTC offset, abbreviation, sign of the DST saving) at a POSIX time."""
    moment = datetime.fromtimestamp(ts, tz)
    saving = moment.dst() or timedelta()
    return moment.utcoffset(), moment.tzname() or "", (saving > timedelta()) - (saving < timedelta())


def _is_daylight(saving: int, saving_before: int) -> bool:
    # Zones with a negative saving (Europe/Dublin, Africa/Casablanca) call winter the
    # DST period; calendar clients expect DAYLIGHT to be the summer side, so leaving a
    # negative saving counts as entering daylight time.
    return saving > 0 or (saving == 0 and saving_before < 0)


def _transitions(tz: ZoneInfo, start: int, end: int) -> list[_Transition]:
    """Every change of offset, name or DST flag between two POSIX times, found by a daily
    scan and bisected to the second."""
    found = []
    before = _state(tz, start)
    for day in range(start + _DAY, end + _DAY, _DAY):
        after = _state(tz, day)
        if after == before:
            continue
        low, high = day - _DAY, day
        while high - low > 1:
            middle = (low + high) // 2
            if _state(tz, middle) == before:
                low = middle
            else:
                high = middle
        change = _state(tz, high)
        onset = datetime.fromtimestamp(high, timezone.utc).replace(tzinfo=None) + before[0]
        found.append(_Transition(onset, before[0], change[0], change[1],
                                 _is_daylight(change[2], before[2])))
        before = change
        if change != after:  # two changes within one day: rescan from here
            return found + _transitions(tz, high, end)
    return found


def _weekday_rule(onset: datetime) -> tuple[int, int, int, tuple]:
    """(month, nth weekday or -1 for the last, weekday, time of day) of a transition."""
    month_days = calendar.monthrange(onset.year, onset.month)[1]
    nth = -1 if onset.day + 7 > month_days else (onset.day - 1) // 7 + 1
    return onset.month, nth, onset.weekday(), (onset.hour, onset.minute, onset.second)


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _runs(transitions: list[_Transition]) -> list[list[_Transition]]:
    """Group transitions into runs sharing a rule in consecutive years."""
    runs: list[list[_Transition]] = []
    open_runs: dict[tuple, list[_Transition]] = {}
    for item in transitions:
        run = open_runs.get(item.key)
        if run is not None and run[-1].onset.year == item.onset.year - 1:
            run.append(item)
        else:
            run = [item]
            runs.append(run)
            open_runs[item.key] = run
    return runs


def _component(run: list[_Transition], last_scanned_year: int) -> list[str]:
    """One sub-component: a yearly RRULE for a run of two or more, else a lone DTSTART."""
    first, last = run[0], run[-1]
    kind = "DAYLIGHT" if first.is_dst else "STANDARD"
    lines = [f"BEGIN:{kind}", "DTSTART:" + local_stamp(first.onset)]
    if len(run) > 1:
        month, nth, weekday, _ = _weekday_rule(first.onset)
        rule = f"RRULE:FREQ=YEARLY;BYMONTH={month};BYDAY={nth}{_WEEKDAYS[weekday]}"
        if last.onset.year < last_scanned_year:  # the rule stopped within the scanned years
            # Any UNTIL from the last onset to a year later means the same. dateutil (and
            # so vobject) compares the UTC value with local times, so give a day's margin.
            rule += ";UNTIL=" + utc_stamp(last.onset + timedelta(days=1))
        lines.append(rule)
    if first.name:
        lines.append("TZNAME:" + escape_text(first.name))
    lines += ["TZOFFSETFROM:" + _offset(first.offset_from),
              "TZOFFSETTO:" + _offset(first.offset_to), f"END:{kind}"]
    return lines


@lru_cache(maxsize=128)
def vtimezone_lines(tzid: str, first_year: int, last_year: int) -> tuple[str, ...]:
    """Content lines of a VTIMEZONE for ``tzid`` valid at least from 1 January of
    ``first_year`` to 31 December of ``last_year`` (local time)."""
    tz = zone(tzid)
    scan_start = datetime(first_year - 1, 1, 1, tzinfo=tz)
    scan_end = datetime(last_year + 2, 1, 1, tzinfo=tz)
    start, end = int(scan_start.timestamp()), int(scan_end.timestamp())
    changes = _transitions(tz, start, end)
    lines = ["BEGIN:VTIMEZONE", "TZID:" + escape_text(tzid), "X-LIC-LOCATION:" + escape_text(tzid)]
    covered = datetime(first_year, 1, 1)
    if not changes or changes[0].onset > covered:
        offset, name, saving = _state(tz, start)
        initial = _Transition(scan_start.replace(tzinfo=None), offset, offset, name, saving > 0)
        lines += _component([initial],
                            last_year + 1)
    for run in _runs(changes):
        lines += _component(run, last_year + 1)
    lines.append("END:VTIMEZONE")
    return tuple(lines)
