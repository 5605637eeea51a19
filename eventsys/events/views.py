"""Event pages: the public list and event page, "my events", and the management pages
(dashboard, edit, status, delete, team, rooms; cloning is in eventsys/cloning)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from eventsys import panels, permissions
from eventsys.access import current_actor, event_organiser, login_required, public, visible_event
from eventsys.errors import Conflict, PermissionDenied, ValidationError
from eventsys.events import dashboard, invitations, labels, reading, services
from eventsys.events import rooms as event_rooms, team as event_team
from eventsys.events.forms import (ActionForm, DeleteForm, EventForm, RoomForm, StatusForm,
                                   TeamMemberForm, apply_domain_error, role_form)
from eventsys.forms import form_status, page_arg
from eventsys.reference import country_name

bp = Blueprint("events", __name__, url_prefix="/events")

PAGE_SIZE = 20
STATUS_MESSAGES = {"published": _l("The event is published."), "cancelled": _l("The event is marked as cancelled."),
                   "draft": _l("The event is a draft again: only its team can see it.")}


@bp.app_context_processor
def event_helpers() -> dict:
    return {"event_labels": labels.LABELS, "upcoming_events": reading.list_upcoming_events,
            "country_name": country_name}


def _page(name: str) -> int:
    return page_arg(name)


@bp.route("/")
@public
def index():
    upcoming = reading.public_events_page(True, _page("page"), PAGE_SIZE)
    past = reading.public_events_page(False, _page("past_page"), PAGE_SIZE)
    return render_template("events/index.html", upcoming=upcoming, past=past)


@bp.route("/<slug>/")
@public
def show(slug: str):
    event = visible_event(slug)
    actor = current_actor()
    return render_template("events/show.html", event=event,
                           registration_action=panels.render(panels.EVENT_REGISTRATION_ACTION, event, actor),
                           registration_box=panels.render(panels.EVENT_REGISTRATION, event, actor))


@bp.route("/mine")
@login_required
def mine():
    return render_template("events/mine.html", rows=reading.list_my_events(current_actor()),
                           series_list=reading.owned_series(current_actor()),
                           attending=panels.render(panels.MY_EVENTS_ATTENDING, current_actor()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    actor = current_actor()
    if not permissions.can_create_event(actor):
        flash(_("Confirm your email address before creating an event."), "warning")
        return redirect(url_for("events.mine"))
    form = EventForm(timezone=actor.timezone or "UTC", format="hybrid").fill_choices(actor)
    if form.validate_on_submit():
        try:
            event = services.create_event(form.values(), actor)
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The event is created as a draft: only its team can see it."), "success")
            return redirect(url_for("events.manage", slug=event.slug))
    return render_template("events/form.html", form=form, event=None), form_status(form)


@bp.route("/<slug>/manage/")
@event_organiser(permissions.can_view_dashboard)
def manage(event):
    return render_template("events/manage.html", event=event, panels=dashboard.dashboard_panels(event, current_actor()),
                           checklist=dashboard.setup_checklist(event), delete_form=DeleteForm())


@bp.route("/<slug>/manage/edit", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def edit(event):
    form = EventForm(obj=event).fill_choices(current_actor(), event.series_id)
    if form.validate_on_submit():
        try:
            services.update_event(event, form.values(), current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The event is saved."), "success")
            return redirect(url_for("events.manage", slug=event.slug))
    return render_template("events/form.html", form=form, event=event), form_status(form)


@bp.route("/<slug>/manage/status", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def status(event):
    form = StatusForm()
    if form.validate_on_submit():
        if form.status.data == "published" and event.status != "published" and form.confirmed.data != "1":
            warnings = dashboard.publish_warnings(event)
            if warnings:
                return render_template("events/publish_confirm.html", event=event, warnings=warnings)
        try:
            services.set_event_status(event, form.status.data, current_actor())
        except (ValidationError, Conflict) as error:
            flash(str(error.message), "danger")
        else:
            flash(str(STATUS_MESSAGES[event.status]), "success")
    return redirect(url_for("events.manage", slug=event.slug))


@bp.route("/<slug>/manage/delete", methods=["POST"])
@event_organiser(permissions.can_delete_event)
def delete(event):
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            services.delete_event(event, form.confirm_slug.data, current_actor())
        except ValidationError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The event is deleted."), "success")
            return redirect(url_for("events.mine"))
    return redirect(url_for("events.manage", slug=event.slug))


@bp.route("/<slug>/manage/team", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def team(event):
    form = TeamMemberForm()
    if request.method == "POST" and not permissions.can_manage_team(current_user, event):
        abort(403)
    if form.validate_on_submit():
        try:
            sent = invitations.invite_to_team(event, form.email.data, form.role.data, current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("We have sent an invitation to %(email)s. The role is theirs once they accept it.",
                    email=sent.email), "success")
            return redirect(url_for("events.team", slug=event.slug))
    members = event_team.list_team(event)
    return render_template("events/team.html", event=event, form=form, team=members,
                           pending=invitations.list_pending_invitations(event),
                           role_forms={g.id: role_form(g, role=g.role) for g in members}), form_status(form)


@bp.route("/<slug>/manage/team/invitations/<int:invitation_id>/revoke", methods=["POST"])
@event_organiser(permissions.can_manage_team)
def team_invitation_revoke(event, invitation_id: int):
    invitation = invitations.get_team_invitation(event, invitation_id)
    if invitation is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            invitations.revoke_team_invitation(invitation, current_actor())
        except Conflict as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("events.team", slug=event.slug))


@bp.route("/team-invitations/<token>", methods=["GET", "POST"])
@public
def team_invitation(token: str):
    """Anyone with the link sees what it offers; only the invited, verified account accepts."""
    try:
        invitation = invitations.invitation_for_token(token)
    except ValidationError as error:
        return render_template("events/team_invitation.html", invitation=None, message=error.message), 404
    if request.method == "POST" and ActionForm().validate_on_submit():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        try:
            invitations.accept_team_invitation(token, current_actor())
        except (PermissionDenied, Conflict) as error:
            flash(str(error.message), "danger")
        else:
            flash(_("Welcome to the team of %(title)s.", title=invitation.event.title), "success")
            return redirect(url_for("events.manage", slug=invitation.event.slug))
    refusal = None
    if current_user.is_authenticated:
        try:
            invitations.check_can_accept(invitation, current_actor())
        except PermissionDenied as error:
            refusal = error.message
    return render_template("events/team_invitation.html", invitation=invitation, refusal=refusal,
                           action_form=ActionForm(), role_label=labels.ROLE_LABELS[invitation.role])


def _team_role(event, role_id: int):
    grant = event_team.get_team_role(event, role_id)
    if grant is None:
        abort(404)
    return grant


@bp.route("/<slug>/manage/team/<int:role_id>/role", methods=["POST"])
@event_organiser(permissions.can_manage_team)
def team_role(event, role_id: int):
    grant = _team_role(event, role_id)
    form = role_form(grant)
    if form.validate_on_submit():
        try:
            event_team.change_team_role(grant, form.role.data, current_actor())
        except (ValidationError, Conflict) as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The role of %(email)s is changed.", email=grant.email), "success")
    return redirect(url_for("events.team", slug=event.slug))


@bp.route("/<slug>/manage/team/<int:role_id>/remove", methods=["POST"])
@event_organiser(permissions.can_manage_team)
def team_remove(event, role_id: int):
    grant = _team_role(event, role_id)
    if ActionForm().validate_on_submit():
        email = grant.email
        try:
            event_team.remove_team_member(grant, current_actor())
        except Conflict as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(email)s is no longer on the team.", email=email), "success")
    return redirect(url_for("events.team", slug=event.slug))


@bp.route("/<slug>/manage/rooms", methods=["GET", "POST"])
@event_organiser(permissions.can_view_dashboard)
def rooms(event):
    form = RoomForm()
    if request.method == "POST" and not permissions.can_manage_event(current_user, event):
        abort(403)
    if form.validate_on_submit():
        try:
            room = event_rooms.add_room(event, {"name": form.name.data, "capacity": form.capacity.data}, current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Room %(name)s is added.", name=room.name), "success")
            return redirect(url_for("events.rooms", slug=event.slug))
    return render_template("events/rooms.html", event=event, form=form, action_form=ActionForm()), form_status(form)


def _room(event, room_id: int):
    room = event_rooms.get_room(event, room_id)
    if room is None:
        abort(404)
    return room


@bp.route("/<slug>/manage/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def room_edit(event, room_id: int):
    room = _room(event, room_id)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        try:
            event_rooms.update_room(room, {"name": form.name.data, "capacity": form.capacity.data}, current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Room %(name)s is saved.", name=room.name), "success")
            return redirect(url_for("events.rooms", slug=event.slug))
    return render_template("events/room_edit.html", event=event, room=room, form=form), form_status(form)


@bp.route("/<slug>/manage/rooms/<int:room_id>/delete", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def room_delete(event, room_id: int):
    room = _room(event, room_id)
    if ActionForm().validate_on_submit():
        name = room.name
        try:
            event_rooms.delete_room(room, current_actor())
        except Conflict as error:
            flash(str(error.message), "danger")
        else:
            flash(_("Room %(name)s is deleted.", name=name), "success")
    return redirect(url_for("events.rooms", slug=event.slug))
