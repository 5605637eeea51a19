"""Reading the attendance reports that video platforms export (pure: bytes in, a dict out).

Zoom ("User Email", "Duration (Minutes)", often after a few summary lines), Microsoft
Teams ("Email", "In-Meeting Duration" such as "1h 5m 3s", UTF-16 and tab-separated, in
sections separated by blank lines), Webex ("Attendee Email"), GoTo ("Email", "Time in
Session (minutes)") and hand-made sheets ("E-mail"). The header row is the first row
that has an email column; a report may have several sections, each with its own header
row (Zoom's meeting line and participants, Teams' participants and activities, Zoom
webinars' hosts, panelists and attendees). A person who joined several times is one
entry with the minutes added up; attendees marked "Attended: No" are left out.
"""
from __future__ import annotations

import csv
import io
import re

MAX_BYTES = 5 * 1024 * 1024
DELIMITERS = (",", "\t", ";")
EMAIL_HEADERS = frozenset({"email", "emailaddress", "useremail", "attendeeemail", "participantemail",
                           "registrantemail", "guestemail", "mail"})
DURATION_HEADERS = frozenset({"durationminutes", "durationmins", "totalduration", "totaldurationminutes",
                              "timeinsessionminutes", "timeinsession", "inmeetingduration",
                              "attendanceduration", "duration"})
UNIT_MINUTES = {"h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60, "m": 1, "min": 1, "mins": 1,
                "minute": 1, "minutes": 1, "s": 1 / 60, "sec": 1 / 60, "secs": 1 / 60, "second": 1 / 60,
                "seconds": 1 / 60}
UNIT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")


class AttendanceReportError(ValueError):
    """``code`` says what is wrong: too_large, encoding, not_csv or no_email_column."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_header(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (cell or "").lower())


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 with one (Teams)."""
    if len(data) > MAX_BYTES:
        raise AttendanceReportError("too_large")
    try:
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AttendanceReportError("encoding") from exc
    if "\x00" in text:
        raise AttendanceReportError("not_csv")
    return text


def parse_minutes(raw: str) -> float | None:
    """"42", "42.5", "1:05:30" (h:m:s), "1:05" (h:m), "1h 5m 30s", "45 min"; else None."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    try:
        return max(float(text.replace(",", ".")), 0.0)
    except ValueError:
        pass
    clock = re.fullmatch(r"(\d+):(\d{1,2})(?::(\d{1,2}))?", text)
    if clock:
        hours, minutes, seconds = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        return hours * 60 + minutes + seconds / 60
    parts = UNIT_RE.findall(text)
    if parts and all(unit in UNIT_MINUTES for _n, unit in parts):
        return sum(float(n) * UNIT_MINUTES[unit] for n, unit in parts)
    return None


def _header(row: list[str]) -> tuple[int, int | None, int | None] | None:
    """(email column, duration column, "attended" column) when ``row`` is a header row."""
    names = [normalise_header(cell) for cell in row]
    email = next((i for i, name in enumerate(names) if name in EMAIL_HEADERS), None)
    if email is None:
        return None
    duration = next((i for i, name in enumerate(names) if name in DURATION_HEADERS), None)
    attended = next((i for i, name in enumerate(names) if name == "attended"), None)
    return email, duration, attended


def _rows(text: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return None


def parse_attendance_report(data: bytes) -> dict[str, float | None]:
    """{email (lower case): minutes attended, or None when the report has no duration}.
    Raises AttendanceReportError."""
    text = decode(data)
    for delimiter in DELIMITERS:
        rows = _rows(text, delimiter)
        if rows and any(_header(row) for row in rows):
            return _collect(rows)
    raise AttendanceReportError("no_email_column")


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _collect(rows: list[list[str]]) -> dict[str, float | None]:
    """Every section that has an email column counts. Within a section the minutes of one
    person add up (rejoins); across sections the largest total counts, since Teams lists
    each person once with the total and again once per join."""
    result: dict[str, float | None] = {}
    columns, section = None, {}
    for row in rows + [[]]:
        header = _header(row)
        if header is not None or not row:
            _merge(result, section)
            section = {}
            columns = header or columns
            continue
        if columns is None:
            continue
        email_col, duration_col, attended_col = columns
        email = _cell(row, email_col).lower()
        if "@" not in email or _cell(row, attended_col).lower() == "no":  # Zoom lists no-shows too
            continue
        minutes = parse_minutes(_cell(row, duration_col))
        section[email] = section.get(email) if minutes is None else (section.get(email) or 0) + minutes
    return result


def _merge(result: dict, section: dict) -> None:
    for email, minutes in section.items():
        known = result.get(email)
        result[email] = minutes if known is None else max(known, minutes or 0)
