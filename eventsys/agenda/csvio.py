"""Agenda CSV: parse and check a file into plain rows, and write rows back out.

Pure apart from translated messages (flask_babel's lazy strings work without an app).
Everything that needs the database (uids, rooms, speakers, the event's dates, room
clashes) is checked by ``services.import_agenda``; this module checks the file itself.
The columns are documented in docs/agenda-csv.md and on the import page.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from eventsys import inputrules, spreadsheet
from eventsys.agenda.models import KINDS, SLOT_STATUSES, SPEAKER_ROLES

COLUMNS = ("uid", "date", "start", "end", "kind", "title", "room", "description",
           "online_link", "speakers", "status")
REQUIRED = ("date", "start", "end", "title")
MAX_ROWS = 5000
_UID = re.compile(r"^[A-Za-z0-9._@:+-]{1,64}$")
SINGLE_LINE = ("uid", "title", "room", "online_link", "speakers", "kind", "status")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_ROLE = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
LIMITS = {"title": 300, "room": 120, "online_link": 500}


@dataclass(frozen=True)
class CsvSpeaker:
    name: str
    role: str


@dataclass(frozen=True)
class CsvRow:
    """One checked line. Times are naive wall times in the event's zone."""
    line: int
    uid: str
    starts_at: datetime
    ends_at: datetime
    kind: str
    title: str
    room: str
    description: str
    online_link: str
    speakers: tuple[CsvSpeaker, ...]
    status: str
    columns: tuple[str, ...] = COLUMNS  # the file's columns: absent ones leave a slot as it is


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: the file as a whole
    message: object

    def __str__(self) -> str:
        if self.line is None:
            return str(self.message)
        return str(_l("Line %(line)s: %(message)s", line=self.line, message=self.message))


class CsvProblems(Exception):
    """The file cannot be imported; ``problems`` lists every reason, by line."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def write_agenda_csv(rows: Iterable[dict]) -> str:
    """CSV text with a header of ``COLUMNS``; each row is a dict of those keys (strings)."""
    return spreadsheet.csv_text(list(COLUMNS), ([str(row.get(column) or "") for column in COLUMNS] for row in rows),
                                bom=False, lineterminator="\r\n")


def format_speakers(speakers: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{name} ({role})" for name, role in speakers)


def parse_agenda_csv(data: bytes) -> list[CsvRow]:
    """Check every line and return the rows, or raise CsvProblems listing all the problems."""
    text = _decode(data)
    first = text.split("\n", 1)[0]
    # Comma is the format; semicolons (spreadsheets in some locales) are accepted too.
    delimiter = "," if "," in first or ";" not in first else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = _header(next(reader))
    except csv.Error as exc:
        raise CsvProblems([Problem(1, _unreadable(exc))]) from exc
    rows, problems, seen_uids, count = [], [], {}, 0
    line = reader.line_num
    try:
        for cells in reader:
            first_line, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise CsvProblems([Problem(None, _l("The file has more than %(n)s rows.", n=MAX_ROWS))])
            row, row_problems = _row(first_line, header, cells)
            if row is not None and row.uid:
                if row.uid in seen_uids:
                    row_problems.append(_l("the uid is already used on line %(line)s.", line=seen_uids[row.uid]))
                seen_uids.setdefault(row.uid, first_line)
            problems += [Problem(first_line, message) for message in row_problems]
            if not row_problems:
                rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(line + 1, _unreadable(exc)))
    if problems:
        raise CsvProblems(problems)
    if not rows:
        raise CsvProblems([Problem(None, _l("The file has a header but no agenda rows."))])
    return rows


def _unreadable(exc: csv.Error):
    if "end of data" in str(exc):  # the file ends inside a quoted cell
        return _l("a quoted cell starts here and is never closed (a closing \" is missing).")
    return _l("the line cannot be read as CSV (%(error)s).", error=str(exc))


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvProblems([Problem(None, _l("The file is not UTF-8 text. In your spreadsheet, "
                                            "save it as “CSV UTF-8”."))]) from exc
    if not text.strip():
        raise CsvProblems([Problem(None, _l("The file is empty."))])
    return text


def _header(cells: list[str]) -> list[str]:
    names = [c.strip().lower() for c in cells]
    problems = []
    for name in names:
        if name not in COLUMNS:
            problems.append(_l("unknown column “%(name)s” (the columns are: %(columns)s).",
                               name=name, columns=", ".join(COLUMNS)))
        elif names.count(name) > 1:
            problems.append(_l("the column “%(name)s” appears twice.", name=name))
    for name in REQUIRED:
        if name not in names:
            problems.append(_l("the column “%(name)s” is missing.", name=name))
    if problems:
        raise CsvProblems([Problem(1, message) for message in dict.fromkeys(problems)])
    return names


def _row(line: int, header: list[str], cells: list[str]) -> tuple[CsvRow | None, list]:
    if len(cells) > len(header):
        return None, [_l("it has %(cells)s cells but the header has %(columns)s.",
                         cells=len(cells), columns=len(header))]
    raw = {name: "" for name in COLUMNS}
    raw.update({name: spreadsheet.uncell(value).strip() for name, value in zip(header, cells)})
    problems: list = []
    starts_at, ends_at = _times(raw, problems)
    kind = _choice(raw["kind"], KINDS, "other", problems, "kind")
    status = _choice("cancelled" if raw["status"].lower() == "canceled" else raw["status"],
                     SLOT_STATUSES, "scheduled", problems, "status")
    speakers = _speakers(raw["speakers"], problems)
    _check_texts(raw, problems)
    if problems:
        return None, problems
    return CsvRow(line=line, uid=raw["uid"], starts_at=starts_at, ends_at=ends_at, kind=kind,
                  title=raw["title"], room=raw["room"], description=raw["description"],
                  online_link=raw["online_link"], speakers=speakers, status=status,
                  columns=tuple(header)), []


def _times(raw: dict, problems: list) -> tuple[datetime | None, datetime | None]:
    day = _date(raw["date"], problems)
    start = _time(raw["start"], "start", problems)
    end = _time(raw["end"], "end", problems)
    if day is None or start is None or end is None:
        return None, None
    if end <= start:
        problems.append(_l("the end time (%(end)s) must be after the start time (%(start)s).",
                           end=raw["end"], start=raw["start"]))
    return datetime.combine(day, start), datetime.combine(day, end)


def _date(value: str, problems: list) -> date | None:
    try:
        if _DATE.match(value):
            day = date.fromisoformat(value)
            if inputrules.date_problem(day) is None:
                return day
            problems.append(_l("the date “%(value)s” is not between %(min)s and %(max)s.", value=value,
                               min=inputrules.DATE_MIN.isoformat(), max=inputrules.DATE_MAX.isoformat()))
            return None
    except ValueError:
        pass
    problems.append(_l("the date “%(value)s” is not a date like 2030-05-06.", value=value))
    return None


def _time(value: str, column: str, problems: list) -> time | None:
    match = _TIME.match(value)
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return time(int(match.group(1)), int(match.group(2)))
    problems.append(_l("the %(column)s “%(value)s” is not a time like 09:30.", column=column, value=value))
    return None


def _choice(value: str, allowed: tuple, default: str, problems: list, label: str) -> str:
    clean = value.strip().lower().replace("-", "_").replace(" ", "_") or default
    if clean not in allowed:
        problems.append(_l("the %(label)s “%(value)s” is not one of: %(allowed)s.",
                           label=label, value=value, allowed=", ".join(allowed)))
    return clean


def _speakers(value: str, problems: list) -> tuple[CsvSpeaker, ...]:
    speakers: list[CsvSpeaker] = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        name, role = part, "speaker"
        match = _ROLE.match(part)
        if match:
            name, role = match.group(1).strip(), match.group(2).strip().lower()
            if role not in SPEAKER_ROLES:
                problems.append(_l("the speaker role “%(role)s” is not one of: %(allowed)s.",
                                   role=match.group(2).strip(), allowed=", ".join(SPEAKER_ROLES)))
        if not name or len(name) > 200:
            problems.append(_l("a speaker name is empty or too long."))
        elif any(s.name == name for s in speakers):
            problems.append(_l("the speaker “%(name)s” is listed twice.", name=name))
        speakers.append(CsvSpeaker(name, role))
    return tuple(speakers)


def _check_texts(raw: dict, problems: list) -> None:
    if not raw["title"]:
        problems.append(_l("the title is empty."))
    for column, limit in LIMITS.items():
        if len(raw[column]) > limit:
            problems.append(_l("the %(column)s is longer than %(n)s characters.", column=column, n=limit))
    for column in SINGLE_LINE:
        if inputrules.single_line_problem(raw[column]):
            problems.append(_l("the %(column)s has a line break, a tab or another control character.",
                               column=column))
    link = raw["online_link"]
    if link and inputrules.web_address_problem(link):
        problems.append(_l("the online_link must be a web address starting with https://."))
    if raw["uid"] and not _UID.match(raw["uid"]):
        problems.append(_l("the uid may only have letters, digits and . _ @ : + - (at most 64)."))
