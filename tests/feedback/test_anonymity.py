"""The anonymity guarantee: after an anonymous submission no row that holds or points at
the response or its answers contains the person's registration id or user id, the response
has no registration and no time, and nothing but the response and its answers records the
response's id. Who answered is kept apart, without any link to the answers."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.feedback import services
from eventsys.feedback.answering import submit_response
from eventsys.feedback.models import FeedbackAnswer, FeedbackRespondent, FeedbackResponse
from eventsys.registration.models import Registration
from tests.builders import PASSWORD
from tests.feedback.helpers import form_for, make_feedback_event, questions

USER_ID, REGISTRATION_ID = 876543, 987654  # distinctive, so no other column holds them by chance


@pytest.fixture
def submitted(app, make_user):
    owner = make_user()
    event, slots = make_feedback_event(owner)
    services.ensure_default_forms(event, owner)
    person = User(id=USER_ID, email="secret-respondent@example.org", name="Rita Respondent",
                  password_hash=passwords.hash_password(PASSWORD))
    db.session.add(person)
    db.session.flush()
    registration = Registration(id=REGISTRATION_ID, event_id=event.id, user_id=person.id, mode="online",
                                status="confirmed")
    db.session.add(registration)
    db.session.commit()
    form = form_for(event, slots["plenary"])
    qs = questions(form)
    submit_response(form, event, registration, {qs[0].id: 4, qs[1].id: 5, qs[3].id: "Loved the debate, Rita here"},
                    person)
    return {"form": form, "response_id": db.session.scalar(select(FeedbackResponse.id))}


def _rows(table):
    return [dict(row._mapping) for row in db.session.execute(table.select())]


def _holds(value, secrets) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value in secrets
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return any(str(secret) in text for secret in secrets)


def _pointing_at(table, targets) -> list[tuple[str, str]]:
    """(column, target table) of the foreign keys of ``table`` to one of ``targets``."""
    return [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys if fk.column.table.name in targets]


def test_no_row_linked_to_an_anonymous_response_holds_the_person(submitted):
    response_id = submitted["response_id"]
    answer_ids = set(db.session.scalars(select(FeedbackAnswer.id)))
    targets = {"feedback_response": {response_id}, "feedback_answer": answer_ids}
    linked = {"feedback_response": [r for r in _rows(FeedbackResponse.__table__) if r["id"] == response_id],
              "feedback_answer": [r for r in _rows(FeedbackAnswer.__table__) if r["id"] in answer_ids]}
    for table in db.metadata.sorted_tables:  # every other table with a row pointing at them
        links = _pointing_at(table, targets)
        if links and table.name not in linked:
            linked[table.name] = [r for r in _rows(table) if any(r[col] in targets[to] for col, to in links)]
    assert len(linked["feedback_response"]) == 1 and len(linked["feedback_answer"]) == 3
    for table_name, rows in linked.items():
        for row in rows:
            for column, value in row.items():
                assert not _holds(value, {USER_ID, REGISTRATION_ID}), (table_name, column, value)


def test_anonymous_response_has_no_registration_no_time_and_a_random_id(submitted):
    rows = _rows(FeedbackResponse.__table__)
    assert len(rows) == 1
    assert rows[0]["registration_id"] is None and rows[0]["submitted_at"] is None
    assert len(rows[0]["id"]) == 32 and str(REGISTRATION_ID) not in rows[0]["id"]


def test_only_the_response_and_its_answers_record_the_response_id(submitted):
    response_id = submitted["response_id"]
    holders = set()
    for table in db.metadata.sorted_tables:
        for row in _rows(table):
            if any(isinstance(v, str) and response_id in v for v in row.values()):
                holders.add(table.name)
    assert holders == {"feedback_response", "feedback_answer"}


def test_who_answered_is_kept_apart_without_a_link_to_the_answers(submitted):
    respondents = _rows(FeedbackRespondent.__table__)
    assert [(r["form_id"], r["registration_id"]) for r in respondents] == [(submitted["form"].id, REGISTRATION_ID)]
    assert set(respondents[0]) == {"id", "form_id", "registration_id"}
    assert _pointing_at(FeedbackRespondent.__table__, {"feedback_response", "feedback_answer"}) == []
