"""Running, adjusting and publishing the assignment of a ranked round, through the services:
the draft's figures are the pure core's, publishing writes places and sends one message per
person (delivered through a real SMTP server), locks hold across re-runs, moves by hand,
late registrants and cancellations after publishing."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from eventsys import mail
from eventsys.auth.models import User
from eventsys.errors import Conflict, ValidationError
from eventsys.extensions import db
from eventsys.groups import adjusting, choice, publishing, ranking
from eventsys.groups import assignment as core
from eventsys.groups.models import (AssignmentDraft, GroupMembership, GroupPreference, GroupRound, GroupStaff,
                                    WorkingGroup)
from eventsys.registration import services as registration_services
from eventsys.registration.models import Registration
from tests.groups.conftest import T0, reload


@pytest.fixture
def ranked(event, make_round, make_group, add_participant, add_slot):
    """A ranked round of three groups (2 in-person seats each after a moderator; the third
    also 1 online seat) and six participants who ranked them; p6 ranked nothing."""
    slot = add_slot(event)
    round_ = make_round(event, min_ranks=1)
    a = make_group(round_, title="Awareness", in_person=3, staff="Mo, , moderator, in_person", slots=[slot],
                   guiding_question="Who knows what?")
    b = make_group(round_, title="Ethics", in_person=2, slots=[slot])
    c = make_group(round_, title="Markets", in_person=2, online=1, slots=[slot],
                   online_link="https://meet.example.org/markets")
    people = [add_participant(event, category=cat, mode=mode, name=f"P{n}") for n, (cat, mode) in enumerate([
        ("researcher", "in_person"), ("industry", "in_person"), ("researcher", "in_person"),
        ("clinician", "in_person"), ("researcher", "online"), ("funder", "in_person")], start=1)]
    rankings = [[a, b], [a, c], [a, b, c], [b, a], [c], []]
    for person, groups in zip(people, rankings):
        if groups:
            ranking.save_ranking(round_, person, [g.id for g in groups], person.user)
    return {"round": reload(GroupRound, round_.id), "groups": (a, b, c), "people": people}


def places(round_id):
    db.session.expire_all()
    return {m.registration_id: (m.group_id, m.status, m.source, m.locked) for m in db.session.scalars(
        select(GroupMembership).where(GroupMembership.round_id == round_id))}


def core_input(ranked_world):
    a, b, c = ranked_world["groups"]
    groups = [core.Group(a.id, 3, 0, 1, 0), core.Group(b.id, 2, 0), core.Group(c.id, 2, 1)]
    p = ranked_world["people"]
    cats = ["researcher", "industry", "researcher", "clinician", "researcher", "funder"]
    modes = ["in_person"] * 4 + ["online", "in_person"]
    ranks = [[a.id, b.id], [a.id, c.id], [a.id, b.id, c.id], [b.id, a.id], [c.id], []]
    return groups, [core.Participant(p[i].id, modes[i], cats[i], i, tuple(ranks[i])) for i in range(6)]


def test_run_stores_the_pure_core_figures(ranked, owner):
    draft = publishing.run_assignment(ranked["round"], owner)
    groups, participants = core_input(ranked)
    expected = core.assign_round(groups, participants)
    fcfs = core.first_come_first_served(groups, participants)
    assert draft.assignment == {str(k): v for k, v in expected.assignment.items()}
    f = draft.figures
    assert (f["placed"], f["unassigned"], f["total_rank_cost"], f["share_first_choice"], f["share_top3"]) == (
        expected.placed, len(expected.unassigned), expected.total_rank_cost, expected.share_first_choice,
        expected.share_top3)
    assert f["ranks"] == {str(k): v for k, v in expected.ranks.items()}
    assert f["fill"] == {str(g): {m: [pf.taken, pf.seats] for m, pf in modes.items()}
                         for g, modes in expected.fill.items()}
    assert f["fcfs"] == {name: pair[1] for name, pair in core.compare(expected, fcfs).items()}
    assert f["options"] == {"place_unranked": True, "balance_share": None}
    assert (f["placed"], f["participants"]) == (6, 6)


def test_run_without_placing_unranked_reports_no_ranking(ranked, owner):
    draft = publishing.run_assignment(ranked["round"], owner, place_unranked=False)
    p6 = ranked["people"][5]
    assert draft.assignment[str(p6.id)] is None
    assert draft.figures["unassigned_reasons"] == {str(p6.id): "no_ranking"}


def test_run_refuses_a_direct_round(event, make_round, make_group, owner):
    round_ = make_round(event, join_mode="direct")
    make_group(round_)
    with pytest.raises(ValidationError):
        publishing.run_assignment(round_, owner)
    assert db.session.scalar(select(func.count()).select_from(AssignmentDraft)) == 0


def test_publish_writes_places_and_emails_each_participant_once(ranked, owner, mailbox):
    round_ = ranked["round"]
    draft = publishing.run_assignment(round_, owner)
    report = publishing.publish_round(round_, owner)
    assert (report.assigned, report.unassigned, report.messages) == (6, 0, 6)
    got = places(round_.id)
    assert {k: v[0] for k, v in got.items()} == {int(k): v for k, v in draft.assignment.items()}
    assert {v[1:] for v in got.values()} == {("assigned", "assignment", False)}
    a, b, c = ranked["groups"]
    assert [(reload(WorkingGroup, g.id).in_person_taken, reload(WorkingGroup, g.id).online_taken)
            for g in (a, b, c)] == [(2, 0), (2, 0), (1, 1)]
    assert mail.deliver_due().sent == 6
    p1 = ranked["people"][0]
    [message] = mailbox.to(p1.user.email)
    assert message["Subject"] == f"Your working group for Day 1 afternoon: {reload(WorkingGroup, got[p1.id][0]).title}"
    slug = event_slug(round_)
    assert mailbox.body(message).replace("\r\n", "\n").replace("\u202f", " ") == (
        "Hello P1,\n\n"
        f"Your working group for Day 1 afternoon at {event_title(round_)} is “Awareness”.\n"
        "Guiding question: Who knows what?\n"
        "When: Mar 3, 2031, 2:00 PM – 3:30 PM (Europe/Madrid)\n\n"
        f"Your working groups: http://localhost/events/{slug}/groups\n")
    online = ranked["people"][4]
    online_body = mailbox.body(mailbox.to(online.user.email)[0])
    assert "“Markets”" in online_body and "Online link: https://meet.example.org/markets" in online_body
    assert len(mailbox.messages) == 6


def event_slug(round_):
    from eventsys.events.models import Event
    return db.session.get(Event, round_.event_id).slug


def event_title(round_):
    from eventsys.events.models import Event
    return db.session.get(Event, round_.event_id).title


def test_republishing_tells_only_those_whose_place_changed(ranked, owner, add_participant):
    round_ = ranked["round"]
    publishing.run_assignment(round_, owner)
    publishing.publish_round(round_, owner)
    before = places(round_.id)
    publishing.run_assignment(round_, owner)
    report = publishing.publish_round(round_, owner)
    assert report.messages == 0 and places(round_.id) == before
    assert db.session.scalar(select(func.count()).select_from(mail.OutboxMessage)) == 6


def test_rerun_after_publishing_never_moves_a_locked_participant(ranked, owner):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    p1, p2, p3, p4 = ranked["people"][:4]
    publishing.run_assignment(round_, owner)
    publishing.publish_round(round_, owner)
    # p4 is locked in Awareness (their 2nd choice) by hand; everyone else is free to move
    adjusting.move_participant(round_, p4, a, owner, allow_over=True)
    for person in (p1, p2, p3):  # now all of them want Ethics most
        db.session.execute(GroupPreference.__table__.delete().where(GroupPreference.registration_id == person.id))
        db.session.add_all([GroupPreference(round_id=round_.id, registration_id=person.id, group_id=b.id, rank=1),
                            GroupPreference(round_id=round_.id, registration_id=person.id, group_id=a.id, rank=2)])
    db.session.commit()
    draft = publishing.run_assignment(reload(GroupRound, round_.id), owner)
    assert draft.assignment[str(p4.id)] == a.id
    assert str(p4.id) in draft.figures["locked"]
    publishing.publish_round(reload(GroupRound, round_.id), owner)
    assert places(round_.id)[p4.id] == (a.id, "assigned", "manual", True)


def test_a_lock_before_publishing_holds_across_a_rerun(ranked, owner):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    p4 = ranked["people"][3]
    draft = publishing.run_assignment(round_, owner)
    group_of_p4 = draft.assignment[str(p4.id)]
    adjusting.set_lock(round_, p4, True, owner)
    assert places(round_.id) == {}  # nothing visible before publishing
    db.session.execute(GroupPreference.__table__.delete().where(GroupPreference.registration_id == p4.id))
    other = next(g for g in (a, b, c) if g.id != group_of_p4 and g.in_person_seats > 0)
    db.session.add(GroupPreference(round_id=round_.id, registration_id=p4.id, group_id=other.id, rank=1))
    db.session.commit()
    rerun = publishing.run_assignment(reload(GroupRound, round_.id), owner)
    assert rerun.assignment[str(p4.id)] == group_of_p4
    publishing.publish_round(reload(GroupRound, round_.id), owner)
    assert places(round_.id)[p4.id] == (group_of_p4, "assigned", "assignment", True)


def test_move_before_publishing_changes_the_draft_and_shows_the_effect(ranked, owner):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    draft = publishing.run_assignment(round_, owner)
    p4 = ranked["people"][3]  # ranked Ethics, Awareness
    old = draft.assignment[str(p4.id)]
    assert old == b.id and draft.figures["fill"][str(c.id)]["in_person"] == [1, 2]
    effect = adjusting.move_participant(round_, p4, c, owner)
    assert effect == adjusting.MoveEffect(name="P4", mode="in_person", from_title="Ethics", from_rank=1,
                                          to_title="Markets", to_rank=None, from_seats=(2, 1, 2), to_seats=(1, 2, 2))
    draft = reload(AssignmentDraft, draft.id)
    assert draft.assignment[str(p4.id)] == c.id
    assert draft.figures["fill"][str(c.id)]["in_person"] == [2, 2]
    assert draft.figures["fill"][str(b.id)]["in_person"] == [1, 2]
    assert draft.figures["ranks"][str(p4.id)] is None
    assert (draft.figures["locked"], draft.figures["manual"]) == ([str(p4.id)], [str(p4.id)])
    assert places(round_.id) == {}
    publishing.publish_round(reload(GroupRound, round_.id), owner)
    assert places(round_.id)[p4.id] == (c.id, "assigned", "manual", True)


def test_move_into_a_full_pool_needs_allow_over(ranked, owner):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    draft = publishing.run_assignment(round_, owner)
    mover = next(p for p in ranked["people"] if draft.assignment[str(p.id)] != a.id and p.mode == "in_person")
    with pytest.raises(Conflict) as error:
        adjusting.move_participant(round_, mover, a, owner)
    assert error.value.field == "group_id"
    assert str(error.value.message).startswith("“Awareness” has no free seat in this mode (2 of 2 taken).")
    assert reload(AssignmentDraft, draft.id).assignment == draft.assignment
    effect = adjusting.move_participant(reload(GroupRound, round_.id), mover, a, owner, allow_over=True)
    assert effect.to_seats == (2, 3, 2)


def test_move_after_publishing_moves_the_place_and_tells_the_person(ranked, owner, mailbox):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    publishing.run_assignment(round_, owner)
    publishing.publish_round(round_, owner)
    mail.deliver_due()
    mailbox.clear()
    p4 = ranked["people"][3]
    assert places(round_.id)[p4.id][0] == b.id
    effect = adjusting.move_participant(reload(GroupRound, round_.id), p4, c, owner)
    assert (effect.from_seats, effect.to_seats) == ((2, 1, 2), (1, 2, 2))
    assert places(round_.id)[p4.id] == (c.id, "assigned", "manual", True)
    assert [(reload(WorkingGroup, g.id).in_person_taken) for g in (b, c)] == [1, 2]
    mail.deliver_due()
    assert [m["Subject"] for m in mailbox.messages] == ["Your working group for Day 1 afternoon is now Markets"]


@pytest.mark.parametrize("action", ["move", "lock"])
def test_adjusting_needs_a_run_first(ranked, owner, action):
    p1 = ranked["people"][0]
    with pytest.raises(ValidationError) as error:
        if action == "move":
            adjusting.move_participant(ranked["round"], p1, ranked["groups"][0], owner)
        else:
            adjusting.set_lock(ranked["round"], p1, True, owner)
    assert str(error.value.message) == "Run the assignment first."


def test_late_registrant_picks_from_the_remaining_seats_after_publishing(ranked, owner, add_participant):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    publishing.run_assignment(round_, owner)
    publishing.publish_round(round_, owner)
    event = ranked["people"][0].event
    late, later = add_participant(event), add_participant(event)
    round_ = reload(GroupRound, round_.id)
    assert choice.direct_state(round_, None) == "open"
    membership = choice.choose_group(round_, late, reload(WorkingGroup, c.id), late.user)  # Markets: 1 seat left
    assert (membership.group_id, membership.status, membership.source, membership.locked) == (
        c.id, "assigned", "direct", True)
    waiting = choice.choose_group(round_, later, reload(WorkingGroup, a.id), later.user)  # Awareness is full
    assert (waiting.status, choice.waitlist_position(waiting, "in_person")) == ("waitlisted", 1)
    with pytest.raises(ValidationError) as error:  # a place in a ranked round is the organisers' to change
        choice.choose_group(round_, late, reload(WorkingGroup, b.id), late.user)
    assert str(error.value.message) == "You already have your place in this round: ask the organisers to change it."
    assert reload(WorkingGroup, c.id).in_person_taken == 2


def test_cancellation_after_publishing_frees_the_seat_for_the_waitlist(ranked, owner, add_participant, mailbox):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    publishing.run_assignment(round_, owner)
    publishing.publish_round(round_, owner)
    late = add_participant(ranked["people"][0].event)
    waiting = choice.choose_group(reload(GroupRound, round_.id), late, reload(WorkingGroup, a.id), late.user)
    assert (waiting.status, choice.waitlist_position(waiting, "in_person")) == ("waitlisted", 1)
    seated = next(p for p in ranked["people"] if places(round_.id)[p.id][0] == a.id)
    registration_services.cancel_registration(reload(Registration, seated.id), seated.user)
    got = places(round_.id)
    assert seated.id not in got and got[late.id] == (a.id, "assigned", "direct", True)
    assert reload(WorkingGroup, a.id).in_person_taken == 2


def test_publish_refuses_when_seats_shrank_since_the_run(ranked, owner):
    round_ = ranked["round"]
    a, b, c = ranked["groups"]
    publishing.run_assignment(round_, owner)
    group = reload(WorkingGroup, b.id)
    group.in_person_seats = 1
    db.session.commit()
    with pytest.raises(Conflict) as error:
        publishing.publish_round(reload(GroupRound, round_.id), owner)
    assert str(error.value.message).startswith("“Ethics” would have 1 more participants than seats")
    assert places(round_.id) == {} and reload(GroupRound, round_.id).published_at is None


def test_publish_needs_a_draft(ranked, owner):
    with pytest.raises(ValidationError) as error:
        publishing.publish_round(ranked["round"], owner)
    assert str(error.value.message) == "Run the assignment first, then check it before publishing."


def test_assignment_of_a_thousand_participants_takes_well_under_two_seconds(event, make_round, make_group, owner):
    round_ = make_round(event, min_ranks=3, balance_share=0.4)
    groups = [make_group(round_, title=f"G{n}", in_person=60, online=30) for n in range(12)]
    categories = ["researcher", "clinician", "industry", "patient_organisation", "policy_maker", "funder", ""]
    user_ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"bulk{n}@example.org", "password_hash": "x", "name": f"Bulk {n}"} for n in range(1000)]).all()
    registration_ids = db.session.scalars(insert(Registration).returning(Registration.id, sort_by_parameter_order=True), [
        {"event_id": event.id, "user_id": uid, "mode": "online" if n % 3 == 0 else "in_person", "status": "confirmed",
         "stakeholder_category": categories[n % 7], "qr_token": f"bulk-{n}", "created_at": T0 + timedelta(seconds=n)}
        for n, uid in enumerate(user_ids)]).all()
    db.session.execute(insert(GroupPreference), [
        {"round_id": round_.id, "registration_id": rid, "group_id": groups[(n * 7 + k * (k + 3)) % 12].id,
         "rank": k + 1} for n, rid in enumerate(registration_ids) for k in range(4)])  # offsets 0, 4, 10, 6
    db.session.commit()
    db.session.expire_all()
    started = time.perf_counter()
    draft = publishing.run_assignment(reload(GroupRound, round_.id), owner)
    elapsed = time.perf_counter() - started
    assert draft.figures["participants"] == 1000
    assert draft.figures["placed"] == 1000
    assert elapsed < 2.0, elapsed


def test_participants_left_without_a_group_are_told_how_to_pick_one(ranked, owner, mailbox):
    round_ = ranked["round"]
    publishing.run_assignment(round_, owner, place_unranked=False)
    report = publishing.publish_round(round_, owner)
    assert (report.assigned, report.unassigned, report.messages) == (5, 1, 6)
    p6 = ranked["people"][5]
    assert p6.id not in places(round_.id)
    mail.deliver_due()
    [message] = mailbox.to(p6.user.email)
    assert message["Subject"] == "Working groups for Day 1 afternoon: please pick a group"
    assert "we could not give you a seat in one" in mailbox.body(message)


def test_the_round_staff_are_not_assigned_a_second_seat(ranked, owner, add_participant, make_user):
    a, b, c = ranked["groups"]
    moderator = make_user(email="mod@example.org")
    group = reload(WorkingGroup, b.id)
    group.staff.append(GroupStaff(name="Mod", user_id=moderator.id, role="moderator", mode="in_person"))
    group.in_person_seats = 3
    db.session.commit()
    registration = add_participant(ranked["people"][0].event, user=moderator)
    draft = publishing.run_assignment(reload(GroupRound, ranked["round"].id), owner)
    assert str(registration.id) not in draft.assignment
    assert draft.figures["participants"] == 6
