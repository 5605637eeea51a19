"""Organiser pages over HTTP: happy paths, refusals (403 for roles without the right,
404 for another event's registration), and bad input re-rendered at the field (400)
with nothing saved."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import RegistrationMessage
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, fresh_settings, outbox, register, statuses

ZOOM = b"Name (Original Name),User Email,Duration (Minutes)\nEva,EVA@example.org,61\nX,x@elsewhere.org,3\n"


@pytest.fixture
def world(app, make_user):
    owner = make_user(email="owner@example.org", name="Olga Owner")
    event = make_open_event(owner, in_person=2, online=None)
    people = {n: make_user(email=f"{n}@example.org", name=n.title()) for n in ("ana", "ben", "cy", "eva")}
    regs = {n: register(event, people[n], "online" if n == "eva" else "in_person") for n in people}
    staff = {role: make_user(email=f"{role}@example.org") for role in ("checkin", "rapporteur")}
    for role, user in staff.items():
        add_role(event, user, role)
    return {"owner": owner, "event": event, "people": people, "regs": regs, **staff}


def url(event, path: str) -> str:
    return f"/events/{event.slug}/manage/registration/{path}"


def as_user(client, login, user):
    login(client, user)
    return client


# --- who gets in --------------------------------------------------------------------------

ORGANISER_ONLY = ["settings", "questions", "participants", "participants/add", "message", "export.csv",
                  "export.xlsx"]


@pytest.mark.parametrize("path", ORGANISER_ONLY)
@pytest.mark.parametrize("who", ["checkin", "rapporteur", "participant"])
def test_organiser_pages_refuse_other_roles(world, client, login, path, who):
    user = world["people"]["ana"] if who == "participant" else world[who]
    assert as_user(client, login, user).get(url(world["event"], path)).status_code == 403


@pytest.mark.parametrize("path", ["checkin", "attendance"])
def test_door_pages_are_for_check_in_staff_but_not_rapporteurs(world, client, other_client, login, path):
    assert as_user(client, login, world["checkin"]).get(url(world["event"], path)).status_code == 200
    assert as_user(other_client, login, world["rapporteur"]).get(url(world["event"], path)).status_code == 403


@pytest.mark.parametrize("path", ["approve", "reject", "cancel", "move"])
def test_participant_actions_on_another_events_registration_are_404(world, client, login, make_user, path):
    elsewhere = register(make_open_event(world["owner"]), make_user())
    response = as_user(client, login, world["owner"]).post(url(world["event"], f"participants/{elsewhere.id}/{path}"),
                                                            data={"mode": "online"})
    assert response.status_code == 404
    assert statuses(elsewhere.event)[elsewhere.id] == ("confirmed", "in_person")


@pytest.mark.parametrize("path", ["checkin/{id}", "checkin/{id}/undo", "attendance/{id}"])
def test_door_actions_on_another_events_registration_are_404(world, client, login, make_user, path):
    elsewhere = register(make_open_event(world["owner"]), make_user())
    response = as_user(client, login, world["checkin"]).post(url(world["event"], path.format(id=elsewhere.id)),
                                                              data={"attended": "1"})
    assert response.status_code == 404
    assert elsewhere.checked_in_at is None


# --- settings and questions ---------------------------------------------------------------

def test_settings_page_saves_and_converts_times(world, client, login):
    event = world["event"]
    client = as_user(client, login, world["owner"])
    page = client.get(url(event, "settings")).get_data(as_text=True)
    assert 'name="in_person_capacity"' in page and "Europe/Madrid" in page
    response = client.post(url(event, "settings"), data={
        "is_open": "y", "opens_at": "2031-01-10T09:00", "closes_at": "", "in_person_capacity": "3",
        "online_capacity": "", "confirmation_message": "Welcome", "privacy_notice": ""})
    assert response.status_code == 302
    settings = fresh_settings(event)
    assert (settings.in_person_capacity, settings.opens_at.hour, settings.confirmation_message) == (3, 8, "Welcome")
    assert statuses(event)[world["regs"]["cy"].id] == ("confirmed", "in_person")  # promoted into the new seat


def test_settings_lowering_capacity_below_taken_is_shown_at_the_field(world, client, login):
    event = world["event"]
    response = as_user(client, login, world["owner"]).post(url(event, "settings"), data={
        "is_open": "", "in_person_capacity": "1", "online_capacity": "", "confirmation_message": "Changed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="in_person_capacity-error"[^>]*>2 in-person seats are taken, so the capacity cannot be '
                     r'lower than 2\.', page)
    settings = fresh_settings(event)
    assert (settings.in_person_capacity, settings.is_open, settings.confirmation_message) == (2, True, "")


def test_questions_page_adds_validates_and_uses_the_template(world, client, login):
    event = world["event"]
    client = as_user(client, login, world["owner"])
    bad = client.post(url(event, "questions"), data={"label": "Diet", "kind": "single_choice", "options": "Vegan",
                                                     "applies_to": "in_person"})
    assert bad.status_code == 400
    assert "Give at least two different options, one per line." in bad.get_data(as_text=True)
    assert services.questions_for(event) == []
    good = client.post(url(event, "questions"), data={"label": "Diet", "kind": "single_choice",
                                                      "options": "Vegan\nHalal", "applies_to": "in_person",
                                                      "sensitive": "y"})
    assert good.status_code == 302
    assert client.post(url(event, "questions/template")).status_code == 302
    questions = services.questions_for(event)
    assert [(q.label, q.sensitive) for q in questions] == [("Diet", True), ("Organisation", False),
                                                           ("Country", False), ("Stakeholder group", False)]
    edit = client.post(url(event, f"questions/{questions[0].id}/edit"), data={
        "label": "Diet needs", "kind": "single_choice", "options": "Vegan\nHalal\nNone", "applies_to": "all"})
    assert edit.status_code == 302
    assert client.post(url(event, f"questions/{questions[1].id}/delete")).status_code == 302
    db.session.expire_all()
    assert [q.label for q in services.questions_for(event)] == ["Diet needs", "Country", "Stakeholder group"]
    page = client.get(url(event, "questions")).get_data(as_text=True)
    assert "Diet needs" in page and "Vegan · Halal · None" in page


def test_question_of_another_event_is_404(world, client, login):
    other = make_open_event(world["owner"])
    from eventsys.registration import organiser
    q = organiser.create_question(other, {"kind": "yes_no", "label": "Q"}, world["owner"])
    client = as_user(client, login, world["owner"])
    assert client.get(url(world["event"], f"questions/{q.id}/edit")).status_code == 404
    assert client.post(url(world["event"], f"questions/{q.id}/delete")).status_code == 404


# --- participants ---------------------------------------------------------------------------

def test_participants_page_lists_counts_and_filters(world, client, login):
    event = world["event"]
    client = as_user(client, login, world["owner"])
    page = client.get(url(event, "participants")).get_data(as_text=True)
    assert all(name in page for name in ("Ana", "Ben", "Cy", "Eva"))
    assert "4 registrations match." in page
    filtered = client.get(url(event, "participants?status=waitlisted")).get_data(as_text=True)
    assert "1 registration matches." in filtered and "cy@example.org" in filtered and "ana@example.org" not in filtered
    searched = client.get(url(event, "participants?q=EVA")).get_data(as_text=True)
    assert "eva@example.org" in searched and "ben@example.org" not in searched


def test_cancel_and_move_through_the_page(world, client, login):
    event, regs = world["event"], world["regs"]
    client = as_user(client, login, world["owner"])
    assert client.post(url(event, f"participants/{regs['ana'].id}/cancel")).status_code == 302
    moved = client.post(url(event, f"participants/{regs['ben'].id}/move"), data={"mode": "online"},
                        follow_redirects=True)
    assert "The way of attending is changed" in moved.get_data(as_text=True)
    assert statuses(event) == {regs["ana"].id: ("cancelled", "in_person"), regs["ben"].id: ("confirmed", "online"),
                               regs["cy"].id: ("confirmed", "in_person"), regs["eva"].id: ("confirmed", "online")}


def test_approve_and_reject_through_the_page(app, client, login, make_user):
    owner = make_user()
    event = make_open_event(owner, in_person=3, approval=True)
    first, second = register(event, make_user()), register(event, make_user())
    client = as_user(client, login, owner)
    back = f"/events/{event.slug}/manage/registration/participants?status=pending"
    response = client.post(url(event, f"participants/{first.id}/approve"), data={"next_url": back})
    assert (response.status_code, response.headers["Location"]) == (302, back)
    evil = client.post(url(event, f"participants/{second.id}/reject"), data={"next_url": "//evil.example/x"})
    assert evil.headers["Location"] == f"/events/{event.slug}/manage/registration/participants"
    assert statuses(event) == {first.id: ("confirmed", "in_person"), second.id: ("rejected", "in_person")}
    again = client.post(url(event, f"participants/{second.id}/approve"), follow_redirects=True)
    assert "Only registrations awaiting approval can be approved." in again.get_data(as_text=True)


def test_add_participant_page(world, client, login):
    event = world["event"]
    client = as_user(client, login, world["owner"])
    bad = client.post(url(event, "participants/add"), data={"email": "new@example.org", "mode": "in_person"})
    assert bad.status_code == 400
    assert "Enter the person&#39;s name: they will get an invitation to confirm their place." in bad.get_data(
        as_text=True)
    good = client.post(url(event, "participants/add"), data={"email": "new@example.org", "name": "Nia New",
                                                            "mode": "in_person"}, follow_redirects=True)
    assert ("All seats are taken: an invitation to a place on the waiting list was sent to new@example.org."
            in good.get_data(as_text=True))
    dup = client.post(url(event, "participants/add"), data={"email": "ana@example.org", "mode": "in_person"})
    assert dup.status_code == 400 and "ana@example.org is already registered" in dup.get_data(as_text=True)


def test_exports_download(world, client, login):
    event = world["event"]
    client = as_user(client, login, world["owner"])
    response = client.get(url(event, "export.csv?mode=online"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-participants.csv"'
    assert response.mimetype == "text/csv"
    lines = response.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "eva@example.org" in lines[1]
    xlsx = client.get(url(event, "export.xlsx"))
    assert xlsx.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-participants.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.data)).active.max_row == 5


# --- messages ---------------------------------------------------------------------------

def test_message_preview_then_send_once(world, client, login):
    event = world["event"]
    client = as_user(client, login, world["owner"])
    page = client.get(url(event, "message")).get_data(as_text=True)
    batch = re.search(r'name="batch_id" type="hidden" value="([^"]+)"', page)[1]
    form = {"batch_id": batch, "status": "confirmed", "mode": "in_person", "subject": "Lunch", "body": "At 13:00"}
    preview = client.post(url(event, "message"), data={**form, "preview": "y"})
    assert preview.status_code == 200 and "This message will go to 2 people." in preview.get_data(as_text=True)
    before = len(outbox())
    assert client.post(url(event, "message"), data={**form, "send": "y"}).status_code == 302
    again = client.post(url(event, "message"), data={**form, "send": "y"}, follow_redirects=True)
    assert "This message was already sent to 2 people." in again.get_data(as_text=True)
    assert len(outbox()) == before + 2
    assert db.session.scalar(select(db.func.count()).select_from(RegistrationMessage)) == 1


def test_message_without_a_body_is_refused(world, client, login):
    response = as_user(client, login, world["owner"]).post(url(world["event"], "message"), data={
        "batch_id": "x" * 20, "status": "active", "subject": "Hi", "body": "", "send": "y"})
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(RegistrationMessage)) == 0


# --- the door ---------------------------------------------------------------------------

def test_door_search_check_in_and_undo(world, client, login):
    event, ana = world["event"], world["regs"]["ana"]
    client = as_user(client, login, world["checkin"])
    page = client.get(url(event, "checkin?q=an")).get_data(as_text=True)
    assert "Ana" in page and "0 of 2 checked in" in page
    response = client.post(url(event, f"checkin/{ana.id}"), data={"q": "an"})
    assert response.headers["Location"] == f"/events/{event.slug}/manage/registration/checkin?q=an"
    page = client.get(url(event, "checkin?q=an")).get_data(as_text=True)
    assert "1 of 2 checked in" in page and "Ana is checked in." in page
    client.post(url(event, f"checkin/{ana.id}/undo"))
    db.session.expire_all()
    assert ana.checked_in_at is None


def test_scanning_a_code_shows_green_with_the_name(world, client, login):
    event, ana = world["event"], world["regs"]["ana"]
    client = as_user(client, login, world["checkin"])
    response = client.get(url(event, f"checkin/scan/{ana.qr_token}"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "bg-success" in page and "Ana" in page and "Checked in" in page
    assert "Already checked in" in client.get(url(event, f"checkin/scan/{ana.qr_token}")).get_data(as_text=True)


@pytest.mark.parametrize("who, status, text", [
    ("cy", 409, "This person is on the waiting list, not registered."),
    ("eva", 409, "This person registered to attend online, not in person."),
    (None, 404, "This code does not belong to a registration for this event.")])
def test_scanning_a_code_that_cannot_check_in_shows_red(world, client, login, who, status, text):
    token = world["regs"][who].qr_token if who else "made-up"
    response = as_user(client, login, world["checkin"]).get(url(world["event"], f"checkin/scan/{token}"))
    page = response.get_data(as_text=True)
    assert response.status_code == status and "bg-danger" in page and text in page


def test_scan_needs_a_login_and_the_right(world, client, login):
    token = world["regs"]["ana"].qr_token
    assert client.get(url(world["event"], f"checkin/scan/{token}")).status_code == 302
    participant = as_user(client, login, world["people"]["ben"])
    assert participant.get(url(world["event"], f"checkin/scan/{token}")).status_code == 403
    db.session.expire_all()
    assert world["regs"]["ana"].checked_in_at is None


def test_participant_page_shows_the_qr_code(world, client, login):
    page = as_user(client, login, world["people"]["ana"]).get(f"/events/{world['event'].slug}/registration")
    assert 'src="data:image/svg+xml' in page.get_data(as_text=True)


# --- online attendance -------------------------------------------------------------------

def test_attendance_import_reports_matched_and_unmatched(world, client, login):
    event, eva = world["event"], world["regs"]["eva"]
    client = as_user(client, login, world["checkin"])
    response = client.post(url(event, "attendance"), data={"file": (io.BytesIO(ZOOM), "zoom.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 online participant marked as attended." in page and "x@elsewhere.org" in page
    db.session.expire_all()
    assert (eva.attended_online, eva.online_minutes) == (True, 61)


def test_attendance_import_of_a_bad_file_is_shown_at_the_field(world, client, login):
    response = as_user(client, login, world["checkin"]).post(
        url(world["event"], "attendance"), data={"file": (io.BytesIO(b"Name\nEva\n"), "x.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert re.search(r'id="file-error"[^>]*>No email column found', response.get_data(as_text=True))


def test_attendance_by_hand(world, client, login):
    event, eva = world["event"], world["regs"]["eva"]
    client = as_user(client, login, world["checkin"])
    assert client.post(url(event, f"attendance/{eva.id}"), data={"attended": "1"}).status_code == 302
    db.session.expire_all()
    assert eva.attended_online is True
    client.post(url(event, f"attendance/{eva.id}"), data={"attended": "0"})
    db.session.expire_all()
    assert eva.attended_online is False
