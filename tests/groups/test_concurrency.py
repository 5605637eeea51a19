"""Group seats are never overbooked under concurrent load (SQLite file and PostgreSQL):
30 people choose the same 5-seat group at once; two people swap groups at the same time
without a deadlock; and, 5 rounds each, a double click on another group, a double cancel
of a registration holding a group seat, a choice racing the cancellation and a mode switch
with a group place, every counter recounted from the rows afterwards."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.groups import choice
from eventsys.groups.models import GroupMembership, GroupRound, WorkingGroup
from eventsys.registration import services
from eventsys.registration.models import Registration
from tests.concurrency import assert_counters_match, kinds, run_each, run_together

THREADS, SEATS, ROUNDS = 30, 5, 5


def _choose(args):
    round_id, group_id, registration_id = args
    registration = db.session.get(Registration, registration_id)
    return choice.choose_group(db.session.get(GroupRound, round_id), registration,
                               db.session.get(WorkingGroup, group_id), registration.user).status


def _cancel(registration_id):
    registration = db.session.get(Registration, registration_id)
    services.cancel_registration(registration, db.session.get(User, registration.user_id))


def _statuses(round_id):
    return dict(db.session.execute(select(GroupMembership.status, func.count())
                                   .where(GroupMembership.round_id == round_id).group_by(GroupMembership.status)).all())


def _places(round_id):
    db.session.expire_all()
    return {rid: (gid, status) for rid, gid, status in db.session.execute(
        select(GroupMembership.registration_id, GroupMembership.group_id, GroupMembership.status)
        .where(GroupMembership.round_id == round_id))}


def _taken(*group_ids):
    db.session.expire_all()
    return [db.session.get(WorkingGroup, g).in_person_taken for g in group_ids]


def test_thirty_concurrent_choices_never_overbook_five_seats(pooled_app, event, make_round, make_group,
                                                              add_participant):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, in_person=SEATS + 1, staff="Mo, , moderator, in_person")  # 5 for participants
    people = [add_participant(event).id for _ in range(THREADS)]
    round_id, group_id = round_.id, group.id
    db.session.remove()
    outcomes = run_each(pooled_app, _choose, [(round_id, group_id, rid) for rid in people])
    assert sorted(outcomes) == ["assigned"] * SEATS + ["waitlisted"] * (THREADS - SEATS)
    assert _statuses(round_id) == {"assigned": SEATS, "waitlisted": THREADS - SEATS}
    assert db.session.get(WorkingGroup, group_id).in_person_taken == SEATS
    positions = sorted(choice.waitlist_position(m, "in_person") for m in db.session.scalars(
        select(GroupMembership).where(GroupMembership.status == "waitlisted")))
    assert positions == list(range(1, THREADS - SEATS + 1))
    assert_counters_match()


def test_two_people_swapping_groups_at_once_both_succeed(pooled_app, event, make_round, make_group,
                                                         add_participant):
    round_ = make_round(event, join_mode="direct")
    a, b = make_group(round_, title="A", in_person=2), make_group(round_, title="B", in_person=2)
    first, second = add_participant(event), add_participant(event)
    choice.choose_group(round_, first, a, first.user)
    choice.choose_group(round_, second, b, second.user)
    round_id, a_id, b_id, first_id, second_id = round_.id, a.id, b.id, first.id, second.id
    db.session.remove()
    outcomes = run_each(pooled_app, _choose, [(round_id, b_id, first_id), (round_id, a_id, second_id)])
    assert outcomes == ["assigned", "assigned"]
    got = dict(db.session.execute(select(GroupMembership.registration_id, GroupMembership.group_id)
                                  .where(GroupMembership.round_id == round_id)).all())
    assert got == {first_id: b_id, second_id: a_id}
    assert _taken(a_id, b_id) == [1, 1]
    assert_counters_match()


def _reattach(event, owner):
    """The fixtures' objects, in this round's session (the previous round removed it)."""
    db.session.add_all([event, owner])
    return event


def _two_groups(event, make_round, make_group, add_participant, people=4):
    """A direct round: A (2 seats, full, one waiting) and B (2 seats, empty); returns ids."""
    round_ = make_round(event, join_mode="direct")
    a, b = make_group(round_, title="A", in_person=2), make_group(round_, title="B", in_person=2)
    registrations = [add_participant(event) for _ in range(people)]
    for registration in registrations[:3]:
        choice.choose_group(round_, registration, a, registration.user)
    ids = round_.id, a.id, b.id, [r.id for r in registrations]
    db.session.remove()
    return ids


def test_double_click_on_another_group_moves_the_seat_once(pooled_app, event, make_round, make_group,
                                                           add_participant, owner):
    for round_no in range(ROUNDS):
        round_id, a_id, b_id, (first, second, third, _spare) = _two_groups(
            _reattach(event, owner), make_round, make_group, add_participant)
        outcomes = run_each(pooled_app, _choose, [(round_id, b_id, first)] * 2)
        assert outcomes == ["assigned", "assigned"], f"round {round_no}"
        assert _places(round_id) == {first: (b_id, "assigned"), second: (a_id, "assigned"),
                                     third: (a_id, "assigned")}
        assert _taken(a_id, b_id) == [2, 1]
        assert_counters_match()


def test_double_cancel_frees_the_group_seat_once(pooled_app, event, owner, make_round, make_group, add_participant):
    for round_no in range(ROUNDS):
        round_id, a_id, _b_id, (first, second, third, _spare) = _two_groups(
            _reattach(event, owner), make_round, make_group, add_participant)
        outcomes = run_each(pooled_app, _cancel, [first, first])
        assert kinds(outcomes) == ["Conflict", "ok"], f"round {round_no}"
        assert _places(round_id) == {second: (a_id, "assigned"), third: (a_id, "assigned")}
        assert _taken(a_id) == [2]
        assert_counters_match()


def test_choice_racing_the_cancellation_leaves_no_place_behind(pooled_app, event, make_round, make_group,
                                                               add_participant, owner):
    for round_no in range(ROUNDS):
        round_id, a_id, b_id, (first, second, third, spare) = _two_groups(
            _reattach(event, owner), make_round, make_group, add_participant)
        outcomes = run_together(pooled_app, [lambda: _cancel(first), lambda: _choose((round_id, b_id, first)),
                                             lambda: _cancel(spare), lambda: _choose((round_id, b_id, spare))])
        assert kinds(outcomes[::2]) == ["ok", "ok"], f"round {round_no}"
        assert kinds(outcomes[1::2]) in (["PermissionDenied"] * 2, ["PermissionDenied", "ok"], ["ok", "ok"])
        assert _places(round_id) == {second: (a_id, "assigned"), third: (a_id, "assigned")}
        assert _taken(a_id, b_id) == [2, 0]
        assert_counters_match()


def test_mode_switch_moves_the_group_seat_with_it(pooled_app, event, make_round, make_group, add_participant):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, title="Hybrid", in_person=2, online=1)
    people = [add_participant(event) for _ in range(3)]
    for registration in people:
        choice.choose_group(round_, registration, group, registration.user)
    first, third = people[0], people[2]
    services.update_registration(first, first.user, "online", {}, False)
    assert _places(round_.id) == {first.id: (group.id, "assigned"), people[1].id: (group.id, "assigned"),
                                  third.id: (group.id, "assigned")}
    db.session.expire_all()
    assert (group.in_person_taken, group.online_taken) == (2, 1)
    assert_counters_match()
