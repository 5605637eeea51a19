"""The personal-data export holds what belongs to the account since its address was
proved: never mail sent to the address before (speaker and team invitation links)."""
from __future__ import annotations

import json
from datetime import date

from eventsys.auth import signup
from eventsys.events import invitations
from eventsys.events.models import Event, EventRole
from eventsys.extensions import db
from eventsys.account import services as privacy
from eventsys.speakers import invitations as speaker_invitations, services as speakers
from eventsys.speakers.models import Speaker
from tests.builders import PASSWORD


def _invitations_sent(owner) -> Event:
    event = Event(slug="rare-2030", title="Rare workshop 2030", start_date=date(2030, 5, 6),
                  end_date=date(2030, 5, 7), timezone="Europe/Madrid", status="published")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
    speaker = Speaker(event=event, name="Dr. Sofía Ruiz", email="sofia@example.org", bio="Geneticist.")
    db.session.add(speaker)
    db.session.commit()
    speaker_invitations.invite_speaker(speaker, owner)
    invitations.invite_to_team(event, "team@example.org", "organiser", owner)
    return event


def _dump(user) -> str:
    return json.dumps(privacy.export_personal_data(user, user))


def test_export_of_a_squatter_holds_no_invitation_links(app, make_user):
    _invitations_sent(make_user(email="olga@example.org"))
    for address in ("sofia@example.org", "team@example.org"):
        squatter = signup.sign_up(address, PASSWORD, "Squatter")
        data = privacy.export_personal_data(squatter, squatter)
        assert (data["mail"], data["speaker_profiles"], data["event_roles"]) == ([], [], [])
        assert "/speakers/invitation/" not in _dump(squatter)
        assert "/team-invitations/" not in _dump(squatter)


def test_export_after_verification_leaves_out_mail_from_before(app, make_user):
    olga = make_user(email="olga@example.org")
    event = _invitations_sent(olga)
    user = signup.sign_up("team@example.org", PASSWORD, "Teresa Team")
    signup.confirm_email(signup.make_verification_token(user))
    invitations.invite_to_team(event, "sofia@example.org", "rapporteur", olga)  # to someone else
    assert privacy.export_personal_data(user, user)["mail"] == []
    assert "/team-invitations/" not in _dump(user)
    speaker = signup.sign_up("sofia@example.org", PASSWORD, "Sofía")
    signup.confirm_email(signup.make_verification_token(speaker))
    data = privacy.export_personal_data(speaker, speaker)
    assert data["mail"] == []
    assert [p["name"] for p in data["speaker_profiles"]] == ["Dr. Sofía Ruiz"]
    assert "/speakers/invitation/" not in _dump(speaker)
