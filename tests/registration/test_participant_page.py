"""The organisers' page of one participant: facts, answers (sensitive ones only for
those who may see them), working-group places (filled in by groups), check-ins, the
actions, and who may open it."""
from __future__ import annotations

import html as html_lib
import re
from datetime import date, datetime

import pytest

from eventsys import permissions
from eventsys.extensions import db
from eventsys.groups import services as group_services
from eventsys.groups.models import GroupMembership
from eventsys.registration import organiser
from eventsys.registration.models import Checkin
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role, register


def page_text(response) -> str:
    body = response.get_data(as_text=True).split("<main", 1)[-1]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def world(app, make_user):
    owner = make_user(email="owner@example.org", name="Olga Owner")
    event = make_open_event(owner, in_person=1, online=None)
    job = organiser.create_question(event, {"kind": "short_text", "applies_to": "all", "label": "Job title"}, owner)
    access = organiser.create_question(event, {"kind": "long_text", "applies_to": "all",
                                               "label": "Accessibility needs", "sensitive": True}, owner)
    ana = make_user(email="ana@example.org", name="Ana Díaz", organisation="Clinic")
    ben = make_user(email="ben@example.org", name="Ben Berg")
    first = register(event, ana, answers={job.id: "Nurse", access.id: "Wheelchair"})
    first.created_at = first.confirmed_at = datetime(2031, 1, 10, 8, 30)  # 09:30 in Madrid
    first.checked_in_at = datetime(2031, 3, 3, 7, 55)
    db.session.add_all([Checkin(registration_id=first.id, day=date(2031, 3, 3), at=datetime(2031, 3, 3, 7, 55)),
                        Checkin(registration_id=first.id, day=date(2031, 3, 4), at=datetime(2031, 3, 4, 8, 5))])
    second = register(event, ben)  # the one seat is taken: waiting list
    db.session.commit()
    round_ = group_services.create_round(event, {"title": "Day 1 afternoon", "join_mode": "direct", "min_ranks": 2,
                                                 "opens_at": None, "deadline": None, "balance_share": None}, owner)
    group = group_services.create_group(round_, {"title": "Digital health", "format": "in_person",
                                                 "in_person_seats": 5, "online_seats": 0}, owner)
    db.session.add(GroupMembership(round_id=round_.id, group_id=group.id, registration_id=first.id))
    db.session.commit()
    return {"owner": owner, "event": event, "first": first, "second": second}


def url(event, registration) -> str:
    return f"/events/{event.slug}/manage/registration/participants/{registration.id}"


def test_participant_page_for_the_owner_shows_everything(world, client, login):
    login(client, world["owner"])
    response = client.get(url(world["event"], world["first"]))
    assert response.status_code == 200
    text = page_text(response)
    for expected in ("Ana Díaz", "ana@example.org", "Clinic", "Confirmed", "In person", "Job title", "Nurse",
                     "Accessibility needs", "Wheelchair", "Day 1 afternoon: Digital health"):
        assert expected in text
    html = response.get_data(as_text=True)
    assert f"/participants/{world['first'].id}/cancel" in html
    checkins = re.search(r'<ul class="list-unstyled mb-0" id="participant-checkins">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>([^<]+)</li>", checkins) == ["3/3/31, 8:55\u202fAM", "3/4/31, 9:05\u202fAM"]  # Madrid


def test_participant_page_shows_the_waiting_list_position(world, client, login):
    login(client, world["owner"])
    text = page_text(client.get(url(world["event"], world["second"])))
    assert "Waiting list position 1 in line" in text
    assert "No place in a working group." in text
    assert "Not checked in yet." in text


def test_participant_page_hides_sensitive_answers_without_the_right(world, client, login, make_user, monkeypatch):
    viewer = make_user()
    add_role(world["event"], viewer, "rapporteur")
    monkeypatch.setitem(permissions.RIGHTS, "rapporteur", {"dashboard", "report", "participants"})
    login(client, viewer)
    response = client.get(url(world["event"], world["first"]))
    assert response.status_code == 200
    text = page_text(response)
    assert "Nurse" in text
    assert "Wheelchair" not in text and "Accessibility needs" not in text
    assert f"/participants/{world['first'].id}/cancel" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["checkin", "rapporteur"])
def test_participant_page_refuses_staff_without_the_participants_right(world, client, login, make_user, role):
    staff = make_user()
    add_role(world["event"], staff, role)
    login(client, staff)
    assert client.get(url(world["event"], world["first"])).status_code == 403


def test_participant_page_of_another_events_registration_is_404(world, client, login, make_user):
    elsewhere = register(make_open_event(world["owner"]), make_user())
    login(client, world["owner"])
    assert client.get(url(world["event"], elsewhere)).status_code == 404


def test_participant_list_links_each_row_to_its_page(world, client, login):
    login(client, world["owner"])
    html = client.get(f"/events/{world['event'].slug}/manage/registration/participants").get_data(as_text=True)
    assert f'href="{url(world["event"], world["first"])}"' in html
    assert f'href="{url(world["event"], world["second"])}"' in html
