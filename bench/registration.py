"""Benchmark: registrations per second through the HTTP layer, on PostgreSQL, with
gunicorn (2 workers), and a check that no seat was oversold.

Builds its own data in a fresh PostgreSQL database (a throwaway cluster, or a new
database on EVENTSYS_BENCH_DATABASE_URL's server): a published hybrid event with 200
in-person and 100 online seats and 600 accounts. Every account logs in through the real
log-in form (CSRF included); then 8 client threads submit the registration form for all
600 at once (two thirds in person). Prints figure lines, and exits 1 if any seat was
oversold or a registration went missing or was duplicated.

Usage: python bench/registration.py   (or: make bench)
"""
from __future__ import annotations

import http.client
import re
import secrets
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from urllib.parse import urlencode

from harness import figure, gunicorn, postgres_database

PEOPLE, IN_PERSON_SEATS, ONLINE_SEATS, THREADS = 600, 200, 100, 8
SLUG, PASSWORD = "bench-registration", "bench-password-123"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def prepare(url: str, secret: str) -> None:
    from eventsys import create_app
    from eventsys.auth.passwords import hash_password
    from eventsys.auth.models import User
    from eventsys.events.models import Event
    from eventsys.extensions import db
    from eventsys.registration.models import RegistrationSettings

    app = create_app({"ENV_NAME": "production", "SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        start = date.today() + timedelta(days=30)
        event = Event(slug=SLUG, title="Registration benchmark", start_date=start, end_date=start,
                      timezone="Europe/Madrid", format="hybrid", status="published")
        db.session.add(event)
        db.session.flush()
        db.session.add(RegistrationSettings(event_id=event.id, is_open=True, in_person_capacity=IN_PERSON_SEATS,
                                            online_capacity=ONLINE_SEATS))
        hashed = hash_password(PASSWORD)
        db.session.add_all([User(email=f"bench{i}@example.org", name=f"Bench {i}", password_hash=hashed)
                            for i in range(PEOPLE)])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class Browser:
    """One person: keeps their cookies and CSRF token over a keep-alive connection."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for _attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # gunicorn's sync workers close after each response
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def log_in(self, email: str) -> None:
        _, page = self.request("GET", "/auth/login")
        self.token = TOKEN.search(page).group(1)
        status, _ = self.request("POST", "/auth/login", {"csrf_token": self.token, "email": email,
                                                         "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"log-in of {email} answered {status}")


def run(port: int) -> tuple[float, list[float], list[int]]:
    browsers = [Browser(port) for _ in range(PEOPLE)]

    def log_in_share(t: int):  # set-up, not timed: Argon2id makes each log-in cost ~0.1 s
        for i in range(t, PEOPLE, THREADS):
            browsers[i].log_in(f"bench{i}@example.org")

    login_threads = [threading.Thread(target=log_in_share, args=(t,)) for t in range(THREADS)]
    for t in login_threads:
        t.start()
    for t in login_threads:
        t.join()
    durations, statuses, lock = [], [], threading.Lock()
    start_line = threading.Barrier(THREADS)

    def worker(mine: list[tuple[int, Browser]]):
        start_line.wait()
        for i, browser in mine:
            form = {"csrf_token": browser.token, "mode": "online" if i % 3 == 2 else "in_person",
                    "consent_privacy": "y"}
            started = time.perf_counter()
            status, _ = browser.request("POST", f"/events/{SLUG}/register", form)
            elapsed = time.perf_counter() - started
            with lock:
                durations.append(elapsed)
                statuses.append(status)

    shares = [[(i, b) for i, b in enumerate(browsers) if i % THREADS == t] for t in range(THREADS)]
    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began, durations, statuses


def verify(url: str) -> dict:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT mode, status, count(*) FROM registration GROUP BY mode, status")).all()
        taken = conn.execute(text("SELECT in_person_taken, online_taken FROM registration_settings")).one()
        total = conn.execute(text("SELECT count(*), count(DISTINCT user_id) FROM registration")).one()
    engine.dispose()
    counts = {(mode, status): n for mode, status, n in rows}
    return {"counts": counts, "taken": tuple(taken), "total": tuple(total)}


def main() -> int:
    secret = secrets.token_hex(32)
    with postgres_database() as url:
        prepare(url, secret)
        print(f"bench registration: PostgreSQL, gunicorn 2 workers, {PEOPLE} people, {THREADS} client threads, "
              f"{IN_PERSON_SEATS} in-person + {ONLINE_SEATS} online seats", flush=True)
        extra = {"EVENTSYS_RATELIMIT_LOGIN": "100000 per minute"}
        with gunicorn(url, secret, workers=2, extra_env=extra) as port:
            elapsed, durations, statuses = run(port)
        result = verify(url)
    counts = result["counts"]
    confirmed_in = counts.get(("in_person", "confirmed"), 0)
    confirmed_on = counts.get(("online", "confirmed"), 0)
    oversold = max(0, confirmed_in - IN_PERSON_SEATS) + max(0, confirmed_on - ONLINE_SEATS)
    figure("registrations_per_second", round(PEOPLE / elapsed, 1), "req/s")
    figure("registration_median_ms", statistics.median(durations) * 1000, "ms")
    figure("registration_p95_ms", sorted(durations)[int(len(durations) * 0.95) - 1] * 1000, "ms")
    figure("registration_confirmed_in_person", confirmed_in, "registrations", f"= {IN_PERSON_SEATS}")
    figure("registration_confirmed_online", confirmed_on, "registrations", f"= {ONLINE_SEATS}")
    figure("registration_waitlisted", counts.get(("in_person", "waitlisted"), 0)
           + counts.get(("online", "waitlisted"), 0), "registrations", f"= {PEOPLE - IN_PERSON_SEATS - ONLINE_SEATS}")
    figure("registration_oversold_seats", oversold, "seats", "= 0")
    bad = [s for s in statuses if s != 302]
    ok = (oversold == 0 and not bad and result["total"] == (PEOPLE, PEOPLE)
          and result["taken"] == (IN_PERSON_SEATS, ONLINE_SEATS) and confirmed_in == IN_PERSON_SEATS
          and confirmed_on == ONLINE_SEATS)
    if not ok:
        print(f"FAILED: statuses other than 302: {len(bad)}; rows {result}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
