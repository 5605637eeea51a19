"""Organiser pages of the working groups: rounds and groups, the assignment preview, moves,
locks and publishing. Registered on the ``groups`` blueprint (see views.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventsys import permissions
from eventsys.access import current_actor, event_organiser
from eventsys.errors import DomainError
from eventsys.forms import form_status
from eventsys.groups import adjusting, publishing, reading, services
from eventsys.groups.forms import (ActionForm, GroupForm, LockForm, MoveForm, RoundForm, RunForm,
                                   apply_domain_error, group_initial, round_initial)
from eventsys.groups.staff import staff_text
from eventsys.groups.views import bp

MANAGE = "/events/<slug>/manage/groups"


def _round_or_404(event, round_id: int):
    round_ = services.get_round(event, round_id)
    if round_ is None:
        abort(404)
    return round_


def _group_or_404(event, group_id: int):
    group = services.get_group(event, group_id)
    if group is None:
        abort(404)
    return group


def _to_overview(event):
    return redirect(url_for("groups.manage", slug=event.slug))


@bp.route(MANAGE)
@event_organiser(permissions.can_view_dashboard)
def manage(event):
    return render_template("groups/manage.html", event=event, data=reading.overview(event),
                           can_edit=permissions.can_manage_event(current_user, event))


def _round_form(event, round_=None):
    if round_ is not None and request.method == "GET":
        return RoundForm(data=round_initial(event, round_))
    return RoundForm()


@bp.route(MANAGE + "/rounds/new", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def new_round(event):
    form = _round_form(event)
    if form.validate_on_submit():
        try:
            round_ = services.create_round(event, form.values(), current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The round “%(title)s” is created. Now add its groups.", title=round_.title), "success")
            return _to_overview(event)
    return render_template("groups/round_form.html", event=event, form=form, round=None), form_status(form)


@bp.route(MANAGE + "/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def edit_round(event, round_id):
    round_ = _round_or_404(event, round_id)
    form = _round_form(event, round_)
    if form.validate_on_submit():
        try:
            services.update_round(round_, form.values(), current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The round “%(title)s” is saved.", title=round_.title), "success")
            return _to_overview(event)
    return render_template("groups/round_form.html", event=event, form=form, round=round_), form_status(form)


@bp.route(MANAGE + "/rounds/<int:round_id>/delete", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def delete_round(event, round_id):
    round_ = _round_or_404(event, round_id)
    title = round_.title
    if ActionForm().validate_on_submit():
        services.delete_round(round_, current_actor())
        flash(_("The round “%(title)s” is deleted.", title=title), "success")
    return _to_overview(event)


def _group_form(event, group=None):
    data = group_initial(group, staff_text(group)) if group is not None and request.method == "GET" else None
    return GroupForm(data=data).prepare(services.event_rooms(event), services.working_group_slots(event),
                                        event.timezone)


def _save_group(event, form, save, template_args):
    if form.validate_on_submit():
        try:
            save(form.values(), current_actor(), staff_text=form.staff.data or "", slot_ids=form.slot_ids.data or [])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The group “%(title)s” is saved.", title=form.title.data), "success")
            return _to_overview(event)
    return render_template("groups/group_form.html", event=event, form=form, **template_args), form_status(form)


@bp.route(MANAGE + "/rounds/<int:round_id>/groups/new", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def new_group(event, round_id):
    round_ = _round_or_404(event, round_id)
    return _save_group(event, _group_form(event), lambda *a, **k: services.create_group(round_, *a, **k),
                       {"round": round_, "group": None})


@bp.route(MANAGE + "/<int:group_id>/edit", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def edit_group(event, group_id):
    group = _group_or_404(event, group_id)
    return _save_group(event, _group_form(event, group), lambda *a, **k: services.update_group(group, *a, **k),
                       {"round": group.round, "group": group})


@bp.route(MANAGE + "/<int:group_id>/delete", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def delete_group(event, group_id):
    group = _group_or_404(event, group_id)
    title = group.title
    if ActionForm().validate_on_submit():
        try:
            services.delete_group(group, current_actor())
        except DomainError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The group “%(title)s” is deleted.", title=title), "success")
    return _to_overview(event)


def _assignment_page(event, round_, form=None, error=None, status: int = 200):
    form = form or RunForm(formdata=None)
    return render_template("groups/assignment.html", event=event, round=round_, form=form, error=error,
                           preview=reading.assignment_preview(round_), action_form=ActionForm()), status


@bp.route(MANAGE + "/rounds/<int:round_id>/assignment", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def assignment(event, round_id):
    round_ = _round_or_404(event, round_id)
    form = RunForm()
    if form.validate_on_submit():
        try:
            publishing.run_assignment(round_, current_actor(), place_unranked=form.place_unranked.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The assignment is computed. Check it, adjust it, then publish it."), "success")
            return _back_to_assignment(event, round_)
    return _assignment_page(event, round_, form, status=form_status(form))


def _registration_or_404(event, registration_id):
    registration = services.event_registration(event, registration_id)
    if registration is None:
        abort(404)
    return registration


def _back_to_assignment(event, round_):
    return redirect(url_for("groups.assignment", slug=event.slug, round_id=round_.id))


def _effect_message(effect) -> str:
    def rank(r):
        return _("choice %(n)s", n=r) if r else _("not ranked")
    text = _("%(name)s is now in “%(to)s” (%(rank)s).", name=effect.name or _("The participant"),
             to=effect.to_title, rank=rank(effect.to_rank))
    if effect.from_title:
        text += " " + _("Before: “%(title)s” (%(rank)s); seats there %(before)s → %(after)s of %(cap)s.",
                        title=effect.from_title, rank=rank(effect.from_rank), before=effect.from_seats[0],
                        after=effect.from_seats[1], cap=effect.from_seats[2])
    return text + " " + _("Seats in “%(title)s”: %(before)s → %(after)s of %(cap)s.", title=effect.to_title,
                          before=effect.to_seats[0], after=effect.to_seats[1], cap=effect.to_seats[2])


@bp.route(MANAGE + "/rounds/<int:round_id>/move", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def move(event, round_id):
    round_ = _round_or_404(event, round_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _assignment_page(event, round_, error=_("Choose a participant and a group."), status=400)
    registration = _registration_or_404(event, form.registration_id.data)
    group = _group_or_404(event, form.group_id.data)
    try:
        effect = adjusting.move_participant(round_, registration, group, current_actor(), allow_over=form.allow_over.data)
    except DomainError as error:
        return _assignment_page(event, round_, error=str(error.message), status=error.status_code)
    flash(_effect_message(effect), "success")
    return _back_to_assignment(event, round_)


@bp.route(MANAGE + "/rounds/<int:round_id>/lock", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def lock(event, round_id):
    round_ = _round_or_404(event, round_id)
    form = LockForm()
    if not form.validate_on_submit():
        return _assignment_page(event, round_, error=_("Choose a participant."), status=400)
    registration = _registration_or_404(event, form.registration_id.data)
    locked = form.locked.data != "0"
    try:
        adjusting.set_lock(round_, registration, locked, current_actor())
    except DomainError as error:
        return _assignment_page(event, round_, error=str(error.message), status=error.status_code)
    flash(_("Locked: a new run keeps this place.") if locked else _("Unlocked: a new run may move them."), "success")
    return _back_to_assignment(event, round_)


@bp.route(MANAGE + "/rounds/<int:round_id>/publish", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def publish(event, round_id):
    round_ = _round_or_404(event, round_id)
    if ActionForm().validate_on_submit():
        try:
            report = publishing.publish_round(round_, current_actor())
        except DomainError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("Published: %(assigned)s participants have a group, %(unassigned)s have none yet; "
                    "%(messages)s messages are on their way.", assigned=report.assigned,
                    unassigned=report.unassigned, messages=report.messages), "success")
    return _back_to_assignment(event, round_)
