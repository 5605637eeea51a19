"""Demo data. Idempotent: running it twice neither fails nor duplicates anything."""
from __future__ import annotations

from sqlalchemy import select

from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.extensions import db

DEFAULT_PASSWORD = "eventsys-demo"

ACCOUNTS = [
    {"email": "admin@example.org", "name": "Ada Admin", "is_admin": True,
     "organisation": "eventsys", "country": "ES", "timezone": "Europe/Madrid"},
    {"email": "organiser@example.org", "name": "Olga Organiser", "is_admin": False,
     "organisation": "Instituto de Salud Carlos III", "country": "ES", "timezone": "Europe/Madrid",
     "stakeholder_category": "researcher"},
]


def ensure_user(password_hash: str, email: str, reset_password: bool = False, **fields) -> tuple[User, bool]:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        if reset_password:
            user.password_hash = password_hash
        return user, False
    user = User(email=email, password_hash=password_hash, **fields)
    db.session.add(user)
    return user, True


def load_demo(password: str, reset_passwords: bool = False) -> list[str]:
    """Create the demo accounts; returns one line per thing created or found.
    With ``reset_passwords`` existing demo accounts get ``password`` too."""
    password_hash = passwords.hash_password(password)
    lines = []
    for spec in ACCOUNTS:
        user, created = ensure_user(password_hash, reset_password=reset_passwords, **spec)
        lines.append(f"{'created' if created else 'exists '} {user.email}")
    db.session.commit()
    return lines
