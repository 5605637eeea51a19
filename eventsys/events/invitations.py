"""Team roles by invitation: an owner offers a role to an address; the mailed link is
single-use and works only for a verified account with that same address.

Only the SHA-256 of the link's random token is stored. Inviting the same address again
withdraws the earlier invitation (its link stops working).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from eventsys import mail, permissions
from eventsys.auth.services import get_user_by_email, normalise_email
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events.labels import ROLE_LABELS
from eventsys.events.models import ROLES, EventRole, TeamInvitation
from eventsys.extensions import db
from eventsys.timeutil import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def _pending(now: datetime):
    return (TeamInvitation.accepted_at.is_(None), TeamInvitation.revoked_at.is_(None),
            TeamInvitation.expires_at > now)


def list_pending_invitations(event, now: datetime | None = None) -> list[TeamInvitation]:
    now = now or utcnow()
    return list(db.session.scalars(select(TeamInvitation).where(TeamInvitation.event_id == event.id, *_pending(now))
                                   .order_by(TeamInvitation.email, TeamInvitation.id)))


def get_team_invitation(event, invitation_id: int) -> TeamInvitation | None:
    return db.session.scalar(select(TeamInvitation).where(TeamInvitation.id == invitation_id,
                                                          TeamInvitation.event_id == event.id))


def invite_to_team(event, email: str, role: str, actor, now: datetime | None = None) -> TeamInvitation:
    """Offer ``role`` to ``email`` and queue the mail with the link. Needs can_manage_team
    (PermissionDenied); ValidationError for a bad email or role, or an address whose
    account is already on the team."""
    if not permissions.can_manage_team(actor, event):
        raise PermissionDenied(_l("Only the event's owners can change the team."))
    email = normalise_email(email, field="email")
    if role not in ROLES:
        raise ValidationError(_l("Choose a role from the list."), field="role")
    user = get_user_by_email(email)
    holders = [EventRole.user_id.is_not(None), EventRole.event_id == event.id]
    member = select(EventRole.id).where(*holders, (EventRole.user_id == user.id) if user else
                                        (func.lower(EventRole.email) == email))
    if db.session.scalar(member) is not None:
        raise ValidationError(_l("%(email)s already has a role on this event. Change it in the list instead.",
                                 email=email), field="email")
    now = now or utcnow()
    db.session.execute(update(TeamInvitation).where(
        TeamInvitation.event_id == event.id, func.lower(TeamInvitation.email) == email, *_pending(now))
        .values(revoked_at=now))
    token = secrets.token_urlsafe(32)
    max_age = int(current_app.config["TEAM_INVITATION_MAX_AGE"])
    invitation = TeamInvitation(event_id=event.id, email=email, role=role, token_hash=_hash(token),
                                invited_by_id=actor.id, created_at=now, expires_at=now + timedelta(seconds=max_age))
    db.session.add(invitation)
    mail.queue_mail(email, _l("Invitation to the team of %(title)s", title=event.title), "team_invitation",
                    locale=(user.locale if user else None) or None, event=event, role_label=ROLE_LABELS[role],
                    inviter=actor.name, token=token, max_age_days=max_age // 86400)
    db.session.commit()
    return invitation


def invitation_for_token(token: str, now: datetime | None = None) -> TeamInvitation:
    """The pending invitation of this link. Raises ValidationError when it is unknown,
    withdrawn, used or expired."""
    now = now or utcnow()
    invitation = db.session.scalar(select(TeamInvitation).where(TeamInvitation.token_hash == _hash(token)))
    if invitation is None:
        raise ValidationError(_l("This invitation link is not valid. Please check that you copied all of it."))
    if invitation.revoked_at is not None:
        raise ValidationError(_l("This invitation was withdrawn. Ask the event's owners for a new one."))
    if invitation.accepted_at is not None:
        raise ValidationError(_l("This invitation has already been accepted. Each link works once."))
    if invitation.expires_at <= now:
        raise ValidationError(_l("This invitation has expired. Ask the event's owners for a new one."))
    return invitation


def check_can_accept(invitation: TeamInvitation, actor) -> None:
    """PermissionDenied unless ``actor`` is logged in with a verified account whose address
    is the invited one."""
    if not permissions.is_authenticated(actor):
        raise PermissionDenied(_l("Log in to accept this invitation."))
    if actor.email.lower() != invitation.email.lower():
        raise PermissionDenied(_l("This invitation is for %(invited)s, but you are logged in as %(you)s. "
                                  "Log in with the invited address to accept it.",
                                  invited=invitation.email, you=actor.email))
    if not permissions.is_verified(actor):
        raise PermissionDenied(_l("Confirm your email address first (open the link we sent you), "
                                  "then accept the invitation."))


def accept_team_invitation(token: str, actor, now: datetime | None = None) -> EventRole:
    """Give ``actor`` the invited role; the link is used up. ValidationError for a link
    that is not pending (see invitation_for_token); PermissionDenied (see check_can_accept);
    Conflict when ``actor`` already has a role on the event or the link was just used."""
    now = now or utcnow()
    invitation = invitation_for_token(token, now)
    check_can_accept(invitation, actor)
    used = _l("This invitation has already been accepted. Each link works once.")
    if db.session.scalar(select(EventRole.id).where(EventRole.event_id == invitation.event_id,
                                                    EventRole.user_id == actor.id)) is not None:
        raise Conflict(_l("You already have a role on this event."))
    claimed = db.session.execute(update(TeamInvitation).where(TeamInvitation.id == invitation.id, *_pending(now))
                                 .values(accepted_at=now, accepted_by_id=actor.id))
    if claimed.rowcount != 1:  # a concurrent request used it first
        db.session.rollback()
        raise Conflict(used)
    # A role row from before invitations (no account) for this address is taken over.
    grant = db.session.scalar(select(EventRole).where(EventRole.event_id == invitation.event_id,
                                                      func.lower(EventRole.email) == actor.email.lower()))
    if grant is None:
        grant = EventRole(event_id=invitation.event_id, email=actor.email)
        db.session.add(grant)
    grant.user_id, grant.role = actor.id, invitation.role
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_l("You already have a role on this event.")) from exc
    permissions.forget_roles()
    return grant


def revoke_team_invitation(invitation: TeamInvitation, actor, now: datetime | None = None) -> None:
    """Withdraw a pending invitation: its link stops working. Needs can_manage_team
    (PermissionDenied); Conflict when it is no longer pending."""
    if not permissions.can_manage_team(actor, invitation.event):
        raise PermissionDenied(_l("Only the event's owners can change the team."))
    now = now or utcnow()
    if not invitation.is_pending(now):
        raise Conflict(_l("This invitation is no longer pending."))
    invitation.revoked_at = now
    db.session.commit()
