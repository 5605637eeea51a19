"""Series pages through HTTP."""
from __future__ import annotations

from datetime import date

from eventsys.extensions import db
from eventsys.series.models import Series
from tests.events.helpers import count, make_event
from tests.pages import field_error, text
from tests.series.test_services import make_series


def test_series_page_lists_upcoming_and_past_public_events(client, make_user):
    series = make_series(make_user())
    series.description = "A workshop **every year**."
    db.session.commit()
    make_event(slug="next", title="Next edition", series_id=series.id, start_date=date(2099, 5, 5),
               end_date=date(2099, 5, 6))
    make_event(slug="last", title="Last edition", series_id=series.id, start_date=date(2001, 5, 7),
               end_date=date(2001, 5, 8))
    make_event(slug="draft", title="Draft edition", series_id=series.id, status="draft")
    response = client.get("/series/rare-series")
    page = text(response)
    assert response.status_code == 200
    assert "<h1 class=\"mb-2\">Rare workshops</h1>" in page
    assert "<strong>every year</strong>" in page
    upcoming, past = page.split('id="past-heading"')
    assert "Next edition" in upcoming and "Last edition" not in upcoming
    assert "Last edition" in past
    assert "Draft edition" not in page


def test_series_page_of_unknown_slug_is_404(client):
    assert client.get("/series/nothing").status_code == 404


def test_create_series_through_the_form(client, login, make_user):
    olga = make_user()
    login(client, olga)
    assert client.get("/series/new").status_code == 200
    response = client.post("/series/new", data={"title": "Rare workshops", "slug": "rare-series", "description": ""})
    assert response.headers["Location"] == "/series/rare-series"
    assert db.session.query(Series).one().owner_id == olga.id


def test_create_series_bad_slug_is_400_at_the_field(client, login, make_user):
    login(client, make_user())
    response = client.post("/series/new", data={"title": "Rare workshops", "slug": "Rare Series"})
    assert response.status_code == 400
    assert field_error(response, "slug") == (
        "Use only lower-case letters, digits and single hyphens between them, e.g. workshop-2030.")
    assert count(Series) == 0


def test_edit_series_by_its_owner(client, login, make_user):
    olga = make_user()
    series = make_series(olga)
    login(client, olga)
    assert 'href="/series/rare-series/edit"' in client.get("/series/rare-series").get_data(as_text=True)
    response = client.post("/series/rare-series/edit", data={"title": "Rare disease workshops", "slug": "rare"})
    assert response.headers["Location"] == "/series/rare"
    db.session.expire_all()
    assert (db.session.get(Series, series.id).title, db.session.get(Series, series.id).slug) == (
        "Rare disease workshops", "rare")


def test_edit_series_is_403_for_someone_else(client, login, make_user):
    make_series(make_user())
    login(client, make_user())
    assert "/series/rare-series/edit" not in client.get("/series/rare-series").get_data(as_text=True)
    assert client.get("/series/rare-series/edit").status_code == 403
    assert client.post("/series/rare-series/edit", data={"title": "Mine", "slug": "mine"}).status_code == 403
    db.session.expire_all()
    assert db.session.query(Series).one().title == "Rare workshops"


def test_edit_series_of_unknown_slug_is_404(client, login, make_user):
    login(client, make_user())
    assert client.get("/series/nothing/edit").status_code == 404


def test_my_events_lists_my_series(client, login, make_user):
    olga = make_user()
    make_series(olga)
    make_series(make_user(), slug="other", title="Someone else's series")
    login(client, olga)
    page = text(client.get("/events/mine"))
    assert 'href="/series/rare-series/edit"' in page
    assert "Someone else's series" not in page
