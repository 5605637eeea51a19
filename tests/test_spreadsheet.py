"""No export becomes a formula: every CSV and XLSX writer goes through eventsys.spreadsheet,
which cleans control characters first and then neutralises a leading = + - @ tab or
carriage return (also behind spaces). Each writer is tested through its real route, with
the files read back (csv; openpyxl, where no cell may be a formula)."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from eventsys import spreadsheet
from eventsys.agenda.models import AgendaSlot
from eventsys.extensions import db
from eventsys.feedback import services as feedback_services
from eventsys.feedback.answering import submit_response
from tests.feedback.helpers import form_for, make_feedback_event, questions, register as feedback_register
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import register

# Every formula-leading character, bare, behind spaces and behind control characters,
# with the text a spreadsheet must show for it (no NUL: PostgreSQL text cannot hold it).
PAYLOADS = {
    "=1+1": "'=1+1",
    "+1": "'+1",
    "-1": "'-1",
    "@SUM(A1)": "'@SUM(A1)",
    "\t=1": "'\t=1",
    "\r=1": "'\r=1",
    " =1": "' =1",
    "  @x": "'  @x",
    "\x01=HYPERLINK(\"http://evil\")": "'=HYPERLINK(\"http://evil\")",
    "\x08\x1f+1": "'+1",
    " \x02-1": "' -1",
    "\x7f@x": "'@x",
    "\x0b\t-1": "'\t-1",
}


@pytest.mark.parametrize("value, expected", list(PAYLOADS.items()) + [
    ("\x00=1", "'=1"), ("a=b", "a=b"), ("", ""), ("plain\x07 text", "plain text"), ("'=x", "'=x"),
    ("line\nbreak", "line\nbreak"),
    (-1, -1), (None, None), (2.5, 2.5)])
def test_cell_cleans_then_neutralises(value, expected):
    assert spreadsheet.cell(value) == expected


@pytest.mark.parametrize("value", ["=1+2", "-x", "@a", "+b", " =c", "\t=d", "plain", "'quoted", ""])
def test_uncell_reverses_cell_only(value):
    assert spreadsheet.uncell(spreadsheet.cell(value)) == value


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))


def _xlsx_cells(response) -> list:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [c for row in sheet.iter_rows() for c in row]


@pytest.fixture
def participants_event(app, make_user):
    owner = make_user(email="owner@example.org")
    event = make_open_event(owner, in_person=50)
    for i, payload in enumerate(PAYLOADS):
        user = make_user(email=f"p{i}@example.org", name=f"Person {i}", organisation=payload)
        register(event, user)
    return owner, event


def test_participant_csv_has_no_formula(participants_event, client, login):
    owner, event = participants_event
    login(client, owner)
    rows = _csv_rows(client.get(f"/events/{event.slug}/manage/registration/export.csv"))
    organisations = {row[1]: row[3] for row in rows[1:]}
    assert organisations == {f"Person {i}": expected for i, expected in enumerate(PAYLOADS.values())}


def test_participant_xlsx_has_no_formula(participants_event, client, login):
    owner, event = participants_event
    login(client, owner)
    cells = _xlsx_cells(client.get(f"/events/{event.slug}/manage/registration/export.xlsx"))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    organisations = {c.value for c in cells if c.column == 4 and c.row > 1}
    # XML reads a carriage return back as a line feed.
    assert organisations == {expected.replace("\r", "\n") for expected in PAYLOADS.values()}


def test_agenda_csv_has_no_formula(app, make_user, client, login):
    owner = make_user(email="owner@example.org")
    event, slots = make_feedback_event(owner)
    start = slots["plenary"].starts_at
    for i, payload in enumerate(PAYLOADS):
        db.session.add(AgendaSlot(event_id=event.id, kind="plenary", title=f"Slot {i:02d}", description=payload,
                                  starts_at=start + timedelta(minutes=i), ends_at=start + timedelta(minutes=i + 1)))
    db.session.commit()
    login(client, owner)
    rows = _csv_rows(client.get(f"/events/{event.slug}/manage/agenda/export.csv"))
    descriptions = {row[5]: row[7] for row in rows[1:] if row[5].startswith("Slot ")}
    assert descriptions == {f"Slot {i:02d}": expected for i, expected in enumerate(PAYLOADS.values())}


def test_feedback_csv_has_no_formula(app, make_user, client, login):
    owner = make_user(email="owner@example.org")
    event, slots = make_feedback_event(owner)
    feedback_services.ensure_default_forms(event, owner)
    form = form_for(event, slots["plenary"])
    feedback_services.update_form_settings(form, {"title": form.title, "anonymous": False, "opens_at": None,
                                                  "closes_at": None}, owner)
    text_question = questions(form)[3]
    for i, payload in enumerate(PAYLOADS):
        user = make_user(email=f"p{i}@example.org", name=f"Person {i}")
        answers = {questions(form)[0].id: 4, text_question.id: payload}
        submit_response(form, event, feedback_register(event, user), answers, user)
    login(client, owner)
    rows = _csv_rows(client.get(f"/events/{event.slug}/manage/feedback/{form.id}/export.csv"))
    column = rows[0].index(text_question.label)
    answers = {row[0]: row[column] for row in rows[1:]}
    # Text answers are stored without their surrounding blanks.
    stored = {"\t=1": "'=1", "\r=1": "'=1", " =1": "'=1", "  @x": "'@x", " \x02-1": "'-1", "\x0b\t-1": "'-1"}
    assert answers == {f"Person {i}": stored.get(payload, expected)
                       for i, (payload, expected) in enumerate(PAYLOADS.items())}
