"""The demo event: a two-day hybrid workshop in Madrid, with its series, rooms, speakers and
agenda. Times are written as Madrid wall-clock times and stored as naive UTC.

Speakers are fictional people; their organisations are real or realistic."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.auth.models import User
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker
from eventsys.timeutil import to_utc, utcnow

DEMO_SLUG = "demo"
SERIES_SLUG = "personalised-medicine-workshops"
START_OFFSET_DAYS = -1  # day 1 was yesterday: the demo shows an event under way
TIMEZONE = "Europe/Madrid"

WORKING_GROUP_TOPICS = (
    "How to ensure awareness and empowerment for all citizens?",
    "Ethical, legal and social implications",
    "Transfer of research results into the market",
    "Sustainability of personalised medicine in health systems",
)

EVENT_FIELDS = dict(
    title="International Workshop on Personalised Medicine",
    summary=("Two days in Madrid, and online, for researchers, clinicians, patient organisations, "
             "industry and policy makers to agree on what it takes to bring personalised medicine "
             "to every citizen."),
    description=(
        "Personalised medicine tailors prevention, diagnosis and treatment to each person's "
        "genes, environment and way of life. The science is moving fast; the **health systems, "
        "laws and markets** that must carry it to patients are moving more slowly.\n\n"
        "This workshop brings together the people who can close that gap. Keynotes and a panel "
        "set the scene; then four **working groups** meet twice, first to map the barriers and "
        "then to draft recommendations:\n\n"
        + "".join(f"- {topic}\n" for topic in WORKING_GROUP_TOPICS)
        + "\nThe rapporteurs present the recommendations in the closing plenary.\n\n"
        "Plenary sessions are streamed; online participants join the working groups through "
        "their own video rooms."),
    format="hybrid",
    timezone=TIMEZONE,
    venue_name="Centro de Conferencias Castellana",
    venue_address="Paseo de la Castellana 259, 28046 Madrid",
    venue_city="Madrid",
    venue_country="ES",
    online_link="https://meet.example.org/pm-workshop-demo",
    contact_email="organiser@example.org",
    status="published",
)

SERIES_FIELDS = dict(
    title="Personalised Medicine Workshops",
    description=("A yearly workshop where research, clinics, patients, industry and policy "
                 "meet to turn personalised medicine into everyday care."),
)

ROOMS = [  # key, name, capacity
    ("auditorium", "Auditorio Severo Ochoa", 280),
    ("wg1", "Sala Margarita Salas", 60),
    ("wg2", "Sala Ramón y Cajal", 48),
    ("wg3", "Sala Gregorio Marañón", 40),
    ("wg4", "Sala Jimena Fernández de la Vega", 40),
]

# key, name, title, organisation, country, invitation status, bio (Markdown)
SPEAKERS = [
    ("echeverria", "Prof. Marta Echeverría Lozano", "Professor of Genomic Medicine",
     "Universidad Autónoma de Madrid", "ES", "confirmed",
     "Leads a translational genomics group working on **rare diseases** and paediatric cancers."),
    ("henriksen", "Dr. Lars Henriksen", "Head of Clinical Pharmacogenomics",
     "Rigshospitalet, Copenhagen University Hospital", "DK", "confirmed",
     "Brought pre-emptive pharmacogenomic testing into routine prescribing at his hospital."),
    ("brennan", "Dr. Aoife Brennan", "Policy Officer, Personalised Medicine",
     "European Commission, DG Research and Innovation", "BE", "confirmed",
     "Coordinates European research funding for personalised medicine."),
    ("bianchi", "Giulia Bianchi", "President",
     "Associazione Italiana Pazienti Malattie Rare", "IT", "confirmed",
     "Patient advocate and mother of a child with a rare metabolic disease."),
    ("vandenberg", "Dr. Pieter van den Berg", "Chief Medical Officer",
     "Helix Diagnostics B.V.", "NL", "confirmed",
     "Has taken three companion diagnostics from the laboratory to regulatory approval."),
    ("nowak", "Prof. Katarzyna Nowak", "Professor of Bioethics",
     "Jagiellonian University", "PL", "confirmed",
     "Works on consent, return of results and fairness in genomic research."),
    ("moreau", "Dr. Jean-Baptiste Moreau", "Head of Health Technology Assessment",
     "Haute Autorité de Santé", "FR", "confirmed",
     "Advises on the assessment and reimbursement of genomic tests and targeted therapies."),
    ("solberg", "Dr. Ingrid Solberg", "Consultant Oncologist",
     "Oslo University Hospital", "NO", "confirmed",
     "Runs a molecular tumour board and a national precision oncology trial."),
    ("ferreira", "Tomás Ferreira", "Director",
     "European Network of Patients with Genetic Conditions", "PT", "confirmed",
     "Trains patient representatives to take part in research and policy."),
    ("weiss", "Dr. Hannah Weiss", "Senior Researcher in Health and Data Protection Law",
     "Universität Heidelberg", "DE", "confirmed",
     "Writes on the *GDPR*, the European Health Data Space and secondary use of health data."),
    ("laurent", "Dr. Sophie Laurent", "Head of Market Access Europe",
     "Novagen Therapeutics SA", "CH", "confirmed",
     "Negotiates outcome-based agreements for gene and cell therapies."),
    ("ortega", "Dr. Miguel Ángel Ortega", "Director, Precision Medicine Programme",
     "Servicio Madrileño de Salud", "ES", "confirmed",
     "Leads the roll-out of genomic testing across the hospitals of the Madrid region."),
    ("popescu", "Prof. Elena Popescu", "Professor of Health Economics",
     "Babeș-Bolyai University", "RO", "confirmed",
     "Models the long-term costs and benefits of screening and targeted treatment."),
    ("okafor", "Dr. Amara Okafor", "Head of Public Engagement",
     "Wellcome Connecting Science", "GB", "confirmed",
     "Designs citizen juries and outreach on genomics for under-served communities."),
    ("watanabe", "Dr. Kenji Watanabe", "Programme Director, Genomic Medicine",
     "Japan Agency for Medical Research and Development", "JP", "confirmed",
     "Oversees Japan's national programme for whole-genome analysis in cancer and rare diseases."),
    ("jimenez", "Dr. Laura Jiménez Castro", "Technology Transfer Manager",
     "Centro Nacional de Investigaciones Oncológicas (CNIO)", "ES", "confirmed",
     "Helps researchers license biomarkers and found spin-off companies."),
    ("goldberg", "Dr. Rachel Goldberg", "Scientific Director, Institute of Genetics",
     "Canadian Institutes of Health Research", "CA", "invited",
     "Funds research on the implementation of genomic medicine in Canadian provinces."),
    ("andrade", "Dr. Felipe Andrade", "Researcher in Public Health Genomics",
     "Fundação Oswaldo Cruz (Fiocruz)", "BR", "declined",
     "Studies equitable access to genetic testing in public health systems."),
]

# Moderator and rapporteur of each working group (the same people in both rounds).
WORKING_GROUP_LEADS = [("okafor", "ferreira"), ("nowak", "weiss"),
                       ("vandenberg", "jimenez"), ("popescu", "moreau")]
WORKING_GROUP_QUESTIONS = [
    ("What do citizens know about personalised medicine, and where do they learn it?",
     "How can patients and under-served groups take part in decisions about their data and care?"),
    ("How should consent, incidental findings and data sharing work across borders?",
     "How do we keep personalised medicine from widening health inequalities?"),
    ("What stops academic discoveries from reaching patients as products?",
     "Which incentives and partnerships would speed up diagnostics and therapies?"),
    ("How can health systems pay for tests and therapies whose value shows only years later?",
     "What evidence do payers need, and who should produce it?"),
]
ROUND_FOCUS = {1: "**Round 1: where do we stand?** Map the barriers and the good practice "
                  "the participants know from their own countries.",
               2: "**Round 2: what should change?** Turn the findings of round 1 into three to "
                  "five concrete recommendations for the closing plenary."}

STREAM = "https://meet.example.org/pm-demo-plenary"

# day (0 or 1), start, end, kind, title, room key, online link, description, [(speaker, role)];
# a "working_group" row stands for the four parallel groups and its title is the round number.
PROGRAMME = [
    (0, "08:30", "09:15", "break", "Registration and welcome coffee", None, "",
     "Badges are handed out in the foyer.", []),
    (0, "09:15", "09:45", "plenary", "Opening plenary", "auditorium", STREAM,
     "Welcome from the organisers and the European Commission; aims of the workshop.",
     [("ortega", "chair"), ("brennan", "speaker"), ("echeverria", "speaker")]),
    (0, "09:45", "10:30", "keynote", "From genome to bedside: what personalised medicine delivers today",
     "auditorium", STREAM,
     "Ten years of pharmacogenomic testing in routine care: what worked, what did not, "
     "and what it cost.", [("echeverria", "chair"), ("henriksen", "speaker")]),
    (0, "10:30", "11:00", "break", "Coffee break", None, "", "", []),
    (0, "11:00", "11:45", "keynote", "Patients as partners: co-designing personalised care",
     "auditorium", STREAM,
     "Why patients must shape research questions, consent and services *from the start*.",
     [("okafor", "chair"), ("bianchi", "speaker")]),
    (0, "11:45", "13:00", "panel", "Who pays for precision? Value, reimbursement and equitable access",
     "auditorium", STREAM,
     "A payer, a company, a patient organisation and two research funders debate how "
     "health systems can afford personalised medicine **for everyone**.",
     [("popescu", "moderator"), ("moreau", "panellist"), ("laurent", "panellist"),
      ("ferreira", "panellist"), ("watanabe", "panellist"), ("goldberg", "panellist")]),
    (0, "13:00", "14:15", "break", "Lunch", None, "", "Lunch is served on the terrace.", []),
    (0, "14:15", "15:45", "working_group", 1, None, None, None, None),
    (0, "15:45", "16:15", "break", "Coffee break", None, "", "", []),
    (0, "16:15", "17:15", "keynote", "Data, trust and the law: the European Health Data Space",
     "auditorium", STREAM,
     "What the new rules on the secondary use of health data mean for research and care.",
     [("nowak", "chair"), ("weiss", "speaker")]),
    (0, "20:30", "23:00", "social", "Workshop dinner", None, "",
     "Restaurante La Corrala, Calle de Santa Isabel 52, Madrid: a 15-minute walk from "
     "Atocha station. Please tell us about dietary needs when you register.", []),
    (1, "08:45", "09:15", "break", "Welcome coffee", None, "", "", []),
    (1, "09:15", "10:00", "keynote", "Precision oncology in a public health system",
     "auditorium", STREAM,
     "How a national molecular tumour board decides who gets which targeted therapy.",
     [("vandenberg", "chair"), ("solberg", "speaker")]),
    (1, "10:00", "11:30", "working_group", 2, None, None, None, None),
    (1, "11:30", "12:00", "break", "Coffee break", None, "", "", []),
    (1, "12:00", "13:15", "plenary", "Reports from the working groups", "auditorium", STREAM,
     "Each rapporteur presents the recommendations of their working group; discussion with "
     "the room and online participants.",
     [("brennan", "chair"), ("ferreira", "speaker"), ("weiss", "speaker"),
      ("jimenez", "speaker"), ("moreau", "speaker")]),
    (1, "13:15", "13:45", "plenary", "Closing plenary: recommendations and next steps",
     "auditorium", STREAM, "What happens to the recommendations, and the next workshop.",
     [("ortega", "chair"), ("echeverria", "speaker")]),
    (1, "13:45", "14:45", "break", "Farewell lunch", None, "", "", []),
]


def demo_start_date(today: date | None = None, days: int = 2) -> date:
    """The demo workshop is under way: its first day was yesterday. So the demo shows
    every stage at once: check-ins and feedback for the finished sessions, upcoming
    sessions in the calendar feeds, and a published working-group assignment."""
    return (today or date.today()) + timedelta(days=START_OFFSET_DAYS)


def ensure_series(owner: User | None) -> tuple[Series, bool]:
    series = db.session.scalar(select(Series).where(Series.slug == SERIES_SLUG))
    if series is not None:
        return series, False
    series = Series(slug=SERIES_SLUG, owner=owner, **SERIES_FIELDS)
    db.session.add(series)
    return series, True


def new_event_shell(owner: User | None, series: Series | None, start: date, days: int,
                    slug: str = DEMO_SLUG, **overrides) -> Event:
    """The event row, its series and its owner role (flushed, so it has an id)."""
    fields = {**EVENT_FIELDS, **overrides}
    event = Event(slug=slug, start_date=start, end_date=start + timedelta(days=days - 1),
                  series=series, **fields)
    db.session.add(event)
    db.session.flush()
    if owner is not None:
        db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
    return event


def build_workshop(owner: User | None, series: Series | None, today: date | None = None) -> Event:
    """The realistic two-day workshop (not committed: the caller commits)."""
    start = demo_start_date(today, days=2)
    event = new_event_shell(owner, series, start, days=2)
    rooms = {key: Room(event=event, name=name, capacity=capacity, position=i)
             for i, (key, name, capacity) in enumerate(ROOMS)}
    speakers = {key: _speaker(event, key, *spec) for key, *spec in SPEAKERS}
    db.session.add_all([*rooms.values(), *speakers.values()])
    for day, begin, end, kind, title, room, link, description, people in PROGRAMME:
        starts_at, ends_at = (_utc(start, day, begin), _utc(start, day, end))
        if kind == "working_group":
            _add_working_groups(event, rooms, speakers, title, starts_at, ends_at)
            continue
        slot = AgendaSlot(event=event, kind=kind, title=title, description=description,
                          starts_at=starts_at, ends_at=ends_at, room=rooms.get(room), online_link=link)
        _link(slot, speakers, people)
    db.session.flush()
    return event


def _add_working_groups(event, rooms, speakers, round_no, starts_at, ends_at) -> None:
    for n, topic in enumerate(WORKING_GROUP_TOPICS, start=1):
        moderator, rapporteur = WORKING_GROUP_LEADS[n - 1]
        questions = "".join(f"- {q}\n" for q in WORKING_GROUP_QUESTIONS[n - 1])
        description = (f"{ROUND_FOCUS[round_no]}\n\nGuiding questions:\n\n{questions}\n"
                       f"Moderator: {speakers[moderator].name}. "
                       f"Rapporteur: {speakers[rapporteur].name}.")
        slot = AgendaSlot(event=event, kind="working_group", title=topic, description=description,
                          starts_at=starts_at, ends_at=ends_at, room=rooms[f"wg{n}"],
                          online_link=f"https://meet.example.org/pm-demo-wg{n}")
        # SlotSpeaker has no "rapporteur" role: the rapporteur is listed as a speaker.
        _link(slot, speakers, [(moderator, "moderator"), (rapporteur, "speaker")])


def _link(slot: AgendaSlot, speakers: dict, people: list[tuple[str, str]]) -> None:
    db.session.add(slot)
    for position, (key, role) in enumerate(people):
        db.session.add(SlotSpeaker(slot=slot, speaker=speakers[key], role=role, position=position))


def _speaker(event, key, name, title, organisation, country, status, bio) -> Speaker:
    invited = utcnow() - timedelta(days=30)
    return Speaker(event=event, name=name, title=title, organisation=organisation, country=country,
                   bio=bio, email=f"{key}@example.org", invitation_status=status,
                   invited_at=invited,
                   responded_at=invited + timedelta(days=3) if status != "invited" else None)


def _utc(start: date, day: int, hhmm: str) -> datetime:
    local = datetime.combine(start + timedelta(days=day), time.fromisoformat(hhmm))
    return to_utc(local, TIMEZONE)
