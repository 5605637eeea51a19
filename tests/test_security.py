from __future__ import annotations

import re


def test_every_response_carries_security_headers(client):
    for url in ("/", "/auth/login", "/does-not-exist", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # only in production


def test_pages_have_no_inline_script_or_style(client, app):
    for url in ("/", "/auth/login", "/auth/signup", "/auth/reset", "/nope"):
        page = client.get(url).get_data(as_text=True)
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == [], url
        assert "<style" not in page and " style=" not in page, url
        assert " on" + "click=" not in page


def test_assets_are_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:css|js))"', page)
    assert assets, "the page should load CSS and JS"
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset


def test_post_without_csrf_token_is_refused_with_a_clear_page(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        email = make_user().email
    response = client.post("/auth/login", data={"email": email, "password": "x" * 12})
    assert response.status_code == 400
    assert "Your form expired or was sent from elsewhere" in response.get_data(as_text=True)


def test_post_with_csrf_token_is_accepted(make_app, make_user):
    from tests.builders import PASSWORD
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        email = make_user().email
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/auth/profile").status_code == 200


def test_session_cookie_is_httponly_and_samesite(client, make_user, login):
    user = make_user()
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
