"""At the door (search, check in once, undo, QR scan) and online attendance (by hand, or
imported from Zoom/Teams-like CSV reports matched by email)."""
from __future__ import annotations

import base64
from datetime import datetime
from urllib.parse import unquote

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.registration import checkin, door_search, services
from eventsys.registration import views as registration_views
from eventsys.registration.attendance_report import (AttendanceReportError, parse_attendance_report,
                                                     parse_minutes)
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, register

ZOOM = (b"Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
        b"812 3456,Workshop,05/06/2031 09:00,05/06/2031 12:00,host@video.example,180,4\n"
        b"\n"
        b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        b"Eva,EVA@example.org,09:00,10:00,60,No\n"
        b"Eva,eva@example.org,10:30,11:00,30,No\n"
        b"Fred,fred@example.org,09:05,11:00,115,No\n"
        b"Stranger,stranger@example.org,09:00,09:10,10,Yes\n"
        b"No mail,,09:00,09:10,10,Yes\n")
TEAMS = ("1. Summary\nMeeting title\tWorkshop\nAttended participants\t2\n\n2. Participants\n"
         "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
         "Eva\t6/5/31, 9:00:00 AM\t6/5/31, 11:00:00 AM\t1h 30m 30s\teva@example.org\teva@example.org\tAttendee\n"
         "\n3. In-Meeting Activities\nName\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
         "Eva\t9:00\t10:00\t1h\teva@example.org\tAttendee\n"
         "Eva\t10:30\t11:00\t30m 30s\teva@example.org\tAttendee\n").encode("utf-16")


@pytest.fixture
def owner(make_user):
    return make_user()


@pytest.fixture
def door(app, owner, make_user):
    event = make_open_event(owner, in_person=2, online=None)
    people = {name: make_user(name=name, email=f"{name.split()[0].lower()}@example.org") for name in
              ("Ana Díaz", "Anabel Ruiz", "Carl Wait", "Eva Online", "Fred Online", "Gil Gone")}
    regs = {name.split()[0].lower(): register(event, user, "online" if "Online" in name else "in_person")
            for name, user in people.items() if name != "Gil Gone"}
    regs["gil"] = register(event, people["Gil Gone"], "online")
    services.cancel_registration(regs["gil"], people["Gil Gone"])
    staff = make_user()
    add_role(event, staff, "checkin")
    return event, regs, staff


# --- the door -----------------------------------------------------------------------------

def test_search_finds_confirmed_in_person_registrations_by_name(door):
    event, regs, staff = door
    def ids(q):
        return [r.id for r in door_search.find_at_door(event, q, staff).people]
    assert ids("ana") == [regs["ana"].id, regs["anabel"].id]
    assert ids("RUIZ") == [regs["anabel"].id]
    assert ids("carl") == []  # waitlisted
    assert ids("eva") == []   # online
    assert ids("  ") == []


def test_check_in_is_idempotent_and_keeps_the_first_time(door):
    event, regs, staff = door
    ana = regs["ana"]
    assert checkin.check_in(ana, staff, now=datetime(2031, 3, 3, 8, 0)) is True
    assert checkin.check_in(ana, staff, now=datetime(2031, 3, 3, 9, 0)) is False
    assert ana.checked_in_at == datetime(2031, 3, 3, 8, 0)
    assert checkin.door_counts(event, now=datetime(2031, 3, 3, 12, 0)) == (1, 2)


def test_undo_check_in(door):
    event, regs, staff = door
    checkin.check_in(regs["ana"], staff)
    checkin.undo_check_in(regs["ana"], staff)
    assert (regs["ana"].checked_in_at, checkin.door_counts(event)) == (None, (0, 2))


@pytest.mark.parametrize("who, message", [
    ("carl", "This person is on the waiting list, not registered."),
    ("eva", "This person registered to attend online, not in person."),
    ("gil", "This registration was cancelled.")])
def test_check_in_of_someone_not_confirmed_in_person_is_refused(door, who, message):
    _event, regs, staff = door
    with pytest.raises(Conflict) as error:
        checkin.check_in(regs[who], staff)
    assert str(error.value.message) == message
    assert regs[who].checked_in_at is None


def test_check_in_by_a_rapporteur_is_refused(door, make_user):
    event, regs, _staff = door
    rapporteur = make_user()
    add_role(event, rapporteur, "rapporteur")
    with pytest.raises(PermissionDenied):
        checkin.check_in(regs["ana"], rapporteur)
    with pytest.raises(PermissionDenied):
        checkin.scan(event, regs["ana"].qr_token, rapporteur)


def test_scan_checks_in_once(door):
    event, regs, staff = door
    first = checkin.scan(event, regs["ana"].qr_token, staff, now=datetime(2031, 3, 3, 8, 0))
    again = checkin.scan(event, regs["ana"].qr_token, staff, now=datetime(2031, 3, 3, 8, 5))
    assert (first.outcome, first.ok, again.outcome, again.ok) == ("checked_in", True, "already", True)
    assert first.registration.id == regs["ana"].id
    assert regs["ana"].checked_in_at == datetime(2031, 3, 3, 8, 0)


@pytest.mark.parametrize("who, outcome", [("carl", "waitlisted"), ("eva", "online"), ("gil", "cancelled"),
                                          (None, "unknown")])
def test_scan_refuses_with_the_reason(door, who, outcome):
    event, regs, staff = door
    result = checkin.scan(event, regs[who].qr_token if who else "no-such-token", staff)
    assert (result.outcome, result.ok) == (outcome, False)
    assert str(result.message) == str(checkin.REFUSALS[outcome])


def test_scan_of_a_code_for_another_event_is_unknown(door, owner, make_user):
    event, _regs, staff = door
    elsewhere = register(make_open_event(owner), make_user())
    assert checkin.scan(event, elsewhere.qr_token, staff).outcome == "unknown"
    assert elsewhere.checked_in_at is None


def test_qr_code_is_an_svg_data_uri_of_the_absolute_scan_address(door, app):
    event, regs, _staff = door
    url = registration_views.scan_url(regs["ana"])
    assert url == f"http://localhost/events/{event.slug}/manage/registration/checkin/scan/{regs['ana'].qr_token}"
    uri = checkin.qr_svg(url)
    assert uri.startswith("data:image/svg+xml")
    svg = unquote(uri.split(",", 1)[1]) if ";base64" not in uri else base64.b64decode(uri.split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and "style=" not in svg and "<path" in svg



def test_scan_url_comes_from_base_url_with_its_path_not_the_request_host(door, app):
    event, regs, _staff = door
    app.config["BASE_URL"] = "https://events.example.org/site/"
    with app.test_request_context(base_url="http://attacker.example/"):
        url = registration_views.scan_url(regs["ana"])
    assert url == ("https://events.example.org/site/events/"
                   f"{event.slug}/manage/registration/checkin/scan/{regs['ana'].qr_token}")

# --- online attendance ------------------------------------------------------------------

def test_mark_online_attendance_by_hand(door):
    _event, regs, staff = door
    checkin.set_online_attendance(regs["eva"], True, staff)
    assert regs["eva"].attended_online is True
    regs["eva"].online_minutes = 30
    checkin.set_online_attendance(regs["eva"], False, staff)
    assert (regs["eva"].attended_online, regs["eva"].online_minutes) == (False, None)


def test_mark_online_attendance_of_an_in_person_registration_is_refused(door):
    _event, regs, staff = door
    with pytest.raises(Conflict):
        checkin.set_online_attendance(regs["ana"], True, staff)


def test_import_zoom_report_matches_by_email_and_reports_the_rest(door):
    event, regs, staff = door
    report = checkin.import_attendance(event, ZOOM, staff)
    assert (report.matched, report.unmatched) == (2, ["host@video.example", "stranger@example.org"])
    db.session.expire_all()
    assert (regs["eva"].attended_online, regs["eva"].online_minutes) == (True, 90)
    assert (regs["fred"].attended_online, regs["fred"].online_minutes) == (True, 115)


def test_reimporting_the_same_report_changes_nothing(door):
    event, regs, staff = door
    checkin.import_attendance(event, ZOOM, staff)
    report = checkin.import_attendance(event, ZOOM, staff)
    assert report.matched == 2
    db.session.expire_all()
    assert (regs["eva"].online_minutes, regs["fred"].online_minutes) == (90, 115)


def test_import_teams_report_in_utf16_counts_each_person_once(door):
    event, regs, staff = door
    report = checkin.import_attendance(event, TEAMS, staff)
    assert (report.matched, report.unmatched) == (1, [])
    db.session.expire_all()
    assert (regs["eva"].attended_online, regs["eva"].online_minutes) == (True, 90)


@pytest.mark.parametrize("header", ["Email", "User Email", "Attendee Email", "E-mail", "EMAIL ADDRESS"])
def test_import_detects_the_email_column(door, header):
    event, regs, staff = door
    data = f"Name;{header};Time in Session (minutes)\nFred;Fred@Example.org;12\n".encode()
    assert checkin.import_attendance(event, data, staff).matched == 1
    db.session.expire_all()
    assert regs["fred"].online_minutes == 12


def test_import_without_duration_marks_attendance_only(door):
    event, regs, staff = door
    regs["fred"].online_minutes = 7
    db.session.commit()
    checkin.import_attendance(event, b"\xef\xbb\xbfEmail\nfred@example.org\ngil@example.org\nana@example.org\n", staff)
    db.session.expire_all()
    assert (regs["fred"].attended_online, regs["fred"].online_minutes) == (True, 7)
    assert regs["gil"].attended_online is False  # cancelled: not matched
    assert regs["ana"].attended_online is False  # in person: not matched


@pytest.mark.parametrize("data, message", [
    (b"Name,Duration\nEva,30\n", "No email column found"),
    ("Email\neva@example.org\n".encode("latin-1") + b"\xe9\xff", "not a UTF-8 text file"),
    (b"PK\x03\x04\x00\x00binary", "This is not a CSV file"),
    (b"", "No email column found"),
    (b"Email\n" + b"x" * (5 * 1024 * 1024), "too large")])
def test_bad_report_is_refused_at_the_field_and_changes_nothing(door, data, message):
    event, regs, staff = door
    with pytest.raises(ValidationError) as error:
        checkin.import_attendance(event, data, staff)
    assert error.value.field == "file"
    assert message in str(error.value.message)
    db.session.expire_all()
    assert regs["eva"].attended_online is False


def test_import_by_a_rapporteur_is_refused(door, make_user):
    event, _regs, _staff = door
    rapporteur = make_user()
    add_role(event, rapporteur, "rapporteur")
    with pytest.raises(PermissionDenied):
        checkin.import_attendance(event, ZOOM, rapporteur)


# --- the report parser (pure) -----------------------------------------------------------

@pytest.mark.parametrize("raw, minutes", [("42", 42.0), ("42,5", 42.5), ("1:05:30", 65.5), ("1:05", 65.0),
                                          ("1h 5m 30s", 65.5), ("45 min", 45.0), ("30s", 0.5), ("", None),
                                          ("soon", None), ("5 parsecs", None)])
def test_parse_minutes(raw, minutes):
    assert parse_minutes(raw) == minutes


def test_zoom_webinar_no_shows_are_left_out():
    data = (b"Attendee Details\nAttended,User Name (Original Name),Email,Time in Session (minutes)\n"
            b"Yes,Ana,ana@example.org,50\nNo,Bo,bo@example.org,\n")
    assert parse_attendance_report(data) == {"ana@example.org": 50.0}


@hsettings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_parser_never_crashes_on_any_bytes(data):
    try:
        result = parse_attendance_report(data)
    except AttendanceReportError as error:
        assert error.code in {"encoding", "not_csv", "no_email_column"}
    else:
        assert all("@" in email and email == email.lower() for email in result)
