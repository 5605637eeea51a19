"""The built wheel carries the root templates/ and migrations/ and config.py, and the
app renders pages from the wheel's layout (not from the checkout)."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                             "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return next(out.glob("eventsys-*.whl"))


def test_wheel_contains_templates_migrations_and_config(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "config.py" in names
    assert "eventsys/templates/base.html" in names
    assert "eventsys/templates/auth/login.html" in names
    assert "eventsys/migrations/env.py" in names
    assert any(n.startswith("eventsys/migrations/versions/0001") for n in names)
    assert "eventsys/static/css/eventsys.css" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_app_from_wheel_renders_its_own_templates(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("import eventsys; from eventsys import create_app; "
            "app = create_app({'ENV_NAME': 'testing'}); "
            "print(app.template_folder); "
            "print(app.test_client().get('/auth/login').status_code)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSYS_")}
    env["PYTHONPATH"] = str(target)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    folder, status = result.stdout.split()
    assert folder == str(target / "eventsys" / "templates")
    assert status == "200"
