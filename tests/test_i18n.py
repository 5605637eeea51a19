"""Internationalisation: locale from profile or browser, Babel formatting in the user's
time zone, and no user-facing text hard-wired into templates."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from flask_babel import format_datetime, get_locale, get_timezone

from eventsys import _shipped_dir

# Text that is not language: brand, symbols, and HTML entities.
ALLOWED_WORDS = {"eventsys", "nbsp", "times", "middot", "mdash", "ndash", "rarr", "larr", "hellip", "UTC"}


def _template_files():
    root = _shipped_dir("templates")
    return sorted(p for p in root.rglob("*") if p.suffix in {".html", ".txt", ".ics"})


def _literal_words(app, path: Path) -> list[str]:
    source = path.read_text()
    app.jinja_env.parse(source)  # the template must at least be valid Jinja
    text = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    text = re.sub(r"{{.*?}}|{%.*?%}", "0", text, flags=re.S)
    # visible attribute values that a person reads or hears must be translated as well
    words = []
    for attr in re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', text):
        words += re.findall(r"[A-Za-z][A-Za-z']+", attr)
    text = re.sub(r"<[^>]*>", " ", text)               # tags and their attributes
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)     # entities
    words += [w for w in re.findall(r"[A-Za-z][A-Za-z']+", text) if w not in ALLOWED_WORDS]
    return words


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(_shipped_dir("templates"))))
def test_template_has_no_hard_wired_text(app, path):
    assert _literal_words(app, path) == []


def test_locale_follows_the_browser(client):
    page = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    page = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_locale_and_time_zone_follow_the_profile(app, client, make_user, login):
    user = make_user(locale="es", timezone="America/Bogota")
    login(client, user)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    with app.test_request_context("/"):
        from flask_login import login_user
        login_user(user)
        assert str(get_locale()) == "es"
        assert str(get_timezone()) == "America/Bogota"
        # 15:30 UTC is 10:30 in Bogotá; Babel formats it in the user's zone and locale
        assert format_datetime(datetime(2026, 3, 5, 15, 30), "HH:mm") == "10:30"
        assert "marzo" in format_datetime(datetime(2026, 3, 5, 15, 30), "d MMMM y")


def test_dates_use_the_user_locale_on_pages(client, make_user, login):
    user = make_user(locale="es")
    login(client, user)
    page = client.get("/auth/profile").get_data(as_text=True)
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre"]
    assert any(f" de {m} de " in page for m in months)
