"""Benchmark: the iCal feeds of a 300-slot event (10 rooms, 3 days), through gunicorn.

Builds its own data on a fresh database (SQLite in a temporary folder; PostgreSQL when
EVENTSYS_BENCH_DATABASE_URL is set, as bench/agenda.py does): the scaled demo event and a
participant registered (confirmed, in person) with a personal feed token. Counts the
queries of each feed in-process (Flask test client, before_cursor_execute), then starts
gunicorn with 2 sync workers on 127.0.0.1 and measures, sequentially, for the event feed
and the personal feed:

- fresh: each request follows a version bump written straight to the database
  (UPDATE event SET content_version = content_version + 1; not timed), so the worker that
  answers must rebuild the feed;
- warm: repeated GETs (the bytes come from the worker's cache after one version query);
- 304: GETs with If-None-Match;

and /healthz as the trivial reference, interleaved in the same run. Then requests per
second for each with 4 client processes for 3 s. Prints one ``figure`` line per figure.

Usage: python bench/ical.py
"""
from __future__ import annotations

import contextlib
import http.client
import statistics
import sys
import multiprocessing
import time

from sqlalchemy import create_engine, event, text

from harness import bench_database, gunicorn, make_app

SLOTS, ROOMS, DAYS = 300, 10, 3
EVENT_FEED, HEALTH = "/events/demo/agenda.ics", "/healthz"
WARMUP, REQUESTS, FRESH_REQUESTS = 20, 200, 40
RPS_CLIENTS, RPS_SECONDS = 4, 3.0


def main() -> int:
    import secrets
    import tempfile
    secret = secrets.token_hex(32)
    with tempfile.TemporaryDirectory(prefix="eventsys-bench-") as tmp, bench_database(tmp) as (url, label):
        print(f"bench ical: {label}; {SLOTS} slots, {ROOMS} rooms, {DAYS} days; gunicorn 2 sync workers; "
              f"{REQUESTS} warm/304 and {FRESH_REQUESTS} fresh requests per feed, sequential; "
              f"rps with {RPS_CLIENTS} client processes x {RPS_SECONDS:.0f} s")
        personal_feed, queries, cold_ms = prepare(url, secret)
        feeds = {"event": EVENT_FEED, "personal": personal_feed}
        engine = create_engine(url)
        try:
            with gunicorn(url, secret) as port:
                results = measure(port, feeds, lambda: bump(engine), url)
        finally:
            engine.dispose()
    report(results, queries, cold_ms)
    return 0


def prepare(url: str, secret: str) -> tuple[str, dict, float]:
    """Schema, demo event, participant and token; queries per feed, and one cold build
    (the first in a process: nothing cached, Markdown rendered for every slot)."""
    from eventsys.auth.models import User
    from eventsys.demo import build_scaled_event
    from eventsys.extensions import db
    from eventsys.ical import tokens
    from eventsys.registration.models import Registration

    app = make_app(url, secret)
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo = build_scaled_event(SLOTS, ROOMS, DAYS)
        user = User(email="participant@example.org", name="Pat Participant", password_hash="-")
        db.session.add(user)
        db.session.flush()
        db.session.add(Registration(event_id=demo.id, user_id=user.id, mode="in_person", status="confirmed"))
        db.session.commit()
        personal_feed = f"/calendar/{tokens.calendar_token(user)}.ics"
        client = app.test_client()
        started = time.perf_counter()
        status = client.get(EVENT_FEED).status_code
        cold_ms = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"GET {EVENT_FEED} answered {status} in-process")
        queries = {}
        for name, path in (("event", EVENT_FEED), ("personal", personal_feed)):
            bump(db.engine)
            queries[name] = count_queries(db.engine, lambda: client.get(path))
            queries[name + "_warm"] = count_queries(db.engine, lambda: client.get(path))
            queries[name + "_in_process"] = in_process(client, path, db.engine)
        queries["healthz_in_process"] = in_process(client, HEALTH, None)
        db.session.remove()
        db.engine.dispose()
    return personal_feed, queries, cold_ms


def in_process(client, path: str, engine) -> dict[str, float]:
    """Medians through the test client (no network, no gunicorn): less sensitive to a busy
    machine than the HTTP figures, and a floor for them."""
    def timed(bump_first: bool) -> float:
        if bump_first:
            bump(engine)
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        return time.perf_counter() - started
    result = {"warm": median_ms([timed(False) for _ in range(REQUESTS)])}
    if engine is not None:
        result["fresh"] = median_ms([timed(True) for _ in range(FRESH_REQUESTS)])
    return result


def count_queries(engine, request) -> int:
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert request().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def bump(engine) -> None:
    """What an edit does to the feeds' version, written directly (not timed)."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE event SET content_version = content_version + 1 WHERE slug = 'demo'"))


class Client:
    """One keep-alive-capable connection; gunicorn's sync workers close it after each
    response, and http.client then reconnects for the next request."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, float, http.client.HTTPResponse, bytes]:
        started = time.perf_counter()
        self.conn.request("GET", path, headers=headers or {})
        response = self.conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, response, body

    def close(self) -> None:
        self.conn.close()


def measure(port: int, feeds: dict[str, str], bump_version, database_url: str) -> dict:
    client = Client(port)
    etags, results = {}, {"times": {}, "rps": {}, "sizes": {}}
    for name, path in feeds.items():
        for _ in range(WARMUP):  # both workers build, cache, and render Markdown once
            bump_version()
            client.get(path)
            client.get(path)
        status, _, response, body = client.get(path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status} through gunicorn")
        etags[name], results["sizes"][name] = response.getheader("ETag"), len(body)
    times: dict[str, list[float]] = {key: [] for key in
                                     ("healthz", *(f"{n}_{k}" for n in feeds for k in ("fresh", "warm", "304")))}
    for name, path in feeds.items():
        for _ in range(FRESH_REQUESTS):
            bump_version()
            times[f"{name}_fresh"].append(expect(client.get(path), 200))
            times["healthz"].append(expect(client.get(HEALTH), 200))
        etags[name] = client.get(path)[2].getheader("ETag")
        for i in range(REQUESTS):
            order = [("warm", None), ("304", {"If-None-Match": etags[name]})]
            for kind, headers in (order if i % 2 == 0 else order[::-1]):
                times[f"{name}_{kind}"].append(expect(client.get(path, headers), 200 if kind == "warm" else 304))
            times["healthz"].append(expect(client.get(HEALTH), 200))
    client.close()
    results["times"] = times
    for name, path in feeds.items():
        results["rps"][f"{name}_warm"] = rps(port, path)
        results["rps"][f"{name}_304"] = rps(port, path, {"If-None-Match": etags[name]})
        results["rps"][f"{name}_fresh"] = rps(port, path, database_url=database_url)
    results["rps"]["healthz"] = rps(port, HEALTH)
    return results


def expect(result, status: int) -> float:
    if result[0] != status:
        raise SystemExit(f"expected {status}, got {result[0]}")
    return result[1]


def rps(port: int, path: str, headers: dict | None = None, database_url: str | None = None) -> float:
    """Requests per second with RPS_CLIENTS client processes (threads would share one GIL
    and measure the client) for RPS_SECONDS. With ``database_url`` every request follows a
    version bump; the bump's own time is left out of the wall time."""
    with multiprocessing.get_context("fork").Pool(RPS_CLIENTS) as pool:
        results = pool.starmap(_load, [(port, path, headers, database_url)] * RPS_CLIENTS)
    if any(error for _, _, error in results):
        raise SystemExit(f"GET {path} answered {next(e for _, _, e in results if e)} under load")
    done = sum(count for count, _, _ in results)
    bumping = sum(seconds for _, seconds, _ in results) / RPS_CLIENTS
    return done / (RPS_SECONDS - bumping)


def _load(port: int, path: str, headers: dict | None, database_url: str | None) -> tuple[int, float, int]:
    """One client process: (requests done, seconds spent bumping, first bad status or 0)."""
    engine = create_engine(database_url) if database_url else None
    client, done, bumped = Client(port), 0, 0.0
    deadline = time.perf_counter() + RPS_SECONDS
    try:
        while time.perf_counter() < deadline:
            if engine is not None:
                started = time.perf_counter()
                bump(engine)
                bumped += time.perf_counter() - started
            status = client.get(path, headers)[0]
            if status not in (200, 304):
                return done, bumped, status
            done += 1
    finally:
        client.close()
        if engine is not None:
            engine.dispose()
    return done, bumped, 0


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def report(results: dict, queries: dict, cold_ms: float) -> None:
    times, rates = results["times"], results["rps"]
    health = median_ms(times["healthz"])
    targets = {"fresh": " target < 150", "warm": " target < 5", "304": ""}
    for name in ("event", "personal"):
        for kind in ("fresh", "warm", "304"):
            print(f"figure ical_{name}_{kind}_median_ms = {median_ms(times[f'{name}_{kind}']):.1f} ms{targets[kind]}")
        print(f"figure ical_{name}_warm_rps = {rates[f'{name}_warm']:.0f} req/s target > 500")
        print(f"figure ical_{name}_fresh_rps = {rates[f'{name}_fresh']:.0f} req/s")
        print(f"figure ical_{name}_304_rps = {rates[f'{name}_304']:.0f} req/s")
        print(f"figure ical_{name}_warm_to_healthz_ratio = {median_ms(times[f'{name}_warm']) / health:.1f} x")
        print(f"figure ical_{name}_warm_rps_to_healthz_rps = {rates[f'{name}_warm'] / rates['healthz']:.2f} x")
        print(f"figure ical_{name}_feed_size_kb = {results['sizes'][name] / 1024:.0f} KB")
    for name in ("event", "personal"):
        timings = queries[name + "_in_process"]
        print(f"figure ical_{name}_fresh_in_process_ms = {timings['fresh']:.1f} ms")
        print(f"figure ical_{name}_warm_in_process_ms = {timings['warm']:.2f} ms")
    print(f"figure healthz_in_process_ms = {queries['healthz_in_process']['warm']:.2f} ms")
    print(f"figure ical_feed_queries = {max(queries['event'], queries['personal'])} queries target <= 5")
    print(f"figure ical_feed_warm_queries = {max(queries['event_warm'], queries['personal_warm'])} queries")
    print(f"figure ical_event_cold_build_in_process_ms = {cold_ms:.0f} ms")
    print(f"figure healthz_median_ms = {health:.2f} ms")
    print(f"figure healthz_rps = {rates['healthz']:.0f} req/s")
    print("note: gunicorn's sync workers close the connection after each response, so every timed "
          "request includes a loopback TCP connect (healthz too); peers on this machine: pretalx iCal "
          "300-430 ms, Indico iCal 305 ms cold / 140 ms warm")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
