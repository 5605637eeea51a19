"""The organisers' overview, the assignment preview and the participant page run the same
number of SQL queries whatever the number of groups and participants (no query per row)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.groups import publishing
from eventsys.groups.models import GroupPreference
from eventsys.registration.models import Registration
from tests.groups.conftest import T0
from tests.queries import count_queries
from tests.registration.helpers import make_open_event


def build(owner, make_round, make_group, add_slot, groups: int, people: int, tag: str):
    event = make_open_event(owner=owner)
    slot = add_slot(event)
    round_ = make_round(event, min_ranks=1)
    made = [make_group(round_, title=f"{tag} {n}", in_person=people, online=people, slots=[slot],
                       staff="Mo, , moderator, in_person") for n in range(groups)]
    user_ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"{tag}{n}@example.org", "password_hash": "x", "name": f"{tag} {n}"} for n in range(people)]).all()
    registration_ids = db.session.scalars(insert(Registration).returning(Registration.id, sort_by_parameter_order=True), [
        {"event_id": event.id, "user_id": uid, "mode": ("online", "in_person")[n % 2], "status": "confirmed",
         "stakeholder_category": "researcher", "qr_token": f"{tag}-{n}", "created_at": T0 + timedelta(seconds=n)}
        for n, uid in enumerate(user_ids)]).all()
    db.session.execute(insert(GroupPreference), [
        {"round_id": round_.id, "registration_id": rid, "group_id": made[(n + k) % groups].id, "rank": k + 1}
        for n, rid in enumerate(registration_ids) for k in range(min(2, groups))])
    db.session.commit()
    publishing.run_assignment(round_, owner)
    publishing.publish_round(round_, owner, notify=False)
    return event, round_, user_ids[0]


@pytest.mark.parametrize("path", ["/manage/groups", "/manage/groups/rounds/{round}/assignment", "/groups"])
def test_pages_run_a_fixed_number_of_queries(app, client, login, owner, make_round, make_group, add_slot, path):
    sizes = []
    for groups, people, tag in ((2, 4, "small"), (6, 60, "large")):
        event, round_, first_user = build(owner, make_round, make_group, add_slot, groups, people, tag)
        user = owner if "manage" in path else db.session.get(User, first_user)
        if user is not owner:
            user.password_hash = owner.password_hash
            db.session.commit()
        client.post("/auth/logout")
        login(client, user)
        with count_queries() as statements:
            response = client.get(f"/events/{event.slug}" + path.format(round=round_.id))
        assert response.status_code == 200
        sizes.append(len(statements))
    assert sizes[0] == sizes[1], sizes
    assert sizes[1] <= 16, sizes
