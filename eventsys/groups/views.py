"""Participant pages of the working groups: see the rounds and groups, pick a group
(direct choice) or rank them, and see one's own places and conflicts. Only people with a
confirmed registration for the event take part; they only ever see their own choices.
The organisers' pages are in ``manage.py`` (same blueprint)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventsys.access import current_actor, login_required, visible_event
from eventsys.errors import DomainError
from eventsys.forms import form_status
from eventsys.groups import choice, ranking, reading, services
from eventsys.groups.forms import ChooseForm, apply_domain_error, build_rank_form, ranking_from
from eventsys.groups.models import GROUP_WAITLISTED
from eventsys.registration.models import CONFIRMED
from eventsys.registration.services import get_registration

from eventsys.groups import dashboard as _dashboard  # noqa: F401  (registers its part of the Overview)
from eventsys.groups import participant_panel as _participant_panel  # noqa: F401  (fills PARTICIPANT_GROUPS)

bp = Blueprint("groups", __name__)


@bp.context_processor
def labels() -> dict:
    from eventsys.auth.forms import STAKEHOLDER_LABELS
    return {"mode_labels": services.MODE_LABELS, "format_labels": services.FORMAT_LABELS,
            "join_mode_labels": services.JOIN_MODE_LABELS, "role_labels": services.ROLE_LABELS,
            "reason_labels": services.REASON_LABELS, "figure_labels": services.FIGURE_LABELS,
            "stakeholder_labels": STAKEHOLDER_LABELS}


def _participant(slug: str):
    """(event, confirmed registration or None); 404 for events the user may not see."""
    event = visible_event(slug)
    registration = get_registration(event, current_user)
    return event, registration if registration is not None and registration.status == CONFIRMED else None


def _not_registered(event):
    return render_template("groups/not_registered.html", event=event), 403


def _round_or_404(event, round_id: int):
    round_ = services.get_round(event, round_id)
    if round_ is None:
        abort(404)
    return round_


def _page(event, registration, status: int = 200, error=None, error_round=None):
    data = reading.participant_page(event, registration, current_actor())
    return render_template("groups/index.html", event=event, registration=registration, error=error,
                           error_round=error_round, **data), status


@bp.route("/events/<slug>/groups")
@login_required
def index(slug):
    event, registration = _participant(slug)
    if registration is None:
        return _not_registered(event)
    return _page(event, registration)


@bp.route("/events/<slug>/groups/rounds/<int:round_id>/choose", methods=["POST"])
@login_required
def choose(slug, round_id):
    event, registration = _participant(slug)
    if registration is None:
        return _not_registered(event)
    round_ = _round_or_404(event, round_id)
    form = ChooseForm()
    if not form.validate_on_submit():
        return _page(event, registration, 400, _("Choose a group."), round_.id)
    group = services.get_group(event, form.group_id.data)
    if group is None:
        abort(404)
    try:
        membership = choice.choose_group(round_, registration, group, current_actor())
    except DomainError as error:
        return _page(event, registration, error.status_code, str(error.message), round_.id)
    if membership.status == GROUP_WAITLISTED:
        flash(_("“%(title)s” is full: you are on its waiting list, position %(n)s.", title=group.title,
                n=choice.waitlist_position(membership, registration.mode)), "info")
    else:
        flash(_("You are in “%(title)s”.", title=group.title), "success")
    return redirect(url_for("groups.index", slug=event.slug, _anchor=f"round-{round_.id}"))


@bp.route("/events/<slug>/groups/rounds/<int:round_id>/rank", methods=["GET", "POST"])
@login_required
def rank(slug, round_id):
    event, registration = _participant(slug)
    if registration is None:
        return _not_registered(event)
    round_ = _round_or_404(event, round_id)
    groups = ranking.eligible_groups(round_, registration.mode)
    form = build_rank_form(len(groups), ranking.required_ranks(round_, registration.mode), groups,
                           ranking.current_ranking(round_.id, registration.id))
    state = ranking.ranking_state(round_)
    if form.validate_on_submit():
        try:
            ranking.save_ranking(round_, registration, ranking_from(form), current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your ranking for “%(title)s” is saved. You can change it until the deadline.",
                    title=round_.title), "success")
            return redirect(url_for("groups.index", slug=event.slug, _anchor=f"round-{round_.id}"))
    status = form_status(form)
    return render_template("groups/rank.html", event=event, round=round_, form=form, groups=groups, state=state,
                           state_message=ranking.STATE_MESSAGES.get(state)), status
