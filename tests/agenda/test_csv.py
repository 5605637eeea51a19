"""Agenda CSV: parsing and checking (pure), import all-or-nothing, export, round trip."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import func, select

from eventsys.agenda import csvio, importing
from eventsys.agenda.models import AgendaSlot
from eventsys.errors import PermissionDenied
from eventsys.events.models import Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker
from tests.agenda.conftest import madrid, reload

HEADER = "uid,date,start,end,kind,title,room,description,online_link,speakers,status\n"
GOOD = (HEADER
        + ",2030-05-06,09:00,10:00,plenary,Opening plenary,Sala Goya,Welcome.,,Ana Ruiz (chair); Li Wei,\n"
        + ",2030-05-06,10:30,12:00,working-group,WG 1: Data sharing,Sala Goya,,https://meet.example.org/wg1,"
          "Li Wei (moderator),scheduled\n"
        + ",2030-05-06,10:30,12:00,working_group,WG 2: Ethics,Sala Velázquez,,,,\n")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def problems_of(call) -> list[str]:
    with pytest.raises(importing.ImportProblems) as info:
        call()
    assert info.value.field == "file"
    return info.value.problems


def parse_problems(data: bytes) -> list[str]:
    with pytest.raises(csvio.CsvProblems) as info:
        csvio.parse_agenda_csv(data)
    return [str(p) for p in info.value.problems]


# --- parsing (pure) ----------------------------------------------------------------------

def test_parse_agenda_csv_good_file_gives_rows():
    rows = csvio.parse_agenda_csv(GOOD.encode())
    assert [(r.line, r.starts_at, r.ends_at, r.kind, r.title, r.room) for r in rows] == [
        (2, datetime(2030, 5, 6, 9), datetime(2030, 5, 6, 10), "plenary", "Opening plenary", "Sala Goya"),
        (3, datetime(2030, 5, 6, 10, 30), datetime(2030, 5, 6, 12), "working_group", "WG 1: Data sharing", "Sala Goya"),
        (4, datetime(2030, 5, 6, 10, 30), datetime(2030, 5, 6, 12), "working_group", "WG 2: Ethics", "Sala Velázquez"),
    ]
    assert rows[0].speakers == (csvio.CsvSpeaker("Ana Ruiz", "chair"), csvio.CsvSpeaker("Li Wei", "speaker"))
    assert [r.status for r in rows] == ["scheduled", "scheduled", "scheduled"]


def test_parse_agenda_csv_tolerates_a_bom_semicolons_and_any_column_order():
    data = "\ufefftitle;end;start;date\nOpening;10:00;09:00;2030-05-06\n".encode()
    (row,) = csvio.parse_agenda_csv(data)
    assert (row.title, row.starts_at, row.kind, row.columns) == \
        ("Opening", datetime(2030, 5, 6, 9), "other", ("title", "end", "start", "date"))


def test_parse_agenda_csv_bad_row_on_line_3_is_reported_by_line():
    data = (HEADER + ",2030-05-06,09:00,10:00,plenary,Fine,,,,,\n"
            + ",2030-05-06,11:00,10:00,plenary,Backwards,,,,,\n").encode()
    assert parse_problems(data) == ["Line 3: the end time (10:00) must be after the start time (11:00)."]


def test_parse_agenda_csv_lists_every_problem():
    data = (HEADER + ",06/05/2030,9h,10:00,lecture,,,,ftp://x,Ana (host),maybe\n").encode()
    assert parse_problems(data) == [
        "Line 2: the date “06/05/2030” is not a date like 2030-05-06.",
        "Line 2: the start “9h” is not a time like 09:30.",
        "Line 2: the kind “lecture” is not one of: plenary, keynote, panel, working_group, break, social, other.",
        "Line 2: the status “maybe” is not one of: scheduled, cancelled.",
        "Line 2: the speaker role “host” is not one of: speaker, chair, moderator, panellist.",
        "Line 2: the title is empty.",
        "Line 2: the online_link must be a web address starting with https://.",
    ]


def test_parse_agenda_csv_counts_lines_inside_quoted_cells():
    data = (HEADER + ',2030-05-06,09:00,10:00,plenary,Opening,,"Line one\nLine two",,,\n'
            + ",2030-05-06,bad,10:00,plenary,Second,,,,,\n").encode()
    assert parse_problems(data) == ["Line 4: the start “bad” is not a time like 09:30."]


def test_parse_agenda_csv_bad_header_is_reported_on_line_1():
    assert parse_problems(b"date,start,finish,title\n2030-05-06,09:00,10:00,x\n") == [
        "Line 1: unknown column “finish” (the columns are: uid, date, start, end, kind, title, room, "
        "description, online_link, speakers, status).",
        "Line 1: the column “end” is missing.",
    ]


def test_parse_agenda_csv_unterminated_quote_in_a_row_is_reported_by_line():
    data = (HEADER + ",2030-05-06,09:00,10:00,plenary,Fine,,,,,\n"
            + ',2030-05-06,10:00,11:00,plenary,"Never closed,,,,,\n'
            + ",2030-05-06,11:00,12:00,plenary,After,,,,,\n").encode()
    assert parse_problems(data) == [
        "Line 3: a quoted cell starts here and is never closed (a closing \" is missing)."]


def test_parse_agenda_csv_unterminated_quote_in_the_header_is_reported_on_line_1():
    data = b'date,start,end,"title\n2030-05-06,09:00,10:00,x\n'
    assert parse_problems(data) == [
        "Line 1: a quoted cell starts here and is never closed (a closing \" is missing)."]


def test_parse_agenda_csv_line_break_in_a_single_line_column_is_refused():
    data = (HEADER + ',2030-05-06,09:00,10:00,plenary,"Mallory\r\nBcc: victim@example.com","Sala\tGoya",'
            + '"Two\nlines are fine here",,,\n').encode()
    assert parse_problems(data) == [
        "Line 2: the title has a line break, a tab or another control character.",
        "Line 2: the room has a line break, a tab or another control character.",
    ]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_parse_agenda_csv_date_out_of_range_is_refused(day):
    data = (HEADER + f",{day},09:00,10:00,plenary,Far away,,,,,\n").encode()
    assert parse_problems(data) == [f"Line 2: the date “{day}” is not between 2000-01-01 and 2100-12-31."]


@pytest.mark.parametrize("link", ["javascript:alert(1)//x", "data:text/html;charset=utf-8", "https://"])
def test_parse_agenda_csv_non_web_link_is_refused(link):
    data = (HEADER + f",2030-05-06,09:00,10:00,plenary,Talk,,,{link},,\n").encode()
    assert parse_problems(data) == ["Line 2: the online_link must be a web address starting with https://."]


def test_parse_agenda_csv_refuses_empty_and_non_utf8_files():
    assert parse_problems(b"") == ["The file is empty."]
    assert parse_problems(HEADER.encode()) == ["The file has a header but no agenda rows."]
    assert parse_problems("title,date,start,end\nCaf\xe9,2030-05-06,09:00,10:00\n".encode("latin-1")) == [
        "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."]


def test_parse_agenda_csv_duplicate_uid_is_refused():
    data = (HEADER + "abc,2030-05-06,09:00,10:00,plenary,One,,,,,\n"
            + "abc,2030-05-06,10:00,11:00,plenary,Two,,,,,\n").encode()
    assert parse_problems(data) == ["Line 3: the uid is already used on line 2."]


def test_write_agenda_csv_neutralises_formulas():
    text = csvio.write_agenda_csv([{"title": "=HYPERLINK(\"http://evil\")", "description": "- a list",
                                    "room": "@room", "speakers": "+34 Ana", "kind": "plenary"}])
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert (row["title"], row["description"], row["room"], row["speakers"], row["kind"]) == \
        ("'=HYPERLINK(\"http://evil\")", "'- a list", "'@room", "'+34 Ana", "plenary")


# --- import --------------------------------------------------------------------------------

def test_import_agenda_creates_slots_rooms_and_speakers(event, owner, make_speaker):
    existing = make_speaker(event, "Li Wei")
    result = importing.import_agenda(event, GOOD.encode(), owner)
    assert (result.created, result.updated, result.unchanged, result.rooms_created, result.speakers_created) == \
        (3, 0, 0, 2, 1)
    slots = db.session.scalars(select(AgendaSlot).order_by(AgendaSlot.id)).all()
    assert [(s.title, s.kind, s.room.name, s.starts_at, s.revision) for s in slots] == [
        ("Opening plenary", "plenary", "Sala Goya", datetime(2030, 5, 6, 7), 0),
        ("WG 1: Data sharing", "working_group", "Sala Goya", datetime(2030, 5, 6, 8, 30), 0),
        ("WG 2: Ethics", "working_group", "Sala Velázquez", datetime(2030, 5, 6, 8, 30), 0),
    ]
    assert [(l.speaker.name, l.role) for l in slots[0].speaker_links] == [("Ana Ruiz", "chair"), ("Li Wei", "speaker")]
    assert slots[1].speaker_links[0].speaker_id == existing.id
    assert slots[1].online_link == "https://meet.example.org/wg1"
    assert count(Speaker) == 2


def test_import_agenda_bad_row_on_line_3_imports_nothing(event, owner):
    data = (HEADER + ",2030-05-06,09:00,10:00,plenary,Opening,Sala Goya,,,Ana Ruiz,\n"
            + ",2030-05-09,09:00,10:00,plenary,After the event,Sala Goya,,,Li Wei,\n"
            + ",2030-05-06,11:00,12:00,plenary,Fine,New room,,,,\n").encode()
    assert problems_of(lambda: importing.import_agenda(event, data, owner)) == [
        "Line 3: The slot must start during the event (2030-05-06 to 2030-05-07)."]
    assert (count(AgendaSlot), count(Room), count(Speaker)) == (0, 0, 0)


def test_import_agenda_room_clash_with_another_line_is_refused(event, owner):
    data = (HEADER + ",2030-05-06,09:00,10:00,plenary,Opening,Sala Goya,,,,\n"
            + ",2030-05-06,09:30,10:30,panel,Panel,Sala Goya,,,,\n").encode()
    assert problems_of(lambda: importing.import_agenda(event, data, owner)) == [
        "Line 2: Sala Goya is already in use at that time by “Panel” (2030-05-06 09:30–10:30). See line 3.",
        "Line 3: Sala Goya is already in use at that time by “Opening” (2030-05-06 09:00–10:00). See line 2.",
    ]
    assert count(AgendaSlot) == 0


def test_import_agenda_room_clash_with_an_existing_slot_is_refused(event, owner, add_slot, make_room):
    add_slot(event, "Keynote", madrid(6, 9), madrid(6, 10), room=make_room(event, "Sala Goya"))
    data = (HEADER + ",2030-05-06,09:30,10:30,panel,Panel,Sala Goya,,,,\n").encode()
    assert problems_of(lambda: importing.import_agenda(event, data, owner)) == [
        "Line 2: Sala Goya is already in use at that time by “Keynote” (2030-05-06 09:00–10:00)."]


def test_import_agenda_by_a_rapporteur_is_denied(make_event, make_user):
    user = make_user()
    event = make_event(user=user, role="rapporteur")
    with pytest.raises(PermissionDenied):
        importing.import_agenda(event, GOOD.encode(), user)


# --- export and round trip ---------------------------------------------------------------

def test_export_agenda_writes_the_documented_columns_in_event_time(event, add_slot, make_room, make_speaker):
    slot = add_slot(event, "=cmd|' /C calc'!A0", madrid(6, 9), madrid(6, 10), room=make_room(event, "Sala Goya"),
                    speakers=[(make_speaker(event, "Ana Ruiz"), "chair")], description="- first\n- second")
    rows = list(csv.reader(io.StringIO(importing.export_agenda(event))))
    assert rows == [list(csvio.COLUMNS), [slot.uid, "2030-05-06", "09:00", "10:00", "plenary",
                                          "'=cmd|' /C calc'!A0", "Sala Goya", "'- first\n- second", "",
                                          "Ana Ruiz (chair)", "scheduled"]]


def test_export_then_import_updates_the_same_slots_by_uid(event, owner, add_slot, make_room, make_speaker):
    goya = make_room(event, "Sala Goya")
    ana = make_speaker(event, "Ana Ruiz")
    keynote = add_slot(event, "=Keynote", madrid(6, 9), madrid(6, 10), room=goya, speakers=[ana],
                       description="- point")
    panel = add_slot(event, "Panel", madrid(6, 11), madrid(6, 12), room=goya)
    exported = importing.export_agenda(event)

    unchanged = importing.import_agenda(event, exported.encode("utf-8-sig"), owner)
    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 2)

    edited = exported.replace("11:00,12:00", "12:00,13:00").replace(",Panel,", ",Panel discussion,")
    result = importing.import_agenda(event, edited.encode(), owner)
    assert (result.created, result.updated, result.unchanged, result.rooms_created) == (0, 1, 1, 0)
    keynote, panel = reload(AgendaSlot, keynote.id), reload(AgendaSlot, panel.id)
    assert (keynote.title, keynote.description, keynote.revision) == ("=Keynote", "- point", 0)
    assert (panel.title, panel.starts_at, panel.revision) == ("Panel discussion", datetime(2030, 5, 6, 10), 1)
    assert count(AgendaSlot) == 2


def test_import_agenda_uid_of_another_event_creates_a_new_slot(event, owner, make_event, add_slot):
    other = add_slot(make_event(), "Elsewhere", madrid(6, 9), madrid(6, 10))
    data = (HEADER + f"{other.uid},2030-05-06,09:00,10:00,plenary,Mine,,,,,\n").encode()
    assert importing.import_agenda(event, data, owner).created == 1
    mine = db.session.scalar(select(AgendaSlot).where(AgendaSlot.event_id == event.id))
    assert mine.uid != other.uid
    assert reload(AgendaSlot, other.id).title == "Elsewhere"


def test_import_agenda_unknown_uid_is_kept_for_the_new_slot(event, owner):
    data = (HEADER + "legacy-42@example.org,2030-05-06,09:00,10:00,plenary,Mine,,,,,cancelled\n").encode()
    importing.import_agenda(event, data, owner)
    slot = db.session.scalar(select(AgendaSlot))
    assert (slot.uid, slot.status) == ("legacy-42@example.org", "cancelled")


def test_import_agenda_without_a_column_keeps_that_field(event, owner, add_slot, make_speaker):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10), description="Keep me",
                    speakers=[make_speaker(event, "Ana Ruiz")])
    data = f"uid,date,start,end,title\n{slot.uid},2030-05-06,09:00,10:30,Opening\n".encode()
    assert importing.import_agenda(event, data, owner).updated == 1
    slot = reload(AgendaSlot, slot.id)
    assert (slot.description, len(slot.speaker_links), slot.revision) == ("Keep me", 1, 1)
