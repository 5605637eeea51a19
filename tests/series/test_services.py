"""Series services, called directly (no HTTP)."""
from __future__ import annotations

from datetime import date

import pytest
from flask_login import AnonymousUserMixin

from eventsys.errors import PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.events import reading as event_reading
from eventsys.series import services
from eventsys.series.models import Series
from tests.events.helpers import count, make_event


def make_series(owner, slug: str = "rare-series", title: str = "Rare workshops") -> Series:
    series = Series(slug=slug, title=title, owner_id=owner.id if owner else None)
    db.session.add(series)
    db.session.commit()
    return series


def raised(error_class, call, *args):
    with pytest.raises(error_class) as info:
        call(*args)
    return info.value


def test_create_series_is_owned_by_its_creator(app, make_user):
    olga = make_user()
    series = services.create_series({"title": " Rare workshops ", "slug": "rare-series",
                                     "description": "Every **May**."}, olga)
    stored = db.session.get(Series, series.id)
    assert (stored.title, stored.slug, stored.description, stored.owner_id) == (
        "Rare workshops", "rare-series", "Every **May**.", olga.id)


@pytest.mark.parametrize("values, field, message", [
    ({"title": "", "slug": "rare"}, "title", "Enter a title."),
    ({"title": "Rare", "slug": "Rare Series"}, "slug",
     "Use only lower-case letters, digits and single hyphens between them, e.g. workshop-2030."),
    ({"title": "Rare", "slug": "new"}, "slug", "This word is reserved. Choose another one."),
    ({"title": "Rare", "slug": "taken"}, "slug", "This address is already taken. Choose another one."),
])
def test_create_series_refuses_bad_values_at_their_field(app, make_user, values, field, message):
    make_series(make_user(), slug="taken")
    error = raised(ValidationError, services.create_series, values, make_user())
    assert (error.field, str(error.message)) == (field, message)
    assert count(Series) == 1


def test_create_series_refuses_anonymous_actor(app):
    raised(PermissionDenied, services.create_series, {"title": "Rare", "slug": "rare"}, AnonymousUserMixin())
    assert count(Series) == 0


def test_update_series_by_its_owner(app, make_user):
    olga = make_user()
    series = make_series(olga)
    services.update_series(series, {"title": "Rare disease workshops", "slug": "rare-series", "description": ""}, olga)
    db.session.expire_all()
    assert db.session.get(Series, series.id).title == "Rare disease workshops"


def test_update_series_refuses_someone_else(app, make_user):
    series = make_series(make_user())
    raised(PermissionDenied, services.update_series, series, {"title": "Mine", "slug": "rare-series"}, make_user())
    db.session.expire_all()
    assert db.session.get(Series, series.id).title == "Rare workshops"


def test_update_series_by_site_admin(app, make_user):
    series = make_series(make_user())
    services.update_series(series, {"title": "Fixed", "slug": "fixed"}, make_user(is_admin=True))
    assert (series.title, series.slug) == ("Fixed", "fixed")


def test_series_events_lists_public_events_upcoming_and_past(app, make_user):
    series = make_series(make_user())
    make_event(slug="y2031", series_id=series.id, start_date=date(2031, 5, 5), end_date=date(2031, 5, 6))
    make_event(slug="y2030", series_id=series.id, start_date=date(2030, 5, 6), end_date=date(2030, 5, 7))
    make_event(slug="y2029", series_id=series.id, start_date=date(2029, 5, 7), end_date=date(2029, 5, 8),
               status="cancelled")
    make_event(slug="y2028", series_id=series.id, start_date=date(2028, 5, 8), end_date=date(2028, 5, 9))
    make_event(slug="y2032-draft", series_id=series.id, start_date=date(2032, 5, 3), end_date=date(2032, 5, 4),
               status="draft")
    make_event(slug="elsewhere", start_date=date(2031, 1, 1), end_date=date(2031, 1, 1))
    upcoming, past = services.series_events(series, today=date(2030, 5, 7))
    assert [e.slug for e in upcoming] == ["y2030", "y2031"]
    assert [e.slug for e in past] == ["y2029", "y2028"]


def test_series_choices_offer_owned_series_and_the_current_one(app, make_user):
    me, other = make_user(), make_user()
    mine = make_series(me, "mine", "B mine")
    theirs = make_series(other, "theirs", "A theirs")
    make_series(other, "unrelated", "C unrelated")
    assert event_reading.series_choices(me) == [mine]
    assert event_reading.series_choices(me, current_id=theirs.id) == [theirs, mine]
    assert len(event_reading.series_choices(make_user(is_admin=True))) == 3
