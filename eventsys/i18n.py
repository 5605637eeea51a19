"""Locale and time-zone selection for Flask-Babel: the user's profile first, then the browser."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from eventsys.extensions import babel


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    if request:
        return request.accept_languages.best_match(languages)
    return None


def select_timezone() -> str | None:
    return getattr(current_user, "timezone", None) or None if current_user else None


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
