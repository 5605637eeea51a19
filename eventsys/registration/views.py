"""Participant pages: register, see, edit and cancel one's registration."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventsys.access import login_required, public, visible_event
from eventsys.errors import DomainError
from eventsys.forms import ActionForm, apply_domain_error, form_status
from eventsys.registration import event_box  # noqa: F401  (registers the event page's panels)
from eventsys.registration import availability, checkin, public_list, seats, services
from eventsys.registration.forms import answers_from_form, build_registration_form, label_modes_with_seats

from eventsys.registration import dashboard as _dashboard  # noqa: F401  (registers its part of the Overview)

bp = Blueprint("registration", __name__, url_prefix="/events/<slug>")


def _form_for(event, settings, registration=None):
    modes = services.offered_modes(event, settings)
    questions = services.questions_for(event)
    data = {}
    if registration is not None:
        data = {f"q_{a.question_id}": a.value for a in registration.answers}
        data.update(mode=registration.mode, consent_public_list=registration.consent_public_list)
    elif len(modes) == 1:
        data["mode"] = modes[0]
    return build_registration_form(questions, modes, data=data), questions


@bp.route("/register", methods=["GET", "POST"])
@login_required
def register(slug: str):
    event = visible_event(slug)
    settings = services.get_settings(event)
    existing = services.get_registration(event, current_user)
    if existing is not None and existing.status in services.ACTIVE:
        return redirect(url_for("registration.mine", slug=slug))
    form, questions = _form_for(event, settings)
    mode_seats = availability.mode_seats(event, settings)
    label_modes_with_seats(form, mode_seats)
    state = services.registration_state(event, settings)
    if state == "open" and form.validate_on_submit():
        try:
            registration = services.register(event, current_user, form.mode.data, answers_from_form(form, questions),
                                             form.consent_privacy.data, form.consent_public_list.data,
                                             accept_waitlist=form.accept_waitlist.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_status_message(registration), "success" if registration.holds_seat else "info")
            return redirect(url_for("registration.mine", slug=slug))
    status = form_status(form)
    return render_template("registration/register.html", event=event, settings=settings, form=form,
                           questions=questions, state=state, state_message=services.STATE_MESSAGES.get(state),
                           any_full=any(m.full for m in mode_seats)), status


def _status_message(registration) -> str:
    if registration.status == "confirmed":
        return _("You are registered. A confirmation is on its way to your inbox.")
    if registration.status == "pending":
        return _("Thank you. The organisers will confirm your registration soon.")
    return _("All seats are taken: you are on the waiting list, position %(n)s.",
             n=seats.waitlist_position(registration))


@bp.route("/participants")
@public
def participants(slug: str):
    event = visible_event(slug)
    return render_template("registration/participants.html", event=event,
                           people=public_list.listed_participants(event))


@bp.route("/registration")
@login_required
def mine(slug: str):
    event = visible_event(slug)
    registration = services.get_registration(event, current_user)
    if registration is None:
        return redirect(url_for("registration.register", slug=slug))
    settings = services.get_settings(event)
    return render_template("registration/mine.html", event=event, registration=registration, settings=settings,
                           position=seats.waitlist_position(registration), cancel_form=ActionForm(),
                           questions={q.id: q for q in services.questions_for(event)},
                           qr=_qr_for(registration))


def _qr_for(registration):
    if registration.status != "confirmed" or registration.mode != "in_person":
        return None
    return checkin.qr_svg(scan_url(registration))


def scan_url(registration) -> str:
    """The absolute address of the door's scan page for this registration. Built from
    BASE_URL (as in mail), never from the request's Host header."""
    base = urlsplit(current_app.config["BASE_URL"].rstrip("/") + "/")
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path, url_scheme=base.scheme)
    return adapter.build("registration.checkin_scan", {"slug": registration.event.slug,
                                                       "qr_token": registration.qr_token}, force_external=True)


@bp.route("/registration/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    event = visible_event(slug)
    registration = services.get_registration(event, current_user)
    if registration is None or registration.status not in services.ACTIVE:
        abort(404)
    settings = services.get_settings(event)
    form, questions = _form_for(event, settings, registration)
    if request.method == "POST":
        form.consent_privacy.data = True  # consent was given at registration
    if form.validate_on_submit():
        try:
            services.update_registration(registration, current_user, form.mode.data,
                                         answers_from_form(form, questions), form.consent_public_list.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your registration is updated."), "success")
            return redirect(url_for("registration.mine", slug=slug))
    status = form_status(form)
    return render_template("registration/edit.html", event=event, form=form, questions=questions,
                           registration=registration), status


@bp.route("/registration/cancel", methods=["POST"])
@login_required
def cancel(slug: str):
    event = visible_event(slug)
    registration = services.get_registration(event, current_user)
    if registration is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.cancel_registration(registration, current_user)
        except DomainError as error:
            flash(str(error.message), "warning")
        else:
            flash(_("Your registration is cancelled."), "info")
    return redirect(url_for("registration.mine", slug=slug))
