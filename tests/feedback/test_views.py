"""Feedback pages: "My event", answering, the organiser pages, and who gets turned away."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.permissions import SYSTEM
from eventsys.feedback import services
from eventsys.feedback.answering import submit_response
from eventsys.feedback.models import FeedbackForm, FeedbackResponse
from eventsys.timeutil import utcnow
from tests.feedback.helpers import form_for, make_feedback_event, questions, register
from tests.queries import count_queries


@pytest.fixture
def world(app, make_user):
    owner = make_user(email="owner@example.org", name="Olga Owner")
    event, slots = make_feedback_event(owner)
    services.ensure_default_forms(event, owner)
    pat = make_user(email="pat@example.org", name="Pat Participant")
    return {"owner": owner, "event": event, "slots": slots, "pat": pat, "registration": register(event, pat),
            "plenary": form_for(event, slots["plenary"]), "keynote": form_for(event, slots["keynote"])}


def _respond(world, make_user, n, form=None, text=None, rating=4):
    form = form or world["plenary"]
    qs = questions(form)
    for i in range(n):
        user = make_user()
        answers = {qs[0].id: rating}
        if text:
            answers[qs[3].id] = f"{text} {i}"
        submit_response(form, world["event"], register(world["event"], user), answers, user)


def _set(form, owner, **values):
    current = {"title": form.title, "anonymous": form.anonymous, "opens_at": None, "closes_at": None}
    current.update(values)
    services.update_form_settings(form, current, owner)


# --- participant ---------------------------------------------------------------------------

def test_my_event_lists_forms_with_their_state(world, client, login, make_user):
    _set(world["keynote"], world["owner"], opens_at=None)
    submit_response(world["plenary"], world["event"], world["registration"],
                    {questions(world["plenary"])[0].id: 4}, world["pat"])
    group = form_for(world["event"], world["slots"]["group"])
    login(client, world["pat"])
    page = client.get(f"/events/{world['event'].slug}/my").get_data(as_text=True)
    assert f'href="/events/{world["event"].slug}/registration"' in page
    assert "Confirmed" in page
    assert page.index("Opening plenary") < page.index("Working groups, round 1") < page.index("Closing keynote")
    assert ">Answered<" in page and ">Open<" in page and ">Not open yet<" in page
    assert f'href="/events/{world["event"].slug}/feedback/{group.id}"' in page
    assert "Opens on " in page and "Cancelled panel" not in page


def test_my_event_shows_closed_forms(world, client, login):
    _set(world["plenary"], world["owner"], opens_at=utcnow() - timedelta(days=2),
         closes_at=utcnow() - timedelta(hours=1))
    login(client, world["pat"])
    page = client.get(f"/events/{world['event'].slug}/my").get_data(as_text=True)
    assert ">Closed<" in page and "Closed on " in page


def test_my_event_of_someone_not_registered(world, client, login, make_user):
    login(client, make_user())
    page = client.get(f"/events/{world['event'].slug}/my").get_data(as_text=True)
    assert "You are not registered for this event." in page and f"/events/{world['event'].slug}/register" in page


def test_answer_happy_path_then_named_answers_can_change(world, client, login):
    _set(world["plenary"], world["owner"], anonymous=False)
    login(client, world["pat"])
    url = f"/events/{world['event'].slug}/feedback/{world['plenary'].id}"
    qs = questions(world["plenary"])
    page = client.get(url).get_data(as_text=True)
    assert "1 (Poor)" in page and "5 (Excellent)" in page and f'name="q_{qs[0].id}"' in page
    response = client.post(url, data={f"q_{qs[0].id}": "3", f"q_{qs[3].id}": "Fine"})
    assert response.status_code == 302 and response.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert "Thank you! Your answers are saved." in page
    assert re.search(rf'value="3"[^>]*checked|checked[^>]*value="3"', page)
    assert client.post(url, data={f"q_{qs[0].id}": "5"}).status_code == 302
    assert "Your answers are updated." in client.get(url).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1


def test_bad_answers_are_refused_at_the_field_with_400(world, client, login):
    login(client, world["pat"])
    qs = questions(world["plenary"])
    url = f"/events/{world['event'].slug}/feedback/{world['plenary'].id}"
    response = client.post(url, data={f"q_{qs[0].id}": "9", f"q_{qs[1].id}": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'id="q_{qs[0].id}-error"[^>]*>Choose a rating from 1 to 5\.<', page)
    assert re.search(rf'id="q_{qs[1].id}-error"[^>]*>Choose a rating from 1 to 5\.<', page)
    missing = client.post(url, data={f"q_{qs[3].id}": "No rating"})
    assert missing.status_code == 400
    assert re.search(rf'id="q_{qs[0].id}-error"[^>]*>Please answer this question\.<', missing.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0


def test_form_not_open_yet_says_when_it_opens(world, client, login):
    login(client, world["pat"])
    page = client.get(f"/events/{world['event'].slug}/feedback/{world['keynote'].id}").get_data(as_text=True)
    assert "This form is not open yet: it opens on " in page and 'name="q_' not in page


def test_someone_not_registered_gets_403(world, client, login, make_user):
    login(client, make_user())
    response = client.get(f"/events/{world['event'].slug}/feedback/{world['plenary'].id}")
    assert response.status_code == 403
    assert "Only confirmed participants of this event can answer its feedback forms." in response.get_data(as_text=True)


def test_a_form_of_another_event_is_404(world, client, login, make_user):
    other, other_slots = make_feedback_event(make_user())
    services.ensure_default_forms(other, SYSTEM)
    other_form = form_for(other, other_slots["plenary"])
    register(other, world["pat"])
    login(client, world["pat"])
    assert client.get(f"/events/{world['event'].slug}/feedback/{other_form.id}").status_code == 404
    assert client.get(f"/events/{world['event'].slug}/feedback/999999").status_code == 404


def test_a_participant_cannot_open_another_events_form(world, client, login, make_user):
    other, other_slots = make_feedback_event(make_user())
    services.ensure_default_forms(other, SYSTEM)
    login(client, world["pat"])
    response = client.get(f"/events/{other.slug}/feedback/{form_for(other, other_slots['plenary']).id}")
    assert response.status_code == 403


def test_a_draft_events_form_is_404(world, client, login, make_user):
    draft, slots = make_feedback_event(make_user(), status="draft")
    services.ensure_default_forms(draft, SYSTEM)
    register(draft, world["pat"])
    login(client, world["pat"])
    assert client.get(f"/events/{draft.slug}/feedback/{form_for(draft, slots['plenary']).id}").status_code == 404


# --- organiser -----------------------------------------------------------------------------

MANAGE_PAGES = ["/manage/feedback", "/manage/feedback/{form}/edit", "/manage/feedback/{form}/results",
                "/manage/feedback/compare", "/manage/feedback/{form}/export.csv"]


@pytest.mark.parametrize("path", MANAGE_PAGES)
def test_manage_pages_refuse_participants_and_other_organisers(world, client, login, make_user, path):
    other_owner = make_user()
    make_feedback_event(other_owner)
    url = f"/events/{world['event'].slug}" + path.format(form=world["plenary"].id)
    login(client, world["pat"])
    assert client.get(url).status_code == 403
    other = client.application.test_client()
    login(other, other_owner)
    assert other.get(url).status_code == 403


def test_manage_list_shows_forms_counts_and_creates_defaults(world, client, login, make_user):
    _respond(world, make_user, 2)
    services.create_form(world["event"], world["slots"]["break"].id, world["owner"])
    login(client, world["owner"])
    slug = world["event"].slug
    page = client.get(f"/events/{slug}/manage/feedback").get_data(as_text=True)
    assert "Create the default forms" in page and "Coffee break" in page
    row = page[page.index("Opening plenary"):]
    assert re.search(r'<td class="text-end">2</td>', row)
    db.session.execute(FeedbackForm.__table__.delete().where(FeedbackForm.slot_id == world["slots"]["group"].id))
    db.session.commit()
    response = client.post(f"/events/{slug}/manage/feedback/defaults")
    assert response.status_code == 302
    assert "1 feedback forms created." in client.get(f"/events/{slug}/manage/feedback").get_data(as_text=True)


def test_add_a_form_for_a_session(world, client, login):
    login(client, world["owner"])
    slug = world["event"].slug
    response = client.post(f"/events/{slug}/manage/feedback/new", data={"slot_id": str(world["slots"]["break"].id)})
    form = form_for(world["event"], world["slots"]["break"])
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/feedback/{form.id}/edit")


def test_edit_settings_and_questions(world, client, login):
    login(client, world["owner"])
    form = world["plenary"]
    base = f"/events/{world['event'].slug}/manage/feedback/{form.id}"
    assert client.get(base + "/edit").status_code == 200
    saved = client.post(base + "/edit", data={"title": "Plenary feedback", "opens_at": "2026-01-02T10:00",
                                              "closes_at": "2026-01-01T10:00"})
    assert saved.status_code == 400
    assert "The form must close after it opens." in saved.get_data(as_text=True)
    assert client.post(base + "/edit", data={"title": "Plenary feedback"}).status_code == 302
    db.session.refresh(form)
    assert (form.title, form.anonymous) == ("Plenary feedback", False)
    added = client.post(base + "/questions/new", data={"new-kind": "yes_no", "new-label": "Again?"})
    assert added.status_code == 302 and questions(form)[-1].label == "Again?"
    bad = client.post(base + "/questions/new", data={"new-kind": "single_choice", "new-label": "Pick",
                                                     "new-options": "Only"})
    assert bad.status_code == 400 and "Give at least two options, one per line." in bad.get_data(as_text=True)
    question = questions(form)[-1]
    assert client.post(base + f"/questions/{question.id}/delete").status_code == 302
    assert [q.label for q in questions(form)][-1] == "Comments"


def test_question_types_locked_after_the_first_response(world, client, login, make_user):
    _respond(world, make_user, 1)
    login(client, world["owner"])
    form = world["plenary"]
    question = questions(form)[0]
    base = f"/events/{world['event'].slug}/manage/feedback/{form.id}"
    page = client.get(base + "/edit").get_data(as_text=True)
    assert "Responses have arrived: you can still reword the questions" in page and "Add a question" not in page
    prefix = f"q{question.id}-"
    data = {prefix + "label": "Overall?", prefix + "kind": "text", prefix + "required": "y",
            prefix + "scale_min": "1", prefix + "scale_max": "5"}
    refused = client.post(base + f"/questions/{question.id}", data=data)
    assert refused.status_code == 400
    assert "Responses have arrived: only the wording can change now" in refused.get_data(as_text=True)
    data[prefix + "kind"] = "rating"
    assert client.post(base + f"/questions/{question.id}", data=data).status_code == 302
    db.session.refresh(question)
    assert (question.label, question.kind) == ("Overall?", "rating")


def test_results_with_few_anonymous_responses_show_counts_only(world, client, login, make_user):
    _respond(world, make_user, 4, text="Secret remark")
    login(client, world["owner"])
    page = client.get(f"/events/{world['event'].slug}/manage/feedback/{world['plenary'].id}/results").get_data(
        as_text=True)
    assert '<dd class="col-sm-8" id="response-count">4</dd>' in page
    assert "only counts are shown" in page
    assert "Secret remark" not in page and "mean 4.0" not in page and "Mean 4.0" not in page
    assert "4 answers" in page
    assert "details are hidden to protect anonymity" in page


def test_results_with_enough_responses_show_charts_texts_and_rate(world, client, login, make_user):
    _respond(world, make_user, 6, text="Great talk")
    login(client, world["owner"])
    page = client.get(f"/events/{world['event'].slug}/manage/feedback/{world['plenary'].id}/results").get_data(
        as_text=True)
    assert '<dd class="col-sm-8" id="response-count">6</dd>' in page
    assert "<svg" in page and 'class="feedback-chart"' in page and "<figcaption" in page
    assert "mean 4.0, median 4" in page
    assert "Great talk 0" in page and "Great talk 5" in page
    assert "css/feedback.css" in page
    assert re.search(r"Response rate</dt>\s*<dd[^>]*>86%</dd>", page)  # 6 of 7 confirmed (no attendance recorded)


def test_results_page_queries_do_not_grow_with_responses(world, client, login, make_user):
    login(client, world["owner"])
    url = f"/events/{world['event'].slug}/manage/feedback/{form_for(world['event']).id}/results"

    def queries():
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    _set(form_for(world["event"]), world["owner"], opens_at=utcnow() - timedelta(days=1))
    _respond(world, make_user, 6, form=form_for(world["event"]))
    few = queries()
    _respond(world, make_user, 20, form=form_for(world["event"]))
    assert queries() == few <= 15


def test_compare_sorts_on_the_server(world, client, login, make_user):
    _respond(world, make_user, 5, rating=3)
    _respond(world, make_user, 6, form=form_for(world["event"], world["slots"]["group"]), rating=5)
    login(client, world["owner"])
    base = f"/events/{world['event'].slug}/manage/feedback/compare"

    def order(query):
        page = client.get(base + query).get_data(as_text=True)
        return [t for t in re.findall(r'/results">([^<]+)</a>', page)]

    assert order("") == ["Working groups, round 1", "Opening plenary", "Closing keynote"]
    assert order("?sort=count") == ["Working groups, round 1", "Opening plenary", "Closing keynote"]
    assert order("?sort=title") == ["Opening plenary", "Working groups, round 1", "Closing keynote"]
    assert order("?sort=nonsense") == order("?sort=mean")
    page = client.get(base + "?sort=title").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "5.0" in page and "3.0" in page


def test_compare_hides_means_of_anonymous_forms_below_five(world, client, login, make_user):
    _respond(world, make_user, 3, rating=5)
    login(client, world["owner"])
    page = client.get(f"/events/{world['event'].slug}/manage/feedback/compare").get_data(as_text=True)
    assert "hidden" in page and "5.0" not in page


def test_export_csv_of_a_named_form(world, client, login, make_user):
    _set(world["plenary"], world["owner"], anonymous=False)
    qs = questions(world["plenary"])
    submit_response(world["plenary"], world["event"], world["registration"], {qs[0].id: 5, qs[3].id: "=1+1"},
                    world["pat"])
    login(client, world["owner"])
    response = client.get(f"/events/{world['event'].slug}/manage/feedback/{world['plenary'].id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Name", "Email", "Submitted at", "Overall, how would you rate this session?"]
    assert rows[1][:2] == ["Pat Participant", "pat@example.org"]
    assert rows[1][3:] == ["5", "", "", "'=1+1"]


def test_export_csv_of_an_anonymous_form(world, client, login, make_user):
    _respond(world, make_user, 5, text="Nice")
    login(client, world["owner"])
    response = client.get(f"/events/{world['event'].slug}/manage/feedback/{world['plenary'].id}/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [q.label for q in questions(world["plenary"])]
    assert len(rows) == 6 and sorted(r[3] for r in rows[1:]) == [f"Nice {i}" for i in range(5)]
    assert "Name" not in rows[0] and all("@" not in cell for row in rows for cell in row)


def test_export_csv_of_an_anonymous_form_below_five_is_refused(world, client, login, make_user):
    _respond(world, make_user, 4)
    login(client, world["owner"])
    url = f"/events/{world['event'].slug}/manage/feedback/{world['plenary'].id}/export.csv"
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/results")
    assert "can be exported once it has 5 responses" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_delete_form(world, client, login):
    login(client, world["owner"])
    url = f"/events/{world['event'].slug}/manage/feedback/{world['plenary'].id}/delete"
    assert client.post(url).status_code == 302
    assert form_for(world["event"], world["slots"]["plenary"]) is None


def test_my_event_links_to_working_groups_when_the_event_has_some(world, client, login):
    from tests.feedback.helpers import make_group
    login(client, world["pat"])
    url = f"/events/{world['event'].slug}/my"
    assert f"/events/{world['event'].slug}/groups" not in client.get(url).get_data(as_text=True)
    make_group(world["event"], world["slots"]["group"], members=[world["registration"]])
    assert f'href="/events/{world["event"].slug}/groups"' in client.get(url).get_data(as_text=True)
