"""A person's own data: download all of it as JSON, or delete the account.

Deleting an account anonymises instead of erasing what statistics need: each
registration keeps its event, status, mode, stakeholder group, country, check-in and
online attendance (so counts by status and mode do not change), but loses its link to
the person (``user_id`` NULL, ``anonymised``), its QR code, every free-text answer and
every answer to a sensitive question (choice, yes/no and country answers stay, for the
statistics). Mail to the address is deleted from the outbox; event roles granted to it
are removed; speaker profiles keep the public name but lose the address and the link;
then the account row goes. Finally, as a safety net, the address is replaced by
"(deleted)" in every text or JSON column of every table where it still appears.

Other features add their own steps with :func:`on_account_deletion` and their data to
the export with :func:`personal_data_section`.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, String, Text, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from eventsys import mail, permissions
from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.models import Event, EventRole
from eventsys.extensions import db
from eventsys.registration.models import (Registration, RegistrationAnswer, RegistrationMessage,
                                          RegistrationQuestion, new_qr_token)
from eventsys.registration.organiser import TEXT_KINDS
from eventsys.series.models import Series
from eventsys.speakers.models import Speaker
from eventsys.timeutil import utcnow

FORMAT, VERSION = "eventsys-personal-data", 1
SCRUBBED = "(deleted)"
_deletion_steps: list[Callable[[User], None]] = []
_export_sections: dict[str, Callable[[User], object]] = {}


def on_account_deletion(step: Callable[[User], None]):
    """Register ``step(user)``: run inside the deletion's transaction, before the account goes."""
    _deletion_steps.append(step)
    return step


def personal_data_section(name: str):
    """Register ``section(user) -> JSON-able data`` under ``name`` in the export."""
    def decorator(section):
        _export_sections[name] = section
        return section
    return decorator


def _require_self(user: User, actor) -> None:
    if actor is None or getattr(actor, "id", None) != user.id:
        raise PermissionDenied(_l("You can only do this for your own account."))


def _iso(value):
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"  # stored as naive UTC
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- export -----------------------------------------------------------------------------

def export_personal_data(user: User, actor, now: datetime | None = None) -> dict:
    """Everything stored about ``user``, as plain JSON-able data:

    ``format``, ``version``, ``exported_at`` (UTC, ISO 8601 with Z);
    ``profile``: email, name, organisation, country, timezone, locale,
    stakeholder_category, is_admin, created_at, last_login_at;
    ``registrations``: one per event, with ``event`` {slug, title, start_date, end_date},
    mode, status, stakeholder_category, country, created_at, confirmed_at, cancelled_at,
    checked_in_at, attended_online, online_minutes, consent_privacy_version,
    consent_privacy_at, consent_public_list and ``answers`` [{question, kind, sensitive, value}];
    ``event_roles`` [{event, role, since}]; ``speaker_profiles`` [{event, name, title,
    organisation, country, bio, email, invitation_status}]; ``series_owned`` [{slug, title}];
    ``mail`` [{subject, status, created_at, sent_at, body}] (mail sent to the address since
    the account proved it: mail from before, e.g. invitation links meant for whoever
    really owns the address, is not the account's);
    plus any section other features registered. Raises PermissionDenied for anyone else.
    """
    _require_self(user, actor)
    data = {"format": FORMAT, "version": VERSION, "exported_at": _iso(now or utcnow()),
            "profile": {key: _iso(getattr(user, key)) for key in (
                "email", "name", "organisation", "country", "timezone", "locale", "stakeholder_category",
                "is_admin", "created_at", "last_login_at")},
            "registrations": _registrations(user), "event_roles": _roles(user),
            "speaker_profiles": _speaker_profiles(user), "series_owned": _series(user), "mail": _mail(user)}
    for name, section in _export_sections.items():
        data[name] = section(user)
    return data


def _event_ref(event: Event) -> dict:
    return {"slug": event.slug, "title": event.title, "start_date": _iso(event.start_date),
            "end_date": _iso(event.end_date)}


def _registrations(user: User) -> list[dict]:
    registrations = db.session.scalars(
        select(Registration).where(Registration.user_id == user.id).order_by(Registration.created_at)
        .options(selectinload(Registration.event),
                 selectinload(Registration.answers).selectinload(RegistrationAnswer.question)))
    keys = ("mode", "status", "stakeholder_category", "country", "created_at", "confirmed_at", "cancelled_at",
            "checked_in_at", "attended_online", "online_minutes", "consent_privacy_version",
            "consent_privacy_at", "consent_public_list")
    return [{"event": _event_ref(r.event), **{key: _iso(getattr(r, key)) for key in keys},
             "answers": [{"question": a.question.label, "kind": a.question.kind, "sensitive": a.question.sensitive,
                          "value": a.value} for a in sorted(r.answers, key=lambda a: a.question.position)]}
            for r in registrations]


def _roles(user: User) -> list[dict]:
    rows = db.session.execute(select(EventRole, Event).join(Event, Event.id == EventRole.event_id)
                              .where(EventRole.user_id == user.id).order_by(EventRole.id))
    return [{"event": _event_ref(event), "role": role.role, "since": _iso(role.created_at)} for role, event in rows]


def _speakers_of(user: User):
    return select(Speaker).where(or_(Speaker.user_id == user.id, func.lower(Speaker.email) == user.email.lower()))


def _speaker_profiles(user: User) -> list[dict]:
    # Matching by address needs a proved address; an unverified account sees only links
    # an organiser made to it.
    query = _speakers_of(user) if user.is_verified else select(Speaker).where(Speaker.user_id == user.id)
    speakers = db.session.scalars(query.options(selectinload(Speaker.event)).order_by(Speaker.id))
    return [{"event": _event_ref(s.event), "name": s.name, "title": s.title, "organisation": s.organisation,
             "country": s.country, "bio": s.bio, "email": s.email, "invitation_status": s.invitation_status}
            for s in speakers]


def _series(user: User) -> list[dict]:
    return [{"slug": s.slug, "title": s.title}
            for s in db.session.scalars(select(Series).where(Series.owner_id == user.id).order_by(Series.id))]


def _mail(user: User) -> list[dict]:
    if not user.is_verified:
        return []
    messages = db.session.scalars(select(mail.OutboxMessage).where(
        func.lower(mail.OutboxMessage.to_addr) == user.email.lower(),
        mail.OutboxMessage.created_at >= user.email_verified_at).order_by(mail.OutboxMessage.id))
    return [{"subject": m.subject, "status": m.status, "created_at": _iso(m.created_at),
             "sent_at": _iso(m.sent_at), "body": m.body_text} for m in messages]


# --- deletion ---------------------------------------------------------------------------

def _check_not_last_owner(user: User) -> None:
    owned = db.session.scalars(select(EventRole.event_id).where(
        EventRole.user_id == user.id, EventRole.role == permissions.OWNER)).all()
    if not owned:
        return
    others = db.session.scalars(select(EventRole.event_id).where(
        EventRole.event_id.in_(owned), EventRole.role == permissions.OWNER, EventRole.user_id.is_not(None),
        EventRole.user_id != user.id).with_for_update()).all()
    orphaned = db.session.scalars(select(Event.title).where(Event.id.in_(set(owned) - set(others)))
                                  .order_by(Event.title)).all()
    if orphaned:
        raise Conflict(_l("You are the only owner of %(events)s. Make someone else an owner (or delete the "
                          "event) before deleting your account.", events=", ".join(f"“{t}”" for t in orphaned)))


def delete_account(user: User, password: str, actor, now: datetime | None = None) -> None:
    """Delete ``user``'s account and anonymise their registrations (see the module's
    docstring), in one transaction. Raises PermissionDenied (someone else's account),
    ValidationError at ``password`` (wrong password), Conflict naming the events of which
    the person is the only owner."""
    _require_self(user, actor)
    if not passwords.verify_password(user.password_hash, password or ""):
        raise ValidationError(_l("Your password is not correct."), field="password")
    _check_not_last_owner(user)
    email = user.email.lower()
    _anonymise_registrations(user)
    db.session.execute(delete(mail.OutboxMessage).where(func.lower(mail.OutboxMessage.to_addr) == email))
    db.session.execute(delete(EventRole).where(or_(EventRole.user_id == user.id, func.lower(EventRole.email) == email)))
    db.session.execute(update(Speaker).where(func.lower(Speaker.email) == email).values(email=""))
    db.session.execute(update(Speaker).where(Speaker.user_id == user.id).values(user_id=None))
    db.session.execute(update(Series).where(Series.owner_id == user.id).values(owner_id=None))
    db.session.execute(update(Event).where(func.lower(Event.contact_email) == email).values(contact_email=""))
    db.session.execute(update(RegistrationMessage).where(RegistrationMessage.sent_by_id == user.id)
                       .values(sent_by_id=None))
    for step in _deletion_steps:
        step(user)
    db.session.delete(user)
    db.session.flush()
    scrub_address(email)
    db.session.commit()
    permissions.forget_roles()


def _anonymise_registrations(user: User) -> None:
    ids = select(Registration.id).where(Registration.user_id == user.id).scalar_subquery()
    personal = select(RegistrationQuestion.id).where(
        or_(RegistrationQuestion.sensitive.is_(True), RegistrationQuestion.kind.in_(TEXT_KINDS))).scalar_subquery()
    db.session.execute(delete(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(ids),
                                                        RegistrationAnswer.question_id.in_(personal)))
    for registration in db.session.scalars(select(Registration).where(Registration.user_id == user.id)):
        registration.user_id, registration.anonymised = None, True
        registration.qr_token = new_qr_token()  # the old code could still be matched to printed badges
    db.session.flush()


def scrub_address(email: str) -> int:
    """Replace ``email`` (any case) by "(deleted)" in every text and JSON column of every
    table. Returns how many values changed. Part of the caller's transaction."""
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    changed = 0
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if not keys or not isinstance(column.type, (String, Text, JSON)) or column.primary_key:
                continue
            as_text = func.lower(column if not isinstance(column.type, JSON) else column.cast(Text))
            rows = db.session.execute(select(*keys, column).where(as_text.contains(email.lower(), autoescape=True)))
            for row in rows.all():
                value = _replace(row[-1], pattern, getattr(column.type, "length", None))
                db.session.execute(table.update().where(*(k == row[i] for i, k in enumerate(keys)))
                                   .values({column.name: value}))
                changed += 1
    return changed


def _replace(value, pattern: re.Pattern, length: int | None):
    if isinstance(value, str):
        text = pattern.sub(SCRUBBED, value)
        return text[:length] if length else text
    if isinstance(value, list):
        return [_replace(v, pattern, None) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern, None) for k, v in value.items()}
    return value
