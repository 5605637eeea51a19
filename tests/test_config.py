from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventsys import config
from eventsys import create_app

ROOT = Path(__file__).resolve().parents[1]
STRONG = "3f9a1c0e7b5d4e2f8a6c1b0d9e7f5a3c2b1d0e9f"


def _run_cli(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSYS_")}
    env.update(env_extra)
    exe = Path(sys.executable).with_name("eventsys")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


@pytest.mark.parametrize("overrides, fragment", [
    ({"SECRET_KEY": None}, "EVENTSYS_SECRET_KEY is not set"),
    ({"SECRET_KEY": "dev"}, "EVENTSYS_SECRET_KEY is weak"),
    ({"SECRET_KEY": "a" * 40}, "EVENTSYS_SECRET_KEY is weak"),
    ({"DEBUG": True}, "DEBUG is on in production"),
])
def test_production_refuses_unsafe_settings(overrides, fragment):
    settings = {"ENV_NAME": "production", "SECRET_KEY": STRONG, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    settings.update(overrides)
    with pytest.raises(config.ConfigError) as info:
        create_app(settings)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_production_starts_with_strong_key_and_secure_cookies():
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": STRONG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.debug is False
    response = app.test_client().get("/healthz", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_cli_in_production_without_secret_prints_one_line_and_exits_1():
    result = _run_cli({"EVENTSYS_ENV": "production", "EVENTSYS_DATABASE_URL": "sqlite://"}, "routes")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == ["Refusing to start: EVENTSYS_SECRET_KEY is not set "
                     "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')."]


def test_environment_variables_configure_the_app(tmp_path):
    code = ("from eventsys import create_app; a = create_app(); "
            "print(a.config['ENV_NAME'], a.config['SQLALCHEMY_DATABASE_URI'], a.config['MAIL_URL'], "
            "a.config['BASE_URL'], a.config['RATELIMIT_STORAGE_URI'])")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSYS_")}
    env.update({"EVENTSYS_ENV": "production", "EVENTSYS_SECRET_KEY": STRONG,
                "EVENTSYS_DATABASE_URL": "postgresql://u:p@db/eventsys",
                "EVENTSYS_MAIL_URL": "smtp://u:p@mail:587?starttls=1",
                "EVENTSYS_BASE_URL": "https://events.example.org",
                "EVENTSYS_RATELIMIT_STORAGE_URL": "memory://"})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["production", "postgresql+psycopg://u:p@db/eventsys",
                                  "smtp://u:p@mail:587?starttls=1", "https://events.example.org", "memory://"]


def test_default_environment_is_development_with_sqlite_in_instance_folder():
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSYS_")}
    code = "from eventsys import create_app; a = create_app(); print(a.config['ENV_NAME'], a.config['SQLALCHEMY_DATABASE_URI'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    name, url = out.stdout.split()
    assert name == "development"
    assert url.startswith("sqlite:///") and url.endswith("instance/eventsys.db")


def test_unknown_environment_name_is_refused():
    with pytest.raises(config.ConfigError, match="Unknown EVENTSYS_ENV"):
        create_app("staging")


@pytest.mark.parametrize("given, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
    (None, None),
])
def test_normalise_database_url(given, expected):
    assert config.normalise_database_url(given) == expected


@pytest.mark.parametrize("workers, storage, refused", [
    ("4", "memory://", True), ("1", "memory://", False), ("", "memory://", False),
    ("4", "redis://localhost:6379", False),
])
def test_production_refuses_per_process_limiter_storage_with_several_workers(monkeypatch, workers, storage, refused):
    monkeypatch.setenv("WEB_CONCURRENCY", workers)
    settings = {"SECRET_KEY": STRONG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URI": storage}
    if not refused:
        config.check_production(settings)
        return
    with pytest.raises(config.ConfigError) as info:
        config.check_production(settings)
    assert str(info.value) == ("Refusing to start: EVENTSYS_RATELIMIT_STORAGE_URL is memory://, which is per "
                               "process, but WEB_CONCURRENCY is 4 (use a shared storage such as redis://).")
