"""eventsys: event management for hybrid workshops and congresses."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from eventsys import config as config_module

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped_dir(name: str) -> Path:
    """Folders that live at the repository root in a checkout and inside the package in a wheel."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def _select_config(config) -> tuple[type, dict]:
    if config is None or isinstance(config, str):
        name = config or os.environ.get("EVENTSYS_ENV") or "development"
        if name not in config_module.CONFIGS:
            raise config_module.ConfigError(
                f"Unknown EVENTSYS_ENV {name!r}: use development, testing or production.")
        return config_module.CONFIGS[name], {}
    if isinstance(config, dict):
        name = config.get("ENV_NAME") or os.environ.get("EVENTSYS_ENV") or "development"
        return config_module.CONFIGS[name], dict(config)
    return config, {}


def create_app(config=None) -> Flask:
    """Build the application.

    ``config`` is None (pick by ``EVENTSYS_ENV``), a name, a config class, or a dict of
    overrides applied on top of the class named by its ``ENV_NAME`` key.
    """
    cls, overrides = _select_config(config)
    app = Flask(__name__, template_folder=str(_shipped_dir("templates")),
                instance_relative_config=True)
    app.config.from_object(cls)
    app.config.update(overrides)
    _fill_defaults(app)
    if app.config["ENV_NAME"] == "production":
        config_module.check_production(app.config)

    from eventsys import errors, security, i18n, cli, models, database, converters  # noqa: F401
    converters.init_app(app)
    from eventsys.extensions import db, migrate, login_manager, csrf, bootstrap, limiter

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_shipped_dir("migrations")))
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    from eventsys.ical import cache as ical_cache
    ical_cache.init_app(app)  # feed cache and the content-version hook
    _register_blueprints(app)
    _register_template_helpers(app)
    cli.init_app(app)
    return app


def _fill_defaults(app: Flask) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "eventsys.db")
    if not app.config.get("SECRET_KEY") and app.config["ENV_NAME"] == "development":
        app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    if not app.config.get("MAIL_FILE_DIR"):
        app.config["MAIL_FILE_DIR"] = str(Path(app.instance_path) / "outbox")


def _development_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so dev sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# Every module that declares routes, imported here before any blueprint is registered. A
# feature's blueprint is ``bp`` in its views.py; its other view modules (manage…) add routes
# to that blueprint and are listed after it. Order of registration as listed.
VIEW_MODULES = (
    "main.views", "auth.views", "admin.views", "events.views", "series.views", "agenda.views",
    "speakers.views", "registration.views", "registration.manage", "registration.manage_checkin",
    "registration.invitation_views", "ical.views", "feedback.views", "feedback.manage_views",
    "groups.views", "groups.manage", "eventmail.views", "cloning.views", "account.views",
)
# Modules through which a higher feature reacts to a lower one, which may not import it
# (registries and hooks the lower feature calls; see docs/architecture.md).
HOOK_MODULES = ("speakers.connections", "agenda.connections", "groups.connections")


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in HOOK_MODULES:
        import_module(f"eventsys.{name}")
    modules = [import_module(f"eventsys.{name}") for name in VIEW_MODULES]
    for name, module in zip(VIEW_MODULES, modules):
        if name.endswith(".views"):
            app.register_blueprint(module.bp)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from eventsys import manage_menu, permissions

    app.jinja_env.globals.update(permissions.template_globals())
    app.jinja_env.globals.update(manage_menu.template_globals())
    app.jinja_env.globals["current_locale_code"] = lambda: str(get_locale() or "en")
    app.jinja_env.add_extension("jinja2.ext.do")
    from eventsys import formatting
    from eventsys.markdown import render_markdown
    app.jinja_env.filters["markdown"] = render_markdown
    from eventsys.inputrules import safe_web_address
    app.jinja_env.filters["web_address"] = safe_web_address
    formatting.init_app(app)
