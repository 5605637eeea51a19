"""Moderators and rapporteurs of a group, entered as lines "name, email, role, mode".

Rules (ValidationError at the field ``staff``, naming the line): four comma-separated
parts, a name, an email address or nothing, the role moderator or rapporteur, the mode
in_person or online; nobody twice. An email that belongs to an account links the person to
it (so their own registration is not also assigned a seat in that round).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventsys.auth.models import User
from eventsys.errors import ValidationError
from eventsys.extensions import db
from eventsys.groups.models import STAFF_ROLES, GroupStaff, WorkingGroup

MODES = ("in_person", "online")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class StaffLine:
    name: str
    email: str
    role: str
    mode: str


def parse_staff(text: str) -> list[StaffLine]:
    """Lines "name, email, role, mode"; blank lines are skipped. Errors name the line."""
    people, seen = [], set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part.strip() for part in raw.split(",")]
        if len(parts) != 4 or not parts[0]:
            raise ValidationError(_l("Line %(n)s: write “name, email, role, mode”, e.g. "
                                     "“Ana Ruiz, ana@example.org, moderator, in_person”.", n=number), field="staff")
        name, email, role, mode = parts[0], parts[1].lower(), parts[2].lower(), parts[3].lower().replace(" ", "_")
        if email and (not EMAIL.fullmatch(email) or len(email) > 254):
            raise ValidationError(_l("Line %(n)s: “%(email)s” is not an email address.", n=number, email=email),
                                  field="staff")
        if role not in STAFF_ROLES:
            raise ValidationError(_l("Line %(n)s: the role is moderator or rapporteur.", n=number), field="staff")
        if mode not in MODES:
            raise ValidationError(_l("Line %(n)s: the mode is in_person or online.", n=number), field="staff")
        key = email or name.lower()
        if key in seen:
            raise ValidationError(_l("Line %(n)s: %(name)s is listed twice.", n=number, name=name), field="staff")
        seen.add(key)
        people.append(StaffLine(name[:200], email, role, mode))
    return people


def apply_staff(group: WorkingGroup, staff: list[StaffLine]) -> None:
    emails = [person.email for person in staff if person.email]
    users = {u.email.lower(): u.id for u in db.session.scalars(
        select(User).where(func.lower(User.email).in_(emails)))} if emails else {}
    group.staff.clear()
    db.session.flush()  # the old rows go before the new ones meet the unique (group, user)
    group.staff.extend(GroupStaff(name=p.name, role=p.role, mode=p.mode, user_id=users.get(p.email))
                       for p in staff)


def staff_text(group: WorkingGroup) -> str:
    """The staff as the form's lines."""
    emails = {u.id: u.email for u in db.session.scalars(
        select(User).where(User.id.in_([p.user_id for p in group.staff if p.user_id])))}
    return "\n".join(f"{p.name}, {emails.get(p.user_id, '')}, {p.role}, {p.mode}" for p in group.staff)
