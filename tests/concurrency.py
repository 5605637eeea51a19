"""The one concurrency helper: run callables at the same moment, each in its own thread,
app context, session and database connection, and return what each one did.

    outcomes = run_together(pooled_app, [lambda: cancel(rid), lambda: cancel(rid)])
    kinds(outcomes)  # ["Conflict", "ok"]

Use the ``pooled_app`` fixture (tests/conftest.py): its pool has a connection per thread.
``assert_counters_match()`` recounts every seat counter from the rows (the same service
as ``eventsys check-seats``) and fails with the drift it finds.
"""
from __future__ import annotations

import threading
from typing import Callable, Iterable

from eventsys.extensions import db

TIMEOUT = 120


def run_together(app, calls: Iterable[Callable[[], object]]) -> list:
    """Run every call in its own thread and app context, released together by a barrier.
    Returns, in the order of ``calls``, each call's return value or the exception it
    raised. The threads' sessions are removed (their connections returned) afterwards."""
    calls = list(calls)
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                outcomes[index] = call()
            except BaseException as exc:  # noqa: BLE001  (handed back to the test)
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a concurrent call hung"
    return outcomes


def run_each(app, work: Callable[[object], object], items: Iterable) -> list:
    """``run_together`` for ``work(item)`` over ``items``."""
    return run_together(app, [(lambda item=item: work(item)) for item in items])


def kinds(outcomes: list, expected: tuple = ()) -> list[str]:
    """Sorted names of the outcomes: "ok" for a returned value, else the exception's class
    name. Raises the first exception that is not a DomainError nor in ``expected``, so an
    unexpected error shows its own traceback instead of a mismatched list."""
    from eventsys.errors import DomainError
    names = []
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, (DomainError, *expected)):
                raise outcome
            names.append(type(outcome).__name__)
        else:
            names.append("ok")
    return sorted(names)


def assert_counters_match() -> None:
    """Every registration and working-group seat counter equals the seats held in the rows
    and stays within its capacity (eventsys.seatcheck.check_seats finds nothing)."""
    from eventsys.seatcheck import check_seats
    db.session.remove()
    drift = check_seats()
    db.session.remove()
    assert not drift, "seat counters drifted:\n" + "\n".join(str(d) for d in drift)
