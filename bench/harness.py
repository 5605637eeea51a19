"""Shared pieces of the benchmarks: a fresh database (SQLite, or PostgreSQL when
EVENTSYS_BENCH_DATABASE_URL is set), a throwaway PostgreSQL cluster, the production app,
gunicorn on a free loopback port (started, waited for until /healthz answers, stopped),
and figure lines in the agreed format.

Every bench/*.py that needs one of these imports it from here."""
from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from eventsys.config import normalise_database_url  # noqa: E402

HEALTH = "/healthz"
START_TIMEOUT_S = 30


def postgres_bin() -> Path | None:
    """The bin folder of the newest PostgreSQL Debian installed (/usr/lib/postgresql/<major>)."""
    majors = sorted((p for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")),
                    key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return majors[-1].parent if majors else None


def figure(name: str, value, unit: str, target: str = "") -> None:
    """Print one figure line: ``figure <name> = <value> <unit> [target …]``."""
    text_value = f"{value:.1f}" if isinstance(value, float) else str(value)
    print(f"figure {name} = {text_value} {unit}" + (f" target {target}" if target else ""), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def throwaway_postgres():
    """Start a private PostgreSQL cluster (as the postgres user; initdb refuses root) and
    yield its URL; stop and remove it afterwards."""
    pgbin = postgres_bin()
    if pgbin is None:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), "
                         "or set EVENTSYS_BENCH_DATABASE_URL")
    tmp = tempfile.mkdtemp(prefix="eventsys-bench-pg-")
    shutil.chown(tmp, "postgres")
    port = free_port()
    run = lambda *cmd: subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True,  # noqa: E731
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run(str(pgbin / "initdb"), "-D", f"{tmp}/data", "-A", "trust", "-U", "postgres")
    run(str(pgbin / "pg_ctl"), "-D", f"{tmp}/data", "-l", f"{tmp}/log", "-w", "start", "-o",
        f"-k {tmp} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            run(str(pgbin / "pg_ctl"), "-D", f"{tmp}/data", "-m", "fast", "stop")
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def fresh_postgres_database(base_url: str):
    """A new, empty database on the server of ``base_url``; dropped afterwards."""
    url = make_url(normalise_database_url(base_url))
    name = f"eventsys_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def postgres_database():
    """EVENTSYS_BENCH_DATABASE_URL's server when set, else a throwaway cluster."""
    base = os.environ.get("EVENTSYS_BENCH_DATABASE_URL")
    if base:
        with fresh_postgres_database(base) as url:
            yield url
        return
    with throwaway_postgres() as server, fresh_postgres_database(server) as url:
        yield url


@contextlib.contextmanager
def bench_database(tmp: str):
    """Yield (url, label) of an empty database; remove it afterwards. SQLite in ``tmp``, or,
    when EVENTSYS_BENCH_DATABASE_URL is set, a fresh PostgreSQL database next to the one
    named there (without the right to create one: the named database itself; the caller
    drops and creates the tables)."""
    base = normalise_database_url(os.environ.get("EVENTSYS_BENCH_DATABASE_URL") or None)
    if not base:
        yield "sqlite:///" + str(Path(tmp) / "bench.db"), "SQLite (temporary file)"
        return
    url = make_url(base)
    name = f"{url.database or 'eventsys'}_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no CREATEDB right: reuse the named database, emptied
        admin.dispose()
        print(f"note: cannot create a database ({error.__class__.__name__}); "
              f"dropping and creating all tables in {url.database} instead")
        yield base, f"PostgreSQL {url.database} (tables recreated)"
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False), f"PostgreSQL (fresh database {name})"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(url: str, secret: str | None = None):
    """The app as production runs it (rate limits in memory), on ``url``."""
    import secrets

    from eventsys import create_app
    return create_app({"ENV_NAME": "production", "DEBUG": False, "SECRET_KEY": secret or secrets.token_hex(32),
                       "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_STORAGE_URI": "memory://"})


@contextlib.contextmanager
def gunicorn(url: str, secret: str, workers: int = 2, extra_env: dict | None = None):
    """gunicorn serving ``eventsys:create_app()`` in production mode on a free port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSYS_")}
    env.update(EVENTSYS_ENV="production", EVENTSYS_SECRET_KEY=secret, EVENTSYS_DATABASE_URL=url,
               EVENTSYS_RATELIMIT_STORAGE_URL="memory://", EVENTSYS_BASE_URL=f"http://127.0.0.1:{port}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.update(extra_env or {})
    log = tempfile.NamedTemporaryFile(prefix="eventsys-gunicorn-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                             f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(ROOT),
                             "eventsys:create_app()"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_until_healthy(port, proc, Path(log.name))
        yield port
    finally:
        stop(proc)
        log.close()
        os.unlink(log.name)


def wait_until_healthy(port: int, proc: subprocess.Popen, log_path: Path,
                       timeout: float = START_TIMEOUT_S) -> None:
    """Return once GET /healthz answers 200; exit with gunicorn's log if it dies or hangs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}:\n{log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", HEALTH)
            if conn.getresponse().status == 200:
                conn.close()
                return
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer {HEALTH} within {timeout:.0f} s:\n{log_path.read_text()[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    """Stop the gunicorn master we started (it stops its workers); kill its group if it hangs."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
