"""A round whose sessions are over offers no "Join" buttons and takes no choices or rankings."""
from __future__ import annotations

from datetime import datetime

import pytest

from eventsys.agenda.models import AgendaSlot
from eventsys.errors import ValidationError
from eventsys.extensions import db
from eventsys.groups import choice, ranking
from eventsys.groups.services import get_round

NOW = datetime(2031, 3, 3, 18, 0)


@pytest.fixture
def past_round(event, make_round, make_group, add_slot):
    slot = add_slot(event, start=datetime(2031, 3, 3, 13, 0), minutes=90)  # 13:00-14:30 UTC
    round_ = make_round(event, join_mode="direct")
    make_group(round_, title="Registries", slots=[slot])
    make_group(round_, title="Consent", slots=[slot])
    return get_round(event, round_.id)


def test_direct_round_is_over_once_its_sessions_end(app, past_round):
    assert choice.direct_state(past_round, None, datetime(2031, 3, 3, 14, 29)) == "open"
    assert choice.direct_state(past_round, None, datetime(2031, 3, 3, 14, 30)) == "over"


def test_ranked_round_is_over_for_ranking_too(app, event, make_round, make_group, add_slot):
    slot = add_slot(event, start=datetime(2031, 3, 3, 13, 0), minutes=90)
    round_ = make_round(event)
    make_group(round_, slots=[slot])
    assert ranking.ranking_state(get_round(event, round_.id), NOW) == "over"


def test_round_without_sessions_is_never_over(app, event, make_round, make_group):
    round_ = make_round(event, join_mode="direct")
    make_group(round_)
    assert choice.direct_state(get_round(event, round_.id), None, NOW) == "open"


def test_choosing_in_a_past_round_is_refused(app, event, past_round, add_participant):
    registration = add_participant(event)
    with pytest.raises(ValidationError) as info:
        choice.choose_group(past_round, registration, past_round.groups[0], registration.user, now=NOW)
    assert str(info.value.message) == "The sessions of this round are over."


def test_past_round_page_shows_no_join_buttons(client, app, event, past_round, add_participant, login):
    registration = add_participant(event)
    login(client, registration.user)
    page = client.get(f"/events/{event.slug}/groups").get_data(as_text=True)
    assert "Join this group" in page  # its session (in 2031) is still ahead
    for slot in db.session.query(AgendaSlot).all():
        slot.starts_at, slot.ends_at = datetime(2020, 1, 1, 9), datetime(2020, 1, 1, 10)
    db.session.commit()
    page = client.get(f"/events/{event.slug}/groups").get_data(as_text=True)
    assert "Join this group" not in page and "Join the waiting list" not in page
    assert "The sessions of this round are over." in page
