"""Team roles by invitation: single-use links, bound to a verified account with the
invited address; pending invitations can be revoked. Permissions ignore unverified accounts."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from eventsys import permissions
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events import invitations, reading
from eventsys.events.models import EventRole, TeamInvitation
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from tests.events.helpers import count, grant, make_event

NOW = datetime(2030, 1, 10, 12, 0)


def raised(error_class, call, *args, **kwargs):
    with pytest.raises(error_class) as info:
        call(*args, **kwargs)
    return info.value


def _invite(event, email, role, actor, now=NOW) -> tuple[TeamInvitation, str]:
    """Invite and return the invitation with the token read from its mail."""
    invitation = invitations.invite_to_team(event, email, role, actor, now=now)
    body = db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).first()
    token = re.search(r"/events/team-invitations/(\S+)", body).group(1)
    return invitation, token


def test_invite_to_team_mails_a_single_use_link_and_stores_only_its_hash(app, make_user):
    olga = make_user(name="Olga Owner")
    event = make_event(owner=olga, title="Rare workshop 2030")
    invitation, token = _invite(event, " Ana@Example.org ", "organiser", olga)
    assert (invitation.email, invitation.role, invitation.expires_at) == (
        "ana@example.org", "organiser", NOW + timedelta(days=14))
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.to_addr, message.subject) == ("ana@example.org", "Invitation to the team of Rare workshop 2030")
    assert ('Olga Owner invites you to the team of "Rare workshop 2030" (May 6, 2030) as Organiser.'
            in message.body_text)
    assert count(EventRole) == 1  # nothing granted yet


def test_accept_team_invitation_gives_the_role_once(app, make_user):
    olga, ana = make_user(), make_user(email="ana@example.org")
    event = make_event(owner=olga)
    _, token = _invite(event, "ana@example.org", "rapporteur", olga)
    row = invitations.accept_team_invitation(token, ana, now=NOW)
    assert (row.user_id, row.email, row.role) == (ana.id, "ana@example.org", "rapporteur")
    assert permissions.event_role(ana, event) == "rapporteur"
    error = raised(ValidationError, invitations.accept_team_invitation, token, ana, now=NOW)
    assert str(error.message) == "This invitation has already been accepted. Each link works once."


def test_accept_team_invitation_refuses_an_unverified_account_with_the_address(app, make_user):
    olga = make_user()
    squatter = make_user(email="ana@example.org", email_verified_at=None)
    event = make_event(owner=olga)
    _, token = _invite(event, "ana@example.org", "owner", olga)
    error = raised(PermissionDenied, invitations.accept_team_invitation, token, squatter, now=NOW)
    assert str(error.message) == ("Confirm your email address first (open the link we sent you), "
                                  "then accept the invitation.")
    assert count(EventRole) == 1
    assert invitations.invitation_for_token(token, NOW).accepted_at is None


def test_accept_team_invitation_refuses_another_address(app, make_user):
    olga, bob = make_user(), make_user(email="bob@example.org")
    event = make_event(owner=olga)
    _, token = _invite(event, "ana@example.org", "organiser", olga)
    error = raised(PermissionDenied, invitations.accept_team_invitation, token, bob, now=NOW)
    assert str(error.message) == ("This invitation is for ana@example.org, but you are logged in as "
                                  "bob@example.org. Log in with the invited address to accept it.")
    assert count(EventRole) == 1


def test_accept_team_invitation_expired_or_revoked_refused(app, make_user):
    olga, ana = make_user(), make_user(email="ana@example.org")
    event = make_event(owner=olga)
    _, token = _invite(event, "ana@example.org", "organiser", olga)
    late = NOW + timedelta(days=14, seconds=1)
    assert str(raised(ValidationError, invitations.accept_team_invitation, token, ana, now=late).message) == (
        "This invitation has expired. Ask the event's owners for a new one.")
    invitation, token = _invite(event, "ana@example.org", "organiser", olga)
    invitations.revoke_team_invitation(invitation, olga, now=NOW)
    assert str(raised(ValidationError, invitations.accept_team_invitation, token, ana, now=NOW).message) == (
        "This invitation was withdrawn. Ask the event's owners for a new one.")
    assert count(EventRole) == 1


def test_inviting_again_voids_the_earlier_link(app, make_user):
    olga, ana = make_user(), make_user(email="ana@example.org")
    event = make_event(owner=olga)
    _, old = _invite(event, "ana@example.org", "owner", olga)
    _, new = _invite(event, "ana@example.org", "rapporteur", olga)
    raised(ValidationError, invitations.accept_team_invitation, old, ana, now=NOW)
    assert invitations.accept_team_invitation(new, ana, now=NOW).role == "rapporteur"
    assert [i.email for i in invitations.list_pending_invitations(event, NOW)] == []


def test_list_pending_invitations_leaves_out_used_revoked_and_expired(app, make_user):
    olga, ana = make_user(), make_user(email="ana@example.org")
    event = make_event(owner=olga)
    _, used = _invite(event, "ana@example.org", "organiser", olga)
    invitations.accept_team_invitation(used, ana, now=NOW)
    revoked, _ = _invite(event, "bob@example.org", "organiser", olga)
    invitations.revoke_team_invitation(revoked, olga, now=NOW)
    _invite(event, "old@example.org", "checkin", olga, now=NOW - timedelta(days=15))
    _invite(event, "cy@example.org", "checkin", olga)
    assert [(i.email, i.role) for i in invitations.list_pending_invitations(event, NOW)] == [
        ("cy@example.org", "checkin")]


def test_invite_to_team_refuses_someone_already_on_the_team(app, make_user):
    olga = make_user(email="olga@example.org")
    event = make_event(owner=olga)
    error = raised(ValidationError, invitations.invite_to_team, event, "OLGA@example.org", "rapporteur", olga)
    assert (error.field, str(error.message)) == (
        "email", "olga@example.org already has a role on this event. Change it in the list instead.")
    assert (count(TeamInvitation), count(OutboxMessage)) == (0, 0)


@pytest.mark.parametrize("email, role, field", [("nobody", "organiser", "email"), ("a@example.org", "boss", "role"),
                                                ("a@example.org", "", "role")])
def test_invite_to_team_refuses_bad_values(app, make_user, email, role, field):
    olga = make_user()
    event = make_event(owner=olga)
    assert raised(ValidationError, invitations.invite_to_team, event, email, role, olga).field == field
    assert count(TeamInvitation) == 0


def test_invite_and_revoke_refused_to_organisers(app, make_user):
    olga, organiser = make_user(), make_user()
    event = make_event(owner=olga)
    grant(event, organiser, "organiser")
    raised(PermissionDenied, invitations.invite_to_team, event, "a@example.org", "organiser", organiser)
    invitation, _ = _invite(event, "a@example.org", "organiser", olga)
    raised(PermissionDenied, invitations.revoke_team_invitation, invitation, organiser, now=NOW)
    assert invitation.revoked_at is None


def test_revoke_refuses_an_invitation_no_longer_pending(app, make_user):
    olga, ana = make_user(), make_user(email="ana@example.org")
    event = make_event(owner=olga)
    invitation, token = _invite(event, "ana@example.org", "organiser", olga)
    invitations.accept_team_invitation(token, ana, now=NOW)
    assert str(raised(Conflict, invitations.revoke_team_invitation, invitation, olga, now=NOW).message) == (
        "This invitation is no longer pending.")


def test_accept_takes_over_a_legacy_pending_row_for_the_address(app, make_user):
    olga, ana = make_user(), make_user(email="ana@example.org")
    event = make_event(owner=olga)
    db.session.add(EventRole(event_id=event.id, user_id=None, email="ana@example.org", role="owner"))
    db.session.commit()
    assert permissions.event_role(ana, event) is None  # a row without an account gives nothing
    _, token = _invite(event, "ana@example.org", "checkin", olga)
    invitations.accept_team_invitation(token, ana, now=NOW)
    assert sorted((r.email, r.user_id, r.role) for r in db.session.scalars(
        select(EventRole).where(EventRole.event_id == event.id)) if r.user_id == ana.id) == [
        ("ana@example.org", ana.id, "checkin")]
    assert count(EventRole) == 2


# --- permissions ignore unverified accounts ----------------------------------------------------

def test_unverified_account_holds_no_team_role_even_with_a_row(app, make_user):
    olga = make_user()
    event = make_event(owner=olga)
    squatter = make_user(email="ana@example.org", email_verified_at=None)
    grant(event, squatter, "owner")
    permissions.forget_roles()
    assert permissions.event_role(squatter, event) is None
    assert not permissions.can_manage_team(squatter, event)
    assert not permissions.can_view_sensitive(squatter, event)
    assert not permissions.can_create_event(squatter)
    assert reading.list_my_events(squatter) == []
