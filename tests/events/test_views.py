"""Event pages through HTTP: public pages, creating and managing events, the team, rooms."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from eventsys.auth.models import User
from eventsys.events.models import Event, EventRole, Room, TeamInvitation
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from tests.builders import PASSWORD
from tests.events.helpers import (count, event_values, grant, make_event, make_room, make_slot,
                                  make_speaker)
from tests.pages import field_error, flashes, text

SECRET_LINK = "https://meet.example.org/secret-room-42"


def form_data(**overrides) -> dict:
    values = event_values(**overrides)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.fixture
def team(app, make_user):
    """A published event with one person in each role, and an outsider."""
    users = {role: make_user(email=f"{role}@example.org", name=f"{role.title()} Person")
             for role in ("owner", "organiser", "rapporteur", "checkin", "participant", "other_owner")}
    event = make_event(owner=users["owner"], slug="rare-2030", title="Rare workshop 2030")
    for role in ("organiser", "rapporteur", "checkin"):
        grant(event, users[role], role)
    make_event(owner=users["other_owner"], slug="other-2030")
    return {"event": event, **users}


def as_user(app, login, user):
    client = app.test_client()
    if user is not None:
        login(client, user, PASSWORD)
    return client


# --- public pages -----------------------------------------------------------------------

def test_events_index_lists_upcoming_and_past_and_marks_cancelled(client, app):
    make_event(slug="future", title="Future workshop", start_date=date(2099, 3, 2), end_date=date(2099, 3, 3))
    make_event(slug="called-off", title="Called-off workshop", start_date=date(2099, 4, 1),
               end_date=date(2099, 4, 1), status="cancelled")
    make_event(slug="history", title="Old workshop", start_date=date(2001, 1, 1), end_date=date(2001, 1, 1))
    make_event(slug="secret", title="Secret workshop", start_date=date(2099, 1, 1), end_date=date(2099, 1, 1),
               status="draft")
    response = client.get("/events/")
    page = text(response)
    assert response.status_code == 200
    upcoming, past = page.split('id="past-heading"')
    assert upcoming.index("Future workshop") < upcoming.index("Called-off workshop")
    assert "Old workshop" in past and "Old workshop" not in upcoming
    assert "Secret workshop" not in page
    assert re.search(r"Called-off workshop</a>\s*<span class=\"badge text-bg-danger\">Cancelled</span>", page)
    assert "March 2, 2099 to March 3, 2099" in page


def test_events_index_paginates_each_list(client, app):
    for day in range(1, 23):
        make_event(slug=f"day-{day}", title=f"Day {day} workshop", start_date=date(2099, 1, day),
                   end_date=date(2099, 1, day))
    first, second = text(client.get("/events/")), text(client.get("/events/?page=2"))
    assert "Day 20 workshop" in first and "Day 21 workshop" not in first
    assert "Page 1 of 2" in first
    assert "Day 21 workshop" in second and "Day 22 workshop" in second and "Day 20 workshop" not in second


def test_event_page_shows_the_event(client, app):
    event = make_event(slug="rare-2030", title="Rare workshop 2030", start_date=date(2030, 5, 6),
                       end_date=date(2030, 5, 7), description="## Programme\n\nTalks and **working groups**.")
    make_speaker(event, "Dr. Sofía Ruiz", organisation="CNIO", country="ES", invitation_status="confirmed")
    make_speaker(event, "Prof. Erik Lind", invitation_status="declined")
    response = client.get("/events/rare-2030/")
    page = text(response)
    assert response.status_code == 200
    assert "<h1>Rare workshop 2030 </h1>" in page
    assert "May 6, 2030 to May 7, 2030" in page
    assert "Hybrid (in person and online)" in page
    assert "Instituto de Salud Carlos III" in page and "Calle Sinesio Delgado 4" in page
    assert "Madrid, Spain" in page
    assert "A workshop on rare diseases." in page
    assert "<h3>Programme</h3>" in page and "<strong>working groups</strong>" in page
    assert "Dr. Sofía Ruiz" in page and "CNIO, Spain" in page
    assert "Prof. Erik Lind" not in page
    assert "/events/rare-2030/register" not in page  # registration is not open
    assert "Registration is closed." in page
    assert 'href="/events/rare-2030/agenda"' in page and 'href="/events/rare-2030/speakers"' in page
    assert 'href="mailto:info@example.org"' in page


def test_event_page_renders_markdown_safely(client, app):
    make_event(slug="xss", description="Hi <script>alert(1)</script> [x](javascript:alert(2))")
    page = client.get("/events/xss/").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page


def test_cancelled_event_page_says_so_and_offers_no_registration(client, app):
    make_event(slug="called-off", status="cancelled")
    page = text(client.get("/events/called-off/"))
    assert "This event is cancelled." in page
    assert "/events/called-off/register" not in page
    assert "This event is cancelled, so registration is closed." in page


def test_online_link_never_appears_on_public_pages(client, app, make_user, login):
    series_owner = make_user()
    from eventsys.series.models import Series
    series = Series(slug="rare-series", title="Rare workshops", owner_id=series_owner.id)
    db.session.add(series)
    db.session.commit()
    make_event(slug="rare-2030", series_id=series.id, start_date=date(2099, 1, 1), end_date=date(2099, 1, 1))
    participant = make_user()
    login(client, participant)
    for url in ("/", "/events/", "/events/rare-2030/", "/series/rare-series"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET_LINK not in response.get_data(as_text=True), url


def test_event_page_of_unknown_slug_is_404(client):
    assert client.get("/events/nothing-here/").status_code == 404


@pytest.mark.parametrize("who", [None, "participant", "other_owner"])
def test_draft_event_is_404_for_people_outside_its_team(app, login, team, who):
    draft = make_event(owner=team["owner"], slug="draft-2030", status="draft")
    grant(draft, team["rapporteur"], "rapporteur")
    client = as_user(app, login, team[who] if who else None)
    assert client.get("/events/draft-2030/").status_code == 404
    assert "draft-2030" not in client.get("/events/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["owner", "organiser", "rapporteur", "checkin"])
def test_draft_event_is_visible_to_its_team(app, login, team, who):
    draft = make_event(owner=team["owner"], slug="draft-2030", title="Draft workshop", status="draft")
    if who != "owner":
        grant(draft, team[who], who)
    response = as_user(app, login, team[who]).get("/events/draft-2030/")
    assert response.status_code == 200
    assert "This event is a draft: only its team can see this page." in text(response)
    assert SECRET_LINK not in text(response)


def test_site_admin_sees_a_draft(app, login, make_user):
    make_event(slug="draft-2030", status="draft")
    assert as_user(app, login, make_user(is_admin=True)).get("/events/draft-2030/").status_code == 200


# --- creating and editing ---------------------------------------------------------------

def test_create_event_through_the_form(client, login, make_user):
    olga = make_user()
    login(client, olga)
    assert client.get("/events/new").status_code == 200
    response = client.post("/events/new", data=form_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/events/rare-2030/manage/"
    event = db.session.scalar(select(Event).where(Event.slug == "rare-2030"))
    assert (event.title, event.status, event.contact_email) == ("Rare diseases workshop 2030", "draft", "info@example.org")
    assert [(r.user_id, r.role) for r in event.roles] == [(olga.id, "owner")]
    assert flashes(client.get(response.headers["Location"])) == [
        "The event is created as a draft: only its team can see it."]


@pytest.mark.parametrize("overrides, field, message", [
    ({"slug": "Rare 2030"}, "slug", "Use only lower-case letters, digits and single hyphens between them, "
                                    "e.g. workshop-2030."),
    ({"end_date": "2030-05-01"}, "end_date", "The event cannot end before it starts."),
    ({"end_date": "tomorrow"}, "end_date", "Not a valid date value."),
    ({"timezone": "Mars/Olympus"}, "timezone", "Choose a time zone from the list."),
    ({"venue_country": "XX"}, "venue_country", "Choose a country from the list."),
    ({"contact_email": "nobody"}, "contact_email", "Enter a valid email address."),
    ({"online_link": "ftp://x.example.org"}, "online_link", "Enter a web address starting with https:// or http://."),
    ({"format": "telepathy"}, "format", "Choose a format from the list."),
])
def test_create_event_bad_input_is_shown_at_the_field(client, login, make_user, overrides, field, message):
    login(client, make_user())
    response = client.post("/events/new", data=form_data(**overrides))
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert count(Event) == 0


def test_create_event_with_taken_slug_is_shown_at_the_field(client, login, make_user):
    make_event(slug="rare-2030")
    login(client, make_user())
    response = client.post("/events/new", data=form_data())
    assert response.status_code == 400
    assert field_error(response, "slug") == "This address is already taken. Choose another one."
    assert count(Event) == 1


def test_create_event_offers_only_my_series(client, login, make_user):
    from eventsys.series.models import Series
    me, other = make_user(), make_user()
    db.session.add_all([Series(slug="mine", title="My series", owner_id=me.id),
                        Series(slug="theirs", title="Their series", owner_id=other.id)])
    db.session.commit()
    login(client, me)
    page = text(client.get("/events/new"))
    assert "My series" in page and "Their series" not in page


def test_edit_event_saves_and_returns_to_the_dashboard(app, login, team):
    client = as_user(app, login, team["organiser"])
    event = team["event"]
    assert client.get("/events/rare-2030/manage/edit").status_code == 200
    response = client.post("/events/rare-2030/manage/edit", data=form_data(slug="rare-2030-madrid", title="Renamed"))
    assert (response.status_code, response.headers["Location"]) == (302, "/events/rare-2030-madrid/manage/")
    stored = reload(Event, event.id)
    assert (stored.slug, stored.title) == ("rare-2030-madrid", "Renamed")


def test_edit_event_keeps_a_stored_zone_under_its_older_name(app, login, team):
    event = team["event"]
    event.timezone = "Europe/Kiev"  # a link zoneinfo still knows; the picker offers Europe/Kyiv
    db.session.commit()
    client = as_user(app, login, team["organiser"])
    page = client.get("/events/rare-2030/manage/edit").get_data(as_text=True)
    assert '<option selected value="Europe/Kiev">' in page or 'value="Europe/Kiev" selected' in page
    response = client.post("/events/rare-2030/manage/edit",
                           data=form_data(slug="rare-2030", title="Renamed", timezone="Europe/Kiev"))
    assert response.status_code == 302
    stored = reload(Event, event.id)
    assert (stored.title, stored.timezone) == ("Renamed", "Europe/Kiev")


def test_edit_event_bad_input_changes_nothing(app, login, team):
    client = as_user(app, login, team["owner"])
    response = client.post("/events/rare-2030/manage/edit", data=form_data(slug="rare-2030", title="Renamed",
                                                                           end_date="2030-01-01"))
    assert response.status_code == 400
    assert field_error(response, "end_date") == "The event cannot end before it starts."
    assert reload(Event, team["event"].id).title == "Rare workshop 2030"


@pytest.mark.parametrize("who", ["rapporteur", "checkin"])
def test_edit_event_is_403_for_read_only_roles(app, login, team, who):
    client = as_user(app, login, team[who])
    assert client.get("/events/rare-2030/manage/edit").status_code == 403
    response = client.post("/events/rare-2030/manage/edit", data=form_data(slug="rare-2030", title="Hacked"))
    assert response.status_code == 403
    assert reload(Event, team["event"].id).title == "Rare workshop 2030"


# --- the dashboard and status -----------------------------------------------------------

def test_dashboard_for_rapporteur_is_read_only(app, login, team):
    page = text(as_user(app, login, team["rapporteur"]).get("/events/rare-2030/manage/"))
    assert "Your role: Rapporteur" in page
    assert "/events/rare-2030/manage/edit" not in page
    assert "/events/rare-2030/manage/status" not in page
    assert "/events/rare-2030/manage/team" not in page
    assert "/events/rare-2030/manage/delete" not in page
    assert "/events/rare-2030/manage/agenda" not in page
    assert 'href="/events/rare-2030/agenda"' in page


def test_dashboard_for_organiser_manages_content_but_not_the_team(app, login, team):
    page = text(as_user(app, login, team["organiser"]).get("/events/rare-2030/manage/"))
    assert 'href="/events/rare-2030/manage/edit"' in page
    assert 'action="/events/rare-2030/manage/status"' in page
    assert 'href="/events/rare-2030/manage/agenda"' in page
    assert 'href="/events/rare-2030/manage/speakers"' in page
    assert "See the team" in page
    assert "/events/rare-2030/manage/delete" not in page


def test_dashboard_for_owner_offers_deletion(app, login, team):
    page = text(as_user(app, login, team["owner"]).get("/events/rare-2030/manage/"))
    assert 'action="/events/rare-2030/manage/delete"' in page
    assert "Manage the team" in page


def test_dashboard_shows_counts(app, login, team):
    room = make_room(team["event"])
    make_slot(team["event"], datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8), room=room)
    make_speaker(team["event"])
    make_speaker(team["event"], "Second Speaker")
    page = text(as_user(app, login, team["owner"]).get("/events/rare-2030/manage/"))
    counts = re.findall(r'<p class="display-6 mb-0">(\d+)</p>\s*<p class="mb-2">([^<]+)</p>', page)
    assert counts == [("1", "Rooms"), ("1", "Agenda slots"), ("2", "Speakers")]


def test_publish_and_take_back_to_draft(app, login, team):
    client = as_user(app, login, team["organiser"])
    response = client.post("/events/rare-2030/manage/status", data={"status": "draft"})
    assert response.headers["Location"] == "/events/rare-2030/manage/"
    assert reload(Event, team["event"].id).status == "draft"
    assert client.get("/events/rare-2030/", headers={}).status_code == 200  # the team still sees it
    assert as_user(app, None, None).get("/events/rare-2030/").status_code == 404
    # registration is not open: publishing asks first (tests/events/test_dashboard.py)
    client.post("/events/rare-2030/manage/status", data={"status": "published", "confirmed": "1"})
    assert reload(Event, team["event"].id).status == "published"


def test_status_refusal_is_flashed(app, login, team):
    client = as_user(app, login, team["owner"])
    response = client.post("/events/rare-2030/manage/status", data={"status": "archived"}, follow_redirects=True)
    assert flashes(response) == ["Choose a status from the list."]
    assert reload(Event, team["event"].id).status == "published"


def test_status_is_403_for_checkin_staff(app, login, team):
    response = as_user(app, login, team["checkin"]).post("/events/rare-2030/manage/status", data={"status": "draft"})
    assert response.status_code == 403
    assert reload(Event, team["event"].id).status == "published"


# --- clone and delete -------------------------------------------------------------------

def test_clone_form_suggests_next_year_and_copies(app, login, team):
    client = as_user(app, login, team["organiser"])
    page = text(client.get("/events/rare-2030/manage/clone"))
    assert 'value="Rare workshop 2031"' in page and 'value="rare-2031"' in page and 'value="2031-05-06"' in page
    response = client.post("/events/rare-2030/manage/clone",
                           data={"title": "Rare workshop 2031", "slug": "rare-2031", "start_date": "2031-05-05"})
    assert response.headers["Location"] == "/events/rare-2031/manage/"
    clone = db.session.scalar(select(Event).where(Event.slug == "rare-2031"))
    assert (clone.status, clone.start_date, clone.end_date) == ("draft", date(2031, 5, 5), date(2031, 5, 6))


def test_clone_with_taken_slug_is_400(app, login, team):
    response = as_user(app, login, team["owner"]).post(
        "/events/rare-2030/manage/clone", data={"title": "Copy", "slug": "other-2030", "start_date": "2031-05-05"})
    assert response.status_code == 400
    assert field_error(response, "slug") == "This address is already taken. Choose another one."
    assert count(Event) == 2


def test_delete_needs_the_typed_slug(app, login, team):
    client = as_user(app, login, team["owner"])
    response = client.post("/events/rare-2030/manage/delete", data={"confirm_slug": "rare"}, follow_redirects=True)
    assert flashes(response) == ["Type the event's address, rare-2030, to confirm."]
    assert count(Event) == 2
    response = client.post("/events/rare-2030/manage/delete", data={"confirm_slug": "rare-2030"})
    assert response.headers["Location"] == "/events/mine"
    assert [e.slug for e in db.session.scalars(select(Event))] == ["other-2030"]


def test_delete_is_403_for_organiser(app, login, team):
    response = as_user(app, login, team["organiser"]).post("/events/rare-2030/manage/delete",
                                                           data={"confirm_slug": "rare-2030"})
    assert response.status_code == 403
    assert count(Event) == 2


def test_delete_form_asks_for_confirmation(app, login, team):
    page = text(as_user(app, login, team["owner"]).get("/events/rare-2030/manage/"))
    assert 'data-confirm="Delete Rare workshop 2030 for good?"' in page


# --- the team ---------------------------------------------------------------------------

def test_team_page_invites_lists_pending_and_revokes(app, login, team):
    client = as_user(app, login, team["owner"])
    response = client.post("/events/rare-2030/manage/team", data={"email": "New@Example.org", "role": "rapporteur"})
    assert response.headers["Location"] == "/events/rare-2030/manage/team"
    page = text(client.get("/events/rare-2030/manage/team"))
    assert "We have sent an invitation to new@example.org. The role is theirs once they accept it." in page
    assert "Pending invitations" in page
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_addr == "new@example.org"
    assert count(EventRole) == 5
    invitation = db.session.scalar(select(TeamInvitation))
    response = client.post(f"/events/rare-2030/manage/team/invitations/{invitation.id}/revoke")
    assert response.headers["Location"] == "/events/rare-2030/manage/team"
    page = text(client.get("/events/rare-2030/manage/team"))
    assert "The invitation to new@example.org is withdrawn." in page
    assert "Pending invitations" not in page
    link = re.search(r"http://localhost(/events/team-invitations/\S+)", message.body_text).group(1)
    gone = app.test_client().get(link)
    assert gone.status_code == 404
    assert "This invitation was withdrawn. Ask the event's owners for a new one." in text(gone)


def test_team_page_bad_email_is_400_at_the_field(app, login, team):
    response = as_user(app, login, team["owner"]).post("/events/rare-2030/manage/team",
                                                       data={"email": "organiser@example.org", "role": "owner"})
    assert response.status_code == 400
    assert field_error(response, "email") == (
        "organiser@example.org already has a role on this event. Change it in the list instead.")


def test_team_page_is_read_only_for_organisers(app, login, team):
    client = as_user(app, login, team["organiser"])
    page = text(client.get("/events/rare-2030/manage/team"))
    assert "owner@example.org" in page
    assert "Invite someone" not in page and "/remove" not in page
    response = client.post("/events/rare-2030/manage/team", data={"email": "x@example.org", "role": "owner"})
    assert response.status_code == 403
    assert count(EventRole) == 5


@pytest.mark.parametrize("who", ["rapporteur", "checkin"])
def test_team_page_is_403_for_read_only_roles(app, login, team, who):
    assert as_user(app, login, team[who]).get("/events/rare-2030/manage/team").status_code == 403


def test_team_role_change_and_removal(app, login, team):
    client = as_user(app, login, team["owner"])
    row = db.session.scalar(select(EventRole).where(EventRole.user_id == team["checkin"].id))
    client.post(f"/events/rare-2030/manage/team/{row.id}/role", data={f"grant{row.id}-role": "organiser"})
    assert reload(EventRole, row.id).role == "organiser"
    client.post(f"/events/rare-2030/manage/team/{row.id}/remove")
    assert reload(EventRole, row.id) is None


def test_team_refuses_to_remove_the_last_owner_with_a_message(app, login, team):
    client = as_user(app, login, team["owner"])
    row = db.session.scalar(select(EventRole).where(EventRole.user_id == team["owner"].id))
    response = client.post(f"/events/rare-2030/manage/team/{row.id}/remove", follow_redirects=True)
    assert flashes(response) == ["An event needs at least one owner. Make someone else an owner first."]
    response = client.post(f"/events/rare-2030/manage/team/{row.id}/role", data={f"grant{row.id}-role": "organiser"},
                           follow_redirects=True)
    assert flashes(response) == ["An event needs at least one owner. Make someone else an owner first."]
    assert reload(EventRole, row.id).role == "owner"


def test_team_role_of_another_event_is_404(app, login, team):
    other = db.session.scalar(select(EventRole).where(EventRole.user_id == team["other_owner"].id))
    client = as_user(app, login, team["owner"])
    assert client.post(f"/events/rare-2030/manage/team/{other.id}/remove").status_code == 404
    assert client.post(f"/events/rare-2030/manage/team/{other.id}/role", data={"role": "checkin"}).status_code == 404
    assert reload(EventRole, other.id).role == "owner"


def test_team_role_change_works_with_csrf_protection(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        owner, helper = make_user(), make_user()
        event = make_event(owner=owner, slug="rare-2030")
        row_id = grant(event, helper, "checkin").id
        owner_email = owner.email
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": owner_email, "password": PASSWORD, "csrf_token": token})
    page = client.get("/events/rare-2030/manage/team").get_data(as_text=True)
    token = re.search(rf'name="grant{row_id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/events/rare-2030/manage/team/{row_id}/role",
                           data={f"grant{row_id}-role": "rapporteur", f"grant{row_id}-csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(EventRole, row_id).role == "rapporteur"


def _invitation_link(app, login, team, email: str, role: str = "rapporteur") -> str:
    as_user(app, login, team["owner"]).post("/events/rare-2030/manage/team", data={"email": email, "role": role})
    body = db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://localhost(/events/team-invitations/\S+)", body).group(1)


def test_team_invitation_newcomer_signs_up_confirms_then_accepts(client, app, login, team):
    link = _invitation_link(app, login, team, "newcomer@example.org")
    anonymous = text(client.get(link))
    assert "You are invited to the team of Rare workshop 2030 as Rapporteur." in anonymous
    refused = client.post(link)
    assert refused.headers["Location"].startswith("/auth/login?next=/events/team-invitations/")
    client.post("/auth/signup", data={"name": "New Comer", "email": "newcomer@example.org", "password": PASSWORD,
                                      "confirm": PASSWORD})
    newcomer = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
    login(client, newcomer)
    page = text(client.get(link))
    assert "Confirm your email address first (open the link we sent you), then accept the invitation." in page
    client.post(link)
    assert count(EventRole) == 5
    assert client.get("/events/rare-2030/manage/").status_code == 403
    verify = db.session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.subject == "Confirm your email address for eventsys")).one()
    client.get(re.search(r"http://localhost(/auth/verify/\S+)", verify).group(1))
    accepted = client.post(link)
    assert accepted.headers["Location"] == "/events/rare-2030/manage/"
    page = text(client.get("/events/mine"))
    assert re.search(r"Rare workshop 2030</a></td>.*?<td>Rapporteur</td>", page, re.S)
    assert client.get("/events/rare-2030/manage/").status_code == 200
    again = client.get(link)
    assert again.status_code == 404
    assert "This invitation has already been accepted. Each link works once." in text(again)


def test_team_invitation_another_account_cannot_accept(app, login, team):
    link = _invitation_link(app, login, team, "invited@example.org", role="owner")
    client = as_user(app, login, team["participant"])
    assert ("This invitation is for invited@example.org, but you are logged in as participant@example.org."
            in text(client.get(link)))
    client.post(link)
    assert client.get("/events/rare-2030/manage/").status_code == 403
    assert count(EventRole) == 5


# --- rooms ------------------------------------------------------------------------------

def test_rooms_add_edit_and_delete(app, login, team):
    client = as_user(app, login, team["organiser"])
    response = client.post("/events/rare-2030/manage/rooms", data={"name": "Sala Goya", "capacity": "80"})
    assert response.headers["Location"] == "/events/rare-2030/manage/rooms"
    room = db.session.scalar(select(Room))
    assert (room.name, room.capacity) == ("Sala Goya", 80)
    client.post(f"/events/rare-2030/manage/rooms/{room.id}/edit", data={"name": "Aula Magna", "capacity": ""})
    assert (reload(Room, room.id).name, reload(Room, room.id).capacity) == ("Aula Magna", None)
    client.post(f"/events/rare-2030/manage/rooms/{room.id}/delete")
    assert count(Room) == 0


@pytest.mark.parametrize("data, field, message", [
    ({"name": "Aula Magna", "capacity": "0"}, "capacity", "Enter a whole number of seats above zero, or leave it empty."),
    ({"name": "Aula Magna", "capacity": "many"}, "capacity", "Not a valid integer value."),
    ({"name": "sala goya", "capacity": ""}, "name", "This event already has a room called sala goya."),
])
def test_rooms_bad_input_is_400_at_the_field(app, login, team, data, field, message):
    make_room(team["event"], "Sala Goya")
    response = as_user(app, login, team["owner"]).post("/events/rare-2030/manage/rooms", data=data)
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert count(Room) == 1


def test_room_in_use_is_not_deleted_and_the_page_says_why(app, login, team):
    room = make_room(team["event"], "Sala Goya")
    make_slot(team["event"], datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8), room=room)
    response = as_user(app, login, team["owner"]).post(f"/events/rare-2030/manage/rooms/{room.id}/delete",
                                                       follow_redirects=True)
    assert flashes(response) == ["Sala Goya is used by 1 agenda slot. Move it to another room first."]
    assert count(Room) == 1


@pytest.mark.parametrize("who", ["rapporteur", "checkin"])
def test_rooms_are_read_only_for_rapporteur_and_checkin(app, login, team, who):
    room = make_room(team["event"], "Sala Goya")
    client = as_user(app, login, team[who])
    page = text(client.get("/events/rare-2030/manage/rooms"))
    assert "Sala Goya" in page and "Add a room" not in page
    assert client.post("/events/rare-2030/manage/rooms", data={"name": "Extra"}).status_code == 403
    assert client.get(f"/events/rare-2030/manage/rooms/{room.id}/edit").status_code == 403
    assert client.post(f"/events/rare-2030/manage/rooms/{room.id}/delete").status_code == 403
    assert count(Room) == 1


def test_room_of_another_event_in_the_url_is_404(app, login, team):
    other_event = db.session.scalar(select(Event).where(Event.slug == "other-2030"))
    room = make_room(other_event, "Elsewhere")
    client = as_user(app, login, team["owner"])
    assert client.get(f"/events/rare-2030/manage/rooms/{room.id}/edit").status_code == 404
    assert client.post(f"/events/rare-2030/manage/rooms/{room.id}/edit", data={"name": "Mine now"}).status_code == 404
    assert client.post(f"/events/rare-2030/manage/rooms/{room.id}/delete").status_code == 404
    assert reload(Room, room.id).name == "Elsewhere"


# --- my events and navigation -----------------------------------------------------------

def test_my_events_lists_my_roles(app, login, team):
    page = text(as_user(app, login, team["checkin"]).get("/events/mine"))
    assert re.search(r"Rare workshop 2030</a></td>.*?<td>Check-in staff</td>\s*<td>Published</td>", page, re.S)
    assert "other-2030" not in page


def test_navigation_offers_events_and_my_events(client, login, make_user):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/events/"' in page and 'href="/events/mine"' not in page
    login(client, make_user())
    assert 'href="/events/mine"' in client.get("/").get_data(as_text=True)


def test_home_page_lists_upcoming_published_events(client, app):
    make_event(slug="soon", title="Soon workshop", start_date=date(2099, 1, 1), end_date=date(2099, 1, 1))
    make_event(slug="hidden", title="Hidden workshop", start_date=date(2099, 1, 1), end_date=date(2099, 1, 1),
               status="draft")
    make_event(slug="old", title="Old workshop", start_date=date(2001, 1, 1), end_date=date(2001, 1, 1))
    page = text(client.get("/"))
    assert 'href="/events/soon/"' in page
    assert "Hidden workshop" not in page and "Old workshop" not in page


def test_event_pages_have_no_inline_script_or_style(app, login, team):
    client = as_user(app, login, team["owner"])
    for url in ("/events/", "/events/rare-2030/", "/events/mine", "/events/new", "/events/rare-2030/manage/",
                "/events/rare-2030/manage/edit", "/events/rare-2030/manage/clone", "/events/rare-2030/manage/team",
                "/events/rare-2030/manage/rooms"):
        page = client.get(url).get_data(as_text=True)
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == [], url
        assert "<style" not in page and " style=" not in page, url
