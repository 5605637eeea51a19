"""Participant exports: CSV and XLSX content, formula injection neutralised, sensitive
answers only for those who may see them, anonymised rows, and who may export at all."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from eventsys import permissions
from eventsys.errors import PermissionDenied
from eventsys.extensions import db
from eventsys.registration import exports, organiser
from eventsys.registration.participants import ParticipantFilters
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, register

FIXED = ["ID", "Name", "Email", "Organisation", "Country", "Stakeholder group", "Way of attending", "Status",
         "Registered at", "Confirmed at", "Cancelled at", "Checked in at", "Attended online", "Minutes online",
         "Listed publicly", "Privacy notice version"]


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org")


@pytest.fixture
def setup(app, owner, make_user):
    event = make_open_event(owner, in_person=5, online=None)
    def ask(**v):
        return organiser.create_question(event, {"kind": "short_text", "applies_to": "all", **v}, owner)
    job = ask(label="Job title")
    diet = ask(label="Diet", kind="multiple_choice", options="Vegan\nHalal\nNone")
    access = ask(label="Accessibility needs", kind="long_text", sensitive=True)
    vip = ask(label="=Priority", kind="yes_no")
    ana = make_user(email="ana@example.org", name="Ana Díaz", organisation="=HYPERLINK(\"http://evil\")",
                    country="ES", stakeholder_category="clinician")
    ben = make_user(email="ben@example.org", name="+Ben", organisation="@corp")
    first = register(event, ana, answers={job.id: "-2+3", diet.id: ["Vegan", "Halal"], access.id: "Wheelchair",
                                          vip.id: "yes"})
    first.created_at = first.confirmed_at = datetime(2031, 1, 10, 8, 30)  # 09:30 in Madrid
    first.checked_in_at = datetime(2031, 3, 3, 7, 55)
    second = register(event, ben, "online", answers={job.id: "@home"})
    second.created_at = second.confirmed_at = datetime(2031, 1, 11, 8, 30)
    second.attended_online, second.online_minutes = True, 42
    db.session.commit()
    return event, first, second


def test_table_for_an_organiser_has_every_column_and_neutralised_cells(setup, owner):
    event, first, second = setup
    header, rows = exports.participant_table(event, owner)
    assert header == FIXED + ["Job title", "Diet", "Accessibility needs", "'=Priority"]
    assert rows == [
        [second.id, "'+Ben", "ben@example.org", "'@corp", "", "", "Online", "Confirmed", "2031-01-11 09:30",
         "2031-01-11 09:30", "", "", "Yes", 42, "No", "1", "'@home", "", "", ""],
        [first.id, "Ana Díaz", "ana@example.org", "'=HYPERLINK(\"http://evil\")", "ES",
         "Clinician or health professional", "In person", "Confirmed", "2031-01-10 09:30", "2031-01-10 09:30", "",
         "2031-03-03 08:55", "No", "", "No", "1", "'-2+3", "Vegan; Halal", "Wheelchair", "Yes"],
    ]


def test_csv_is_utf8_with_bom_and_keeps_the_apostrophes(setup, owner):
    event, first, _second = setup
    data = exports.to_csv(*exports.participant_table(event, owner))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ID", "Name", "Email"]
    assert rows[2][:4] == [str(first.id), "Ana Díaz", "ana@example.org", "'=HYPERLINK(\"http://evil\")"]
    assert [row[1][0] for row in rows[1:]] == ["'", "A"]


def test_xlsx_has_no_formulas_only_text(setup, owner):
    event, first, _second = setup
    data = exports.to_xlsx(*exports.participant_table(event, owner), title="Workshop: 2031/[draft]")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Workshop 2031draft"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][-1] == "'=Priority"
    assert values[2][:4] == [first.id, "Ana Díaz", "ana@example.org", "'=HYPERLINK(\"http://evil\")"]
    assert values[1][13] == 42
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["A1"].font.bold is True


def test_xlsx_drops_control_characters(app):
    data = exports.to_xlsx(["Name"], [["Bell\x07 and\x00 null"]])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "Bell and null"


def test_without_the_sensitive_right_the_sensitive_columns_are_absent(setup, make_user, monkeypatch):
    event, _first, _second = setup
    viewer = make_user()
    add_role(event, viewer, "rapporteur")
    # A role that may see the list but not sensitive data (none ships like that today).
    monkeypatch.setitem(permissions.RIGHTS, "rapporteur", {"dashboard", "report", "participants"})
    header, rows = exports.participant_table(event, viewer)
    assert header == FIXED + ["Job title", "Diet", "'=Priority"]
    assert "Wheelchair" not in [cell for row in rows for cell in row]


@pytest.mark.parametrize("role", ["rapporteur", "checkin"])
def test_staff_without_the_participants_right_cannot_export(setup, make_user, role):
    event, _first, _second = setup
    staff = make_user()
    add_role(event, staff, role)
    with pytest.raises(PermissionDenied):
        exports.participant_table(event, staff)


def test_anonymised_rows_are_exported_as_deleted_account(setup, owner):
    event, first, _second = setup
    first.user_id, first.anonymised = None, True
    db.session.commit()
    db.session.expire_all()
    _header, rows = exports.participant_table(event, owner)
    assert rows[1][1:4] == ["(deleted account)", "", ""]
    assert len(rows) == 2


def test_export_follows_the_list_filters(setup, owner):
    event, first, _second = setup
    _header, rows = exports.participant_table(event, owner, ParticipantFilters(mode="in_person"))
    assert [row[0] for row in rows] == [first.id]
