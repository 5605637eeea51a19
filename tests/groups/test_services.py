"""Working-group services without HTTP: rounds and groups (organisers), direct choice with
seats and waitlists, ranking, and what a cancellation frees."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.extensions import db
from eventsys.groups import choice, ranking, services
from eventsys.groups.staff import staff_text
from eventsys.groups.models import GroupMembership, GroupPreference, GroupStaff, WorkingGroup
from eventsys.mail import OutboxMessage
from eventsys.registration import services as registration_services
from eventsys.timeutil import utcnow
from tests.groups.conftest import reload


def memberships(round_id):
    db.session.expire_all()
    return sorted((m.registration_id, m.group_id, m.status) for m in db.session.scalars(
        select(GroupMembership).where(GroupMembership.round_id == round_id)))


def taken(group_id):
    group = reload(WorkingGroup, group_id)
    return group.in_person_taken, group.online_taken


# --- rounds and groups ---------------------------------------------------------------------

def test_create_round_converts_local_times_to_utc(event, make_round):
    round_ = make_round(event, opens_at=datetime(2031, 2, 1, 9, 0), deadline=datetime(2031, 2, 20, 18, 0),
                        balance_share=0.4)
    assert (round_.opens_at, round_.deadline) == (datetime(2031, 2, 1, 8, 0), datetime(2031, 2, 20, 17, 0))
    assert round_.balance_share == 0.4


@pytest.mark.parametrize("values, field", [
    ({"title": "  "}, "title"),
    ({"join_mode": "lottery"}, "join_mode"),
    ({"min_ranks": 0}, "min_ranks"),
    ({"opens_at": datetime(2031, 2, 2), "deadline": datetime(2031, 2, 1)}, "deadline"),
    ({"balance_share": 1.5}, "balance_share"),
])
def test_create_round_refuses_bad_values_at_the_field(event, make_round, values, field):
    with pytest.raises(ValidationError) as error:
        make_round(event, **values)
    assert error.value.field == field


def test_only_managers_change_rounds(event, make_round, make_user):
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        services.create_round(event, {"title": "X", "join_mode": "direct", "min_ranks": 1}, stranger)


def test_join_mode_is_fixed_once_places_exist(event, make_round, make_group, add_participant, owner):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_)
    registration = add_participant(event)
    choice.choose_group(round_, registration, group, registration.user)
    with pytest.raises(ValidationError) as error:
        services.update_round(round_, {**_round_values(round_), "join_mode": "ranked"}, owner)
    assert error.value.field == "join_mode"


def _round_values(round_):
    return {"title": round_.title, "join_mode": round_.join_mode, "min_ranks": round_.min_ranks,
            "opens_at": None, "deadline": None, "balance_share": None}


def test_group_staff_lines_link_accounts_and_reserve_seats(event, make_round, make_group, make_user):
    ana = make_user(email="ana@example.org", name="Ana")
    round_ = make_round(event)
    group = make_group(round_, in_person=4, online=3, staff="Ana Ruiz, ANA@example.org, moderator, in_person\n\n"
                                                          "Bo Li, , rapporteur, online")
    staff = sorted((p.name, p.user_id, p.role, p.mode) for p in reload(WorkingGroup, group.id).staff)
    assert staff == [("Ana Ruiz", ana.id, "moderator", "in_person"), ("Bo Li", None, "rapporteur", "online")]
    group = reload(WorkingGroup, group.id)
    assert (services.capacity(group, "in_person"), services.capacity(group, "online")) == (3, 2)
    assert staff_text(group) == "Ana Ruiz, ana@example.org, moderator, in_person\nBo Li, , rapporteur, online"


@pytest.mark.parametrize("staff, message", [
    ("Ana Ruiz, ana@example.org, moderator", "Line 1: write"),
    ("Ana, ana@example, moderator, in_person", "Line 1: “ana@example” is not an email address."),
    ("Ana, , chair, in_person", "Line 1: the role is moderator or rapporteur."),
    ("Ana, , moderator, hybrid", "Line 1: the mode is in_person or online."),
    ("Ana, a@x.org, moderator, online\nAnna, a@x.org, rapporteur, online", "Line 2: Anna is listed twice."),
])
def test_bad_staff_lines_are_refused_with_the_line(event, make_round, make_group, staff, message):
    round_ = make_round(event)
    with pytest.raises(ValidationError) as error:
        make_group(round_, in_person=5, online=5, staff=staff)
    assert error.value.field == "staff"
    assert str(error.value.message).startswith(message)
    assert db.session.scalar(select(func.count()).select_from(WorkingGroup)) == 0


@pytest.mark.parametrize("kwargs, field", [
    ({"in_person": 1, "online": 0, "staff": "A, , moderator, in_person\nB, , rapporteur, in_person"}, "in_person_seats"),
    ({"in_person": 3, "online": 2, "fmt": "in_person"}, "online_seats"),
    ({"in_person": 3, "online": 2, "fmt": "online"}, "in_person_seats"),
    ({"in_person": -1, "online": 2}, "in_person_seats"),
    ({"in_person": 3, "fmt": "mixed"}, "format"),
])
def test_group_seat_rules(event, make_round, make_group, kwargs, field):
    round_ = make_round(event)
    with pytest.raises(ValidationError) as error:
        make_group(round_, **kwargs)
    assert error.value.field == field


def test_group_slots_must_be_working_group_slots_of_the_event(event, make_round, make_group, add_slot):
    round_ = make_round(event)
    plenary = add_slot(event, "Opening", kind="plenary")
    with pytest.raises(ValidationError) as error:
        make_group(round_, slots=[plenary])
    assert error.value.field == "slot_ids"
    wg = add_slot(event, "WG")
    group = make_group(round_, slots=[wg])
    assert [s.id for s in reload(WorkingGroup, group.id).slots] == [wg.id]


def test_seats_cannot_drop_below_the_places_held(event, make_round, make_group, add_participant, owner):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, in_person=3)
    for _ in range(2):
        registration = add_participant(event)
        choice.choose_group(round_, registration, group, registration.user)
    with pytest.raises(ValidationError) as error:
        services.update_group(group, {"title": group.title, "format": "in_person", "in_person_seats": 1,
                                      "online_seats": 0}, owner)
    assert error.value.field == "in_person_seats"
    assert reload(WorkingGroup, group.id).in_person_seats == 3


def test_more_seats_promote_the_group_waitlist(event, make_round, make_group, add_participant, owner, mailbox):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, in_person=1)
    first, second = add_participant(event), add_participant(event)
    for registration in (first, second):
        choice.choose_group(round_, registration, group, registration.user)
    promoted = services.update_group(group, {"title": group.title, "format": "in_person", "in_person_seats": 2,
                                             "online_seats": 0}, owner)
    assert [m.registration_id for m in promoted] == [second.id]
    assert memberships(round_.id) == [(first.id, group.id, "assigned"), (second.id, group.id, "assigned")]
    assert taken(group.id) == (2, 0)


def test_a_group_with_places_cannot_be_deleted(event, make_round, make_group, add_participant, owner):
    round_ = make_round(event, join_mode="direct")
    group, empty = make_group(round_, title="Full"), make_group(round_, title="Empty")
    registration = add_participant(event)
    choice.choose_group(round_, registration, group, registration.user)
    with pytest.raises(Conflict) as error:
        services.delete_group(group, owner)
    assert str(error.value.message) == "1 participants hold places in “Full”: move them to other groups first."
    services.delete_group(empty, owner)
    assert [g.title for g in services.get_round(event, round_.id).groups] == ["Full"]


# --- direct choice -------------------------------------------------------------------------

def test_direct_choice_takes_a_seat_then_waitlists_in_order(event, make_round, make_group, add_participant):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, in_person=3, staff="Mo, , moderator, in_person")  # 2 seats for participants
    people = [add_participant(event) for _ in range(4)]
    results = [choice.choose_group(round_, r, group, r.user) for r in people]
    assert [m.status for m in results] == ["assigned", "assigned", "waitlisted", "waitlisted"]
    assert [choice.waitlist_position(m, "in_person") for m in results] == [None, None, 1, 2]
    assert taken(group.id) == (2, 0)


def test_direct_choice_only_in_the_participant_mode(event, make_round, make_group, add_participant):
    round_ = make_round(event, join_mode="direct")
    room_only = make_group(round_, title="Room only", in_person=5)
    online = add_participant(event, mode="online")
    with pytest.raises(ValidationError) as error:
        choice.choose_group(round_, online, room_only, online.user)
    assert (error.value.field, str(error.value.message)) == (
        "group_id", "“Room only” has no seats for participants attending online.")
    assert memberships(round_.id) == []


def test_staff_seats_count_against_capacity_per_mode(event, make_round, make_group, add_participant):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, in_person=1, online=2, staff="Mo, , moderator, in_person")
    person = add_participant(event, mode="in_person")
    with pytest.raises(ValidationError):
        choice.choose_group(round_, person, group, person.user)  # its only in-person seat is the moderator's
    online = add_participant(event, mode="online")
    assert choice.choose_group(round_, online, group, online.user).status == "assigned"


@pytest.mark.parametrize("opens, deadline, message", [
    (timedelta(hours=1), None, "This round is not open yet."),
    (None, timedelta(hours=-1), "The deadline of this round has passed."),
])
def test_direct_choice_only_while_open(event, make_round, make_group, add_participant, owner, opens, deadline, message):
    round_ = make_round(event, join_mode="direct")
    now = utcnow()
    round_.opens_at = now + opens if opens else None
    round_.deadline = now + deadline if deadline else None
    db.session.commit()
    group, person = make_group(round_), add_participant(event)
    with pytest.raises(ValidationError) as error:
        choice.choose_group(round_, person, group, person.user)
    assert str(error.value.message) == message


def test_only_the_confirmed_registrant_chooses(event, make_round, make_group, add_participant, make_user):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_)
    person = add_participant(event)
    with pytest.raises(PermissionDenied):
        choice.choose_group(round_, person, group, make_user())
    waiting = add_participant(event, status="waitlisted")
    with pytest.raises(PermissionDenied):
        choice.choose_group(round_, waiting, group, waiting.user)


def test_changing_group_frees_the_seat_and_promotes_that_waitlist(event, make_round, make_group, add_participant,
                                                                   mailbox):
    round_ = make_round(event, join_mode="direct")
    a, b = make_group(round_, title="A", in_person=1), make_group(round_, title="B", in_person=2)
    first, second = add_participant(event), add_participant(event)
    choice.choose_group(round_, first, a, first.user)
    choice.choose_group(round_, second, a, second.user)  # waits for A
    moved = choice.choose_group(round_, first, b, first.user)
    assert moved.status == "assigned"
    assert memberships(round_.id) == [(first.id, b.id, "assigned"), (second.id, a.id, "assigned")]
    assert (taken(a.id), taken(b.id)) == ((1, 0), (1, 0))
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.to_addr, m.subject) for m in mails] == [(second.user.email, "A seat became free: you are in A")]


def test_a_seated_participant_keeps_the_seat_when_the_new_group_is_full(event, make_round, make_group,
                                                                         add_participant):
    round_ = make_round(event, join_mode="direct")
    a, b = make_group(round_, title="A", in_person=1), make_group(round_, title="B", in_person=1)
    first, second = add_participant(event), add_participant(event)
    choice.choose_group(round_, first, a, first.user)
    choice.choose_group(round_, second, b, second.user)
    with pytest.raises(Conflict) as error:
        choice.choose_group(round_, first, b, first.user)
    assert str(error.value.message) == "“B” is full: you keep your seat in “A”."
    assert memberships(round_.id) == [(first.id, a.id, "assigned"), (second.id, b.id, "assigned")]
    assert (taken(a.id), taken(b.id)) == ((1, 0), (1, 0))


def test_one_place_per_round(event, make_round, make_group, add_participant):
    round_ = make_round(event, join_mode="direct")
    a, b = make_group(round_, in_person=3), make_group(round_, in_person=3)
    person = add_participant(event)
    choice.choose_group(round_, person, a, person.user)
    choice.choose_group(round_, person, b, person.user)
    choice.choose_group(round_, person, b, person.user)  # the same group again changes nothing
    assert memberships(round_.id) == [(person.id, b.id, "assigned")]
    assert (taken(a.id), taken(b.id)) == ((0, 0), (1, 0))


def test_ranked_round_has_no_direct_choice_before_publishing(event, make_round, make_group, add_participant):
    round_ = make_round(event)
    group, person = make_group(round_), add_participant(event)
    with pytest.raises(ValidationError) as error:
        choice.choose_group(round_, person, group, person.user)
    assert str(error.value.message) == "In this round you rank the groups; the organisers then assign them."


def test_round_staff_cannot_also_choose(event, make_round, make_group, add_participant, make_user):
    mo = make_user(email="mo@example.org")
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, in_person=3, staff="Mo, mo@example.org, moderator, in_person")
    registration = add_participant(event, user=mo)
    with pytest.raises(ValidationError):
        choice.choose_group(round_, registration, group, mo)


# --- cancellation --------------------------------------------------------------------------

def test_cancelling_a_registration_frees_its_group_seat_and_promotes_the_line(event, make_round, make_group,
                                                                              add_participant, mailbox):
    direct = make_round(event, title="Day 2", join_mode="direct")
    group = make_group(direct, title="Ethics", in_person=1)
    seated, waiting = add_participant(event), add_participant(event)
    choice.choose_group(direct, seated, group, seated.user)
    choice.choose_group(direct, waiting, group, waiting.user)
    registration_services.cancel_registration(seated, seated.user)
    assert memberships(direct.id) == [(waiting.id, group.id, "assigned")]
    assert taken(group.id) == (1, 0)
    subjects = sorted((m.to_addr, m.subject) for m in db.session.scalars(select(OutboxMessage)))
    assert (waiting.user.email, "A seat became free: you are in Ethics") in subjects


def test_release_memberships_without_places_changes_nothing(event, add_participant):
    person = add_participant(event)
    assert choice.release_memberships(person) == []


# --- ranking -------------------------------------------------------------------------------

def test_ranking_is_saved_best_first_and_replaced(event, make_round, make_group, add_participant):
    round_ = make_round(event, min_ranks=2)
    a, b, c = (make_group(round_, title=t) for t in "ABC")
    person = add_participant(event)
    ranking.save_ranking(round_, person, [b.id, a.id, None], person.user)
    assert ranking.current_ranking(round_.id, person.id) == [b.id, a.id]
    ranking.save_ranking(round_, person, [c.id, a.id, b.id], person.user)
    assert ranking.current_ranking(round_.id, person.id) == [c.id, a.id, b.id]
    assert db.session.scalar(select(func.count()).select_from(GroupPreference)) == 3


@pytest.mark.parametrize("picks, field, message", [
    (["a", None, None], "rank_2", "Rank at least 2 groups."),
    (["a", "a", None], "rank_2", "“A” is already one of your choices: rank each group once."),
    (["a", None, "b"], "rank_2", "Fill in your choices in order, without a gap."),
    (["a", "online", None], "rank_2", "“Online” has no seats for your way of attending."),
    (["a", 999999, None], "rank_2", "Choose a group of this round."),
])
def test_ranking_rules_at_the_field(event, make_round, make_group, add_participant, picks, field, message):
    round_ = make_round(event, min_ranks=2)
    groups = {"a": make_group(round_, title="A"), "b": make_group(round_, title="B"),
              "online": make_group(round_, title="Online", in_person=0, online=5)}
    person = add_participant(event)
    ids = [groups[p].id if isinstance(p, str) else p for p in picks]
    with pytest.raises(ValidationError) as error:
        ranking.save_ranking(round_, person, ids, person.user)
    assert (error.value.field, str(error.value.message)) == (field, message)
    assert db.session.scalar(select(func.count()).select_from(GroupPreference)) == 0


def test_ranking_needs_no_more_groups_than_the_participant_may_join(event, make_round, make_group, add_participant):
    round_ = make_round(event, min_ranks=3)
    a = make_group(round_, title="A", in_person=0, online=4)
    make_group(round_, title="B", in_person=5)
    person = add_participant(event, mode="online")
    assert ranking.required_ranks(round_, "online") == 1
    assert ranking.save_ranking(round_, person, [a.id], person.user) == [a.id]


def test_ranking_only_before_the_deadline(event, make_round, make_group, add_participant):
    round_ = make_round(event, min_ranks=1)
    group, person = make_group(round_), add_participant(event)
    round_.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        ranking.save_ranking(round_, person, [group.id], person.user)
    assert str(error.value.message) == "The deadline for ranking this round has passed."
    round_.deadline = utcnow() + timedelta(days=1)
    db.session.commit()
    assert ranking.save_ranking(round_, person, [group.id], person.user) == [group.id]


def test_ranking_not_in_a_direct_round(event, make_round, make_group, add_participant):
    round_ = make_round(event, join_mode="direct", min_ranks=1)
    group, person = make_group(round_), add_participant(event)
    with pytest.raises(ValidationError) as error:
        ranking.save_ranking(round_, person, [group.id], person.user)
    assert str(error.value.message) == "In this round you pick a group directly."


def test_deleting_a_round_removes_its_groups_and_staff(event, make_round, make_group, owner):
    round_ = make_round(event)
    make_group(round_, staff="Mo, , moderator, in_person")
    services.delete_round(round_, owner)
    assert db.session.scalar(select(func.count()).select_from(WorkingGroup)) == 0
    assert db.session.scalar(select(func.count()).select_from(GroupStaff)) == 0


def test_no_choices_once_the_event_is_cancelled(event, make_round, make_group, add_participant):
    round_ = make_round(event, join_mode="direct")
    group, person = make_group(round_), add_participant(event)
    event.status = "cancelled"
    db.session.commit()
    with pytest.raises(ValidationError) as error:
        choice.choose_group(round_, person, group, person.user)
    assert str(error.value.message) == "This event is not open: working groups cannot change."
    assert memberships(round_.id) == []
