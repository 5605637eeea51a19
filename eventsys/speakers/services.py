"""Speakers: profiles, photos, links to accounts, invitations and the speaker's own edits.

Organiser services take the acting user and need ``can_manage_event`` (PermissionDenied
otherwise). The speaker acts through a signed invitation link instead of an account.
Every service validates before it changes anything, commits one transaction, and raises
ValidationError with the form field's name.
"""
from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from eventsys import inputrules, mail, permissions
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.auth.services import get_user_by_email, normalise_email
from eventsys.errors import Conflict, ValidationError
from eventsys.events.models import Room
from eventsys.extensions import db
from eventsys.reference import is_valid_country
from eventsys.speakers import photos
from eventsys.speakers.models import Speaker
from eventsys.timeutil import utcnow

INVITATION_SALT = "eventsys.speaker-invitation"
INVITATION_MAX_AGE = 60 * 24 * 3600  # 60 days
PROFILE_FIELDS = ("name", "title", "organisation", "country", "bio", "photo_url")
ORGANISER_FIELDS = PROFILE_FIELDS + ("email",)
LIMITS = {"name": 200, "title": 200, "organisation": 200, "photo_url": 500, "email": 254}
BIO_MAX = 5000
# Shown publicly: speakers who confirmed, and those the organisers list without inviting.
# Declined speakers never; invited ones only once they confirm (no announcing before a yes).
# (events.services.PUBLIC_SPEAKER_STATES on the event page follows the same rule.)
PUBLIC_STATES = ("confirmed", "not_invited")


# --- reading ------------------------------------------------------------------------------

def get_speaker(event, speaker_id: int) -> Speaker | None:
    """The speaker with this id *of this event* (another event's id gives None)."""
    return db.session.scalar(select(Speaker).where(Speaker.id == speaker_id, Speaker.event_id == event.id))


def speakers_with_slot_counts(event) -> list[tuple[Speaker, int]]:
    """Every speaker of the event with the number of agenda slots they are in (one query)."""
    slots = (select(func.count(SlotSpeaker.id)).where(SlotSpeaker.speaker_id == Speaker.id)
             .correlate(Speaker).scalar_subquery())
    rows = db.session.execute(select(Speaker, slots).where(Speaker.event_id == event.id)
                              .order_by(Speaker.name, Speaker.id))
    return [(speaker, count) for speaker, count in rows]


def public_speakers(event) -> list[Speaker]:
    """Speakers shown to the public (one query): see ``PUBLIC_STATES``."""
    return list(db.session.scalars(
        select(Speaker).where(Speaker.event_id == event.id, Speaker.invitation_status.in_(PUBLIC_STATES))
        .order_by(Speaker.name, Speaker.id)))


def is_publicly_listed(speaker: Speaker) -> bool:
    return speaker.invitation_status in PUBLIC_STATES


def speaker_slots(speaker: Speaker) -> list[tuple[AgendaSlot, str, str]]:
    """The speaker's agenda slots in time order, as (slot, role, room name) — one query."""
    rows = db.session.execute(
        select(AgendaSlot, SlotSpeaker.role, Room.name)
        .join(SlotSpeaker, SlotSpeaker.slot_id == AgendaSlot.id)
        .outerjoin(Room, Room.id == AgendaSlot.room_id)
        .where(SlotSpeaker.speaker_id == speaker.id)
        .order_by(AgendaSlot.starts_at, AgendaSlot.id))
    return [(slot, role, room or "") for slot, role, room in rows]


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

class _PhotoChange:
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
    change = _PhotoChange(values.get("photo"))
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
    change = _PhotoChange(values.get("photo"), values.get("remove_photo"))
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
    change = _PhotoChange(remove=True)
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
    change = _PhotoChange(file_storage)
    change.apply(speaker)
    change.commit()
    return speaker


def remove_speaker_photo(speaker: Speaker, actor) -> Speaker:
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    change = _PhotoChange(remove=True)
    change.apply(speaker)
    change.commit()
    return speaker


# --- invitations ---------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def _max_age() -> int:
    return int(current_app.config.get("SPEAKER_INVITATION_MAX_AGE", INVITATION_MAX_AGE))


def _fingerprint(speaker: Speaker) -> str:
    # Ties the link to this speaker record, address and invitation: a new speaker that
    # reuses the id (SQLite), a corrected address, a new invitation or a withdrawal voids
    # links sent earlier.
    basis = f"{speaker.created_at.isoformat()}|{(speaker.email or '').lower()}|{speaker.invitation_nonce}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def make_invitation_token(speaker: Speaker) -> str:
    return _serializer().dumps({"sid": speaker.id, "eid": speaker.event_id, "fp": _fingerprint(speaker)})


def speaker_for_token(token: str, event=None) -> Speaker:
    """The speaker an invitation link belongs to (and, if given, it must be of ``event``).
    Raises ValidationError when the link is forged, expired, for another event or void."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired as exc:
        raise ValidationError(_l("This invitation link has expired. Please ask the organisers "
                                 "to send you a new one.")) from exc
    except BadSignature as exc:
        raise ValidationError(_l("This invitation link is not valid. Please check that you copied "
                                 "all of it, or ask the organisers for a new one.")) from exc
    speaker = db.session.get(Speaker, data.get("sid")) if isinstance(data, dict) else None
    if (speaker is None or speaker.event_id != data.get("eid") or _fingerprint(speaker) != data.get("fp")
            or (event is not None and speaker.event_id != event.id)):
        raise ValidationError(_l("This invitation link is no longer valid. Please ask the "
                                 "organisers for a new one."))
    return speaker


def invite_speaker(speaker: Speaker, actor) -> Speaker:
    """E-mail the speaker a link to confirm or decline and to edit their profile.
    Sending again is allowed: a fresh link, and earlier links stop working; a confirmed
    speaker stays confirmed, anyone else may answer again.
    Raises PermissionDenied, or ValidationError at ``email`` when there is no address."""
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    if not speaker.email:
        raise ValidationError(_l("Add the speaker's email address before sending an invitation."),
                              field="email")
    event = speaker.event
    speaker.invitation_nonce = secrets.token_hex(8)
    mail.queue_mail(speaker.email, _l("Invitation to speak at %(event)s", event=event.title),
                    "speaker_invitation", locale=(speaker.user.locale if speaker.user else None),
                    speaker=speaker, event=event, inviter=actor, token=make_invitation_token(speaker),
                    max_age_days=_max_age() // 86400)
    if speaker.invitation_status != "confirmed":
        speaker.invitation_status = "invited"
    speaker.invited_at = utcnow()
    db.session.commit()
    return speaker


def withdraw_invitation(speaker: Speaker, actor) -> Speaker:
    """Void the speaker's invitation link and take them back to "not invited" (a
    confirmed speaker too). Raises PermissionDenied."""
    permissions.require_manager(actor, speaker.event, CANNOT_MANAGE)
    speaker.invitation_nonce = secrets.token_hex(8)
    speaker.invitation_status = "not_invited"
    db.session.commit()
    return speaker


def can_respond(speaker: Speaker) -> bool:
    """A link answers once: after confirming or declining, only a new invitation reopens it."""
    return speaker.invitation_status == "invited"


def respond_to_invitation(token: str, accept: bool, event=None) -> Speaker:
    """The speaker confirms or declines, once per invitation. Raises ValidationError for
    a void link, Conflict when this invitation was already answered."""
    speaker = speaker_for_token(token, event)
    if not can_respond(speaker):
        raise Conflict(_l("You have already answered this invitation. To change your answer, please "
                          "write to the organisers; they can send you a new invitation."))
    speaker.invitation_status = "confirmed" if accept else "declined"
    speaker.responded_at = utcnow()
    db.session.commit()
    return speaker


def update_own_profile(token: str, values: dict, event=None) -> Speaker:
    """The speaker edits their public profile through the link: name, title, organisation,
    country, bio, photo address, and ``photo`` / ``remove_photo``. Raises ValidationError."""
    speaker = speaker_for_token(token, event)
    clean = validate_speaker_values(values, fields=PROFILE_FIELDS)
    change = _PhotoChange(values.get("photo"), values.get("remove_photo"))
    for key, value in clean.items():
        setattr(speaker, key, value)
    change.apply(speaker)
    change.commit()
    return speaker
