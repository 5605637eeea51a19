"""The door and online attendance (routes on the registration blueprint), for everyone
with the check-in right: owners, organisers and check-in staff. Check-in staff see only
what the door needs: names found by a search, never the whole list or any answers."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventsys import permissions
from eventsys.access import current_actor, event_organiser
from eventsys.errors import DomainError
from eventsys.forms import ActionForm, apply_domain_error, form_status
from eventsys.registration import checkin as door_services, door_search, participants
from eventsys.registration.manage_forms import AttendanceImportForm
from eventsys.registration.views import bp

door = event_organiser(permissions.can_check_in)


def _registration_or_404(event, registration_id: int):
    registration = participants.get_event_registration(event, registration_id)
    if registration is None:
        abort(404)
    return registration


def _back_to_door(event):
    q = (request.form.get("q") or "").strip()
    return redirect(url_for("registration.checkin", slug=event.slug, **({"q": q} if q else {})))


@bp.route("/manage/registration/checkin")
@door
def checkin(event):
    q = (request.args.get("q") or "").strip()
    checked_in, expected = door_services.door_counts(event)
    found = door_search.find_at_door(event, q, current_actor())
    return render_template("registration/checkin.html", event=event, q=q, found=found, checked_in=checked_in,
                           today=door_services.checkins_today(event, [r.id for r in found.people]),
                           expected=expected, action_form=ActionForm(), min_letters=door_search.MIN_LETTERS,
                           max_results=door_search.MAX_RESULTS)


@bp.route("/manage/registration/checkin/<int:registration_id>", methods=["POST"])
@door
def checkin_registration(event, registration_id: int):
    registration = _registration_or_404(event, registration_id)
    if ActionForm().validate_on_submit():
        try:
            done = door_services.check_in(registration, current_actor())
        except DomainError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(name)s is checked in.", name=registration.user.name) if done else
                  _("%(name)s was already checked in.", name=registration.user.name), "success")
    return _back_to_door(event)


@bp.route("/manage/registration/checkin/<int:registration_id>/undo", methods=["POST"])
@door
def undo_checkin(event, registration_id: int):
    registration = _registration_or_404(event, registration_id)
    if ActionForm().validate_on_submit():
        door_services.undo_check_in(registration, current_actor())
        flash(_("The check-in is undone."), "info")
    return _back_to_door(event)


@bp.route("/manage/registration/checkin/scan/<qr_token>")
@door
def checkin_scan(event, qr_token: str):
    # A GET that changes state on purpose: a phone camera opens the code's address. The
    # token is a 144-bit secret of one registration, so it cannot be forged from outside.
    result = door_services.scan(event, qr_token, current_actor())
    return render_template("registration/checkin_scan.html", event=event, result=result,
                           undo_form=ActionForm()), 200 if result.ok else 404 if result.outcome == "unknown" else 409


@bp.route("/manage/registration/attendance", methods=["GET", "POST"])
@door
def attendance(event):
    form = AttendanceImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = door_services.import_attendance(event, upload.read() if upload else b"", current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
    q = (request.args.get("q") or "").strip()
    status = form_status(form)
    return render_template("registration/checkin_attendance.html", event=event, form=form, report=report, q=q,
                           found=door_search.find_online(event, q, current_actor()), action_form=ActionForm(),
                           min_letters=door_search.MIN_LETTERS, max_results=door_search.MAX_RESULTS), status


@bp.route("/manage/registration/attendance/<int:registration_id>", methods=["POST"])
@door
def mark_attendance(event, registration_id: int):
    registration = _registration_or_404(event, registration_id)
    if ActionForm().validate_on_submit():
        try:
            door_services.set_online_attendance(registration, request.form.get("attended") == "1", current_actor())
        except DomainError as error:
            flash(str(error.message), "danger")
    q = (request.form.get("q") or "").strip()
    return redirect(url_for("registration.attendance", slug=event.slug, **({"q": q} if q else {})))
