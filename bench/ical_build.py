"""Micro benchmark: build the iCalendar feed of a 300-slot agenda (3 days, 10 rooms).

Prints ``figure ical_build_300_slots_ms = X ms target < 60`` with X the median of warm
builds (the VTIMEZONE is cached per zone), and the first, cold build for reference.
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsys.ical.build import CalendarSlot, FeedMeta, SpeakerLine, build_agenda_ics  # noqa: E402

KINDS = ("plenary", "keynote", "panel", "working_group", "break", "social", "other")
DESCRIPTION = ("Wie können Städte, Regionen und Länder gemeinsam handeln? Diese Sitzung "
               "stellt Ergebnisse vor; danach Diskussion, Fragen und Antworten — mit "
               "Beiträgen aus Lyon, Kraków and São Paulo. ") * 3


def make_slots(count: int = 300, rooms: int = 10, days: int = 3) -> list[CalendarSlot]:
    per_day = count // days
    slots = []
    for index in range(count):
        day, rest = divmod(index, per_day)
        room, hour = divmod(rest, per_day // rooms)
        start = datetime(2025, 3, 28 + day, 7, 0) + timedelta(minutes=45 * hour)
        slots.append(CalendarSlot(
            uid=f"5f0c6a0e-1b1e-4a53-9c55-{index:012d}", title=f"Session {index}: Cities, regions; and states",
            kind=KINDS[index % len(KINDS)], starts_at_utc=start, ends_at_utc=start + timedelta(minutes=40),
            tz="Europe/Madrid", last_modified_utc=datetime(2025, 2, 1, 12, index % 60),
            revision=index % 4, status="cancelled" if index % 37 == 0 else "scheduled",
            created_utc=datetime(2025, 1, 10, 9, 0), description=DESCRIPTION,
            speakers=(SpeakerLine("Ana Pérez", "Chair", "Universidad Complutense de Madrid"),
                      SpeakerLine("Jan Nowak", "Speaker", "Uniwersytet Jagielloński")),
            guiding_question="What should change first?" if index % 7 == 3 else None,
            room=f"Sala {room + 1}", venue="Palacio de Congresos, Paseo de la Castellana 99",
            city="Madrid", online_link=f"https://meet.example.org/r/{room + 1}",
            url=f"https://events.example.org/e/42/agenda/{index}",
            organizer_email="contact@example.org", organizer_name="Programme committee"))
    return slots


def main() -> None:
    meta = FeedMeta(name="Urban Futures 2025", description="Agenda",
                    url="https://events.example.org/e/42")
    slots = make_slots()
    began = time.perf_counter()
    size = len(build_agenda_ics(meta, slots, "in_person"))
    cold = (time.perf_counter() - began) * 1000
    runs = []
    for _ in range(40):
        began = time.perf_counter()
        build_agenda_ics(meta, slots, "in_person")
        runs.append((time.perf_counter() - began) * 1000)
    print(f"ical build: {len(slots)} slots, {size} bytes, cold {cold:.1f} ms, "
          f"warm best {min(runs):.1f} ms")
    print(f"figure ical_build_300_slots_ms = {statistics.median(runs):.1f} ms target < 60")


if __name__ == "__main__":
    main()
