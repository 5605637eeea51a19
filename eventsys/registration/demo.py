"""Demo registrations: about 150 participants for the demo event, a third online, a mix
of stakeholder groups and countries, some waitlisted, some checked in. Idempotent."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from eventsys.auth.models import User
from eventsys.events.models import Event
from eventsys.extensions import db
from eventsys.registration import services
from eventsys.registration.models import Checkin, Registration, RegistrationQuestion, RegistrationSettings
from eventsys.timeutil import to_utc, utcnow

PARTICIPANTS = 150
FIRST = ["Lucía", "Mateo", "Anna", "Jonas", "Chiara", "Luca", "Sofie", "Mikkel", "Inês", "João", "Zofia",
         "Piotr", "Emma", "Lars", "Aino", "Eero", "Marie", "Pierre", "Eleni", "Nikos", "Ioana", "Andrei",
         "Fatima", "Omar", "Grace", "Kwame", "Hannah", "David", "Noor", "Tomás"]
LAST = ["García", "Fernández", "Müller", "Schmidt", "Rossi", "Bianchi", "Jensen", "Nielsen", "Silva",
        "Santos", "Nowak", "Kowalski", "de Vries", "Bakker", "Virtanen", "Korhonen", "Dubois", "Laurent",
        "Papadopoulos", "Georgiou", "Popescu", "Ionescu", "El Amrani", "Haddad", "Mensah", "Owusu",
        "O'Brien", "Murphy", "Lindqvist", "Costa"]
COUNTRIES = ["ES", "ES", "ES", "DE", "IT", "DK", "PT", "PL", "NL", "FI", "FR", "GR", "RO", "BE", "IE",
             "SE", "AT", "GB", "MA", "GH"]
CATEGORIES = (["researcher"] * 5 + ["clinician"] * 3 + ["patient_organisation"] * 2 + ["industry"] * 2
              + ["policy_maker"] * 2 + ["funder"] + ["other"])
ORGANISATIONS = {
    "researcher": ["CNIO", "Karolinska Institutet", "Institut Pasteur", "University of Copenhagen", "EMBL"],
    "clinician": ["Hospital Universitario La Paz", "Charité", "Rigshospitalet", "Hospital de Santa Maria"],
    "patient_organisation": ["European Patients' Forum", "EURORDIS", "FEDER"],
    "industry": ["Roche", "Illumina", "Qiagen", "a health-data start-up"],
    "policy_maker": ["Ministerio de Sanidad", "European Commission, DG SANTE", "Ministry of Health (DK)"],
    "funder": ["ISCIII", "Wellcome Trust"],
    "other": ["a science journalist", "European Health Parliament"],
}
DIETS = ["No special diet", "Vegetarian", "Vegan", "Gluten-free", "Halal"]


def load_registration_demo(event: Event, password_hash: str, reset_passwords: bool = False) -> str:
    """Open registration on ``event`` and register the demo participants. With
    ``reset_passwords`` the existing demo participants get ``password_hash`` too."""
    existing = db.session.scalar(select(func.count()).select_from(Registration)
                                 .where(Registration.event_id == event.id))
    if existing:
        if reset_passwords:
            emails = [f"participant{n}@example.org" for n in range(1, PARTICIPANTS + 1)]
            db.session.execute(User.__table__.update().where(User.email.in_(emails))
                               .values(password_hash=password_hash))
            db.session.commit()
        return f"exists  {existing} registrations for {event.slug}"
    questions = _questions(event)
    _settings(event)
    rng = random.Random(2026)
    people = _participants(password_hash, rng)
    for (n, user), when in zip(enumerate(people, start=1), registration_times(event, len(people))):
        mode = "online" if n % 3 == 0 else "in_person"
        answers = _answers(questions, user, mode, rng)
        services.register(event, user, mode, answers, consent_privacy=True,
                          consent_public_list=rng.random() < 0.7, now=when)
    _attendance(event, rng)
    counts = dict(db.session.execute(select(Registration.status, func.count())
                                     .where(Registration.event_id == event.id).group_by(Registration.status)).all())
    return (f"created {len(people)} registrations for {event.slug}: "
            + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))


def _settings(event: Event) -> RegistrationSettings:
    settings = services.get_settings(event)
    settings.is_open = True
    settings.in_person_capacity = 95
    settings.online_capacity = 60
    settings.closes_at = to_utc(datetime.combine(event.end_date, datetime.min.time()) + timedelta(hours=12),
                                event.timezone)
    settings.confirmation_message = "Thank you for registering. The programme is on the agenda page."
    settings.confirmation_message_in_person = ("See you in Madrid! The venue is a ten-minute walk from the "
                                               "Plaza de Castilla metro station. Bring your badge QR code.")
    settings.confirmation_message_online = ("The link to join appears on your registration page, and in the "
                                            "working groups you are assigned to.")
    settings.privacy_notice = ("We use your data only to organise this workshop: registration, badges, "
                               "working groups and feedback.")
    db.session.commit()
    return settings


def _questions(event: Event) -> dict[str, RegistrationQuestion]:
    specs = [
        ("organisation", dict(kind="short_text", label="Organisation", required=True)),
        ("stakeholder", dict(kind="single_choice", label="Stakeholder group", required=True,
                             options=["Researcher", "Clinician", "Patient or citizen organisation", "Industry",
                                      "Policy maker", "Funder", "Other"])),
        ("diet", dict(kind="single_choice", label="Dietary needs", options=DIETS, applies_to="in_person")),
        ("access", dict(kind="long_text", label="Accessibility needs", sensitive=True,
                        help_text="Only the organisers see your answer.")),
    ]
    questions = {}
    for position, (key, spec) in enumerate(specs):
        question = RegistrationQuestion(event_id=event.id, position=position, **spec)
        db.session.add(question)
        questions[key] = question
    db.session.commit()
    return questions


def demo_name(n: int) -> str:
    """The n-th participant's name: distinct for the first len(FIRST) * len(LAST) (each
    block of len(FIRST) people shifts the family names by 7, which is prime to 30)."""
    block, i = divmod(n, len(FIRST))
    return f"{FIRST[i]} {LAST[(i + 7 * block) % len(LAST)]}"


def registration_times(event: Event, count: int, now: datetime | None = None) -> list[datetime]:
    """When the demo participants registered: every few hours over the weeks up to two days
    before the event (or before now, if sooner), so always before any check-in."""
    start = to_utc(datetime.combine(event.start_date, datetime.min.time()), event.timezone)
    last = min(start - timedelta(days=2), now or utcnow())
    return [last - timedelta(hours=7) * (count - n) for n in range(count)]


def _participants(password_hash: str, rng: random.Random) -> list[User]:
    people = []
    for n in range(1, PARTICIPANTS + 1):
        email = f"participant{n}@example.org"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            category = rng.choice(CATEGORIES)
            user = User(email=email, password_hash=password_hash, email_verified_at=utcnow(),
                        name=demo_name(n),
                        organisation=rng.choice(ORGANISATIONS[category]), country=rng.choice(COUNTRIES),
                        stakeholder_category=category, timezone="Europe/Madrid" if n % 3 else "")
            db.session.add(user)
        people.append(user)
    db.session.commit()
    return people


def _answers(questions, user: User, mode: str, rng: random.Random) -> dict:
    labels = questions["stakeholder"].options
    index = ["researcher", "clinician", "patient_organisation", "industry", "policy_maker", "funder",
             "other"].index(user.stakeholder_category or "other")
    answers = {questions["organisation"].id: user.organisation, questions["stakeholder"].id: labels[index]}
    if mode == "in_person":
        answers[questions["diet"].id] = rng.choice(DIETS[:1] * 4 + DIETS[1:])
    if rng.random() < 0.06:
        answers[questions["access"].id] = rng.choice(["Step-free access, please.", "I use a hearing loop.",
                                                      "Seat near the front: low vision."])
    return answers


def _attendance(event: Event, rng: random.Random) -> None:
    """Day 1 has happened when the demo event is under way: most people came."""
    first_morning = to_utc(datetime.combine(event.start_date, datetime.min.time()) + timedelta(hours=8, minutes=40),
                           event.timezone)
    if first_morning > utcnow():
        return
    confirmed = db.session.scalars(select(Registration).where(Registration.event_id == event.id,
                                                              Registration.status == "confirmed"))
    for registration in confirmed:
        if registration.mode == "in_person" and rng.random() < 0.85:
            registration.checked_in_at = first_morning + timedelta(minutes=rng.randint(0, 50))
            db.session.add(Checkin(registration_id=registration.id, day=event.start_date,
                                   at=registration.checked_in_at))
        elif registration.mode == "online" and rng.random() < 0.8:
            registration.attended_online = True
            registration.online_minutes = rng.randint(60, 420)
    db.session.commit()
