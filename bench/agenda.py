"""Benchmark: the public agenda page of a 300-slot event, through gunicorn.

Builds its own data on a fresh database (SQLite in a temporary folder; PostgreSQL when
EVENTSYS_BENCH_DATABASE_URL is set: a fresh database next to the one named there, or, when
that cannot be created, the named database with all its tables dropped and created again),
creates the scaled demo event (300 slots, 10 rooms, 3 days, 250 speakers), starts gunicorn
with 2 workers on 127.0.0.1, warms up, then times sequential requests to the agenda page and
to /healthz (the trivial reference) interleaved in the same run. The query count comes from
the Flask test client on the same database. Prints one ``figure`` line per figure.

Usage: python bench/agenda.py   (or: make bench)
"""
from __future__ import annotations

import http.client
import secrets
import statistics
import sys
import tempfile
import time

from sqlalchemy import event

from harness import HEALTH, bench_database, gunicorn, make_app

SLOTS, ROOMS, DAYS, SPEAKERS = 300, 10, 3, 250
AGENDA = "/events/demo/agenda"
WARMUP, REQUESTS = 20, 200
MEASURE_BUDGET_S = 60  # stop early on a very slow page, so the whole run stays under 2 minutes


def main() -> int:
    secret = secrets.token_hex(32)
    with tempfile.TemporaryDirectory(prefix="eventsys-bench-") as tmp, bench_database(tmp) as (url, label):
        print(f"bench agenda: {label}; {SLOTS} slots, {ROOMS} rooms, {DAYS} days, {SPEAKERS} speakers; "
              f"gunicorn 2 workers; {REQUESTS} requests each to {AGENDA} and {HEALTH}, interleaved")
        build_s, queries, in_process_status = prepare(url, secret)
        print(f"figure scaled_demo_build_ms = {build_s * 1000:.0f} ms target < 2000")
        with gunicorn(url, secret) as port:
            timings = measure(port)
    return report(timings, queries, in_process_status)


def prepare(url: str, secret: str) -> tuple[float, int | None, int]:
    """Create the schema and the event; count the agenda page's queries in-process.
    Returns (build seconds, queries or None when the page is not 200, status)."""
    from eventsys.demo import build_scaled_event
    from eventsys.extensions import db

    app = make_app(url, secret)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        build_scaled_event(SLOTS, ROOMS, DAYS, SPEAKERS)
        db.session.commit()
        build_s = time.perf_counter() - started
        db.session.remove()
        client = app.test_client()
        client.get(AGENDA)  # the first request compiles templates and fills caches
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            status = client.get(AGENDA).status_code
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.remove()
        db.engine.dispose()
    return build_s, (len(statements) if status == 200 else None), status


def measure(port: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(path: str) -> tuple[int, int, float, str]:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body), time.perf_counter() - started, response.getheader("Connection", "")

    agenda_status, size, _, connection = get(AGENDA)
    paths = [HEALTH] + ([AGENDA] if agenda_status == 200 else [])
    for _ in range(WARMUP):
        for path in paths:
            get(path)
    times: dict[str, list[float]] = {path: [] for path in paths}
    deadline = time.monotonic() + MEASURE_BUDGET_S
    for i in range(REQUESTS):
        for path in (paths if i % 2 == 0 else paths[::-1]):  # alternate the order: same noise for both
            status, _, seconds, _ = get(path)
            if status != 200:
                raise SystemExit(f"GET {path} answered {status} during the measurement")
            times[path].append(seconds)
        if time.monotonic() > deadline:
            print(f"note: time budget of {MEASURE_BUDGET_S} s reached after {i + 1} requests each")
            break
    conn.close()
    return {"agenda_status": agenda_status, "size": size, "connection": connection, "times": times}


def report(timings: dict, queries: int | None, in_process_status: int) -> int:
    health = timings["times"][HEALTH]
    health_median = statistics.median(health) * 1000
    if "close" in timings["connection"].lower():
        print("note: gunicorn's sync workers close the connection after each response, so every "
              "timed request includes a loopback TCP connect (for both endpoints)")
    status = timings["agenda_status"]
    if status != 200:
        what = "the page is missing (not built yet)" if status == 404 else "the page fails"
        print(f"AGENDA PAGE MISSING: GET {AGENDA} answered {status} through gunicorn "
              f"({in_process_status} in-process): {what}; agenda figures skipped")
        print(f"figure healthz_median_ms = {health_median:.2f} ms")
        return 0 if status == 404 else 1
    agenda = sorted(timings["times"][AGENDA])
    agenda_median = statistics.median(agenda) * 1000
    p95 = agenda[min(len(agenda) - 1, round(0.95 * len(agenda)) - 1)] * 1000
    print(f"figure agenda_page_median_ms = {agenda_median:.1f} ms target < 50")
    print(f"figure agenda_page_p95_ms = {p95:.1f} ms")
    print(f"figure healthz_median_ms = {health_median:.2f} ms")
    print(f"figure agenda_page_to_healthz_ratio = {agenda_median / health_median:.1f} x")
    print(f"figure agenda_page_queries = {queries} queries target <= 10")
    print(f"figure agenda_page_size_kb = {timings['size'] / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
