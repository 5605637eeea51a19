"""The lock files: exact versions, with hashes, of everything ``make run`` and ``make test``
install.

    python tools/lock.py write   # re-resolve from PyPI (needs pip-tools; `make lock` does it)
    python tools/lock.py check   # exit 1 when pyproject.toml's dependencies changed since

``requirements.lock`` holds the run-time dependencies, ``requirements-test.lock`` those plus
the ``test`` extra. Both are resolved from PyPI alone (this machine's pip configuration,
which may add local indexes, is ignored) for the Python that runs ``write``. Each starts
with a line naming the SHA-256 of the dependency lists it was built from; ``check``
recomputes it, so a change to pyproject.toml without ``make lock`` fails CI.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LOCKS = {"requirements.lock": [], "requirements-test.lock": ["--extra", "test"]}
MARK = "# built from pyproject.toml dependencies sha256="
INDEX = "https://pypi.org/simple"


def dependency_digest(pyproject: Path = PYPROJECT) -> str:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lists = {"requires-python": project.get("requires-python"),
             "dependencies": sorted(project.get("dependencies", [])),
             "optional-dependencies": {name: sorted(deps) for name, deps
                                       in sorted(project.get("optional-dependencies", {}).items())}}
    return hashlib.sha256(json.dumps(lists, sort_keys=True).encode()).hexdigest()


def recorded_digest(lock: Path) -> str | None:
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(MARK):
            return line[len(MARK):].strip()
    return None


def stale_locks(root: Path = ROOT) -> list[str]:
    """The lock files that are missing or were not built from pyproject.toml as it is."""
    digest = dependency_digest(root / "pyproject.toml")
    return [name for name in LOCKS if recorded_digest(root / name) != digest]


def write() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k == "PIP_CERT"}
    env["PIP_CONFIG_FILE"] = os.devnull
    digest = dependency_digest()
    for name, extra in LOCKS.items():
        out = ROOT / name
        out.unlink(missing_ok=True)  # resolve afresh: newest versions that fit pyproject.toml
        subprocess.run([sys.executable, "-m", "piptools", "compile", "--quiet", "--generate-hashes",
                        "--strip-extras", "--allow-unsafe", "--no-emit-index-url", "--no-emit-find-links",
                        "--index-url", INDEX, *extra, "--output-file", name, "pyproject.toml"],
                       cwd=ROOT, env=env, check=True)
        out.write_text(f"{MARK}{digest}\n" + out.read_text(encoding="utf-8"), encoding="utf-8")
        print(f"wrote {name}")


def check() -> int:
    stale = stale_locks()
    for name in stale:
        print(f"{name} does not match pyproject.toml's dependencies: run `make lock` and commit it",
              file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "write":
        write()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
