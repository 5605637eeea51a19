"""Configuration classes, read from ``EVENTSYS_*`` environment variables.

``create_app()`` picks one by ``EVENTSYS_ENV`` (development, testing, production).
"""
from __future__ import annotations

import os


def env(name: str, default: str | None = None) -> str | None:
    """Read ``EVENTSYS_<name>``; an empty value counts as unset."""
    value = os.environ.get(f"EVENTSYS_{name}")
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str | None) -> str | None:
    """Let users write ``postgresql://``; we drive PostgreSQL through psycopg 3."""
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SECRET_KEY = env("SECRET_KEY")
    # None means "SQLite under the instance folder"; create_app fills it in.
    SQLALCHEMY_DATABASE_URI = normalise_database_url(env("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = env("BASE_URL", "http://127.0.0.1:5000")
    MAIL_URL = env("MAIL_URL")
    MAIL_FROM = env("MAIL_FROM", "eventsys <noreply@example.org>")
    # Where development mail goes when no MAIL_URL is set (relative to the instance folder).
    MAIL_FILE_DIR = env("MAIL_FILE_DIR")
    MAIL_MAX_BACKOFF_SECONDS = 3600
    # A message that fails this many times on its own (not for want of a server) is marked failed.
    MAIL_MAX_ATTEMPTS = int(env("MAIL_MAX_ATTEMPTS", "8"))
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = env("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    # Failed log-ins per submitted address (known or not), on top of the per-IP limit.
    RATELIMIT_LOGIN_ACCOUNT = env("RATELIMIT_LOGIN_ACCOUNT", "10 per hour")
    RATELIMIT_SIGNUP = env("RATELIMIT_SIGNUP", "5 per minute;30 per hour")
    RATELIMIT_RESET = env("RATELIMIT_RESET", "5 per minute;20 per hour")
    PASSWORD_RESET_MAX_AGE = 3600
    EMAIL_VERIFY_MAX_AGE = 3 * 24 * 3600
    TEAM_INVITATION_MAX_AGE = 14 * 24 * 3600
    PASSWORD_MIN_LENGTH = 10
    # Argon2id parameters (argon2-cffi's RFC 9106 low-memory profile by default).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    LANGUAGES = ["en", "es"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BOOTSTRAP_SERVE_LOCAL = True
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SECURE_HEADERS_HSTS = False
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = env_bool("DEBUG", True)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production-use-0123456789"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_URL = None
    BASE_URL = "http://localhost"
    SERVER_NAME = None
    RATELIMIT_STORAGE_URI = "memory://"
    # Cheap hashes keep the suite fast; the algorithm (Argon2id) is the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = env_bool("DEBUG", False)
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SECURE_HEADERS_HSTS = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "please-change-me"}
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message is one line for the operator."""


def check_production(config: dict) -> None:
    """Refuse unsafe production settings with a one-line explanation."""
    if config.get("DEBUG"):
        raise ConfigError("Refusing to start: DEBUG is on in production (unset EVENTSYS_DEBUG).")
    key = config.get("SECRET_KEY") or ""
    if not key:
        raise ConfigError("Refusing to start: EVENTSYS_SECRET_KEY is not set "
                          "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))').")
    if key.lower() in WEAK_SECRETS or len(key) < MIN_SECRET_LENGTH or len(set(key)) < 8:
        raise ConfigError(f"Refusing to start: EVENTSYS_SECRET_KEY is weak (use at least {MIN_SECRET_LENGTH} random characters).")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise ConfigError("Refusing to start: EVENTSYS_DATABASE_URL is not set in production.")
    check_rate_limit_storage(config)


def web_workers(config: dict) -> int:
    """How many worker processes serve the app: ``WEB_CONCURRENCY`` (gunicorn reads it too)."""
    raw = str(config.get("WEB_CONCURRENCY") or os.environ.get("WEB_CONCURRENCY") or "1").strip()
    return int(raw) if raw.isdigit() else 1


def check_rate_limit_storage(config: dict) -> None:
    """``memory://`` counts per process: with several workers each has its own log-in limits."""
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://") and web_workers(config) > 1:
        raise ConfigError("Refusing to start: EVENTSYS_RATELIMIT_STORAGE_URL is memory://, which is per process, "
                          f"but WEB_CONCURRENCY is {web_workers(config)} (use a shared storage such as redis://).")
