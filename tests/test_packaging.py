"""The built wheel carries the root templates/ and migrations/, ships the configuration inside
the package (no top-level ``config`` module), and the app renders pages from the wheel's
layout (not from the checkout)."""
from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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
    assert "eventsys/config.py" in names
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


def test_wheel_installs_no_top_level_modules_but_eventsys(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"eventsys"}


def _imported_top_level_names(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"__future__", "eventsys"}


def _declared(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _distributions(module_names: set[str]) -> set[str]:
    owners = importlib.metadata.packages_distributions()
    return {canonicalize_name(owners[name][0]) for name in module_names}


def test_every_package_that_eventsys_imports_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    used = _distributions(_imported_top_level_names(ROOT / "eventsys"))
    assert used - _declared(project["dependencies"]) == set()


def test_test_only_packages_stay_out_of_the_run_time_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    used = _distributions(_imported_top_level_names(ROOT / "eventsys"))
    assert "icalendar" not in used
    assert "icalendar" in _declared(project["optional-dependencies"]["test"])
    assert "icalendar" not in _declared(project["dependencies"])


def _lock_tool():
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lock_files_were_built_from_pyproject_as_it_is():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "lock.py"), "check"],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")


def test_lock_check_fails_when_a_dependency_changes(tmp_path):
    lock = _lock_tool()
    for name in ("pyproject.toml", "requirements.lock", "requirements-test.lock"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    assert lock.stale_locks(tmp_path) == []
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pytest>=8",', '"pytest>=8.1",'))
    assert lock.stale_locks(tmp_path) == ["requirements.lock", "requirements-test.lock"]


def test_lock_files_pin_every_package_with_hashes():
    for name in ("requirements.lock", "requirements-test.lock"):
        entries = [line for line in (ROOT / name).read_text().splitlines() if line and line[0].isalnum()]
        assert entries and all("==" in e and e.endswith("\\") for e in entries), name
    pinned = (ROOT / "requirements-test.lock").read_text()
    assert "\nicalendar==" in pinned and "\nicalendar==" not in (ROOT / "requirements.lock").read_text()
