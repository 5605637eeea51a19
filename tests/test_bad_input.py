"""Malformed input through HTTP and the services (issue 10, items 3, 7, 8): ids beyond
64 bits, page numbers, out-of-range dates, line breaks in titles and non-web links give a
404 or an error at the field, never a 500, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from eventsys.cloning import services as cloning
from eventsys.errors import ValidationError
from eventsys.events import services as event_services
from eventsys.events.models import Event
from eventsys.groups import services as group_services
from eventsys.groups.models import WorkingGroup
from tests.events.helpers import count, event_values, make_event, make_slot
from tests.pages import field_error, text

HUGE = "9999999999999999999999999"
SINGLE_LINE = "Use a single line of text without tabs, line breaks or other control characters."
DATES = "Enter a date between 2000-01-01 and 2100-12-31."


@pytest.fixture
def owner(make_user):
    return make_user(email="owner@example.org", name="Olga Owner")


@pytest.fixture
def demo(app, owner):
    event = make_event(owner=owner, slug="demo", title="Demo workshop")
    make_slot(event, datetime(2030, 5, 6, 7), datetime(2030, 5, 6, 8))
    return event


@pytest.fixture
def organiser_client(app, login, owner):
    client = app.test_client()
    login(client, owner)
    return client


# --- ids and page numbers -------------------------------------------------------------------

@pytest.mark.parametrize("path", [f"/events/demo/slots/{HUGE}", "/events/demo/slots/2147483648",
                                  f"/events/demo/manage/agenda/{HUGE}/edit", f"/events/demo/manage/rooms/{HUGE}/edit",
                                  f"/events/demo/manage/speakers/{HUGE}/edit"])
def test_id_beyond_the_database_in_the_url_is_404(demo, organiser_client, path):
    assert organiser_client.get(path).status_code == 404


def test_id_at_the_database_limit_in_the_url_is_404_when_missing(demo, organiser_client):
    assert organiser_client.get("/events/demo/slots/2147483647").status_code == 404


@pytest.mark.parametrize("query", [f"page={HUGE}", f"past_page={HUGE}", "page=2147483648"])
def test_page_number_beyond_the_database_is_404(demo, client, query):
    assert client.get(f"/events/?{query}").status_code == 404


@pytest.mark.parametrize("query", ["page=abc", "page=-3", "page=", "page=2147483647"])
def test_page_number_not_a_number_or_in_range_shows_the_list(demo, client, query):
    assert client.get(f"/events/?{query}").status_code == 200


def test_outbox_page_beyond_the_database_is_404(app, login, make_user):
    client = app.test_client()
    login(client, make_user(is_admin=True))
    assert client.get(f"/admin/outbox?page={HUGE}").status_code == 404
    assert client.get("/admin/outbox?status=failed&page=1").status_code == 200


def test_participants_page_beyond_the_database_is_404(demo, organiser_client):
    assert organiser_client.get(f"/events/demo/manage/registration/participants?page={HUGE}").status_code == 404


def test_event_outbox_page_beyond_the_database_is_404(demo, organiser_client):
    assert organiser_client.get(f"/events/demo/manage/mail/outbox?page={HUGE}").status_code == 404
    assert organiser_client.get("/events/demo/manage/mail/outbox?page=abc").status_code == 200


@pytest.mark.parametrize("registration", [HUGE, "2147483648", "-1"])
def test_mail_preview_for_a_participant_beyond_the_database_is_404(demo, organiser_client, registration):
    assert organiser_client.get(f"/events/demo/manage/mail/?registration={registration}").status_code == 404


def test_event_form_series_id_beyond_the_database_is_a_field_error(organiser_client):
    data = {**{k: (v.isoformat() if isinstance(v, date) else v) for k, v in event_values().items()}, "series_id": HUGE}
    response = organiser_client.post("/events/new", data=data)
    assert response.status_code == 400
    assert field_error(response, "series_id") == "Choose a series from the list."
    assert count(Event) == 0


def test_group_form_seats_beyond_the_database_is_a_field_error(demo, owner, organiser_client):
    round_ = group_services.create_round(demo, {"title": "Day 1", "join_mode": "ranked", "min_ranks": 1,
                                                "opens_at": None, "deadline": None, "balance_share": None}, owner)
    response = organiser_client.post(f"/events/demo/manage/groups/rounds/{round_.id}/groups/new", data={
        "title": "Access", "format": "hybrid", "in_person_seats": HUGE, "online_seats": "4", "room_id": ""})
    assert response.status_code == 400
    assert field_error(response, "in_person_seats") == "Enter a number no greater than 2147483647."
    assert count(WorkingGroup) == 0


def test_group_form_room_id_beyond_the_database_is_a_field_error(demo, owner, organiser_client):
    round_ = group_services.create_round(demo, {"title": "Day 1", "join_mode": "ranked", "min_ranks": 1,
                                                "opens_at": None, "deadline": None, "balance_share": None}, owner)
    response = organiser_client.post(f"/events/demo/manage/groups/rounds/{round_.id}/groups/new", data={
        "title": "Access", "format": "hybrid", "in_person_seats": "3", "online_seats": "4", "room_id": HUGE})
    assert response.status_code == 400
    assert field_error(response, "room_id") == "Invalid Choice: could not coerce."
    assert count(WorkingGroup) == 0


def test_room_capacity_beyond_the_database_is_a_field_error(demo, organiser_client):
    response = organiser_client.post("/events/demo/manage/rooms", data={"name": "Sala", "capacity": HUGE})
    assert response.status_code == 400
    assert field_error(response, "capacity") == "Enter a number no greater than 2147483647."


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_clone_to_a_date_out_of_range_is_a_field_error(demo, organiser_client, start):
    response = organiser_client.post("/events/demo/manage/clone",
                                     data={"title": "Copy", "slug": "copy", "start_date": start})
    assert response.status_code == 400
    assert field_error(response, "start_date") == DATES
    assert count(Event) == 1


@pytest.mark.parametrize("start", [date(9999, 12, 31), date(1, 1, 1), date(2100, 12, 31)])
def test_clone_event_service_refuses_dates_out_of_range(demo, owner, start):
    # 2100-12-31 itself is allowed, but the two-day copy would end in 2101.
    with pytest.raises(ValidationError) as raised:
        cloning.clone_event(demo, {"title": "Copy", "slug": "copy", "start_date": start}, owner)
    assert (raised.value.field, str(raised.value.message)) == ("start_date", DATES)


def test_create_event_service_refuses_dates_out_of_range(app, owner):
    with pytest.raises(ValidationError) as raised:
        event_services.create_event(event_values(end_date=date(9999, 12, 31)), owner)
    assert (raised.value.field, str(raised.value.message)) == ("end_date", DATES)


# --- single-line text -------------------------------------------------------------------------

def test_event_form_title_with_line_break_is_a_field_error(organiser_client):
    data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in event_values().items()}
    response = organiser_client.post("/events/new", data={**data, "title": "Mallory\r\nBcc: victim@example.com"})
    assert response.status_code == 400
    assert field_error(response, "title") == SINGLE_LINE
    assert count(Event) == 0


def test_room_form_name_with_tab_is_a_field_error(demo, organiser_client):
    response = organiser_client.post("/events/demo/manage/rooms", data={"name": "Sala\tGoya", "capacity": ""})
    assert response.status_code == 400
    assert field_error(response, "name") == SINGLE_LINE


@pytest.mark.parametrize("field", ["title", "venue_name"])
def test_create_event_service_refuses_control_characters(app, owner, field):
    with pytest.raises(ValidationError) as raised:
        event_services.create_event(event_values(**{field: "Mallory\r\nBcc: victim@example.com"}), owner)
    assert (raised.value.field, str(raised.value.message)) == (field, SINGLE_LINE)


def test_create_event_service_keeps_line_breaks_in_the_description(app, owner):
    event = event_services.create_event(event_values(description="One\n\nTwo"), owner)
    assert event.description == "One\n\nTwo"


# --- links ------------------------------------------------------------------------------------

def test_group_online_link_javascript_is_a_field_error(demo, owner, organiser_client):
    round_ = group_services.create_round(demo, {"title": "Day 1", "join_mode": "ranked", "min_ranks": 1,
                                                "opens_at": None, "deadline": None, "balance_share": None}, owner)
    response = organiser_client.post(f"/events/demo/manage/groups/rounds/{round_.id}/groups/new", data={
        "title": "Access", "format": "online", "in_person_seats": "0", "online_seats": "4",
        "online_link": "javascript:alert(document.cookie)"})
    assert response.status_code == 400
    assert field_error(response, "online_link") == "Enter a web address starting with https:// or http://."
    assert count(WorkingGroup) == 0


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/x", "example.org"])
def test_group_service_refuses_non_web_links(demo, owner, link):
    round_ = group_services.create_round(demo, {"title": "Day 1", "join_mode": "ranked", "min_ranks": 1,
                                                "opens_at": None, "deadline": None, "balance_share": None}, owner)
    with pytest.raises(ValidationError) as raised:
        group_services.create_group(round_, {"title": "G", "format": "online", "in_person_seats": 0,
                                             "online_seats": 3, "online_link": link}, owner)
    assert (raised.value.field, str(raised.value.message)) == (
        "online_link", "Enter a web address starting with https:// or http://.")


def test_speaker_photo_address_over_http_is_a_field_error(demo, organiser_client):
    response = organiser_client.post("/events/demo/manage/speakers/new", data={
        "name": "Dr. Ruiz", "photo_url": "http://example.org/photo.jpg"})
    assert response.status_code == 400
    assert field_error(response, "photo_url") == "Enter a web address starting with https://."


def test_stored_javascript_link_is_not_rendered_as_a_link(demo, organiser_client):
    from eventsys.agenda.models import AgendaSlot
    from eventsys.extensions import db
    slot = db.session.scalar(db.select(AgendaSlot))
    slot.online_link = "javascript:alert(1)"
    db.session.commit()
    page = organiser_client.get(f"/events/demo/slots/{slot.id}").get_data(as_text=True)
    assert 'href="javascript:' not in page
    assert 'href="" rel="noopener noreferrer">javascript:alert(1)</a>' in page


# --- agenda CSV ---------------------------------------------------------------------------------

def test_agenda_csv_with_unterminated_quote_in_the_header_is_400_with_its_line(demo, organiser_client):
    import io
    data = b'date,start,end,"title\n2030-05-06,09:00,10:00,Opening\n'
    response = organiser_client.post("/events/demo/manage/agenda/import", content_type="multipart/form-data",
                                     data={"file": (io.BytesIO(data), "agenda.csv")})
    assert response.status_code == 400
    assert "<li>Line 1: a quoted cell starts here and is never closed (a closing \" is missing).</li>" in text(response)


def test_registration_short_answer_with_line_break_is_refused_long_answer_kept(app):
    from types import SimpleNamespace

    from eventsys.registration.answers import validate_answers
    short = SimpleNamespace(id=1, kind="short_text", required=False)
    long = SimpleNamespace(id=2, kind="long_text", required=False)
    with pytest.raises(ValidationError) as raised:
        validate_answers([short], {1: "Acme\r\nBcc: victim@example.com"})
    assert (raised.value.field, str(raised.value.message)) == ("q_1", SINGLE_LINE)
    assert validate_answers([short, long], {1: " Acme ", 2: "One\nTwo"}) == {1: "Acme", 2: "One\nTwo"}


def test_feedback_new_form_for_a_slot_id_beyond_the_database_is_refused(demo, organiser_client):
    response = organiser_client.post("/events/demo/manage/feedback/new", data={"slot_id": HUGE},
                                     follow_redirects=True)
    assert response.status_code == 200
    from eventsys.feedback.models import FeedbackForm
    assert count(FeedbackForm) == 0
