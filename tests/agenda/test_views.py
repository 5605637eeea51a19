"""Agenda pages through HTTP: the public agenda and slot pages, the editor, the slot
forms and actions, CSV import/export; refusals (403/404) and bad input (400)."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from eventsys.agenda.models import AgendaSlot
from eventsys.extensions import db
from tests.agenda.conftest import madrid, reload
from tests.pages import field_error, readable_text as text


def slot_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AgendaSlot))


@pytest.fixture
def parallel_agenda(event, add_slot, make_room, make_speaker):
    goya, velazquez = make_room(event, "Sala Goya", 1), make_room(event, "Sala Velázquez", 2)
    ana = make_speaker(event, "Ana Ruiz", organisation="CNIO")
    return {
        "opening": add_slot(event, "Opening plenary", madrid(6, 9), madrid(6, 10), room=goya, speakers=[ana]),
        "wg1": add_slot(event, "WG 1: Data sharing", madrid(6, 10, 30), madrid(6, 12), room=goya,
                        kind="working_group", speakers=[(ana, "chair")]),
        "wg2": add_slot(event, "WG 2: Ethics", madrid(6, 10, 30), madrid(6, 12), room=velazquez,
                        kind="working_group", status="cancelled"),
        "ana": ana, "goya": goya,
    }


def _blocks(page: str) -> list[str]:
    return re.split(r'<div class="agenda-block', page)[1:]


# --- public agenda -------------------------------------------------------------------------

def test_public_agenda_shows_parallel_slots_side_by_side_by_room(client, event, parallel_agenda):
    response = client.get(f"/events/{event.slug}/agenda")
    assert response.status_code == 200
    page = text(response)
    assert '<h2 class="agenda-day-title" id="agenda-day-1">Monday, May 6, 2030</h2>' in page
    opening, parallel = _blocks(page)
    assert "Opening plenary" in opening and "agenda-block-parallel" not in opening
    assert parallel.startswith(" agenda-block-parallel")
    assert re.findall(r'<h3 class="agenda-room">(.*?)</h3>', parallel) == ["Sala Goya", "Sala Velázquez"]
    assert parallel.index("WG 1: Data sharing") < parallel.index("Sala Velázquez") < parallel.index("WG 2: Ethics")
    assert "2 parallel tracks" in parallel


def test_public_agenda_marks_cancelled_slots_and_keeps_them(client, event, parallel_agenda):
    page = text(client.get(f"/events/{event.slug}/agenda"))
    cancelled = re.findall(r'<li class="agenda-slot kind-(\w+) is-cancelled">(.*?)</li>\s*</ul>', page, re.S)
    assert len(cancelled) == 1
    assert cancelled[0][0] == "working_group"
    assert "WG 2: Ethics" in cancelled[0][1]
    assert '<span class="badge text-bg-danger">Cancelled</span>' in cancelled[0][1]
    assert page.count("Cancelled</span>") == 1


def test_public_agenda_shows_speakers_with_role_and_organisation(client, event, parallel_agenda):
    page = text(client.get(f"/events/{event.slug}/agenda"))
    ana = parallel_agenda["ana"].id
    assert (f'<li><a href="/events/{event.slug}/speakers/{ana}">Ana Ruiz</a> '
            f'<span class="agenda-role">(Chair)</span><span class="agenda-org">, CNIO</span></li>') in page
    assert f'<a href="/events/{event.slug}/slots/{parallel_agenda["wg1"].id}">WG 1: Data sharing</a>' in page


def test_public_agenda_times_follow_the_chosen_zone(client, event, parallel_agenda):
    madrid_page = text(client.get(f"/events/{event.slug}/agenda"))
    assert '<time datetime="2030-05-06T09:00:00+02:00">9:00 AM</time>' in madrid_page
    assert "Times are shown in Europe/Madrid." in madrid_page
    london_page = text(client.get(f"/events/{event.slug}/agenda?tz=Europe/London"))
    assert '<time datetime="2030-05-06T08:00:00+01:00">8:00 AM</time>' in london_page
    assert "+02:00" not in london_page
    assert "Times are shown in Europe/London." in london_page
    slot_id = parallel_agenda["opening"].id
    assert f'href="/events/{event.slug}/slots/{slot_id}?tz=Europe/London"' in london_page


def test_public_agenda_unknown_zone_is_ignored_with_a_notice(client, event, parallel_agenda):
    page = text(client.get(f"/events/{event.slug}/agenda?tz=Mars/Olympus"))
    assert ("“Mars/Olympus” is not a time zone we know, so times are shown in the event's time zone "
            "(Europe/Madrid).") in page
    assert '<time datetime="2030-05-06T09:00:00+02:00">9:00 AM</time>' in page


def test_public_agenda_offers_the_profile_zone_or_the_browser_zone(client, event, parallel_agenda,
                                                                   make_user, login):
    page = text(client.get(f"/events/{event.slug}/agenda"))
    assert (f'<li class="nav-item" data-agenda-browser-zone data-event-zone="Europe/Madrid" hidden>'
            f'<a class="nav-link" href="/events/{event.slug}/agenda" data-zone-base="/events/{event.slug}/agenda">'
            'My time zone</a></li>') in page
    assert '<script src="/static/js/agenda.js"></script>' in page
    login(client, make_user(timezone="America/Bogota"))
    page = text(client.get(f"/events/{event.slug}/agenda"))
    assert (f'href="/events/{event.slug}/agenda?tz=America/Bogota">My time zone (America/Bogota)</a>') in page
    assert "data-agenda-browser-zone" not in page


def test_public_agenda_empty_says_so(client, event):
    assert "The agenda has not been published yet." in text(client.get(f"/events/{event.slug}/agenda"))


@pytest.mark.parametrize("who", ["anonymous", "participant", "other_organiser"])
def test_public_agenda_of_a_draft_event_is_404(client, make_event, make_user, login, add_slot, who):
    draft = make_event(status="draft")
    slot = add_slot(draft, "Secret", madrid(6, 9), madrid(6, 10))
    if who == "participant":
        login(client, make_user())
    elif who == "other_organiser":
        other_owner = make_user()
        make_event(user=other_owner)
        login(client, other_owner)
    assert client.get(f"/events/{draft.slug}/agenda").status_code == 404
    assert client.get(f"/events/{draft.slug}/slots/{slot.id}").status_code == 404


def test_public_agenda_of_a_draft_event_is_shown_to_its_team(client, make_event, owner, login, add_slot):
    draft = make_event(status="draft")
    add_slot(draft, "Secret", madrid(6, 9), madrid(6, 10))
    login(client, owner)
    response = client.get(f"/events/{draft.slug}/agenda")
    assert response.status_code == 200
    assert "Secret" in text(response)


def test_public_agenda_of_an_unknown_event_is_404(client):
    assert client.get("/events/nothing-here/agenda").status_code == 404


# --- slot page -----------------------------------------------------------------------------

def test_slot_page_shows_description_times_room_and_speakers(client, event, parallel_agenda):
    slot = parallel_agenda["wg1"]
    slot.description = "We **share** data."
    db.session.commit()
    page = text(client.get(f"/events/{event.slug}/slots/{slot.id}?tz=America/New_York"))
    assert "<p>We <strong>share</strong> data.</p>" in page
    assert '<h1 class="agenda-slot-title">WG 1: Data sharing</h1>' in page
    assert "Monday, May 6, 2030, 10:30 AM</time>–<time" in page
    assert "Monday, May 6, 2030, 4:30 AM–6:00 AM in America/New_York" in page
    assert "Sala Goya" in page and "Working group" in page
    assert f'<a href="/events/{event.slug}/speakers/{parallel_agenda["ana"].id}" class="fw-semibold">Ana Ruiz</a>' in page
    assert "Chair" in page


def test_slot_page_of_a_cancelled_slot_says_so(client, event, parallel_agenda):
    page = text(client.get(f"/events/{event.slug}/slots/{parallel_agenda['wg2'].id}"))
    assert "This slot has been cancelled." in page
    assert '<article class="agenda-slot-page is-cancelled">' in page


def test_slot_page_online_link_only_for_the_team(client, event, owner, login, add_slot):
    slot = add_slot(event, "Hybrid", madrid(6, 9), madrid(6, 10))
    slot.online_link = "https://meet.example.org/secret"
    db.session.commit()
    assert "meet.example.org/secret" not in text(client.get(f"/events/{event.slug}/slots/{slot.id}"))
    login(client, owner)
    assert "https://meet.example.org/secret" in text(client.get(f"/events/{event.slug}/slots/{slot.id}"))


def test_slot_page_with_a_slot_of_another_event_is_404(client, event, make_event, add_slot):
    other = add_slot(make_event(), "Elsewhere", madrid(6, 9), madrid(6, 10))
    assert client.get(f"/events/{event.slug}/slots/{other.id}").status_code == 404
    assert client.get(f"/events/{event.slug}/slots/999999").status_code == 404


# --- editor --------------------------------------------------------------------------------

def test_editor_lists_slots_with_revision_and_warnings(client, event, owner, login, parallel_agenda, add_slot):
    add_slot(event, "Clashing talk", madrid(6, 11), madrid(6, 11, 30), speakers=[parallel_agenda["ana"]])
    login(client, owner)
    page = text(client.get(f"/events/{event.slug}/manage/agenda"))
    assert "Speakers in two slots at once" in page
    assert "Ana Ruiz is in “WG 1: Data sharing” (5/6/30, 10:30 AM) and in “Clashing talk” (5/6/30, 11:00 AM)" in page
    assert "Add a slot" in page and "Import CSV" in page
    assert f'action="/events/{event.slug}/manage/agenda/{parallel_agenda["wg2"].id}/restore"' in page


def test_editor_is_read_only_for_a_rapporteur(client, make_event, make_user, login, add_slot):
    rapporteur = make_user()
    event = make_event(user=rapporteur, role="rapporteur")
    add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    login(client, rapporteur)
    response = client.get(f"/events/{event.slug}/manage/agenda")
    assert response.status_code == 200
    page = text(response)
    assert "Opening" in page and "You can view this agenda but not change it." in page
    assert "Add a slot" not in page and "/edit" not in page and "/delete" not in page
    assert client.get(f"/events/{event.slug}/manage/agenda/new").status_code == 403


@pytest.mark.parametrize("who", ["participant", "other_organiser"])
def test_editor_is_403_for_people_without_the_right(client, event, make_event, make_user, login, add_slot, who):
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    user = make_user()
    if who == "other_organiser":
        make_event(user=user)
    login(client, user)
    base = f"/events/{event.slug}/manage/agenda"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/new").status_code == 403
    assert client.post(f"{base}/{slot.id}/delete").status_code == 403
    assert client.get(f"{base}/export.csv").status_code == 403
    assert slot_count() == 1


# --- slot forms ----------------------------------------------------------------------------

def _form(**overrides) -> dict:
    data = {"kind": "panel", "title": "Data panel", "starts_at": "2030-05-06T14:00",
            "ends_at": "2030-05-06T15:30", "room_id": "", "online_link": "", "description": "",
            "speakers-0-speaker_id": "", "speakers-0-role": "speaker"}
    data.update(overrides)
    return data


def test_new_slot_is_saved_with_speakers(client, event, owner, login, make_room, make_speaker):
    room, ana = make_room(event, "Sala Goya"), make_speaker(event, "Ana Ruiz")
    login(client, owner)
    form_page = text(client.get(f"/events/{event.slug}/manage/agenda/new"))
    assert '<label class="form-label" for="speakers-2-speaker_id">Speaker 3</label>' in form_page
    response = client.post(f"/events/{event.slug}/manage/agenda/new", data=_form(
        room_id=str(room.id), **{"speakers-0-speaker_id": str(ana.id), "speakers-0-role": "moderator"}))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{event.slug}/manage/agenda"
    slot = db.session.scalar(select(AgendaSlot))
    assert (slot.title, slot.kind, slot.room_id, slot.starts_at) == ("Data panel", "panel", room.id,
                                                                     datetime(2030, 5, 6, 12, 0))
    assert [(link.speaker_id, link.role) for link in slot.speaker_links] == [(ana.id, "moderator")]


@pytest.mark.parametrize("overrides, field, message", [
    ({"ends_at": "2030-05-06T13:00"}, "ends_at", "The slot must end after it starts."),
    ({"starts_at": "2030-05-09T10:00", "ends_at": "2030-05-09T11:00"}, "starts_at",
     "The slot must start during the event (2030-05-06 to 2030-05-07)."),
    ({"title": ""}, "title", "This field is required."),
    ({"kind": "lecture"}, "kind", "Choose a kind from the list."),
])
def test_new_slot_bad_input_is_shown_at_the_field_and_nothing_saved(client, event, owner, login,
                                                                    overrides, field, message):
    login(client, owner)
    response = client.post(f"/events/{event.slug}/manage/agenda/new", data=_form(**overrides))
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert slot_count() == 0


def test_new_slot_in_a_taken_room_is_refused_at_the_room(client, event, owner, login, make_room, add_slot):
    room = make_room(event, "Sala Goya")
    add_slot(event, "Keynote", madrid(6, 14), madrid(6, 15), room=room)
    login(client, owner)
    response = client.post(f"/events/{event.slug}/manage/agenda/new", data=_form(room_id=str(room.id)))
    assert response.status_code == 400
    assert field_error(response, "room_id") == \
        "Sala Goya is already in use at that time by “Keynote” (2030-05-06 14:00–15:00)."
    assert slot_count() == 1


def test_new_slot_with_a_speaker_of_another_event_is_refused(client, event, owner, login, make_event,
                                                             make_speaker):
    stranger = make_speaker(make_event(), "Stranger")
    login(client, owner)
    response = client.post(f"/events/{event.slug}/manage/agenda/new",
                           data=_form(**{"speakers-0-speaker_id": str(stranger.id)}))
    assert response.status_code == 400
    assert field_error(response, "speakers-0-speaker_id") == "Not a valid choice."
    assert slot_count() == 0


def test_new_slot_with_a_speaker_twice_is_refused_at_the_speakers(client, event, owner, login, make_speaker):
    ana = make_speaker(event, "Ana Ruiz")
    login(client, owner)
    response = client.post(f"/events/{event.slug}/manage/agenda/new", data=_form(**{
        "speakers-0-speaker_id": str(ana.id), "speakers-1-speaker_id": str(ana.id), "speakers-1-role": "chair"}))
    assert response.status_code == 400
    assert field_error(response, "speakers") == "Ana Ruiz is listed twice: list each speaker once."
    assert slot_count() == 0


def test_edit_slot_prefills_local_times_and_saves(client, event, owner, login, add_slot, make_speaker):
    ana = make_speaker(event, "Ana Ruiz")
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10), speakers=[(ana, "chair")])
    login(client, owner)
    page = text(client.get(f"/events/{event.slug}/manage/agenda/{slot.id}/edit"))
    assert 'value="2030-05-06T09:00"' in page
    assert f'<option selected value="{ana.id}">Ana Ruiz</option>' in page
    response = client.post(f"/events/{event.slug}/manage/agenda/{slot.id}/edit",
                           data=_form(title="Opening", starts_at="2030-05-06T09:00", ends_at="2030-05-06T10:00",
                                      kind="plenary"))
    assert response.status_code == 302
    slot = reload(AgendaSlot, slot.id)
    assert (slot.title, slot.revision, slot.speaker_links) == ("Opening", 0, [])


def test_edit_slot_of_another_event_is_404(client, event, owner, login, make_event, add_slot):
    other = add_slot(make_event(), "Elsewhere", madrid(6, 9), madrid(6, 10))
    login(client, owner)
    base = f"/events/{event.slug}/manage/agenda/{other.id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/cancel").status_code == 404
    assert client.post(f"{base}/delete").status_code == 404
    assert reload(AgendaSlot, other.id).status == "scheduled"


def test_cancel_restore_and_delete_buttons(client, event, owner, login, add_slot, make_room):
    room = make_room(event, "Sala Goya")
    slot = add_slot(event, "Opening", madrid(6, 9), madrid(6, 10), room=room)
    login(client, owner)
    base = f"/events/{event.slug}/manage/agenda/{slot.id}"
    assert client.post(f"{base}/cancel").status_code == 302
    assert (reload(AgendaSlot, slot.id).status, reload(AgendaSlot, slot.id).revision) == ("cancelled", 1)
    add_slot(event, "Replacement", madrid(6, 9), madrid(6, 10), room=room)
    response = client.post(f"{base}/restore", follow_redirects=True)
    assert "Sala Goya is already in use at that time by “Replacement”" in text(response)
    assert reload(AgendaSlot, slot.id).status == "cancelled"
    assert client.post(f"{base}/delete").status_code == 302
    assert db.session.scalar(select(AgendaSlot.id).where(AgendaSlot.id == slot.id)) is None


# --- CSV -----------------------------------------------------------------------------------

def test_export_csv_downloads_with_bom_and_columns(client, event, owner, login, add_slot):
    add_slot(event, "Opening", madrid(6, 9), madrid(6, 10))
    login(client, owner)
    response = client.get(f"/events/{event.slug}/manage/agenda/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-agenda.csv"'
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffuid,date,start,end,kind,title,room,description,online_link,speakers,status\r\n")


def test_import_csv_page_documents_the_columns(client, event, owner, login):
    login(client, owner)
    page = text(client.get(f"/events/{event.slug}/manage/agenda/import"))
    for column in ("uid", "date", "start", "end", "kind", "title", "room", "description", "online_link",
                   "speakers", "status"):
        assert f"<code>{column}</code>" in page


def test_import_csv_upload_reports_lines_and_imports_nothing(client, event, owner, login):
    login(client, owner)
    data = ("date,start,end,title,room\n2030-05-06,09:00,10:00,Opening,Sala Goya\n"
            "2030-05-06,xx,10:00,Broken,Sala Goya\n").encode()
    response = client.post(f"/events/{event.slug}/manage/agenda/import",
                           data={"file": (io.BytesIO(data), "agenda.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "<li>Line 3: the start “xx” is not a time like 09:30.</li>" in text(response)
    assert slot_count() == 0


def test_import_csv_upload_imports_and_counts(client, event, owner, login):
    login(client, owner)
    data = ("date,start,end,title,room,speakers\n2030-05-06,09:00,10:00,Opening,Sala Goya,Ana Ruiz (chair)\n"
            "2030-05-06,10:00,11:00,Talk,Sala Goya,\n").encode()
    response = client.post(f"/events/{event.slug}/manage/agenda/import", follow_redirects=True,
                           data={"file": (io.BytesIO(data), "agenda.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert ("Imported 2 rows: 2 slots created, 0 updated, 0 unchanged; 1 rooms and 1 speakers created."
            in text(response))
    assert slot_count() == 2


def test_import_csv_without_a_file_is_refused_at_the_field(client, event, owner, login):
    login(client, owner)
    response = client.post(f"/events/{event.slug}/manage/agenda/import", data={})
    assert response.status_code == 400
    assert field_error(response, "file") == "Choose a CSV file to upload."
