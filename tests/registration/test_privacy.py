"""A person's own data: the JSON export, and account deletion that anonymises (no trace
of the address anywhere in the database, counts unchanged)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import JSON, String, Text, select

from eventsys import mail
from eventsys.auth.models import User
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import Event, EventRole
from eventsys.extensions import db
from eventsys.account import services as privacy
from eventsys.registration import messaging, organiser, participants
from eventsys.registration.models import Registration, RegistrationAnswer
from eventsys.speakers.models import Speaker
from tests.builders import PASSWORD
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, register

EMAIL = "Zoe.Private@Example.org"


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org")


@pytest.fixture
def zoe_world(app, owner, make_user):
    """Zoe: registered (with every kind of answer) for two events, a speaker, co-organiser
    of one event, mentioned in another person's mail and in an organiser's message."""
    event = make_open_event(owner, in_person=5, online=None)
    other = make_open_event(owner, in_person=5, online=None)
    zoe = make_user(email=EMAIL.lower(), name="Zoe Private", organisation="Secret Lab", country="PT",
                    stakeholder_category="researcher", locale="en")
    def ask(**v):
        return organiser.create_question(event, {"applies_to": "all", **v}, owner)
    q = {"text": ask(kind="short_text", label="Job"), "long": ask(kind="long_text", label="Anything else"),
         "choice": ask(kind="single_choice", label="Group", options="A\nB"),
         "many": ask(kind="multiple_choice", label="Topics", options="X\nY"),
         "yes": ask(kind="yes_no", label="Vegetarian"), "country": ask(kind="country", label="Country"),
         "health": ask(kind="single_choice", label="Wheelchair", options="Yes please\nNo", sensitive=True)}
    answers = {q["text"].id: "Nurse at zoe.private@example.org", q["long"].id: "Call me", q["choice"].id: "A",
               q["many"].id: ["X", "Y"], q["yes"].id: "yes", q["country"].id: "PT", q["health"].id: "Yes please"}
    mine = register(event, zoe, answers=answers)
    second = register(other, zoe, "online")
    register(event, make_user())  # someone else, untouched
    add_role(other, zoe, "organiser")
    db.session.add(EventRole(event_id=event.id, user_id=None, email=EMAIL.upper(), role="rapporteur"))
    db.session.add(Speaker(event_id=event.id, name="Dr Zoe Private", email=EMAIL, user_id=zoe.id))
    event.contact_email = EMAIL.lower()
    mail.queue_mail("colleague@example.org", "About Zoe", "registration_message", user=owner, event=event,
                    registration=mine, body=f"Please write to {EMAIL}.")
    messaging.send_message(event, {"batch_id": "b" * 20, "subject": "Hi", "body": f"Ask {EMAIL.lower()}"}, owner)
    db.session.commit()
    return {"zoe": zoe, "event": event, "other": other, "mine": mine, "second": second, "questions": q}


def test_export_contains_the_profile_registrations_answers_roles_and_mail(zoe_world, app, client, login):
    zoe, event = zoe_world["zoe"], zoe_world["event"]
    data = privacy.export_personal_data(zoe, zoe, now=datetime(2031, 2, 3, 4, 5, 6))
    assert (data["format"], data["version"], data["exported_at"]) == ("eventsys-personal-data", 1,
                                                                      "2031-02-03T04:05:06Z")
    assert {k: data["profile"][k] for k in ("email", "name", "organisation", "country", "stakeholder_category",
                                            "is_admin")} == {
        "email": "zoe.private@example.org", "name": "Zoe Private", "organisation": "Secret Lab", "country": "PT",
        "stakeholder_category": "researcher", "is_admin": False}
    first = data["registrations"][0]
    assert first["event"] == {"slug": event.slug, "title": event.title, "start_date": "2031-03-03",
                              "end_date": "2031-03-04"}
    assert (first["mode"], first["status"], first["consent_privacy_version"]) == ("in_person", "confirmed", "1")
    assert first["answers"] == [
        {"question": "Job", "kind": "short_text", "sensitive": False, "value": "Nurse at zoe.private@example.org"},
        {"question": "Anything else", "kind": "long_text", "sensitive": False, "value": "Call me"},
        {"question": "Group", "kind": "single_choice", "sensitive": False, "value": "A"},
        {"question": "Topics", "kind": "multiple_choice", "sensitive": False, "value": ["X", "Y"]},
        {"question": "Vegetarian", "kind": "yes_no", "sensitive": False, "value": True},
        {"question": "Country", "kind": "country", "sensitive": False, "value": "PT"},
        {"question": "Wheelchair", "kind": "single_choice", "sensitive": True, "value": "Yes please"}]
    assert [r["mode"] for r in data["registrations"]] == ["in_person", "online"]
    assert [(r["event"]["slug"], r["role"]) for r in data["event_roles"]] == [(zoe_world["other"].slug, "organiser")]
    assert [(s["name"], s["email"]) for s in data["speaker_profiles"]] == [("Dr Zoe Private", EMAIL)]
    assert [m["subject"] for m in data["mail"]] == [f"You are registered: {event.title}",
                                                    f"You are registered: {zoe_world['other'].title}", "Hi"]
    json.dumps(data)  # plain JSON


def test_export_of_someone_else_is_refused(zoe_world, owner):
    with pytest.raises(PermissionDenied):
        privacy.export_personal_data(zoe_world["zoe"], owner)


def test_export_view_downloads_json(zoe_world, client, login):
    login(client, zoe_world["zoe"])
    response = client.get("/auth/export-data")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="eventsys-personal-data.json"'
    assert json.loads(response.data)["profile"]["name"] == "Zoe Private"


def _text_values_containing(needle: str) -> list[tuple[str, str]]:
    """Every (table, column) of every table whose text or JSON value contains ``needle``."""
    found = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for column, value in zip(columns, row):
                    if value is not None and needle.lower() in json.dumps(value, ensure_ascii=False).lower():
                        found.append((table.name, column.name))
    return found


def _counts(event) -> dict:
    return {k: v for k, v in participants.participant_counts(event).items() if v}


def test_delete_account_leaves_no_trace_of_the_address_anywhere(zoe_world):
    zoe = zoe_world["zoe"]
    assert len(_text_values_containing(EMAIL)) >= 6  # the scan does see the address before
    privacy.delete_account(zoe, PASSWORD, zoe)
    db.session.expire_all()
    assert _text_values_containing(EMAIL) == []
    assert _text_values_containing("Zoe Private") == [("speaker", "name")]  # the public programme keeps it
    assert _text_values_containing("Secret Lab") == []
    assert db.session.scalar(select(User).where(User.email == EMAIL.lower())) is None


def test_delete_account_keeps_counts_and_statistics(zoe_world):
    zoe, event, other = zoe_world["zoe"], zoe_world["event"], zoe_world["other"]
    mine = zoe_world["mine"]
    mine.checked_in_at = datetime(2031, 3, 3, 8)
    db.session.commit()
    before = (_counts(event), _counts(other))
    privacy.delete_account(zoe, PASSWORD, zoe)
    db.session.expire_all()
    assert (_counts(event), _counts(other)) == before
    row = db.session.get(Registration, mine.id)
    assert (row.user_id, row.anonymised, row.status, row.mode, row.stakeholder_category, row.country,
            row.checked_in_at) == (None, True, "confirmed", "in_person", "researcher", "PT", datetime(2031, 3, 3, 8))
    q = zoe_world["questions"]
    kept = {a.question_id: a.value for a in db.session.scalars(
        select(RegistrationAnswer).where(RegistrationAnswer.registration_id == mine.id))}
    assert kept == {q["choice"].id: "A", q["many"].id: ["X", "Y"], q["yes"].id: True, q["country"].id: "PT"}


def test_delete_account_clears_roles_speaker_links_and_mail(zoe_world):
    zoe, event = zoe_world["zoe"], zoe_world["event"]
    zoe_id = zoe.id
    privacy.delete_account(zoe, PASSWORD, zoe)
    db.session.expire_all()
    assert db.session.scalars(select(EventRole.email).where(EventRole.user_id == zoe_id)).all() == []
    assert [r.role for r in db.session.scalars(select(EventRole).where(EventRole.event_id == event.id))] == ["owner"]
    speaker = db.session.scalar(select(Speaker))
    assert (speaker.name, speaker.email, speaker.user_id) == ("Dr Zoe Private", "", None)
    assert db.session.get(Event, event.id).contact_email == ""
    to_colleague = db.session.scalar(select(mail.OutboxMessage).where(mail.OutboxMessage.subject == "About Zoe"))
    assert "Please write to (deleted)." in to_colleague.body_text
    assert db.session.scalar(select(mail.OutboxMessage).where(mail.OutboxMessage.to_addr == EMAIL.lower())) is None


def test_delete_account_with_a_wrong_password_is_refused(zoe_world):
    zoe = zoe_world["zoe"]
    with pytest.raises(ValidationError) as error:
        privacy.delete_account(zoe, "not my password", zoe)
    assert error.value.field == "password"
    assert db.session.get(User, zoe.id) is not None


def test_delete_account_of_the_last_owner_is_refused_naming_the_event(zoe_world, make_user):
    zoe = zoe_world["zoe"]
    mine = make_open_event(zoe)
    mine.title = "Zoe's own workshop"
    db.session.commit()
    with pytest.raises(Conflict) as error:
        privacy.delete_account(zoe, PASSWORD, zoe)
    assert str(error.value.message) == ("You are the only owner of “Zoe's own workshop”. Make someone else an "
                                        "owner (or delete the event) before deleting your account.")
    add_role(mine, make_user(), "owner")
    privacy.delete_account(zoe, PASSWORD, zoe)
    assert db.session.scalar(select(User).where(User.email == EMAIL.lower())) is None


def test_delete_someone_elses_account_is_refused(zoe_world, owner):
    with pytest.raises(PermissionDenied):
        privacy.delete_account(zoe_world["zoe"], PASSWORD, owner)


def test_delete_account_view_logs_out(zoe_world, client, login):
    login(client, zoe_world["zoe"])
    assert client.get("/auth/delete-account").status_code == 200
    response = client.post("/auth/delete-account", data={"password": "wrong"})
    assert response.status_code == 400
    assert "Your password is not correct." in response.get_data(as_text=True)
    response = client.post("/auth/delete-account", data={"password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert client.get("/auth/profile").status_code == 302  # logged out
    assert client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 400


def test_export_dates_are_iso(app):
    assert privacy._iso(date(2031, 1, 2)) == "2031-01-02"
