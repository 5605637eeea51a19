"""Speaker pages through HTTP: management, the invitation link, public pages and photos."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from eventsys.events.models import EventRole
from eventsys.extensions import db
from eventsys.mail import deliver_due
from eventsys.speakers import invitations, services
from eventsys.speakers.models import Speaker
from tests.pages import field_error, flashes, text
from tests.queries import count_queries
from tests.speakers.conftest import SVG, image_bytes

FORM = {"name": "Dr. Sofía Ruiz", "title": "Professor of Bioethics", "organisation": "CNIO", "country": "ES",
        "bio": "Works on *consent*.", "photo_url": "", "email": "sofia@example.org", "user_email": ""}


def speaker_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Speaker))


def reload(speaker: Speaker) -> Speaker | None:
    db.session.expire_all()
    return db.session.get(Speaker, speaker.id)


@pytest.fixture
def owner_client(client, login, organiser):
    login(client, organiser)
    return client


def manage_url(event, tail: str = "") -> str:
    return f"/events/{event.slug}/manage/speakers{tail}"


# --- organiser pages ---------------------------------------------------------------------------

def test_manage_speakers_lists_status_and_slot_count(owner_client, event, make_speaker, make_slot):
    ana = make_speaker(event, name="Ana Alves", email="ana@example.org", invitation_status="confirmed")
    make_speaker(event, name="Bea Brown")
    make_slot(event, ana)
    make_slot(event, ana, title="Closing")
    response = owner_client.get(manage_url(event))
    assert response.status_code == 200
    page = text(response)
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    assert len(rows) == 2
    assert "Ana Alves" in rows[0] and "Confirmed" in rows[0] and "ana@example.org" in rows[0]
    assert re.search(r'<td class="text-end">2</td>', rows[0])
    assert "Bea Brown" in rows[1] and "Not invited" in rows[1]
    assert re.search(r'<td class="text-end">0</td>', rows[1])


def test_manage_speakers_runs_one_query_for_any_number_of_speakers(owner_client, event, make_speaker, make_slot):
    def speaker_queries() -> list[str]:
        with count_queries() as seen:
            assert owner_client.get(manage_url(event)).status_code == 200
        return [s for s in seen if "speaker" in s.lower()]
    make_slot(event, make_speaker(event))
    few = speaker_queries()
    for _ in range(6):
        make_slot(event, make_speaker(event))
    assert len(speaker_queries()) == len(few) == 1


def test_new_speaker_creates_and_redirects_to_edit(owner_client, event):
    response = owner_client.post(manage_url(event, "/new"), data=FORM)
    speaker = db.session.scalar(select(Speaker))
    assert response.status_code == 302
    assert response.headers["Location"] == manage_url(event, f"/{speaker.id}/edit")
    assert (speaker.name, speaker.country, speaker.email, speaker.event_id) == (
        "Dr. Sofía Ruiz", "ES", "sofia@example.org", event.id)
    assert flashes(owner_client.get(response.headers["Location"])) == ["Dr. Sofía Ruiz is added to the speakers."]


def test_new_speaker_form_is_labelled_and_multipart(owner_client, event):
    page = text(owner_client.get(manage_url(event, "/new")))
    assert 'enctype="multipart/form-data"' in page
    for field in ("name", "title", "organisation", "country", "bio", "photo", "photo_url", "email", "user_email"):
        assert f'<label class="form-label" for="{field}">' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Enter a name."),
    ("country", "XX", "Choose a country from the list."),
    ("photo_url", "ftp://example.org/a.jpg", "Enter a web address starting with https://."),
    ("email", "nope", "Enter a valid email address."),
    ("user_email", "ghost@example.org", "No account uses this email address. Ask the person to sign up first, "
                                        "or leave the field empty."),
])
def test_new_speaker_bad_input_rerendered_400_at_field(owner_client, event, field, value, message):
    response = owner_client.post(manage_url(event, "/new"), data={**FORM, field: value})
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert speaker_count() == 0


def test_new_speaker_empty_form_rerendered_400(owner_client, event):
    response = owner_client.post(manage_url(event, "/new"), data={})
    assert response.status_code == 400
    assert field_error(response, "name") == "Enter a name."


def test_edit_speaker_saves_and_links_account(owner_client, event, make_speaker, make_user):
    user = make_user(email="sofia.account@example.org")
    speaker = make_speaker(event, name="Sofia")
    response = owner_client.post(manage_url(event, f"/{speaker.id}/edit"),
                                 data={**FORM, "user_email": "sofia.account@example.org"})
    assert response.status_code == 302
    assert response.headers["Location"] == manage_url(event)
    stored = reload(speaker)
    assert (stored.name, stored.title, stored.user_id) == ("Dr. Sofía Ruiz", "Professor of Bioethics", user.id)
    page = text(owner_client.get(manage_url(event, f"/{speaker.id}/edit")))
    assert 'value="sofia.account@example.org"' in page


def test_edit_speaker_uploads_photo_served_with_type_and_nosniff(owner_client, client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia")
    data = {**FORM, "photo": (io.BytesIO(image_bytes("PNG")), "me.png", "image/png")}
    response = owner_client.post(manage_url(event, f"/{speaker.id}/edit"), data=data,
                                 content_type="multipart/form-data")
    assert response.status_code == 302
    photo_file = reload(speaker).photo_file
    assert photo_file.endswith(".png")
    page = text(owner_client.get(f"/events/{event.slug}/speakers/{speaker.id}"))
    version = photo_file.split(".")[0]
    assert f'src="/events/{event.slug}/speakers/{speaker.id}/photo?v={version}" alt="Dr. Sofía Ruiz"' in page
    photo = owner_client.get(f"/events/{event.slug}/speakers/{speaker.id}/photo")
    assert photo.status_code == 200
    assert photo.headers["Content-Type"] == "image/png"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert photo.headers["Cache-Control"] == "public, max-age=86400"
    assert photo.headers["ETag"]
    with Image.open(io.BytesIO(photo.data)) as image:
        assert (image.format, image.size) == ("PNG", (120, 90))
    again = owner_client.get(f"/events/{event.slug}/speakers/{speaker.id}/photo",
                             headers={"If-None-Match": photo.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("payload, filename", [(b"\x89PNG\r\n\x1a\nnot an image", "me.png"), (SVG, "me.svg")])
def test_edit_speaker_bad_photo_rerendered_400_at_photo_nothing_saved(owner_client, event, make_speaker,
                                                                      photo_dir, payload, filename):
    speaker = make_speaker(event, name="Sofia")
    data = {**FORM, "photo": (io.BytesIO(payload), filename)}
    response = owner_client.post(manage_url(event, f"/{speaker.id}/edit"), data=data,
                                 content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error(response, "photo") == "This file is not a JPEG, PNG or WebP image (or it is damaged)."
    stored = reload(speaker)
    assert (stored.name, stored.photo_file) == ("Sofia", "")
    assert not photo_dir.exists() or list(photo_dir.iterdir()) == []


def test_edit_speaker_remove_photo_deletes_file(owner_client, event, organiser, make_speaker, photo_dir):
    from tests.speakers.conftest import upload
    speaker = make_speaker(event, name="Sofia")
    services.set_speaker_photo(speaker, upload(image_bytes()), organiser)
    assert 'name="remove_photo"' in text(owner_client.get(manage_url(event, f"/{speaker.id}/edit")))
    response = owner_client.post(manage_url(event, f"/{speaker.id}/edit"), data={**FORM, "remove_photo": "y"})
    assert response.status_code == 302
    assert (reload(speaker).photo_file, list(photo_dir.iterdir())) == ("", [])


def test_delete_speaker_removes_and_flashes(owner_client, event, make_speaker, make_slot):
    speaker = make_speaker(event, name="Sofia")
    make_slot(event, speaker)
    response = owner_client.post(manage_url(event, f"/{speaker.id}/delete"))
    assert response.status_code == 302
    assert speaker_count() == 0
    assert flashes(owner_client.get(response.headers["Location"])) == [
        "Sofia is removed from the speakers and from their agenda slots."]


def test_invite_speaker_without_email_flashes_error(owner_client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia")
    response = owner_client.post(manage_url(event, f"/{speaker.id}/invite"))
    assert response.headers["Location"] == manage_url(event, f"/{speaker.id}/edit")
    assert flashes(owner_client.get(response.headers["Location"])) == [
        "Add the speaker's email address before sending an invitation."]
    assert reload(speaker).invitation_status == "not_invited"


# --- refusals ----------------------------------------------------------------------------------

MANAGE_REQUESTS = [("GET", ""), ("GET", "/new"), ("POST", "/new"), ("GET", "/{id}/edit"), ("POST", "/{id}/edit"),
                   ("POST", "/{id}/delete"), ("POST", "/{id}/invite")]


@pytest.mark.parametrize("method, tail", MANAGE_REQUESTS)
@pytest.mark.parametrize("who", ["participant", "other_organiser", "rapporteur"])
def test_manage_pages_refused_403_without_manage_right(app, login, event, make_event, make_user, make_speaker,
                                                       who, method, tail):
    user = make_user()
    if who == "other_organiser":
        make_event(owner=user)
    if who == "rapporteur":
        db.session.add(EventRole(event_id=event.id, user_id=user.id, email=user.email, role="rapporteur"))
        db.session.commit()
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org")
    client = app.test_client()
    login(client, user)
    response = client.open(manage_url(event, tail.format(id=speaker.id)), method=method, data=FORM)
    assert response.status_code == 403
    stored = reload(speaker)
    assert (stored.name, stored.invitation_status) == ("Sofia", "not_invited")


@pytest.mark.parametrize("method, tail", MANAGE_REQUESTS[3:])
def test_manage_speaker_of_another_event_404(owner_client, event, make_event, make_user, make_speaker, method, tail):
    foreign = make_speaker(make_event(owner=make_user()), name="Foreign", email="f@example.org")
    response = owner_client.open(manage_url(event, tail.format(id=foreign.id)), method=method, data=FORM)
    assert response.status_code == 404
    stored = reload(foreign)
    assert (stored.name, stored.invitation_status) == ("Foreign", "not_invited")


def test_public_speaker_of_another_event_404(client, event, make_event, make_speaker):
    foreign = make_speaker(make_event(), name="Foreign")
    assert client.get(f"/events/{event.slug}/speakers/{foreign.id}").status_code == 404
    assert client.get(f"/events/{event.slug}/speakers/{foreign.id}/photo").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "participant", "other_organiser"])
@pytest.mark.parametrize("tail", ["", "/{id}", "/{id}/photo"])
def test_draft_event_speaker_pages_404_without_role(app, login, make_event, make_user, make_speaker, who, tail):
    draft = make_event(status="draft")
    speaker = make_speaker(draft, name="Sofia")
    client = app.test_client()
    if who != "anonymous":
        user = make_user()
        if who == "other_organiser":
            make_event(owner=user)
        login(client, user)
    assert client.get(f"/events/{draft.slug}/speakers" + tail.format(id=speaker.id)).status_code == 404


def test_draft_event_speaker_pages_shown_to_its_owner(owner_client, make_event, make_speaker):
    draft = make_event(status="draft")
    speaker = make_speaker(draft, name="Sofia")
    assert owner_client.get(f"/events/{draft.slug}/speakers").status_code == 200
    assert owner_client.get(f"/events/{draft.slug}/speakers/{speaker.id}").status_code == 200


def test_manage_pages_send_anonymous_to_log_in(client, event):
    response = client.get(manage_url(event))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- invitation through real mail --------------------------------------------------------------

def test_invitation_mail_link_confirms_and_edits_profile_without_login(
        owner_client, other_client, event, make_speaker, make_slot, mailbox):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org")
    make_slot(event, speaker, title="Opening plenary", room="Sala Goya")
    response = owner_client.post(manage_url(event, f"/{speaker.id}/invite"))
    assert response.status_code == 302
    assert flashes(owner_client.get(response.headers["Location"])) == [
        "An invitation is on its way to sofia@example.org."]
    assert deliver_due().sent == 1
    [message] = mailbox.to("sofia@example.org")
    assert message["Subject"] == "Invitation to speak at Genomics and Society 2030"
    [link] = mailbox.links(message)
    path = link.removeprefix("http://localhost")
    assert path.startswith(f"/events/{event.slug}/speakers/invitation/")

    page = other_client.get(path)  # the speaker has no account and is not logged in
    assert page.status_code == 200
    body = text(page)
    assert "Genomics and Society 2030" in body
    assert "Dear Sofia," in body
    assert f'href="/events/{event.slug}/slots/' in body and "Opening plenary" in body
    assert "9:00\u202fAM – 10:00\u202fAM" in body and "Sala Goya" in body  # 07:00 UTC is 9:00 in Madrid
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert reload(speaker).invitation_status == "invited"

    response = other_client.post(path + "/respond", data={"confirm": "Yes, I will speak"})
    assert response.status_code == 302 and response.headers["Location"] == path
    assert flashes(other_client.get(path)) == ["Thank you for confirming. We look forward to your talk."]
    assert reload(speaker).invitation_status == "confirmed"

    response = other_client.post(path, data={"name": "Dr. Sofía Ruiz", "title": "Professor", "organisation": "CNIO",
                                             "country": "ES", "bio": "I study **consent**.",
                                             "photo": (io.BytesIO(image_bytes("JPEG")), "me.jpg")},
                                 content_type="multipart/form-data")
    assert response.status_code == 302
    stored = reload(speaker)
    assert (stored.name, stored.title, stored.country, stored.bio, stored.email) == (
        "Dr. Sofía Ruiz", "Professor", "ES", "I study **consent**.", "sofia@example.org")
    assert stored.photo_file.endswith(".jpg")
    own_photo = other_client.get(path + "/photo")
    assert (own_photo.status_code, own_photo.headers["Content-Type"]) == (200, "image/jpeg")
    assert own_photo.headers["Cache-Control"] == "private, no-cache"


def test_invitation_decline_then_answer_is_closed(client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org", invitation_status="invited")
    path = f"/events/{event.slug}/speakers/invitation/{invitations.make_invitation_token(speaker)}"
    client.post(path + "/respond", data={"decline": "No, I cannot speak"})
    assert reload(speaker).invitation_status == "declined"
    page = text(client.get(path))
    assert "You have told us that you cannot speak." in page
    assert 'name="confirm"' not in page and 'name="decline"' not in page
    assert "Each invitation is answered once. To change your answer, write to the organisers." in page
    client.post(path + "/respond", data={"confirm": "Yes, I will speak"})
    assert reload(speaker).invitation_status == "declined"


def test_withdraw_invitation_page_voids_the_link(app, client, event, make_speaker, organiser, login):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org", invitation_status="invited")
    path = f"/events/{event.slug}/speakers/invitation/{invitations.make_invitation_token(speaker)}"
    assert client.get(path).status_code == 200
    manager = app.test_client()
    login(manager, organiser)
    response = manager.post(f"/events/{event.slug}/manage/speakers/{speaker.id}/withdraw")
    assert response.headers["Location"] == f"/events/{event.slug}/manage/speakers/{speaker.id}/edit"
    assert reload(speaker).invitation_status == "not_invited"
    assert client.get(path).status_code == 404


def test_invitation_respond_without_choice_changes_nothing(client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org", invitation_status="invited")
    path = f"/events/{event.slug}/speakers/invitation/{invitations.make_invitation_token(speaker)}"
    assert client.post(path + "/respond", data={}).status_code == 302
    assert reload(speaker).invitation_status == "invited"


def test_invitation_profile_bad_input_rerendered_400_nothing_saved(client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org")
    path = f"/events/{event.slug}/speakers/invitation/{invitations.make_invitation_token(speaker)}"
    response = client.post(path, data={"name": "Sofía", "country": "XX"})
    assert response.status_code == 400
    assert field_error(response, "country") == "Choose a country from the list."
    response = client.post(path, data={"name": "Sofía", "photo": (io.BytesIO(image_bytes("GIF")), "me.gif")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error(response, "photo") == "Photos must be JPEG, PNG or WebP images."
    assert reload(speaker).name == "Sofia"


def test_invitation_page_never_offers_email_or_account_fields(client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org")
    page = text(client.get(f"/events/{event.slug}/speakers/invitation/{invitations.make_invitation_token(speaker)}"))
    assert 'name="email"' not in page and 'name="user_email"' not in page


def test_invitation_token_for_another_events_slug_404(client, event, make_event, make_speaker):
    speaker = make_speaker(event, name="Sofia", email="sofia@example.org")
    other = make_event()
    token = invitations.make_invitation_token(speaker)
    for suffix in ("", "/photo"):
        assert client.get(f"/events/{other.slug}/speakers/invitation/{token}{suffix}").status_code == 404
    response = client.post(f"/events/{other.slug}/speakers/invitation/{token}/respond", data={"confirm": "y"})
    assert response.status_code == 404
    assert reload(speaker).invitation_status == "not_invited"


def test_invitation_invalid_token_friendly_404(client, event):
    response = client.get(f"/events/{event.slug}/speakers/invitation/not-a-real-token")
    assert response.status_code == 404
    page = text(response)
    assert "This link does not work" in page
    assert ("This invitation link is not valid. Please check that you copied all of it, "
            "or ask the organisers for a new one.") in page
    assert "team@example.org" in page


def test_invitation_unknown_event_404(client):
    assert client.get("/events/no-such-event/speakers/invitation/abc").status_code == 404


# --- public pages ------------------------------------------------------------------------------

def test_public_speakers_show_cards_without_emails_or_declined(client, event, make_speaker):
    make_speaker(event, name="Cora Confirmed", title="Professor", organisation="CNIO", country="ES",
                 email="cora@example.org", invitation_status="confirmed")
    make_speaker(event, name="Nina Listed", email="nina@example.org")
    make_speaker(event, name="Dora Declined", email="dora@example.org", invitation_status="declined")
    make_speaker(event, name="Ivan Invited", email="ivan@example.org", invitation_status="invited")
    response = client.get(f"/events/{event.slug}/speakers")
    assert response.status_code == 200
    page = text(response)
    assert re.findall(r'class="stretched-link"[^>]*>([^<]+)</a>', page) == ["Cora Confirmed", "Nina Listed"]
    assert "Professor" in page and "CNIO" in page and "Spain" in page
    assert "@" not in page.split('<main id="main"', 1)[1]
    assert 'alt="Cora Confirmed"' in page and "/static/img/speaker-placeholder.svg" in page


def test_public_speakers_country_name_in_viewers_language(client, event, make_speaker):
    make_speaker(event, name="Cora", country="DE")
    page = text(client.get(f"/events/{event.slug}/speakers", headers={"Accept-Language": "es"}))
    assert "Alemania" in page


def test_public_speakers_query_count_does_not_grow_with_speakers(client, event, make_speaker):
    def speaker_queries() -> int:
        with count_queries() as seen:
            assert client.get(f"/events/{event.slug}/speakers").status_code == 200
        return len([s for s in seen if "speaker" in s.lower()])
    make_speaker(event, photo_url="https://example.org/a.jpg")
    few = speaker_queries()
    for n in range(8):
        make_speaker(event, country="PT", photo_file=f"{n}-{'a' * 16}.png")
    assert speaker_queries() == few
    assert few <= 3


def test_public_speaker_page_shows_markdown_bio_slots_and_no_email(client, event, make_speaker, make_slot):
    speaker = make_speaker(event, name="Sofía Ruiz", email="sofia@example.org", organisation="CNIO",
                           bio="Works on **consent**.\n\n<script>alert(1)</script>",
                           photo_url="https://example.org/sofia.jpg")
    slot = make_slot(event, speaker, role="chair", title="Opening plenary", room="Sala Goya")
    response = client.get(f"/events/{event.slug}/speakers/{speaker.id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<strong>consent</strong>" in body
    assert "<script>alert" not in body
    assert f'<a class="fw-semibold" href="/events/{event.slug}/slots/{slot.id}">Opening plenary</a>' in body
    assert "9:00\u202fAM – 10:00\u202fAM" in body and "Chair" in body and "Sala Goya" in body
    assert "Monday, May 6, 2030" in body
    assert 'src="https://example.org/sofia.jpg" alt="Sofía Ruiz"' in body
    assert "sofia@example.org" not in body


def test_public_speaker_page_runs_constant_queries(client, event, make_speaker, make_slot):
    speaker = make_speaker(event, name="Sofia")
    make_slot(event, speaker)
    with count_queries() as one:
        client.get(f"/events/{event.slug}/speakers/{speaker.id}")
    for n in range(5):
        make_slot(event, speaker, title=f"Slot {n}", room=f"Room {n}")
    with count_queries() as six:
        client.get(f"/events/{event.slug}/speakers/{speaker.id}")
    assert len(six) == len(one)


@pytest.mark.parametrize("status", ["declined", "invited"])
def test_public_speaker_not_listed_404_for_public(client, event, make_speaker, status):
    speaker = make_speaker(event, name="Dora", invitation_status=status)
    assert client.get(f"/events/{event.slug}/speakers/{speaker.id}").status_code == 404
    assert client.get(f"/events/{event.slug}/speakers/{speaker.id}/photo").status_code == 404


def test_public_speaker_declined_shown_to_organiser_as_preview(owner_client, event, make_speaker):
    speaker = make_speaker(event, name="Dora", invitation_status="declined")
    assert owner_client.get(f"/events/{event.slug}/speakers/{speaker.id}").status_code == 200


def test_speaker_photo_without_upload_redirects_to_placeholder(client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia")
    response = client.get(f"/events/{event.slug}/speakers/{speaker.id}/photo")
    assert response.status_code == 302
    assert response.headers["Location"] == "/static/img/speaker-placeholder.svg"
    placeholder = client.get("/static/img/speaker-placeholder.svg")
    assert (placeholder.status_code, placeholder.mimetype) == (200, "image/svg+xml")


def test_speaker_photo_missing_file_redirects_to_placeholder(client, event, make_speaker):
    speaker = make_speaker(event, name="Sofia", photo_file="1-0123456789abcdef.png")
    response = client.get(f"/events/{event.slug}/speakers/{speaker.id}/photo")
    assert response.headers["Location"] == "/static/img/speaker-placeholder.svg"


def test_speaker_photo_path_traversal_name_never_served(client, event, make_speaker, photo_dir):
    photo_dir.mkdir(parents=True)
    (photo_dir.parent / "secret.png").write_bytes(b"secret")
    speaker = make_speaker(event, name="Sofia", photo_file="../secret.png")
    response = client.get(f"/events/{event.slug}/speakers/{speaker.id}/photo")
    assert response.headers["Location"] == "/static/img/speaker-placeholder.svg"


def test_speaker_photo_of_draft_event_not_publicly_cached(owner_client, organiser, make_event, make_speaker):
    from tests.speakers.conftest import upload
    draft = make_event(status="draft")
    speaker = make_speaker(draft, name="Sofia")
    services.set_speaker_photo(speaker, upload(image_bytes()), organiser)
    response = owner_client.get(f"/events/{draft.slug}/speakers/{speaker.id}/photo")
    assert (response.status_code, response.headers["Cache-Control"]) == (200, "private, no-cache")
