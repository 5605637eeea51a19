"""Group seats are never overbooked under concurrent load: 30 threads, each with its own
database connection, choose the same 5-seat group at once (SQLite file and PostgreSQL);
then two people swap groups at the same time without a deadlock."""
from __future__ import annotations

from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.groups import choice
from eventsys.groups.models import GroupMembership, GroupRound, WorkingGroup
from eventsys.registration.models import Registration
from tests.registration.test_concurrency import _all_at_once, pooled_app  # noqa: F401  (fixture)

THREADS, SEATS = 30, 5


def _choose(args):
    round_id, group_id, registration_id = args
    registration = db.session.get(Registration, registration_id)
    choice.choose_group(db.session.get(GroupRound, round_id), registration, db.session.get(WorkingGroup, group_id),
                        registration.user)


def _statuses(round_id):
    return dict(db.session.execute(select(GroupMembership.status, func.count())
                                   .where(GroupMembership.round_id == round_id).group_by(GroupMembership.status)).all())


def test_thirty_concurrent_choices_never_overbook_five_seats(pooled_app, event, make_round, make_group,  # noqa: F811
                                                              add_participant):
    round_ = make_round(event, join_mode="direct")
    group = make_group(round_, in_person=SEATS + 1, staff="Mo, , moderator, in_person")  # 5 for participants
    people = [add_participant(event).id for _ in range(THREADS)]
    round_id, group_id = round_.id, group.id
    db.session.remove()
    _all_at_once(pooled_app, _choose, [(round_id, group_id, rid) for rid in people])
    assert _statuses(round_id) == {"assigned": SEATS, "waitlisted": THREADS - SEATS}
    assert db.session.get(WorkingGroup, group_id).in_person_taken == SEATS
    positions = sorted(choice.waitlist_position(m, "in_person") for m in db.session.scalars(
        select(GroupMembership).where(GroupMembership.status == "waitlisted")))
    assert positions == list(range(1, THREADS - SEATS + 1))


def test_two_people_swapping_groups_at_once_both_succeed(pooled_app, event, make_round, make_group,  # noqa: F811
                                                         add_participant):
    round_ = make_round(event, join_mode="direct")
    a, b = make_group(round_, title="A", in_person=2), make_group(round_, title="B", in_person=2)
    first, second = add_participant(event), add_participant(event)
    choice.choose_group(round_, first, a, first.user)
    choice.choose_group(round_, second, b, second.user)
    round_id, a_id, b_id, first_id, second_id = round_.id, a.id, b.id, first.id, second.id
    db.session.remove()
    _all_at_once(pooled_app, _choose, [(round_id, b_id, first_id), (round_id, a_id, second_id)])
    got = dict(db.session.execute(select(GroupMembership.registration_id, GroupMembership.group_id)
                                  .where(GroupMembership.round_id == round_id)).all())
    assert got == {first_id: b_id, second_id: a_id}
    assert [db.session.get(WorkingGroup, g).in_person_taken for g in (a_id, b_id)] == [1, 1]
