"""Friendly error pages without tracebacks; JSON bodies under /api/."""
from __future__ import annotations

import pytest
from flask import Blueprint

from eventsys.errors import Conflict, NotFound, PermissionDenied, ValidationError


@pytest.fixture
def error_app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    bp = Blueprint("boom", __name__)

    @bp.route("/boom")
    @bp.route("/api/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @bp.route("/conflict")
    @bp.route("/api/conflict")
    def conflict():
        raise Conflict("The room is already booked at that time.")

    @bp.route("/api/invalid")
    def invalid():
        raise ValidationError("Choose a later end time.", field="end")

    @bp.route("/forbidden")
    def forbidden():
        raise PermissionDenied("Only owners may do that.")

    @bp.route("/missing")
    def missing():
        raise NotFound("No such event.")

    app.register_blueprint(bp)
    return app


def test_unexpected_error_is_a_friendly_500_without_traceback(error_app):
    response = error_app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "secret internal detail" not in page and "Traceback" not in page


def test_unexpected_api_error_is_json_500(error_app):
    response = error_app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "secret internal detail" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url, status, text", [
    ("/conflict", 409, "The room is already booked at that time."),
    ("/forbidden", 403, "Only owners may do that."),
    ("/missing", 404, "No such event."),
    ("/no-such-page", 404, "We could not find that page."),
])
def test_domain_and_http_errors_render_pages(error_app, url, status, text):
    response = error_app.test_client().get(url)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_api_errors_are_json_with_field(error_app):
    client = error_app.test_client()
    assert client.get("/api/conflict").get_json() == {
        "error": {"status": 409, "code": "conflict", "message": "The room is already booked at that time."}}
    assert client.get("/api/invalid").get_json() == {
        "error": {"status": 400, "code": "invalid", "message": "Choose a later end time.", "field": "end"}}
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_method_not_allowed_is_a_friendly_405(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "does not accept that kind of request" in response.get_data(as_text=True)
