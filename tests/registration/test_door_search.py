"""Check-in staff see names found by a search, never the whole list: a name search of at
least two letters, at most 20 results, e-mails masked. Owners and organisers keep the
whole online list, e-mail search and full addresses."""
from __future__ import annotations

import pytest

from eventsys.auth.models import User
from eventsys.errors import PermissionDenied
from eventsys.extensions import db
from eventsys.registration import door_search
from eventsys.registration.models import CONFIRMED, Registration
from tests.registration.helpers import make_open_event
from tests.registration.organiser_helpers import add_role


@pytest.fixture
def world(app, make_user):
    owner = make_user(email="owner@example.org")
    event = make_open_event(owner, in_person=None, online=None)
    staff, organiser, rapporteur = make_user(), make_user(), make_user()
    add_role(event, staff, "checkin")
    add_role(event, organiser, "organiser")
    add_role(event, rapporteur, "rapporteur")
    people = [User(email=f"{mode[:2]}{i:02d}@mail.example.org", name=f"Crowd {mode} {i:02d}", password_hash="!")
              for mode in ("in_person", "online") for i in range(25)]
    people.append(User(email="maria@example.org", name="María Online", password_hash="!"))
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(Registration(event_id=event.id, user_id=u.id, status=CONFIRMED,
                                    mode="in_person" if "in_person" in u.name else "online") for u in people)
    db.session.commit()
    return {"event": event, "staff": staff, "organiser": organiser, "owner": owner, "rapporteur": rapporteur}


def url(world, path: str) -> str:
    return f"/events/{world['event'].slug}/manage/registration/{path}"


@pytest.mark.parametrize("email, masked", [
    ("maria@example.org", "m•••@e•••.org"), ("a@b.co.uk", "a•••@b•••.uk"),
    ("x@localhost", "x•••@l•••")])
def test_mask_email(email, masked):
    assert door_search.mask_email(email) == masked


@pytest.mark.parametrize("q", ["", "  ", "@", ".", "a", "a.", "@e", "01", "mail.example"])
def test_staff_search_without_two_letters_of_a_name_finds_nobody(world, q):
    for find in (door_search.find_at_door, door_search.find_online):
        found = find(world["event"], q, world["staff"])
        assert (found.people, found.full_view, found.more) == ([], False, False)
        assert found.too_short is (q.strip() not in ("", "mail.example"))


def test_staff_search_looks_at_names_only_and_is_capped(world):
    found = door_search.find_at_door(world["event"], "crowd", world["staff"])
    assert [r.user.name for r in found.people] == [f"Crowd in_person {i:02d}" for i in range(20)]
    assert (found.more, found.too_short, found.full_view) == (True, False, False)
    found = door_search.find_online(world["event"], "ía on", world["staff"])
    assert [r.user.name for r in found.people] == ["María Online"] and found.more is False
    assert found.email(found.people[0].user) == "m•••@e•••.org"


@pytest.mark.parametrize("who", ["organiser", "owner"])
def test_organisers_see_the_whole_online_list_with_full_addresses(world, who):
    found = door_search.find_online(world["event"], "", world[who])
    assert len(found.people) == 26 and (found.full_view, found.more) == (True, False)
    assert found.email(found.people[0].user) == "on00@mail.example.org"
    found = door_search.find_online(world["event"], "@", world[who])
    assert len(found.people) == 26
    assert [r.user.name for r in door_search.find_at_door(world["event"], "in05@", world[who]).people] == [
        "Crowd in_person 05"]


def test_organisers_door_search_is_capped_too(world):
    found = door_search.find_at_door(world["event"], "@", world["organiser"])
    assert len(found.people) == 20 and found.more is True


def test_search_without_the_check_in_right_is_refused(world):
    with pytest.raises(PermissionDenied):
        door_search.find_online(world["event"], "maría", world["rapporteur"])


def test_staff_attendance_page_lists_nobody_without_a_search(world, client, login):
    login(client, world["staff"])
    page = client.get(url(world, "attendance")).get_data(as_text=True)
    assert "Search for a participant by name to mark their attendance." in page
    assert "Crowd" not in page and "@mail.example.org" not in page and "•••" not in page


@pytest.mark.parametrize("path", ["attendance?q=%40", "checkin?q=%40", "attendance?q=a", "checkin?q=."])
def test_staff_pages_refuse_a_search_without_two_letters(world, client, login, path):
    login(client, world["staff"])
    page = client.get(url(world, path)).get_data(as_text=True)
    assert "Type at least 2 letters of the person’s name." in page
    assert "Crowd" not in page and "María" not in page


def test_staff_attendance_search_shows_masked_addresses_and_asks_to_refine(world, client, login):
    login(client, world["staff"])
    page = client.get(url(world, "attendance?q=crowd")).get_data(as_text=True)
    assert "More than 20 people match: refine your search." in page
    assert page.count("o•••@m•••.org") == 20 and "@mail.example.org" not in page
    page = client.get(url(world, "attendance?q=maria")).get_data(as_text=True)
    assert "María Online" not in page  # "maria" is not in "maría": names are matched as written
    page = client.get(url(world, "attendance?q=mar%C3%ADa")).get_data(as_text=True)
    assert "María Online" in page and "m•••@e•••.org" in page and "maria@example.org" not in page


def test_organiser_attendance_page_shows_everyone_with_full_addresses(world, client, login):
    login(client, world["organiser"])
    page = client.get(url(world, "attendance")).get_data(as_text=True)
    assert page.count("@mail.example.org") == 25 and "maria@example.org" in page
    assert "•••" not in page and "refine your search" not in page
