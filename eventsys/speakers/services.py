"""Speakers: profiles, photos, links to accounts (invitations and the speaker's own edits
through the link are in invitations.py).

Organiser services take the acting user and need ``can_manage_event`` (PermissionDenied
otherwise). The speaker acts through a signed invitation link instead of an account.
Every service validates before it changes anything, commits one transaction, and raises
ValidationError with the form field's name.
"""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import literal, select

from eventsys import inputrules, permissions
from eventsys.auth.services import get_user_by_email, normalise_email
from eventsys.errors import ValidationError
from eventsys.extensions import db
from eventsys.reference import is_valid_country
from eventsys.speakers import photos
from eventsys.speakers.models import Speaker, is_public_speaker

PROFILE_FIELDS = ("name", "title", "organisation", "country", "bio", "photo_url")
ORGANISER_FIELDS = PROFILE_FIELDS + ("email",)
LIMITS = {"name": 200, "title": 200, "organisation": 200, "photo_url": 500, "email": 254}
BIO_MAX = 5000


# --- reading ------------------------------------------------------------------------------

def get_speaker(event, speaker_id: int) -> Speaker | None:
    """The speaker with this id *of this event* (another event's id gives None)."""
    return db.session.scalar(select(Speaker).where(Speaker.id == speaker_id, Speaker.event_id == event.id))


def speakers_with_slot_counts(event) -> list[tuple[Speaker, int]]:
    """Every speaker of the event with the number of agenda slots they are in (one query)."""
    slots = _AGENDA["slot_count"](Speaker.id) if _AGENDA else literal(0)
    rows = db.session.execute(select(Speaker, slots).where(Speaker.event_id == event.id)
                              .order_by(Speaker.name, Speaker.id))
    return [(speaker, count) for speaker, count in rows]


def family_name_key(name: str) -> tuple[str, str]:
    """Sort key "by family name": a profile has one name field, so the family name is its
    last word ("Jan de Vries" under V, "Fatima El Amrani" under A), compared without case
    or accents, then the whole name."""
    def plain(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    words = (name or "").split()
    return plain(words[-1] if words else ""), plain(name or "")


def public_speakers(event) -> list[Speaker]:
    """Speakers shown to the public (one query), by family name (:func:`family_name_key`):
    see ``speakers.models.PUBLIC_STATES``."""
    speakers = db.session.scalars(select(Speaker).where(Speaker.event_id == event.id, is_public_speaker())
                                  .order_by(Speaker.id))
    return sorted(speakers, key=lambda speaker: family_name_key(speaker.name))


def is_publicly_listed(speaker: Speaker) -> bool:
    return speaker.is_public


def speaker_slots(speaker: Speaker) -> list:
    """The speaker's agenda slots in time order, as (slot, role, room name) — one query."""
    return _AGENDA["slots_of"](speaker) if _AGENDA else []


# The agenda sits above speakers, so it hands in what the speaker pages show of it when it
# is imported (agenda/connections.py): "slot_count" (speaker id column -> scalar count
# subquery) and "slots_of" (speaker -> [(slot, role, room name)]).
_AGENDA: dict = {}


def register_agenda(slot_count, slots_of) -> None:
    _AGENDA.update(slot_count=slot_count, slots_of=slots_of)


# --- validation ---------------------------------------------------------------------------

def validate_speaker_values(values: dict, fields=ORGANISER_FIELDS) -> dict:
    """Clean the given fields; raises ValidationError at the first bad one."""
    clean = {key: (values.get(key) or "").strip() for key in fields if key in values}
    for key in LIMITS:
        if key in clean:
            inputrules.require_single_line(clean[key], key)
    if "name" in clean and not clean["name"]:
        raise ValidationError(_l("Enter a name."), field="name")
    for key, limit in LIMITS.items():
        if len(clean.get(key, "")) > limit:
            raise ValidationError(_l("Use at most %(n)s characters.", n=limit), field=key)
    if len(clean.get("bio", "")) > BIO_MAX:
        raise ValidationError(_l("The bio is %(length)s characters long; the limit is %(n)s.",
                                 length=len(clean["bio"]), n=BIO_MAX), field="bio")
    if clean.get("country") and not is_valid_country(clean["country"]):
        raise ValidationError(_l("Choose a country from the list."), field="country")
    # The CSP lets pages load images only from https: (and the site itself).
    inputrules.require_web_address(clean.get("photo_url"), "photo_url", https_only=True)
    if clean.get("email"):
        clean["email"] = normalise_email(clean["email"])
    return clean


CANNOT_MANAGE = _l("You cannot manage the speakers of this event.")


def _linked_user(email: str):
    """The account for ``user_email`` (None when blank); unknown addresses, and accounts
    whose owner has not confirmed the address, are refused."""
    if not (email or "").strip():
        return None
    user = get_user_by_email(normalise_email(email, field="user_email"))
    if user is None:
        raise ValidationError(_l("No account uses this email address. Ask the person to sign up first, "
                                 "or leave the field empty."), field="user_email")
    if not permissions.is_verified(user):
        raise ValidationError(_l("This account has not confirmed its email address yet. Ask the person to "
                                 "open the confirmation link we sent them, then try again."), field="user_email")
    return user


# --- photos inside a transaction -----------------------------------------------------------

class PhotoChange:
    """Validate an upload first; store it just before commit; remove the loser afterwards."""

    def __init__(self, upload=None, remove: bool = False):
        self.photo = photos.validate_photo(upload) if upload else None
        self.remove = bool(remove) and self.photo is None
        self.new_name = ""
        self.old_name = ""

    def apply(self, speaker: Speaker) -> None:
        if self.photo is None and not self.remove:
            return
        self.old_name = speaker.photo_file
        if self.photo is not None:
            db.session.flush()  # a new speaker needs its id for the file name
            self.new_name = photos.store_photo(speaker.id, self.photo)
        speaker.photo_file = self.new_name

    def commit(self) -> None:
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            photos.delete_photo(self.new_name)
            raise
        if self.old_name and self.old_name != self.new_name:
            photos.delete_photo(self.old_name)


# --- organiser services --------------------------------------------------------------------

def create_speaker(event, values: dict, actor) -> Speaker:
    """Add a speaker to the event. ``values`` may carry ``user_email`` (link to an account)
    and ``photo`` (an upload). Raises PermissionDenied or ValidationError (with the field)."""
    permissions.require_manager(actor, event, CANNOT_MANAGE)
    clean = validate_speaker_values({"name": "", **values})
    user = _linked_user(values.get("user_email", ""))
    change = PhotoChange(values.get("photo"))
    speaker = Speaker(event=event, user=user, **clean)
    db.session.add(speaker)
    change.apply(speaker)
    change.commit()
    return speaker


def update_speaker(speaker: Speaker, values: dict, actor) -> Speaker:
    """Change the given fields; ``user_email`` (blank unlinks), ``photo`` (replaces the
    upload) and ``remove_photo`` are optional. Raises PermissionDenied or ValidationError."""
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    clean = validate_speaker_values(values)
    user = _linked_user(values["user_email"]) if "user_email" in values else speaker.user
    change = PhotoChange(values.get("photo"), values.get("remove_photo"))
    if clean.get("email", speaker.email) != speaker.email and speaker.invitation_status == "invited":
        speaker.invitation_status = "not_invited"  # earlier links went to the old address
    for key, value in clean.items():
        setattr(speaker, key, value)
    speaker.user = user
    change.apply(speaker)
    change.commit()
    return speaker


def delete_speaker(speaker: Speaker, actor) -> None:
    """Remove the speaker, their slot links (the database cascades) and their photo file."""
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    change = PhotoChange(remove=True)
    change.old_name = speaker.photo_file
    db.session.delete(speaker)
    change.commit()


def link_speaker_user(speaker: Speaker, email: str, actor) -> Speaker:
    """Link the speaker to the account with this email (blank email unlinks).
    Raises ValidationError at ``user_email`` for an unknown address."""
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    speaker.user = _linked_user(email)
    db.session.commit()
    return speaker


def set_speaker_photo(speaker: Speaker, file_storage, actor) -> Speaker:
    """Store an uploaded photo (JPEG/PNG/WebP, size-limited), deleting the previous file.
    Raises ValidationError at ``photo``."""
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    if not file_storage:
        raise ValidationError(_l("Choose an image file."), field="photo")
    change = PhotoChange(file_storage)
    change.apply(speaker)
    change.commit()
    return speaker


def remove_speaker_photo(speaker: Speaker, actor) -> Speaker:
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    change = PhotoChange(remove=True)
    change.apply(speaker)
    change.commit()
    return speaker
