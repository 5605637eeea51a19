"""Speaker services, called directly (no HTTP)."""
from __future__ import annotations

import io
import re
import time

import itsdangerous
import itsdangerous.timed
import pytest
from PIL import Image
from sqlalchemy import func, select

from eventsys.agenda.models import SlotSpeaker
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from eventsys.speakers import invitations, services
from eventsys.speakers.models import Speaker
from tests.speakers.conftest import SVG, image_bytes, noise_png, upload

NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image (or it is damaged)."
LINK_EXPIRED = "This invitation link has expired. Please ask the organisers to send you a new one."
LINK_FORGED = ("This invitation link is not valid. Please check that you copied all of it, "
               "or ask the organisers for a new one.")
LINK_VOID = "This invitation link is no longer valid. Please ask the organisers for a new one."
VALUES = {"name": "  Dr. Sofía Ruiz ", "title": "Professor of Bioethics", "organisation": "CNIO",
          "country": "ES", "bio": "Works on *consent*.", "photo_url": "https://example.org/sofia.jpg",
          "email": "Sofia@Example.ORG"}


def raised(exc_type, call, *args, **kwargs):
    with pytest.raises(exc_type) as info:
        call(*args, **kwargs)
    return info.value


def speaker_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Speaker))


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def reload(speaker: Speaker) -> Speaker | None:
    db.session.expire_all()
    return db.session.get(Speaker, speaker.id)


# --- create / update / delete ------------------------------------------------------------

def test_create_speaker_stores_clean_values(event, organiser):
    speaker = services.create_speaker(event, VALUES, organiser)
    stored = reload(speaker)
    assert (stored.event_id, stored.name, stored.title, stored.organisation, stored.country, stored.bio,
            stored.photo_url, stored.email, stored.invitation_status, stored.user_id) == (
        event.id, "Dr. Sofía Ruiz", "Professor of Bioethics", "CNIO", "ES", "Works on *consent*.",
        "https://example.org/sofia.jpg", "sofia@example.org", "not_invited", None)


@pytest.mark.parametrize("field, value, message", [
    ("name", "   ", "Enter a name."),
    ("name", "x" * 201, "Use at most 200 characters."),
    ("title", "x" * 201, "Use at most 200 characters."),
    ("organisation", "x" * 201, "Use at most 200 characters."),
    ("country", "XX", "Choose a country from the list."),
    ("country", "Spain", "Choose a country from the list."),
    ("photo_url", "ftp://example.org/a.jpg", "Enter a web address starting with https://."),
    ("photo_url", "javascript:alert(1)", "Enter a web address starting with https://."),
    ("photo_url", "https://", "Enter a web address starting with https://."),
    ("photo_url", "example.org/a.jpg", "Enter a web address starting with https://."),
    ("photo_url", "http://example.org/a.jpg", "Enter a web address starting with https://."),
    ("photo_url", "data:image/png;base64,AAAA", "Enter a web address starting with https://."),
    ("bio", "x" * 5001, "The bio is 5001 characters long; the limit is 5000."),
    ("email", "not-an-address", "Enter a valid email address."),
])
def test_create_speaker_bad_value_refused_at_field(event, organiser, field, value, message):
    error = raised(ValidationError, services.create_speaker, event, {**VALUES, field: value}, organiser)
    assert (error.field, str(error.message)) == (field, message)
    assert speaker_count() == 0


def test_create_speaker_missing_name_refused_at_name(event, organiser):
    error = raised(ValidationError, services.create_speaker, event, {"title": "Dr"}, organiser)
    assert (error.field, str(error.message)) == ("name", "Enter a name.")


@pytest.mark.parametrize("field, value", [("bio", "x" * 5000), ("photo_url", "https://example.org/a.jpg"),
                                          ("country", ""), ("email", "")])
def test_create_speaker_value_at_limit_accepted(event, organiser, field, value):
    speaker = services.create_speaker(event, {**VALUES, field: value}, organiser)
    assert getattr(reload(speaker), field) == value


@pytest.mark.parametrize("who", ["participant", "other_organiser", "rapporteur", "anonymous"])
def test_create_speaker_without_manage_right_denied(event, make_event, make_user, who):
    from eventsys.events.models import EventRole
    actor = None
    if who != "anonymous":
        actor = make_user()
    if who == "other_organiser":
        make_event(owner=actor)
    if who == "rapporteur":
        db.session.add(EventRole(event_id=event.id, user_id=actor.id, email=actor.email, role="rapporteur"))
        db.session.commit()
    error = raised(PermissionDenied, services.create_speaker, event, VALUES, actor)
    assert str(error.message) == "You cannot manage the speakers of this event."
    assert speaker_count() == 0


def test_create_speaker_with_user_email_links_account(event, organiser, make_user):
    user = make_user(email="sofia.account@example.org")
    speaker = services.create_speaker(event, {**VALUES, "user_email": "SOFIA.account@example.org"}, organiser)
    assert reload(speaker).user_id == user.id


def test_create_speaker_unknown_user_email_refused_at_user_email(event, organiser):
    error = raised(ValidationError, services.create_speaker, event,
                   {**VALUES, "user_email": "nobody@example.org"}, organiser)
    assert error.field == "user_email"
    assert str(error.message) == ("No account uses this email address. Ask the person to sign up first, "
                                  "or leave the field empty.")
    assert speaker_count() == 0


def test_update_speaker_changes_given_fields_only(event, organiser, make_speaker):
    speaker = make_speaker(event, name="Ana", title="Dr", organisation="ISCIII", country="ES")
    services.update_speaker(speaker, {"name": "Ana Ruiz", "country": "PT"}, organiser)
    stored = reload(speaker)
    assert (stored.name, stored.title, stored.organisation, stored.country) == ("Ana Ruiz", "Dr", "ISCIII", "PT")


def test_update_speaker_bad_value_saves_nothing(event, organiser, make_speaker):
    speaker = make_speaker(event, name="Ana", country="ES")
    error = raised(ValidationError, services.update_speaker, speaker,
                   {"name": "Ana Ruiz", "country": "ZZZ"}, organiser)
    assert error.field == "country"
    stored = reload(speaker)
    assert (stored.name, stored.country) == ("Ana", "ES")


def test_update_speaker_blank_user_email_unlinks(event, organiser, make_speaker, make_user):
    speaker = make_speaker(event, user=make_user())
    services.update_speaker(speaker, {"user_email": ""}, organiser)
    assert reload(speaker).user_id is None


def test_update_speaker_of_other_event_denied_to_its_non_organiser(make_event, make_user, make_speaker, organiser):
    stranger = make_user()
    speaker = make_speaker(make_event(owner=stranger), name="Ana")
    raised(PermissionDenied, services.update_speaker, speaker, {"name": "Hacked"}, organiser)
    assert reload(speaker).name == "Ana"


def test_delete_speaker_removes_speaker_and_slot_links(event, organiser, make_speaker, make_slot):
    speaker = make_speaker(event)
    other = make_speaker(event)
    slot = make_slot(event, speaker)
    db.session.add(SlotSpeaker(slot_id=slot.id, speaker_id=other.id, role="chair"))
    db.session.commit()
    services.delete_speaker(speaker, organiser)
    db.session.expire_all()
    assert speaker_count() == 1
    links = db.session.execute(select(SlotSpeaker.slot_id, SlotSpeaker.speaker_id)).all()
    assert links == [(slot.id, other.id)]


def test_delete_speaker_by_participant_denied(event, make_user, make_speaker):
    speaker = make_speaker(event)
    raised(PermissionDenied, services.delete_speaker, speaker, make_user())
    assert speaker_count() == 1


# --- linking an account ------------------------------------------------------------------------

def test_link_speaker_user_known_email_links(event, organiser, make_speaker, make_user):
    user = make_user(email="ana@example.org")
    speaker = make_speaker(event)
    services.link_speaker_user(speaker, " Ana@Example.org ", organiser)
    assert reload(speaker).user_id == user.id


def test_link_speaker_user_unknown_email_refused_at_user_email(event, organiser, make_speaker):
    speaker = make_speaker(event)
    error = raised(ValidationError, services.link_speaker_user, speaker, "ghost@example.org", organiser)
    assert error.field == "user_email"
    assert reload(speaker).user_id is None


def test_link_speaker_user_invalid_email_refused_at_user_email(event, organiser, make_speaker):
    error = raised(ValidationError, services.link_speaker_user, make_speaker(event), "ghost@", organiser)
    assert (error.field, str(error.message)) == ("user_email", "Enter a valid email address.")


def test_link_speaker_user_blank_email_unlinks(event, organiser, make_speaker, make_user):
    speaker = make_speaker(event, user=make_user())
    services.link_speaker_user(speaker, "", organiser)
    assert reload(speaker).user_id is None


def test_link_speaker_user_by_participant_denied(event, make_speaker, make_user):
    user = make_user()
    speaker = make_speaker(event)
    raised(PermissionDenied, services.link_speaker_user, speaker, user.email, user)
    assert reload(speaker).user_id is None


# --- invitations -------------------------------------------------------------------------------

def test_invite_speaker_queues_mail_and_marks_invited(event, organiser, make_speaker):
    speaker = make_speaker(event, name="Sofía Ruiz", email="sofia@example.org")
    invitations.invite_speaker(speaker, organiser)
    stored = reload(speaker)
    assert stored.invitation_status == "invited"
    assert stored.invited_at is not None
    [message] = outbox()
    assert (message.to_addr, message.subject) == ("sofia@example.org",
                                                  "Invitation to speak at Genomics and Society 2030")
    assert "Dear Sofía Ruiz," in message.body_text
    assert "Olga Owner invites you to speak at Genomics and Society 2030 (May 6, 2030)." in message.body_text
    [link] = re.findall(r"https?://\S+", message.body_text)
    token = link.rsplit("/", 1)[1]
    assert link == f"http://localhost/events/genomics-2030/speakers/invitation/{token}"
    assert invitations.speaker_for_token(token) is stored
    assert "team@example.org" in message.body_text
    assert "The link works for 60 days" in message.body_text


def test_invite_speaker_without_email_refused_at_email(event, organiser, make_speaker):
    speaker = make_speaker(event)
    error = raised(ValidationError, invitations.invite_speaker, speaker, organiser)
    assert (error.field, str(error.message)) == (
        "email", "Add the speaker's email address before sending an invitation.")
    assert outbox() == []
    assert reload(speaker).invitation_status == "not_invited"


def test_invite_speaker_again_sends_again(event, organiser, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org")
    invitations.invite_speaker(speaker, organiser)
    first = reload(speaker).invited_at
    invitations.invite_speaker(speaker, organiser)
    assert [m.to_addr for m in outbox()] == ["sofia@example.org", "sofia@example.org"]
    assert reload(speaker).invited_at >= first
    assert reload(speaker).invitation_status == "invited"


def test_invite_speaker_confirmed_stays_confirmed(event, organiser, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org", invitation_status="confirmed")
    invitations.invite_speaker(speaker, organiser)
    assert reload(speaker).invitation_status == "confirmed"
    assert "Here is a fresh link to your speaker page" in outbox()[0].body_text


def test_invite_speaker_declined_becomes_invited_again(event, organiser, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org", invitation_status="declined")
    invitations.invite_speaker(speaker, organiser)
    assert reload(speaker).invitation_status == "invited"


def test_invite_speaker_by_participant_denied(event, make_speaker, make_user):
    speaker = make_speaker(event, email="sofia@example.org")
    raised(PermissionDenied, invitations.invite_speaker, speaker, make_user())
    assert outbox() == []


def test_invitation_token_round_trip(event, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org")
    token = invitations.make_invitation_token(speaker)
    assert invitations.speaker_for_token(token) is speaker
    assert invitations.speaker_for_token(token, event) is speaker


def test_invitation_token_forged_with_other_key_refused(app, event, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org")
    genuine = itsdangerous.URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=invitations.INVITATION_SALT)
    payload = genuine.loads(invitations.make_invitation_token(speaker))
    forged = itsdangerous.URLSafeTimedSerializer("another-secret", salt=invitations.INVITATION_SALT).dumps(payload)
    assert str(raised(ValidationError, invitations.speaker_for_token, forged).message) == LINK_FORGED


@pytest.mark.parametrize("token", ["", "garbage", "eyJzaWQiOjF9.AAAA.BBBB"])
def test_invitation_token_garbage_refused(event, token):
    assert str(raised(ValidationError, invitations.speaker_for_token, token).message) == LINK_FORGED


def test_invitation_token_tampered_refused(event, make_speaker):
    token = invitations.make_invitation_token(make_speaker(event, email="sofia@example.org"))
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert str(raised(ValidationError, invitations.speaker_for_token, tampered).message) == LINK_FORGED


def test_invitation_token_with_other_salt_refused(app, event, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org")
    reset_like = itsdangerous.URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="eventsys.password-reset").dumps(
        {"sid": speaker.id, "eid": event.id})
    assert str(raised(ValidationError, invitations.speaker_for_token, reset_like).message) == LINK_FORGED


def test_invitation_token_expired_refused(event, make_speaker, monkeypatch):
    speaker = make_speaker(event, email="sofia@example.org")
    issued = time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: issued)
    token = invitations.make_invitation_token(speaker)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: issued + 60 * 86400 - 5)
    assert invitations.speaker_for_token(token) is speaker  # still valid just before 60 days
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: issued + 60 * 86400 + 5)
    assert str(raised(ValidationError, invitations.speaker_for_token, token).message) == LINK_EXPIRED


def test_invitation_token_other_event_refused(event, make_event, make_speaker):
    token = invitations.make_invitation_token(make_speaker(event, email="sofia@example.org"))
    other = make_event()
    assert str(raised(ValidationError, invitations.speaker_for_token, token, other).message) == LINK_VOID
    assert str(raised(ValidationError, invitations.respond_to_invitation, token, True, other).message) == LINK_VOID


def test_invitation_token_of_deleted_speaker_refused(event, organiser, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org")
    token = invitations.make_invitation_token(speaker)
    services.delete_speaker(speaker, organiser)
    assert str(raised(ValidationError, invitations.speaker_for_token, token).message) == LINK_VOID


def test_invitation_token_after_email_change_refused(event, organiser, make_speaker):
    speaker = make_speaker(event, email="wrong@example.org", invitation_status="invited")
    token = invitations.make_invitation_token(speaker)
    services.update_speaker(speaker, {"email": "right@example.org"}, organiser)
    assert str(raised(ValidationError, invitations.speaker_for_token, token).message) == LINK_VOID
    assert reload(speaker).invitation_status == "not_invited"


def test_respond_to_invitation_accept_confirms(event, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org", invitation_status="invited")
    invitations.respond_to_invitation(invitations.make_invitation_token(speaker), True)
    stored = reload(speaker)
    assert stored.invitation_status == "confirmed"
    assert stored.responded_at is not None


def test_respond_to_invitation_answers_once_per_invitation(event, organiser, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org", invitation_status="invited")
    token = invitations.make_invitation_token(speaker)
    invitations.respond_to_invitation(token, False)
    assert reload(speaker).invitation_status == "declined"
    error = raised(Conflict, invitations.respond_to_invitation, token, True)
    assert str(error.message) == ("You have already answered this invitation. To change your answer, please "
                                  "write to the organisers; they can send you a new invitation.")
    assert reload(speaker).invitation_status == "declined"
    invitations.invite_speaker(speaker, organiser)  # a new invitation reopens the answer
    invitations.respond_to_invitation(invitations.make_invitation_token(reload(speaker)), True)
    assert reload(speaker).invitation_status == "confirmed"


def test_invite_speaker_again_voids_the_earlier_link(event, organiser, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org")
    invitations.invite_speaker(speaker, organiser)
    old = invitations.make_invitation_token(reload(speaker))
    invitations.invite_speaker(speaker, organiser)
    raised(ValidationError, invitations.speaker_for_token, old)
    assert invitations.speaker_for_token(invitations.make_invitation_token(reload(speaker))).id == speaker.id


def test_withdraw_invitation_voids_the_link_and_resets_status(event, organiser, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org")
    invitations.invite_speaker(speaker, organiser)
    token = invitations.make_invitation_token(reload(speaker))
    invitations.withdraw_invitation(speaker, organiser)
    assert reload(speaker).invitation_status == "not_invited"
    raised(ValidationError, invitations.speaker_for_token, token)
    raised(ValidationError, invitations.update_own_profile, token, {"name": "Someone else"})
    assert reload(speaker).name != "Someone else"


def test_withdraw_invitation_by_participant_denied(event, make_speaker, make_user):
    speaker = make_speaker(event, email="sofia@example.org", invitation_status="invited")
    raised(PermissionDenied, invitations.withdraw_invitation, speaker, make_user())


def test_link_speaker_user_unverified_account_refused_at_user_email(event, organiser, make_speaker, make_user):
    speaker = make_speaker(event, email="sofia@example.org")
    make_user(email="sofia@example.org", email_verified_at=None)
    error = raised(ValidationError, services.link_speaker_user, speaker, "sofia@example.org", organiser)
    assert (error.field, str(error.message)) == (
        "user_email", "This account has not confirmed its email address yet. Ask the person to open the "
                      "confirmation link we sent them, then try again.")
    assert reload(speaker).user_id is None
    error = raised(ValidationError, services.create_speaker, event,
                   {"name": "Sofía", "user_email": "sofia@example.org"}, organiser)
    assert error.field == "user_email"


def test_respond_to_invitation_forged_token_refused(event, make_speaker):
    speaker = make_speaker(event, email="sofia@example.org", invitation_status="invited")
    raised(ValidationError, invitations.respond_to_invitation, "forged", True)
    assert reload(speaker).invitation_status == "invited"


def test_update_own_profile_changes_profile_fields_only(event, make_speaker, make_user):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org", invitation_status="invited")
    token = invitations.make_invitation_token(speaker)
    invitations.update_own_profile(token, {"name": "Dr. Sofía Ruiz", "title": "Professor", "organisation": "CNIO",
                                        "country": "ES", "bio": "**Bio**", "photo_url": "https://example.org/s.png",
                                        "email": "evil@example.org", "user_email": make_user().email,
                                        "invitation_status": "confirmed"})
    stored = reload(speaker)
    assert (stored.name, stored.title, stored.organisation, stored.country, stored.bio, stored.photo_url) == (
        "Dr. Sofía Ruiz", "Professor", "CNIO", "ES", "**Bio**", "https://example.org/s.png")
    assert (stored.email, stored.user_id, stored.invitation_status) == ("sofia@example.org", None, "invited")


def test_update_own_profile_bad_value_saves_nothing(event, make_speaker):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org")
    token = invitations.make_invitation_token(speaker)
    error = raised(ValidationError, invitations.update_own_profile, token, {"name": "New", "bio": "x" * 5001})
    assert error.field == "bio"
    assert reload(speaker).name == "Sofia"


def test_update_own_profile_declined_speaker_may_still_edit(event, make_speaker):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org", invitation_status="declined")
    invitations.update_own_profile(invitations.make_invitation_token(speaker), {"name": "Sofía"})
    assert reload(speaker).name == "Sofía"


def test_update_own_profile_invalid_token_refused(event, make_speaker):
    speaker = make_speaker(event, name="Sofia")
    raised(ValidationError, invitations.update_own_profile, "nope", {"name": "Hacked"})
    assert reload(speaker).name == "Sofia"


# --- photos ------------------------------------------------------------------------------------

def stored_files(photo_dir) -> list[str]:
    return sorted(p.name for p in photo_dir.iterdir()) if photo_dir.exists() else []


@pytest.mark.parametrize("fmt, ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_set_speaker_photo_valid_image_stored(event, organiser, make_speaker, photo_dir, fmt, ext):
    speaker = make_speaker(event)
    services.set_speaker_photo(speaker, upload(image_bytes(fmt), f"me.{ext}"), organiser)
    name = reload(speaker).photo_file
    assert re.fullmatch(rf"{speaker.id}-[0-9a-f]{{16}}\.{ext}", name)
    assert stored_files(photo_dir) == [name]
    with Image.open(photo_dir / name) as stored:
        assert (stored.format, stored.size) == (fmt, (120, 90))


def test_set_speaker_photo_fake_png_refused(event, organiser, make_speaker, photo_dir):
    speaker = make_speaker(event)
    error = raised(ValidationError, services.set_speaker_photo, speaker,
                   upload(b"\x89PNG\r\n\x1a\n this is not really an image", "me.png"), organiser)
    assert (error.field, str(error.message)) == ("photo", NOT_AN_IMAGE)
    assert (reload(speaker).photo_file, stored_files(photo_dir)) == ("", [])


def test_set_speaker_photo_svg_refused(event, organiser, make_speaker, photo_dir):
    speaker = make_speaker(event)
    error = raised(ValidationError, services.set_speaker_photo, speaker,
                   upload(SVG, "me.png", "image/png"), organiser)
    assert (error.field, str(error.message)) == ("photo", NOT_AN_IMAGE)
    assert stored_files(photo_dir) == []


def test_set_speaker_photo_gif_refused(event, organiser, make_speaker, photo_dir):
    speaker = make_speaker(event)
    error = raised(ValidationError, services.set_speaker_photo, speaker,
                   upload(image_bytes("GIF"), "me.gif", "image/gif"), organiser)
    assert (error.field, str(error.message)) == ("photo", "Photos must be JPEG, PNG or WebP images.")
    assert stored_files(photo_dir) == []


def test_set_speaker_photo_oversized_file_refused(event, organiser, make_speaker, photo_dir):
    data = noise_png(900)
    assert len(data) > 2 * 1024 * 1024
    speaker = make_speaker(event)
    error = raised(ValidationError, services.set_speaker_photo, speaker, upload(data), organiser)
    assert (error.field, str(error.message)) == ("photo", "The photo is larger than 2 MB. Please send a smaller image.")
    assert stored_files(photo_dir) == []


def test_set_speaker_photo_size_limit_read_from_config(app, event, organiser, make_speaker):
    app.config["SPEAKER_PHOTO_MAX_BYTES"] = 500 * 1024
    data = noise_png(450)
    assert 500 * 1024 < len(data) < 2 * 1024 * 1024
    error = raised(ValidationError, services.set_speaker_photo, make_speaker(event), upload(data), organiser)
    assert str(error.message) == "The photo is larger than 500 KB. Please send a smaller image."


def test_set_speaker_photo_too_many_pixels_refused(event, organiser, make_speaker, photo_dir):
    error = raised(ValidationError, services.set_speaker_photo, make_speaker(event),
                   upload(image_bytes("PNG", size=(4001, 10))), organiser)
    assert (error.field, str(error.message)) == (
        "photo", "The photo is 4001 × 10 pixels; the limit is 4000 pixels on each side.")
    assert stored_files(photo_dir) == []


def test_set_speaker_photo_truncated_jpeg_refused(event, organiser, make_speaker, photo_dir):
    data = image_bytes("JPEG", size=(400, 400), color=None)
    error = raised(ValidationError, services.set_speaker_photo, make_speaker(event),
                   upload(data[: len(data) // 2], "me.jpg"), organiser)
    assert (error.field, str(error.message)) == ("photo", NOT_AN_IMAGE)


def test_set_speaker_photo_empty_file_refused(event, organiser, make_speaker):
    error = raised(ValidationError, services.set_speaker_photo, make_speaker(event), upload(b""), organiser)
    assert (error.field, str(error.message)) == ("photo", "The file is empty. Choose a JPEG, PNG or WebP image.")


def test_set_speaker_photo_strips_exif_metadata(event, organiser, make_speaker, photo_dir):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    data = image_bytes("JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif()[0x010F] == "SecretCam"
    speaker = make_speaker(event)
    services.set_speaker_photo(speaker, upload(data, "me.jpg", "image/jpeg"), organiser)
    with Image.open(photo_dir / reload(speaker).photo_file) as stored:
        assert dict(stored.getexif()) == {}
    assert b"SecretCam" not in (photo_dir / reload(speaker).photo_file).read_bytes()


def test_set_speaker_photo_replacing_deletes_old_file(event, organiser, make_speaker, photo_dir):
    speaker = make_speaker(event)
    services.set_speaker_photo(speaker, upload(image_bytes("PNG")), organiser)
    first = reload(speaker).photo_file
    services.set_speaker_photo(speaker, upload(image_bytes("JPEG"), "new.jpg"), organiser)
    second = reload(speaker).photo_file
    assert first != second
    assert stored_files(photo_dir) == [second]


def test_set_speaker_photo_refused_replacement_keeps_old_file(event, organiser, make_speaker, photo_dir):
    speaker = make_speaker(event)
    services.set_speaker_photo(speaker, upload(image_bytes("PNG")), organiser)
    first = reload(speaker).photo_file
    raised(ValidationError, services.set_speaker_photo, speaker, upload(SVG, "x.svg"), organiser)
    assert (reload(speaker).photo_file, stored_files(photo_dir)) == (first, [first])


def test_set_speaker_photo_by_participant_denied(event, make_speaker, make_user, photo_dir):
    speaker = make_speaker(event)
    raised(PermissionDenied, services.set_speaker_photo, speaker, upload(image_bytes()), make_user())
    assert stored_files(photo_dir) == []


def test_remove_speaker_photo_deletes_file(event, organiser, make_speaker, photo_dir):
    speaker = make_speaker(event)
    services.set_speaker_photo(speaker, upload(image_bytes()), organiser)
    services.remove_speaker_photo(speaker, organiser)
    assert (reload(speaker).photo_file, stored_files(photo_dir)) == ("", [])


def test_delete_speaker_deletes_photo_file(event, organiser, make_speaker, photo_dir):
    speaker = make_speaker(event)
    services.set_speaker_photo(speaker, upload(image_bytes()), organiser)
    services.delete_speaker(speaker, organiser)
    assert stored_files(photo_dir) == []


def test_create_speaker_with_photo_stores_it_under_new_id(event, organiser, photo_dir):
    speaker = services.create_speaker(event, {**VALUES, "photo": upload(image_bytes())}, organiser)
    assert stored_files(photo_dir) == [reload(speaker).photo_file]
    assert reload(speaker).photo_file.startswith(f"{speaker.id}-")


def test_update_own_profile_uploads_and_replaces_photo(event, make_speaker, photo_dir):
    speaker = make_speaker(event, email="sofia@example.org")
    token = invitations.make_invitation_token(speaker)
    invitations.update_own_profile(token, {"photo": upload(image_bytes("PNG"))})
    first = reload(speaker).photo_file
    invitations.update_own_profile(token, {"photo": upload(image_bytes("WEBP"), "me.webp")})
    assert stored_files(photo_dir) == [reload(speaker).photo_file]
    assert reload(speaker).photo_file.endswith(".webp") and first.endswith(".png")
    invitations.update_own_profile(token, {"remove_photo": True})
    assert (reload(speaker).photo_file, stored_files(photo_dir)) == ("", [])


def test_update_own_profile_bad_photo_saves_nothing(event, make_speaker, photo_dir):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org")
    token = invitations.make_invitation_token(speaker)
    error = raised(ValidationError, invitations.update_own_profile, token,
                   {"name": "Sofía", "photo": upload(SVG, "me.svg", "image/svg+xml")})
    assert error.field == "photo"
    assert (reload(speaker).name, stored_files(photo_dir)) == ("Sofia", [])


# --- reading -----------------------------------------------------------------------------------

def test_get_speaker_of_other_event_is_none(event, make_event, make_speaker):
    speaker = make_speaker(make_event())
    assert services.get_speaker(event, speaker.id) is None


def test_public_speakers_lists_confirmed_and_uninvited_only(event, make_speaker):
    for name, status in [("Cora", "confirmed"), ("Nina", "not_invited"), ("Ivan", "invited"), ("Dora", "declined")]:
        make_speaker(event, name=name, invitation_status=status)
    assert [s.name for s in services.public_speakers(event)] == ["Cora", "Nina"]


def test_speakers_with_slot_counts_counts_each_speakers_slots(event, make_speaker, make_slot):
    busy, idle = make_speaker(event, name="Ana"), make_speaker(event, name="Bea")
    make_slot(event, busy)
    make_slot(event, busy, title="Panel")
    assert [(s.name, n) for s, n in services.speakers_with_slot_counts(event)] == [("Ana", 2), ("Bea", 0)]
