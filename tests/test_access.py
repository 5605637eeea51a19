"""Every route states who may use it, and the others are turned away.

Fails for any endpoint that is missing from ``tests/access_table.py``; then checks each
route against an anonymous visitor, a plain participant and an organiser of another
event, and that the intended user does get in.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from eventsys import create_app
from eventsys.access import ADMIN, LOGGED_IN, ORGANISER, PUBLIC
from tests.access_table import ROUTES
from tests.builders import PASSWORD
from tests.world import build_access_world

STATIC_ENDPOINTS = {"static", "bootstrap.static"}
REFUSED = (403, 404)


def test_every_endpoint_is_in_the_access_table():
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = set(app.view_functions)
    assert sorted(endpoints - set(ROUTES)) == [], "add these endpoints to tests/access_table.py"
    assert sorted(set(ROUTES) - endpoints) == [], "these endpoints no longer exist"


def test_every_view_declares_the_level_of_the_table():
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for endpoint, (level, _method, _url) in ROUTES.items():
        if endpoint in STATIC_ENDPOINTS:
            continue
        declared = getattr(app.view_functions[endpoint], "access", None)
        assert declared == level, f"{endpoint} declares {declared!r}, table says {level!r}"


@dataclass
class Probe:
    endpoint: str
    level: str
    method: str
    url: str


PROBES = [Probe(e, *spec) for e, spec in sorted(ROUTES.items())]


def _request(client, probe: Probe, world: dict):
    url = probe.url.format(**world)
    if probe.method == "GET":
        return client.get(url)
    return client.open(url, method=probe.method, data={})


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers.get("Location", "")


@pytest.fixture
def access_world(app, make_user):
    return build_access_world(make_user)


def _client_for(app, login, user):
    client = app.test_client()
    if user is not None:
        login(client, user, PASSWORD)
    return client


@pytest.mark.parametrize("probe", [p for p in PROBES if p.level != PUBLIC], ids=lambda p: p.endpoint)
def test_anonymous_visitor_is_sent_to_log_in(app, access_world, probe):
    response = _request(app.test_client(), probe, access_world)
    if probe.url.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert _is_login_redirect(response), (response.status_code, response.headers.get("Location"))


@pytest.mark.parametrize("probe", [p for p in PROBES if p.level in (ORGANISER, ADMIN)], ids=lambda p: p.endpoint)
def test_plain_participant_is_refused(app, login, access_world, probe):
    client = _client_for(app, login, access_world["users"]["participant"])
    assert _request(client, probe, access_world).status_code in REFUSED


@pytest.mark.parametrize("probe", [p for p in PROBES if p.level in (ORGANISER, ADMIN)], ids=lambda p: p.endpoint)
def test_organiser_of_another_event_is_refused(app, login, access_world, probe):
    client = _client_for(app, login, access_world["users"]["other_organiser"])
    assert _request(client, probe, access_world).status_code in REFUSED


ALLOWED_USER = {PUBLIC: None, LOGGED_IN: "participant", ORGANISER: "organiser", ADMIN: "admin"}


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.endpoint)
def test_intended_user_gets_in(app, login, access_world, probe):
    user = access_world["users"][ALLOWED_USER[probe.level]] if ALLOWED_USER[probe.level] else None
    client = _client_for(app, login, user)
    response = _request(client, probe, access_world)
    assert response.status_code not in (401, 403, 404, 405, 500), response.status_code
    assert not _is_login_redirect(response)
