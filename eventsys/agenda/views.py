"""Agenda pages: the public agenda and slot pages (times in the event's zone or the one
chosen with ?tz=), and the organisers' editor, slot forms, actions, CSV import/export."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventsys import panels, permissions
from eventsys.access import current_actor, event_organiser, public, visible_event
from eventsys.agenda import importing, reading, services
from eventsys.agenda.forms import (KIND_LABELS, ROLE_LABELS, STATUS_LABELS, ActionForm, ImportForm,
                                   SlotForm, apply_domain_error, slot_initial)
from eventsys.agenda.csvio import COLUMNS
from eventsys.errors import ValidationError
from eventsys.forms import form_status
from eventsys.reference import is_valid_timezone
from eventsys.timeutil import utcnow

from eventsys.agenda import dashboard as _dashboard  # noqa: F401  (registers its part of the Overview)

bp = Blueprint("agenda", __name__, url_prefix="/events/<slug>")


@bp.context_processor
def labels() -> dict:
    # Translated once per page: an agenda repeats them hundreds of times.
    return {name: {key: str(label) for key, label in mapping.items()} for name, mapping in (
        ("kind_labels", KIND_LABELS), ("role_labels", ROLE_LABELS), ("status_labels", STATUS_LABELS))}


def _slot_or_404(event, slot_id: int):
    slot = services.get_slot(event, slot_id)
    if slot is None:
        abort(404)
    return slot


def _zones(event) -> dict:
    """The zone to show (?tz=, else the event's), a rejected ?tz= value, the viewer's own."""
    requested = (request.args.get("tz") or "").strip()
    valid = bool(requested) and is_valid_timezone(requested)
    own = getattr(current_user, "timezone", "") if current_user.is_authenticated else ""
    return {"tz": requested if valid else event.timezone,
            "rejected_tz": requested if requested and not valid else None, "own_zone": own or None}


@bp.route("/agenda")
@public
def public_agenda(slug):
    event = visible_event(slug)
    zones = _zones(event)
    days = reading.agenda_days(reading.agenda_entries(event, public=True), zones["tz"])
    return render_template("agenda/public.html", event=event, days=days, **zones)


@bp.route("/slots/<int:slot_id>")
@public
def slot(slug, slot_id):
    event = visible_event(slug)
    slot = _slot_or_404(event, slot_id)
    return render_template("agenda/slot.html", event=event, slot=slot, **_zones(event),
                           speaker_links=[link for link in slot.speaker_links if link.speaker.is_public],
                           is_over=slot.ends_at <= utcnow(),
                           after=panels.render(panels.SLOT_AFTER, event, slot, current_actor()))


@bp.route("/manage/agenda")
@event_organiser(permissions.can_view_dashboard)
def manage(event):
    return render_template("agenda/manage.html", event=event, editor=reading.agenda_editor(event),
                           can_edit=permissions.can_manage_event(current_user, event))


def _slot_form(event, slot=None) -> SlotForm:
    form = SlotForm(data=slot_initial(event, slot) if request.method == "GET" else None)
    return form.prepare(event, services.event_rooms(event), services.event_speakers(event))


def _render_form(event, form: SlotForm, slot=None):
    return render_template("agenda/slot_form.html", event=event, form=form, slot=slot), \
        form_status(form)


@bp.route("/manage/agenda/new", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def new_slot(event):
    form = _slot_form(event)
    if form.validate_on_submit():
        try:
            slot = services.create_slot(event, form.values(), current_actor(), speakers=form.speaker_pairs())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("“%(title)s” is on the agenda.", title=slot.title), "success")
            return redirect(url_for(".manage", slug=event.slug))
    return _render_form(event, form)


@bp.route("/manage/agenda/<int:slot_id>/edit", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def edit_slot(event, slot_id):
    slot = _slot_or_404(event, slot_id)
    form = _slot_form(event, slot)
    if form.validate_on_submit():
        try:
            services.update_slot(slot, form.values(), current_actor(), speakers=form.speaker_pairs())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("“%(title)s” is saved.", title=slot.title), "success")
            return redirect(url_for(".manage", slug=event.slug))
    return _render_form(event, form, slot)


def _slot_action(event, slot_id: int, action, done: str):
    slot = _slot_or_404(event, slot_id)
    title = slot.title
    if ActionForm().validate_on_submit():
        try:
            action(slot, current_actor())
        except ValidationError as error:
            flash(str(error.message), "danger")
        else:
            flash(done % {"title": title}, "success")
    return redirect(url_for(".manage", slug=event.slug))


@bp.route("/manage/agenda/<int:slot_id>/cancel", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def cancel_slot(event, slot_id):
    return _slot_action(event, slot_id, services.cancel_slot, _("“%(title)s” is marked cancelled."))


@bp.route("/manage/agenda/<int:slot_id>/restore", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def restore_slot(event, slot_id):
    return _slot_action(event, slot_id, services.restore_slot, _("“%(title)s” is scheduled again."))


@bp.route("/manage/agenda/<int:slot_id>/delete", methods=["POST"])
@event_organiser(permissions.can_manage_event)
def delete_slot(event, slot_id):
    return _slot_action(event, slot_id, services.delete_slot, _("“%(title)s” is deleted."))


@bp.route("/manage/agenda/import", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def import_csv(event):
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        try:
            result = importing.import_agenda(event, form.file.data.read(), current_actor())
        except importing.ImportProblems as error:
            apply_domain_error(form, error)
            problems = error.problems
        else:
            flash(_("Imported %(rows)s rows: %(created)s slots created, %(updated)s updated, "
                    "%(unchanged)s unchanged; %(rooms)s rooms and %(speakers)s speakers created.",
                    rows=result.created + result.updated + result.unchanged, created=result.created,
                    updated=result.updated, unchanged=result.unchanged, rooms=result.rooms_created,
                    speakers=result.speakers_created), "success")
            return redirect(url_for(".manage", slug=event.slug))
    return render_template("agenda/import.html", event=event, form=form, problems=problems,
                           columns=COLUMNS), form_status(form)


@bp.route("/manage/agenda/export.csv")
@event_organiser(permissions.can_manage_event)
def export_csv(event):
    # The BOM lets spreadsheet programs recognise UTF-8; the import ignores it.
    return Response("\ufeff" + importing.export_agenda(event), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{event.slug}-agenda.csv"'})
