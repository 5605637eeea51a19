"""One management layout: every management page of an event shows the same menu (a nav
landmark "Event management") with its own section active, and each role sees only the
sections it may open."""
from __future__ import annotations

import html
import re

import pytest

from eventsys.access import ORGANISER
from tests.access_table import ROUTES
from tests.builders import PASSWORD
from tests.events.helpers import grant, make_event
from tests.world import build_access_world

SECTION_OF_PATH = [("/manage/mail", "Mail"), ("/manage/registration", "Registration"),
                   ("/manage/groups", "Working groups"), ("/manage/feedback", "Feedback"),
                   ("/manage/agenda", "Agenda"), ("/manage/speakers", "Speakers"), ("/manage/rooms", "Rooms"),
                   ("/manage/team", "Team"), ("/manage/edit", "Details"), ("/manage/clone", "Details"),
                   ("/manage/", "Overview")]
NOT_PAGES = (".csv", ".xlsx")
MANAGEMENT_PAGES = sorted(
    (endpoint, url) for endpoint, (level, method, url) in ROUTES.items()
    if level == ORGANISER and method == "GET" and url.startswith("/events/{event}/manage/")
    and not url.endswith(NOT_PAGES))


def expected_section(url: str) -> str:
    return next(label for prefix, label in SECTION_OF_PATH if prefix in url)


def menu(page: str) -> str:
    navs = re.findall(r'<nav class="manage-nav" aria-label="Event management">(.*?)</nav>', page, re.S)
    assert len(navs) == 1, "the shared menu is missing or doubled"
    return navs[0]


def tabs(nav: str) -> list[str]:
    first_row = nav.split('<ul class="nav nav-pills manage-subnav')[0]
    return [html.unescape(label) for label in re.findall(r'<a class="nav-link[^"]*"[^>]*>([^<]+)</a>', first_row)]


def active_tab(nav: str) -> list[str]:
    first_row = nav.split('<ul class="nav nav-pills manage-subnav')[0]
    return [html.unescape(x) for x in re.findall(r'<a class="nav-link active"[^>]*aria-current="[^"]+"[^>]*>([^<]+)</a>',
                                                  first_row)]


def sub_pages(nav: str) -> list[str]:
    if "manage-subnav" not in nav:
        return []
    row = nav.split('<ul class="nav nav-pills manage-subnav')[1]
    return [html.unescape(label) for label in re.findall(r'<a class="nav-link[^"]*"[^>]*>([^<]+)</a>', row)]


def test_the_list_of_management_pages_is_complete():
    assert len(MANAGEMENT_PAGES) == 31
    assert ("eventmail.outbox", "/events/{event}/manage/mail/outbox") in MANAGEMENT_PAGES


@pytest.mark.parametrize("endpoint,url", MANAGEMENT_PAGES, ids=[e for e, _ in MANAGEMENT_PAGES])
def test_management_page_shows_the_shared_menu_with_its_section_active(app, make_user, login, endpoint, url):
    world = build_access_world(make_user)
    client = app.test_client()
    login(client, world["users"]["organiser"], PASSWORD)  # the event's owner
    response = client.get(url.format(**world))
    assert response.status_code == 200, (endpoint, response.status_code)
    nav = menu(response.get_data(as_text=True))
    assert active_tab(nav) == [expected_section(url)]
    assert tabs(nav) == ["Overview", "Details", "Agenda", "Speakers", "Rooms", "Team", "Registration",
                         "Working groups", "Feedback", "Mail", "Public page"]


def _page_as(app, login, user, url):
    client = app.test_client()
    login(client, user, PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    return menu(response.get_data(as_text=True))


@pytest.fixture
def roles(app, make_user):
    users = {role: make_user(email=f"{role}@example.org") for role in ("owner", "rapporteur", "checkin")}
    event = make_event(owner=users["owner"], slug="menu-2030")
    grant(event, users["rapporteur"], "rapporteur")
    grant(event, users["checkin"], "checkin")
    return users


def test_rapporteur_sees_only_the_sections_it_may_open(app, login, roles):
    nav = _page_as(app, login, roles["rapporteur"], "/events/menu-2030/manage/")
    assert tabs(nav) == ["Overview", "Rooms", "Working groups", "Feedback", "Public page"]


def test_checkin_staff_sees_the_door_and_not_the_participant_list(app, login, roles):
    nav = _page_as(app, login, roles["checkin"], "/events/menu-2030/manage/registration/checkin")
    assert tabs(nav) == ["Overview", "Rooms", "Registration", "Working groups", "Public page"]
    assert 'href="/events/menu-2030/manage/registration/checkin"' in nav
    assert sub_pages(nav) == ["Door check-in", "Online attendance"]


def test_registration_sub_pages_appear_beneath_the_tab_bar(app, login, roles):
    nav = _page_as(app, login, roles["owner"], "/events/menu-2030/manage/registration/questions")
    assert sub_pages(nav) == ["Participants", "Settings", "Questions", "Message participants", "Door check-in",
                              "Online attendance"]
    assert re.findall(r'<a class="nav-link active" aria-current="page" href="([^"]+)">Questions</a>', nav) == [
        "/events/menu-2030/manage/registration/questions"]


def test_feedback_pages_have_no_separate_menu_nor_event_link(app, login, roles):
    client = app.test_client()
    login(client, roles["owner"], PASSWORD)
    page = client.get("/events/menu-2030/manage/feedback").get_data(as_text=True)
    assert 'aria-label="Feedback management"' not in page
    assert page.count("<nav") == 2  # the site's navigation and the event's management menu
