"""Benchmark: the results page of a feedback form with 5,000 responses, and the page that
compares the sessions, through the Flask test client.

Builds its own data on a fresh database (SQLite in a temporary folder; PostgreSQL when
EVENTSYS_BENCH_DATABASE_URL is set: a fresh database next to the one named there, dropped
afterwards, or, without the right to create one, the named database with all its tables
dropped and created again): 5,000 participants registered to one event (80% of them with
attendance recorded), its 20 default feedback forms (the event's and 19 sessions'), and
20,000 responses (everyone answers the event's form; 15,000 responses spread over the
sessions' forms) written as the demo writes them. Then, logged in as the organiser, it
warms up and times GET requests of the results page of the biggest form and of the
comparison page (medians), and counts each page's queries. Prints one ``figure`` line per
figure.

Usage: python bench/feedback.py
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import event as sa_event, insert, select

from harness import bench_database, make_app

PARTICIPANTS, FORMS, RESPONSES = 5_000, 20, 20_000
WARMUP, REQUESTS = 3, 21
KINDS = ("plenary", "keynote", "panel", "working_group")


def build(rng: random.Random):
    """The event, its forms and the responses; returns (organiser, event slug, biggest form id)."""
    from eventsys.agenda.models import AgendaSlot
    from eventsys.auth.models import User
    from eventsys.events.models import Event, EventRole
    from eventsys.extensions import db
    from eventsys.feedback.answering import questions_of
    from eventsys.feedback.demo import insert_responses
    from eventsys.feedback.services import ensure_default_forms, event_forms
    from eventsys.registration.models import Registration

    organiser = User(email="organiser@example.org", name="Olga Organiser", password_hash="!")
    start = date.today() - timedelta(days=3)
    event = Event(slug="bench", title="Feedback benchmark workshop", start_date=start, end_date=start + timedelta(days=1),
                  timezone="Europe/Madrid", status="published")
    db.session.add_all([organiser, event])
    db.session.flush()
    db.session.add(EventRole(event_id=event.id, user_id=organiser.id, email=organiser.email, role="owner"))
    for i in range(FORMS - 1):
        begins = datetime.combine(start + timedelta(days=i // 10), datetime.min.time()) + timedelta(hours=7 + i % 10)
        db.session.add(AgendaSlot(event_id=event.id, kind=KINDS[i % len(KINDS)], title=f"Session {i + 1:02d}",
                                  starts_at=begins, ends_at=begins + timedelta(minutes=50)))
    db.session.execute(insert(User), [{"email": f"p{i}@example.org", "name": f"Participant {i}", "password_hash": "!"}
                                      for i in range(PARTICIPANTS)])
    user_ids = db.session.scalars(select(User.id).where(User.id != organiser.id).order_by(User.id)).all()
    now = datetime.utcnow()
    db.session.execute(insert(Registration), [
        {"event_id": event.id, "user_id": uid, "mode": "in_person" if i % 3 else "online", "status": "confirmed",
         "qr_token": uuid.uuid4().hex, "checked_in_at": now if i % 3 and i % 5 else None,
         "attended_online": not i % 3 and bool(i % 5)} for i, uid in enumerate(user_ids)])
    db.session.commit()
    ensure_default_forms(event)
    registration_ids = db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)).all()
    forms = event_forms(event)
    per_session = (RESPONSES - PARTICIPANTS) // (len(forms) - 1)
    for form in forms:
        count = PARTICIPANTS if form.slot_id is None else per_session
        if form is forms[-1]:
            count += (RESPONSES - PARTICIPANTS) - per_session * (len(forms) - 1)
        insert_responses(form, questions_of(form), rng.sample(registration_ids, count), rng, now)
    db.session.commit()
    assert len(forms) == FORMS
    return organiser, event.slug, forms[0].id


def timed(client, url: str, statements: list) -> tuple[float, int, int]:
    """(median ms, queries of one request, status)."""
    for _ in range(WARMUP):
        client.get(url, base_url="https://localhost")
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url, base_url="https://localhost")
        times.append((time.perf_counter() - started) * 1000)
    statements.clear()
    status = client.get(url, base_url="https://localhost").status_code
    return statistics.median(times), len(statements), status


def main() -> int:
    from eventsys.extensions import db

    with tempfile.TemporaryDirectory(prefix="eventsys-bench-") as tmp, bench_database(tmp) as (url, label):
        print(f"bench feedback: {label}; {PARTICIPANTS} participants, {FORMS} forms, {RESPONSES} responses; "
              f"test client, {REQUESTS} timed requests per page after {WARMUP} warm-up")
        app = make_app(url)
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            organiser, slug, form_id = build(random.Random(20260501))
            print(f"note: data built in {time.perf_counter() - started:.1f} s")
            session_id = organiser.get_id()
            db.session.remove()
            client = app.test_client()
            with client.session_transaction(base_url="https://localhost") as session:
                session["_user_id"], session["_fresh"] = session_id, True
            statements: list = []
            sa_event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
            results = timed(client, f"/events/{slug}/manage/feedback/{form_id}/results", statements)
            compare = timed(client, f"/events/{slug}/manage/feedback/compare", statements)
            db.engine.dispose()
    ok = True
    for name, (median, queries, status) in (("feedback_results", results), ("feedback_compare", compare)):
        if status != 200:
            print(f"error: {name} answered {status}")
            ok = False
        print(f"figure {name}_median_ms = {median:.1f} ms target < 300")
        print(f"figure {name}_queries = {queries} queries target <= 15")
        ok = ok and median < 300 and queries <= 15
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
