"""Working-group pages through HTTP: the organisers' rounds, groups, assignment preview,
moves, locks and publishing; the participants' page, ranking and direct choice; refusals
(403/404), bad input (400 at the field, nothing saved), and privacy (a participant only
ever sees their own choices and places)."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from eventsys import mail
from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events.models import Event, EventRole
from eventsys.extensions import db
from eventsys.groups import choice, publishing, ranking
from eventsys.groups.models import AssignmentDraft, GroupMembership, GroupPreference, GroupRound, WorkingGroup
from eventsys.speakers.models import Speaker
from tests.groups.conftest import reload
from tests.pages import field_error, readable_text as text


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(event, make_round, make_group, add_participant, add_slot):
    """A ranked round (Ethics, Markets) and a direct round (Posters: 1 seat) on event; Ana and
    Ben registered in person, Cleo online."""
    slot1 = add_slot(event, "Working groups, round 1", start=datetime(2031, 3, 3, 13, 0))
    slot2 = add_slot(event, "Poster walk", start=datetime(2031, 3, 4, 9, 0))
    ranked = make_round(event, min_ranks=1)
    ethics = make_group(ranked, title="Ethics", in_person=3, online=2, slots=[slot1],
                        guiding_question="Who decides about data?", description="Consent **and** sharing.",
                        online_link="https://meet.example.org/ethics")
    markets = make_group(ranked, title="Markets", in_person=3, slots=[slot1])
    direct = make_round(event, title="Day 2 morning", join_mode="direct")
    posters = make_group(direct, title="Posters", in_person=1, slots=[slot2])
    ana = add_participant(event, name="Ana Alves", category="researcher")
    ben = add_participant(event, name="Ben Brandt", category="industry")
    cleo = add_participant(event, mode="online", name="Cleo Costa")
    return {"event": event, "ranked": ranked, "direct": direct, "ethics": ethics, "markets": markets,
            "posters": posters, "ana": ana, "ben": ben, "cleo": cleo, "slot1": slot1}


def base(world) -> str:
    return f"/events/{world['event'].slug}"


# --- organisers ----------------------------------------------------------------------------

def test_overview_shows_rounds_groups_and_fill_by_mode(client, login, owner, world):
    choice.choose_group(world["direct"], world["ana"], world["posters"], world["ana"].user)
    choice.choose_group(world["direct"], world["ben"], world["posters"], world["ben"].user)
    login(client, owner)
    response = client.get(f"{base(world)}/manage/groups")
    assert response.status_code == 200
    page = text(response)
    assert "Day 1 afternoon" in page and "Day 2 morning" in page
    row = re.search(r"<strong>Posters</strong>.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", row, re.S)[-3:-1] == ['<span class="">1 of 1</span>',
                                                              '<span class="text-muted">none</span>']
    assert re.findall(r"<td>(\d+)</td>", row) == ["1"]  # one waiting


def test_new_round_through_the_form(client, login, owner, world):
    login(client, owner)
    response = client.post(f"{base(world)}/manage/groups/rounds/new", data={
        "title": "Day 2 afternoon", "join_mode": "ranked", "min_ranks": "2", "opens_at": "",
        "deadline": "2031-03-01T18:00", "balance_percent": "40", "position": "3"})
    assert response.status_code == 302
    round_ = db.session.scalar(select(GroupRound).where(GroupRound.title == "Day 2 afternoon"))
    assert (round_.min_ranks, round_.deadline, round_.balance_share) == (2, datetime(2031, 3, 1, 17, 0), 0.4)


@pytest.mark.parametrize("data, field, message", [
    ({"min_ranks": "0"}, "min_ranks", "Number must be between 1 and 50."),
    ({"opens_at": "2031-03-02T10:00", "deadline": "2031-03-01T10:00"}, "deadline",
     "The deadline must come after the opening."),
    ({"balance_percent": "150"}, "balance_percent", "Number must be between 1 and 100."),
])
def test_new_round_bad_input_is_400_at_the_field(client, login, owner, world, data, field, message):
    login(client, owner)
    before = count(GroupRound)
    response = client.post(f"{base(world)}/manage/groups/rounds/new", data={
        "title": "Broken", "join_mode": "ranked", "min_ranks": "2", **data})
    assert response.status_code == 400
    assert field_error(response, field) == message
    assert count(GroupRound) == before


def test_new_group_with_staff_and_slots(client, login, owner, world, make_user):
    make_user(email="mo@example.org", name="Mo")
    login(client, owner)
    response = client.post(f"{base(world)}/manage/groups/rounds/{world['ranked'].id}/groups/new", data={
        "title": "Access", "guiding_question": "Who is left out?", "format": "hybrid", "in_person_seats": "6",
        "online_seats": "4", "room_id": "", "online_link": "", "slot_ids": [str(world["slot1"].id)],
        "staff": "Mo Moderator, mo@example.org, moderator, in_person\nRae, , rapporteur, online", "position": "2"})
    assert response.status_code == 302
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.title == "Access"))
    assert [s.id for s in group.slots] == [world["slot1"].id]
    assert sorted((p.name, p.role, p.mode) for p in group.staff) == [
        ("Mo Moderator", "moderator", "in_person"), ("Rae", "rapporteur", "online")]
    page = text(client.get(f"{base(world)}/manage/groups/{group.id}/edit"))
    assert "Mo Moderator, mo@example.org, moderator, in_person\nRae, , rapporteur, online" in page


def test_new_group_bad_staff_is_400_at_the_field(client, login, owner, world):
    login(client, owner)
    before = count(WorkingGroup)
    response = client.post(f"{base(world)}/manage/groups/rounds/{world['ranked'].id}/groups/new", data={
        "title": "Access", "format": "hybrid", "in_person_seats": "1", "online_seats": "0",
        "staff": "A, , moderator, in_person\nB, , rapporteur, in_person"})
    assert response.status_code == 400
    assert field_error(response, "in_person_seats") == ("1 seats are too few: 2 staff and 0 participants already "
                                                        "sit here in this mode.")
    assert count(WorkingGroup) == before


def test_assignment_preview_run_move_lock_publish(client, login, owner, world, mailbox):
    ranked, ethics, markets = world["ranked"], world["ethics"], world["markets"]
    for person, groups in ((world["ana"], [ethics]), (world["ben"], [ethics, markets])):
        ranking.save_ranking(ranked, person, [g.id for g in groups], person.user)
    login(client, owner)
    url = f"{base(world)}/manage/groups/rounds/{ranked.id}"
    assert "No assignment has been computed for this round yet." in text(client.get(f"{url}/assignment"))
    assert client.post(f"{url}/assignment", data={"place_unranked": "y"}).status_code == 302
    page = text(client.get(f"{url}/assignment"))
    assert re.search(r'<p class="display-6 mb-0">3</p><p class="mb-0 small">of 3 participants placed', page)
    assert "Got their 1st choice" in page and "First come, first served" in page
    row = re.search(r'<th scope="row">Ethics</th>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<span[^>]*>(.*?)</span>", row) == ["2 of 3", "1 of 2"]
    assert "Researcher: 1" in page
    # Ben (ranked Ethics first) moves to Markets: the page says what it did to seats and ranks
    response = client.post(f"{url}/move", data={"registration_id": world["ben"].id, "group_id": markets.id},
                           follow_redirects=True)
    assert ("Ben Brandt is now in “Markets” (choice 2). Before: “Ethics” (choice 1); seats there 2 → 1 of 3. "
            "Seats in “Markets”: 0 → 1 of 3.") in text(response)
    draft = db.session.scalar(select(AssignmentDraft).order_by(AssignmentDraft.id.desc()))
    assert draft.assignment[str(world["ben"].id)] == markets.id
    assert client.post(f"{url}/lock", data={"registration_id": world["ana"].id, "locked": "1"}).status_code == 302
    assert str(world["ana"].id) in reload(AssignmentDraft, draft.id).figures["locked"]
    assert client.post(f"{url}/publish").status_code == 302
    got = dict(db.session.execute(select(GroupMembership.registration_id, GroupMembership.group_id)).all())
    assert got == {world["ana"].id: ethics.id, world["ben"].id: markets.id, world["cleo"].id: ethics.id}
    assert mail.deliver_due().sent == 3
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        p.user.email for p in (world["ana"], world["ben"], world["cleo"]))


def test_move_into_a_full_group_is_refused_and_nothing_changes(client, login, owner, world):
    publishing.run_assignment(world["ranked"], owner)
    draft = db.session.scalar(select(AssignmentDraft))
    before = dict(draft.assignment)
    full = reload(WorkingGroup, world["markets"].id)
    full.in_person_seats = 0
    db.session.commit()
    login(client, owner)
    response = client.post(f"{base(world)}/manage/groups/rounds/{world['ranked'].id}/move",
                           data={"registration_id": world["ana"].id, "group_id": full.id})
    assert response.status_code == 400
    assert "“Markets” has no seats for this participant's way of attending." in text(response)
    assert reload(AssignmentDraft, draft.id).assignment == before


def test_move_bad_input_is_400(client, login, owner, world):
    publishing.run_assignment(world["ranked"], owner)
    login(client, owner)
    response = client.post(f"{base(world)}/manage/groups/rounds/{world['ranked'].id}/move",
                           data={"registration_id": "x", "group_id": ""})
    assert response.status_code == 400
    assert "Choose a participant and a group." in text(response)


def test_manage_pages_refuse_participants_and_other_organisers(client, login, world, make_user):
    other = make_user()
    other_event = Event(slug="elsewhere", title="Elsewhere", start_date=date(2031, 1, 1), end_date=date(2031, 1, 1),
                        timezone="UTC", status="published")
    db.session.add(other_event)
    db.session.flush()
    db.session.add(EventRole(event_id=other_event.id, user_id=other.id, email=other.email, role="owner"))
    db.session.commit()
    url = f"{base(world)}/manage/groups/rounds/{world['ranked'].id}"
    for user in (world["ana"].user, other):
        client.post("/auth/logout")
        login(client, user)
        assert client.get(f"{base(world)}/manage/groups").status_code == 403
        assert client.post(f"{url}/move", data={"registration_id": world["ben"].id,
                                                "group_id": world["ethics"].id}).status_code == 403
        assert client.post(f"{url}/publish").status_code == 403
    assert count(AssignmentDraft) == 0 and count(GroupMembership) == 0


def test_ids_of_another_event_are_404(client, login, owner, world, make_round, make_group, add_participant):
    from tests.registration.helpers import make_open_event
    elsewhere = make_open_event(owner=owner)
    their_round = make_round(elsewhere, join_mode="direct")
    their_group = make_group(their_round)
    login(client, owner)
    assert client.get(f"{base(world)}/manage/groups/rounds/{their_round.id}/assignment").status_code == 404
    assert client.get(f"{base(world)}/manage/groups/{their_group.id}/edit").status_code == 404
    client.post("/auth/logout")
    login(client, world["ana"].user)
    assert client.get(f"{base(world)}/groups/rounds/{their_round.id}/rank").status_code == 404
    assert client.post(f"{base(world)}/groups/rounds/{world['direct'].id}/choose",
                       data={"group_id": their_group.id}).status_code == 404
    assert count(GroupMembership) == 0


# --- participants --------------------------------------------------------------------------

def test_participant_page_lists_groups_and_my_choices_only(client, login, owner, world):
    ranking.save_ranking(world["ranked"], world["ben"], [world["markets"].id, world["ethics"].id], world["ben"].user)
    choice.choose_group(world["direct"], world["ben"], world["posters"], world["ben"].user)
    login(client, world["ana"].user)
    response = client.get(f"{base(world)}/groups")
    assert response.status_code == 200
    page = text(response)
    assert "Who decides about data?" in page and "Consent <strong>and</strong> sharing." in page
    assert "Your ranking:" not in page and "Your group:" not in page  # Ben's choices are Ben's
    assert "Ben Brandt" not in page
    assert "Free seats for you: 0" in page  # Posters is full (Ben took the seat)
    assert "Join the waiting list" in page


def test_participant_sees_their_published_group_and_its_link(client, login, owner, world):
    publishing.run_assignment(world["ranked"], owner)
    publishing.publish_round(reload(GroupRound, world["ranked"].id), owner)
    login(client, world["cleo"].user)
    page = text(client.get(f"{base(world)}/groups"))
    assert "Your group: Ethics" in page
    assert "https://meet.example.org/ethics" in page
    client.post("/auth/logout")
    login(client, world["ana"].user)
    ana_page = text(client.get(f"{base(world)}/groups"))
    group = reload(WorkingGroup, db.session.scalar(select(GroupMembership.group_id).where(
        GroupMembership.registration_id == world["ana"].id)))
    assert f"Your group: {group.title}" in ana_page
    assert "https://meet.example.org/ethics" not in ana_page  # in person: the room, not the link


def test_rank_form_saves_the_ranking(client, login, world):
    login(client, world["ana"].user)
    url = f"{base(world)}/groups/rounds/{world['ranked'].id}/rank"
    page = text(client.get(url))
    assert '<label class="form-label" for="rank_1">1st choice</label>' in page
    assert '<label class="form-label" for="rank_2">2nd choice</label>' in page
    response = client.post(url, data={"rank_1": world["markets"].id, "rank_2": world["ethics"].id})
    assert response.status_code == 302
    assert ranking.current_ranking(world["ranked"].id, world["ana"].id) == [world["markets"].id, world["ethics"].id]
    page = text(client.get(f"{base(world)}/groups"))
    assert re.search(r"Your ranking:</p>\s*<ol><li>Markets</li><li>Ethics</li></ol>", page)


def test_rank_form_bad_input_is_400_at_the_field(client, login, world):
    login(client, world["ana"].user)
    url = f"{base(world)}/groups/rounds/{world['ranked'].id}/rank"
    response = client.post(url, data={"rank_1": world["ethics"].id, "rank_2": world["ethics"].id})
    assert response.status_code == 400
    assert field_error(response, "rank_2") == "“Ethics” is already one of your choices: rank each group once."
    assert count(GroupPreference) == 0


def test_direct_choice_through_the_page(client, login, world):
    login(client, world["ana"].user)
    url = f"{base(world)}/groups/rounds/{world['direct'].id}/choose"
    response = client.post(url, data={"group_id": world["posters"].id}, follow_redirects=True)
    assert "You are in “Posters”." in text(response)
    assert "Your group: Posters" in text(response)
    client.post("/auth/logout")
    login(client, world["ben"].user)
    response = client.post(url, data={"group_id": world["posters"].id}, follow_redirects=True)
    assert "“Posters” is full: you are on its waiting list, position 1." in text(response)


def test_direct_choice_bad_input_is_400(client, login, world):
    login(client, world["cleo"].user)
    url = f"{base(world)}/groups/rounds/{world['direct'].id}/choose"
    response = client.post(url, data={"group_id": world["posters"].id})  # in person only; Cleo is online
    assert response.status_code == 400
    assert "“Posters” has no seats for participants attending online." in text(response)
    assert client.post(url, data={}).status_code == 400
    assert count(GroupMembership) == 0


def test_without_a_confirmed_registration_a_friendly_page(client, login, world, make_user):
    login(client, make_user(name="Walk In"))
    response = client.get(f"{base(world)}/groups")
    assert response.status_code == 403
    assert "are for participants with a confirmed registration" in text(response)
    assert client.post(f"{base(world)}/groups/rounds/{world['direct'].id}/choose",
                       data={"group_id": world["posters"].id}).status_code == 403
    assert count(GroupMembership) == 0


def test_draft_event_groups_are_404(client, login, world, add_participant):
    world["event"].status = "draft"
    db.session.commit()
    login(client, world["ana"].user)
    assert client.get(f"{base(world)}/groups").status_code == 404


def test_conflict_with_a_slot_the_participant_speaks_in(client, login, world):
    talk = AgendaSlot(event_id=world["event"].id, kind="panel", title="Data panel",
                      starts_at=datetime(2031, 3, 3, 14, 0), ends_at=datetime(2031, 3, 3, 15, 0))
    speaker = Speaker(event_id=world["event"].id, name="Ana Alves", user_id=world["ana"].user_id)
    db.session.add_all([talk, speaker])
    db.session.flush()
    db.session.add(SlotSpeaker(slot_id=talk.id, speaker_id=speaker.id))
    db.session.commit()
    ranking.save_ranking(world["ranked"], world["ana"], [world["ethics"].id], world["ana"].user)
    login(client, world["ana"].user)
    page = text(client.get(f"{base(world)}/groups"))
    assert "Some of your sessions overlap:" in page
    assert "“Ethics” and “Data panel” both run at" in page
    assert page.count("Overlaps with “Data panel”") == 2  # Ethics and Markets meet at that time
