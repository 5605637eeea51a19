"""The demo event at any size, for benchmarks: ``slots`` agenda slots over ``days`` days and
``rooms`` rooms, deterministic for a given seed, written with bulk inserts.

Each day runs from 08:00 to 20:00 in the event's zone as a sequence of blocks of equal length:
a plenary (in the first room), coffee, lunch, coffee and a plenary, with blocks of parallel
sessions (one per room) between them. No room is ever used twice at the same time, and no
speaker speaks in two parallel sessions of the same block when there are enough speakers.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from eventsys.agenda.models import AgendaSlot, SlotSpeaker, new_uid
from eventsys.auth.models import User
from eventsys.demo_event import DEMO_SLUG, TIMEZONE, demo_start_date, new_event_shell
from eventsys.events.models import Event, Room
from eventsys.extensions import db
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_utc, utcnow

SEED = 20250521
DAY_START = time(8, 0)
DAY_MINUTES = 12 * 60
MIN_BLOCK_MINUTES, MAX_BLOCK_MINUTES = 5, 90
STREAM = "https://meet.example.org/{slug}-plenary"

SPECIALS = [("plenary", "Morning plenary"), ("break", "Coffee break"), ("break", "Lunch"),
            ("break", "Coffee break"), ("plenary", "Afternoon plenary")]
SPECIALS_BY_PRIORITY = [0, 2, 4, 1, 3]  # on a small day, keep the plenaries and lunch first
PARALLEL_KINDS, PARALLEL_WEIGHTS = ("working_group", "other", "panel"), (45, 35, 20)

ROOM_NAMES = ["Auditorio Severo Ochoa", "Sala Margarita Salas", "Sala Ramón y Cajal",
              "Sala Gregorio Marañón", "Sala Jimena Fernández de la Vega", "Sala Carmen Vela",
              "Sala Severo Ochoa B", "Sala Francisco Grande Covián", "Sala Dorothy Hodgkin",
              "Sala Rosalind Franklin", "Sala Barbara McClintock", "Sala Rita Levi-Montalcini"]
FIRST = ["Ana", "Lars", "Aoife", "Giulia", "Pieter", "Katarzyna", "Jean", "Ingrid", "Tomás",
         "Hannah", "Sophie", "Miguel", "Elena", "Amara", "Kenji", "Laura", "Rachel", "Felipe",
         "Mette", "Nikos", "Zsófia", "Oliver", "Chiara", "Mateusz", "Leila", "Jonas", "Priya",
         "Carmen", "Henrik", "Isabel", "Marek", "Sara", "Diego", "Eva", "Andreas", "Yara",
         "Paolo", "Nadia", "Stefan", "Lucía"]
LAST = ["García", "Henriksen", "Brennan", "Bianchi", "de Vries", "Nowak", "Moreau", "Solberg",
        "Ferreira", "Weiss", "Laurent", "Ortega", "Popescu", "Okafor", "Watanabe", "Jiménez",
        "Goldberg", "Andrade", "Lindqvist", "Papadopoulos", "Horváth", "Murphy", "Ricci",
        "Kowalski", "Haddad", "Becker", "Sharma", "Navarro", "Nielsen", "Costa", "Dvořák",
        "Rossi", "Fernández", "Novak", "Schmidt", "Mansour", "Conti", "Petrov", "Wagner", "Ruiz"]
TITLES = ["Professor of Genomic Medicine", "Consultant Clinical Geneticist", "Health Economist",
          "Policy Officer", "Patient Advocate", "Chief Medical Officer", "Bioethicist",
          "Data Protection Lawyer", "Head of Market Access", "Programme Manager",
          "Research Nurse", "Bioinformatician", "Hospital Pharmacist", "Science Journalist"]
ORGANISATIONS = [("Universidad Autónoma de Madrid", "ES"), ("Karolinska Institutet", "SE"),
                 ("Charité – Universitätsmedizin Berlin", "DE"), ("Institut Curie", "FR"),
                 ("Oslo University Hospital", "NO"), ("EURORDIS – Rare Diseases Europe", "FR"),
                 ("European Commission", "BE"), ("Haute Autorité de Santé", "FR"),
                 ("Helix Diagnostics B.V.", "NL"), ("Novagen Therapeutics SA", "CH"),
                 ("Instituto de Salud Carlos III", "ES"), ("University of Tartu", "EE"),
                 ("Wellcome Connecting Science", "GB"), ("Fiocruz", "BR"), ("AMED", "JP"),
                 ("Canadian Institutes of Health Research", "CA"), ("Jagiellonian University", "PL"),
                 ("Semmelweis University", "HU"), ("Trinity College Dublin", "IE"),
                 ("Servicio Madrileño de Salud", "ES")]
TOPICS = ["Awareness and empowerment of citizens", "Ethical, legal and social implications",
          "Transfer of research results into the market", "Sustainability in health systems",
          "Pharmacogenomics in primary care", "Rare disease diagnosis", "Precision oncology",
          "Health data sharing across borders", "Biobanks and consent", "Companion diagnostics",
          "Artificial intelligence in clinical decisions", "Newborn genomic screening",
          "Health technology assessment of genomic tests", "Training the health workforce",
          "Equity of access", "Real-world evidence", "Polygenic risk scores", "Digital twins"]
ANGLES = ["lessons from national programmes", "what patients expect", "evidence and gaps",
          "from pilot to routine care", "costs and benefits", "regulatory pathways"]
SENTENCES = ["Speakers compare experience from several European health systems.",
             "The session starts with short statements and leaves most of the time for discussion.",
             "Participants online join through the session's video room.",
             "The results feed into the workshop's recommendations.",
             "Patient representatives and clinicians describe what changes **at the bedside**.",
             "Funders and payers explain what evidence they need before they invest.",
             "Case studies show where *implementation* stalled and why.",
             "A rapporteur records the main points for the closing plenary."]
QUESTIONS = ["Who benefits first, and who is left behind?", "What should be measured, and by whom?",
             "Which rules help, and which get in the way?", "What would a first step look like next year?",
             "How do we share data without losing trust?"]


@dataclass
class Block:
    kind: str   # "plenary", "break" or "parallel"
    title: str
    size: int   # slots in the block


def default_speakers(slots: int) -> int:
    return 250 if slots >= 100 else 12


def plan_day(count: int, rooms: int) -> list[Block]:
    """The blocks of one day holding exactly ``count`` slots."""
    keep = sorted(SPECIALS_BY_PRIORITY[:min(len(SPECIALS), max(0, count - 1))])
    parallel = count - len(keep)
    sizes = [rooms] * (parallel // rooms) + ([parallel % rooms] if parallel % rooms else [])
    segments: list[list[int]] = [[] for _ in range(len(SPECIALS) - 1)]
    for i, size in enumerate(sizes):
        segments[i * len(segments) // len(sizes)].append(size)
    blocks = []
    for index, (kind, title) in enumerate(SPECIALS):
        if index in keep:
            blocks.append(Block(kind, title, 1))
        if index < len(segments):
            blocks.extend(Block("parallel", "", size) for size in segments[index])
    return blocks


def block_minutes(blocks: int) -> int:
    return min(MAX_BLOCK_MINUTES, (DAY_MINUTES // max(blocks, 1)) // 5 * 5)


def build_scaled_event(slots: int, rooms: int = 10, days: int = 3, speakers: int | None = None, *,
                       owner: User | None = None, series: Series | None = None, slug: str = DEMO_SLUG,
                       start: date | None = None, seed: int = SEED) -> Event:
    """Create the published demo event at the given size; the same seed gives the same event.
    Adds to the session without committing. Raises ValueError when the sizes make no sense
    or the slots do not fit (blocks shorter than 5 minutes)."""
    speakers = default_speakers(slots) if speakers is None else speakers
    if min(slots, rooms, days, speakers) < 1:
        raise ValueError("--slots, --rooms, --days and --speakers must be at least 1.")
    plans = [plan_day(slots // days + (day < slots % days), rooms) for day in range(days)]
    if any(block_minutes(len(plan)) < MIN_BLOCK_MINUTES for plan in plans):
        raise ValueError(f"{slots} slots do not fit in {rooms} rooms over {days} days "
                         f"(08:00-20:00, blocks of at least {MIN_BLOCK_MINUTES} minutes).")
    rng = random.Random(seed)
    start = start or demo_start_date(days=days)
    event = new_event_shell(owner, series, start, days, slug=slug,
                            summary=f"Benchmark-size demo: {slots} agenda slots in {rooms} rooms "
                                    f"over {days} days, {speakers} speakers.")
    room_ids = _insert_rooms(event, rooms, rng)
    speaker_ids, assignable = _insert_speakers(event.id, speakers, rng)
    rows, people = _plan_slots(event, plans, start, room_ids, assignable, rng)
    slot_ids = list(db.session.scalars(
        insert(AgendaSlot).returning(AgendaSlot.id, sort_by_parameter_order=True), rows))
    links = [{"slot_id": slot_id, "speaker_id": speaker_ids[who], "role": role, "position": pos}
             for slot_id, cast in zip(slot_ids, people) for pos, (who, role) in enumerate(cast)]
    if links:
        db.session.execute(insert(SlotSpeaker), links)
    return event


def _insert_rooms(event: Event, count: int, rng: random.Random) -> list[int]:
    rooms = [Room(event_id=event.id, position=i,
                  name=ROOM_NAMES[i] if i < len(ROOM_NAMES) else f"Sala {i + 1}",
                  capacity=300 if i == 0 else rng.choice((30, 40, 50, 60, 80, 120)))
             for i in range(count)]
    db.session.add_all(rooms)
    db.session.flush()
    return [room.id for room in rooms]


def _insert_speakers(event_id: int, count: int, rng: random.Random) -> tuple[list[int], list[int]]:
    combos = len(FIRST) * len(LAST)
    order = rng.sample(range(combos), combos)
    now, rows, assignable = utcnow(), [], []
    for i in range(count):
        n = order[i % combos]
        name = f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST)]}" + (f" {i // combos + 1}" if i >= combos else "")
        organisation, country = rng.choice(ORGANISATIONS)
        status = rng.choices(("confirmed", "invited", "declined"), (90, 7, 3))[0]
        if status != "declined":
            assignable.append(i)
        rows.append({"event_id": event_id, "name": rng.choice(("Dr. ", "Prof. ", "")) + name,
                     "title": rng.choice(TITLES), "organisation": organisation, "country": country,
                     "bio": f"{rng.choice(SENTENCES)} Works at *{organisation}*.",
                     "email": f"speaker{i + 1:04d}@example.org", "invitation_status": status,
                     "invited_at": now - timedelta(days=30),
                     "responded_at": None if status == "invited" else now - timedelta(days=25),
                     "created_at": now})
    ids = list(db.session.scalars(insert(Speaker).returning(Speaker.id, sort_by_parameter_order=True), rows))
    return ids, assignable or list(range(count))


def _plan_slots(event, plans, start, room_ids, assignable, rng) -> tuple[list[dict], list[list]]:
    rows: list[dict] = []
    people: list[list[tuple[int, str]]] = []
    stream, now = STREAM.format(slug=event.slug), utcnow()
    for day, blocks in enumerate(plans):
        length = block_minutes(len(blocks))
        duration = timedelta(minutes=length - 5 if length >= 30 else length)
        begin = datetime.combine(start + timedelta(days=day), DAY_START)
        for index, block in enumerate(blocks):
            local = begin + timedelta(minutes=index * length)
            when = {"starts_at": to_utc(local, TIMEZONE), "ends_at": to_utc(local + duration, TIMEZONE)}
            busy: set[int] = set()
            for position in range(block.size):
                row, cast = _slot(block, position, day, len(plans), room_ids, stream, event.slug, rng)
                cast = _cast(cast, assignable, busy, rng)
                rows.append({**row, **when, "event_id": event.id, "uid": new_uid(), "status": "scheduled",
                             "revision": 0, "created_at": now, "updated_at": now})
                people.append(cast)
    _cancel_a_few(rows, rng)
    return rows, people


def _slot(block, position, day, days, room_ids, stream, slug, rng) -> tuple[dict, list[str]]:
    """Plain slot fields and the roles of its speakers (who fills them is chosen later)."""
    if block.kind == "break":
        return {"kind": "break", "title": block.title, "description": "", "room_id": None,
                "online_link": ""}, []
    if block.kind == "plenary":
        title = ("Opening plenary" if day == 0 and block.title.startswith("Morning") else
                 "Closing plenary" if day == days - 1 and block.title.startswith("Afternoon") else block.title)
        roles = ["chair"] + ["speaker"] * rng.randint(1, 2)
        return {"kind": "plenary", "title": title, "description": _description(rng),
                "room_id": room_ids[0], "online_link": stream}, roles
    kind = rng.choices(PARALLEL_KINDS, PARALLEL_WEIGHTS)[0]
    topic = rng.choice(TOPICS)
    title = {"working_group": f"Working group: {topic}", "panel": f"Panel: {topic}"}.get(
        kind, f"{topic}: {rng.choice(ANGLES)}")
    count = rng.randint(1, 3)
    lead = {"working_group": "moderator", "panel": "moderator"}.get(kind, "chair")
    follow = "panellist" if kind == "panel" else "speaker"
    roles = ["speaker"] if count == 1 else [lead] + [follow] * (count - 1)
    return {"kind": kind, "title": title, "description": _description(rng), "room_id": room_ids[position],
            "online_link": f"https://meet.example.org/{slug}-room{position + 1}"}, roles


def _cast(roles: list[str], assignable: list[int], busy: set[int], rng) -> list[tuple[int, str]]:
    """Speakers for the roles, avoiding people already speaking in this block when possible."""
    free = [i for i in assignable if i not in busy]
    pool = free if len(free) >= len(roles) else assignable
    chosen = rng.sample(pool, min(len(roles), len(pool)))
    busy.update(chosen)
    return list(zip(chosen, roles))


def _description(rng: random.Random) -> str:
    body = " ".join(rng.sample(SENTENCES, 3))
    questions = "".join(f"- {q}\n" for q in rng.sample(QUESTIONS, 2))
    return f"{body}\n\nQuestions for discussion:\n\n{questions}"


def _cancel_a_few(rows: list[dict], rng: random.Random) -> None:
    parallel = [row for row in rows if row["kind"] not in ("break", "plenary")]
    if len(parallel) >= 20:
        for row in rng.sample(parallel, max(1, round(len(parallel) * 0.02))):
            row.update(status="cancelled", revision=1)
