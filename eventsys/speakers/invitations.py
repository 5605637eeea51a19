"""Speaker invitations: the signed link, sending and withdrawing it, the speaker's answer
and their own profile edits through the link.

Services take models or plain values and the acting user, enforce the rules, commit one
transaction and raise DomainError subclasses with a message (and field) a user can read.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from eventsys import mail, permissions
from eventsys.errors import Conflict, ValidationError
from eventsys.extensions import db
from eventsys.speakers.models import Speaker
from eventsys.speakers.services import CANNOT_MANAGE, PROFILE_FIELDS, PhotoChange, validate_speaker_values
from eventsys.timeutil import utcnow

INVITATION_SALT = "eventsys.speaker-invitation"
INVITATION_MAX_AGE = 60 * 24 * 3600  # 60 days


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
    change = PhotoChange(values.get("photo"), values.get("remove_photo"))
    for key, value in clean.items():
        setattr(speaker, key, value)
    change.apply(speaker)
    change.commit()
    return speaker
