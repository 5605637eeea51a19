"""Organiser pages of registration (routes on the registration blueprint): settings,
custom questions, the participant list and its actions, exports and messages.
The door (check-in) and online attendance pages are in manage_checkin.py.

Who sees what: settings, questions, participant actions and messages need
can_manage_event; the list and the exports need can_view_participants (owners and
organisers); check-in staff only get the door pages (can_check_in), rapporteurs none.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from eventsys import panels, permissions
from eventsys.access import current_actor, event_organiser
from eventsys.auth.forms import STAKEHOLDER_LABELS
from eventsys.errors import DomainError
from eventsys.forms import ActionForm, apply_domain_error, form_status, page_arg
from eventsys.registration import (exports, invitations, messaging, organiser, participant_record, participants,
                                   services)
from eventsys.registration.manage_forms import AddParticipantForm, MessageForm, MoveForm, QuestionForm, SettingsForm
from eventsys.registration.participants import ParticipantFilters
from eventsys.registration.views import bp

manage = event_organiser(permissions.can_manage_event)
view_participants = event_organiser(permissions.can_view_participants)


def _registration_or_404(event, registration_id: int):
    registration = participants.get_event_registration(event, registration_id)
    if registration is None:
        abort(404)
    return registration


# --- settings and questions ---------------------------------------------------------------

@bp.route("/manage/registration/settings", methods=["GET", "POST"])
@manage
def manage_settings(event):
    settings = services.get_settings(event)
    modes = [m for m, offered in (("in_person", event.offers_in_person), ("online", event.offers_online)) if offered]
    form = SettingsForm(data=organiser.settings_form_data(event, settings))
    if form.validate_on_submit():
        try:
            promoted = organiser.update_settings(event, form.values(modes), current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The registration settings are saved."), "success")
            if promoted:
                flash(ngettext("%(num)s person moved from the waiting list into the new seats.",
                               "%(num)s people moved from the waiting list into the new seats.", len(promoted)), "info")
            return redirect(url_for("registration.manage_settings", slug=event.slug))
    return render_template("registration/manage_settings.html", event=event, settings=settings, form=form,
                           modes=modes), form_status(form)


@bp.route("/manage/registration/questions", methods=["GET", "POST"])
@manage
def manage_questions(event):
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            organiser.create_question(event, form.values(), current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The question is added."), "success")
            return redirect(url_for("registration.manage_questions", slug=event.slug))
    return render_template("registration/manage_questions.html", event=event, form=form, action_form=ActionForm(),
                           questions=services.questions_for(event)), form_status(form)


def _question_or_404(event, question_id: int):
    question = organiser.get_question(event, question_id)
    if question is None:
        abort(404)
    return question


@bp.route("/manage/registration/questions/<int:question_id>/edit", methods=["GET", "POST"])
@manage
def edit_question(event, question_id: int):
    question = _question_or_404(event, question_id)
    form = QuestionForm(obj=question, data={"options": "\n".join(question.options or [])})
    if form.validate_on_submit():
        try:
            organiser.update_question(question, form.values(), current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The question is saved."), "success")
            return redirect(url_for("registration.manage_questions", slug=event.slug))
    return render_template("registration/manage_question_edit.html", event=event, form=form,
                           question=question), form_status(form)


@bp.route("/manage/registration/questions/<int:question_id>/delete", methods=["POST"])
@manage
def delete_question(event, question_id: int):
    question = _question_or_404(event, question_id)
    if ActionForm().validate_on_submit():
        organiser.delete_question(question, current_actor())
        flash(_("The question and its answers are deleted."), "success")
    return redirect(url_for("registration.manage_questions", slug=event.slug))


@bp.route("/manage/registration/questions/template", methods=["POST"])
@manage
def add_template_questions(event):
    if ActionForm().validate_on_submit():
        added = organiser.add_template_questions(event, current_actor())
        flash(ngettext("%(num)s question added from the template.", "%(num)s questions added from the template.", added)
              if added
              else _("The event already has the template's questions."), "success" if added else "info")
    return redirect(url_for("registration.manage_questions", slug=event.slug))


# --- participants -------------------------------------------------------------------------

@bp.route("/manage/registration/participants")
@view_participants
def manage_participants(event):
    filters = ParticipantFilters.from_args(request.args)
    page = participants.participants_page(event, filters, page_arg())
    settings = services.get_settings(event)
    return render_template("registration/manage_participants.html", event=event, filters=filters, page=page,
                           counts=participants.participant_counts(event), settings=settings,
                           modes=services.offered_modes(event, settings), action_form=ActionForm(),
                           stakeholder_labels=STAKEHOLDER_LABELS)


@bp.route("/manage/registration/participants/<int:registration_id>")
@view_participants
def manage_participant(event, registration_id: int):
    record = participant_record.participant_record(event, _registration_or_404(event, registration_id), current_actor())
    return render_template("registration/manage_participant.html", event=event, record=record,
                           r=record.registration, action_form=ActionForm(),
                           modes=services.offered_modes(event, services.get_settings(event)),
                           groups=panels.render(panels.PARTICIPANT_GROUPS, event, record.registration))


def _participant_action(event, registration_id: int, action, done: str):
    """POST actions on one registration: run ``action(registration, actor)``, flash, go back."""
    registration = _registration_or_404(event, registration_id)
    if ActionForm().validate_on_submit():
        try:
            action(registration, current_actor())
        except DomainError as error:
            flash(str(error.message), "danger")
        else:
            flash(done, "success")
    return redirect(request.form.get("next_url") if _local(request.form.get("next_url"))
                    else url_for("registration.manage_participants", slug=event.slug))


def _local(target) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target


@bp.route("/manage/registration/participants/<int:registration_id>/approve", methods=["POST"])
@manage
def approve_participant(event, registration_id: int):
    return _participant_action(event, registration_id, participants.approve_registration,
                               _("The registration is approved; the person is told by email."))


@bp.route("/manage/registration/participants/<int:registration_id>/reject", methods=["POST"])
@manage
def reject_participant(event, registration_id: int):
    return _participant_action(event, registration_id, participants.reject_registration,
                               _("The registration is rejected; the person is told by email."))


@bp.route("/manage/registration/participants/<int:registration_id>/cancel", methods=["POST"])
@manage
def cancel_participant(event, registration_id: int):
    return _participant_action(event, registration_id, services.cancel_registration,
                               _("The registration is cancelled; the person is told by email."))


@bp.route("/manage/registration/participants/<int:registration_id>/move", methods=["POST"])
@manage
def move_participant(event, registration_id: int):
    mode = MoveForm().mode.data
    return _participant_action(event, registration_id,
                               lambda registration, actor: participants.move_registration(registration, mode, actor),
                               _("The way of attending is changed; the person is told by email."))


@bp.route("/manage/registration/participants/add", methods=["GET", "POST"])
@manage
def add_participant(event):
    modes = services.offered_modes(event, services.get_settings(event))
    form = AddParticipantForm().fill_choices(modes)
    if form.validate_on_submit():
        try:
            registration = participants.add_participant(
                event, {"email": form.email.data, "name": form.name.data, "mode": form.mode.data}, current_actor())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            _flash_added(registration, form.email.data)
            return redirect(url_for("registration.manage_participants", slug=event.slug))
    return render_template("registration/manage_add.html", event=event, form=form), form_status(form)


def _flash_added(registration, email: str) -> None:
    if invitations.needs_invitation(registration.user):
        # Named by the address the organiser typed: an unverified account's name is not theirs to see.
        flash(_("An invitation was sent to %(email)s: they confirm their place by choosing a password.",
                email=email) if registration.holds_seat else
              _("All seats are taken: an invitation to a place on the waiting list was sent to %(email)s.",
                email=email), "success" if registration.holds_seat else "warning")
        return
    name = registration.user.name
    flash(_("%(name)s is registered.", name=name) if registration.holds_seat else
          _("All seats are taken: %(name)s is on the waiting list.", name=name),
          "success" if registration.holds_seat else "warning")


# --- exports and messages -----------------------------------------------------------------

def _export(event, extension: str, mimetype: str, writer) -> Response:
    header, rows = exports.participant_table(event, current_actor(), ParticipantFilters.from_args(request.args))
    body = writer(header, rows)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{event.slug}-participants.{extension}"',
        "Cache-Control": "no-store"})


@bp.route("/manage/registration/export.csv")
@view_participants
def export_csv(event):
    return _export(event, "csv", "text/csv; charset=utf-8", exports.to_csv)


@bp.route("/manage/registration/export.xlsx")
@view_participants
def export_xlsx(event):
    return _export(event, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   lambda header, rows: exports.to_xlsx(header, rows, event.title))


@bp.route("/manage/registration/message", methods=["GET", "POST"])
@manage
def message_participants(event):
    form = MessageForm(data={"batch_id": messaging.new_batch_id()} if request.method == "GET" else None)
    count = None
    if form.validate_on_submit():
        try:
            count = messaging.count_recipients(event, form.status.data, form.mode.data)
            if form.send.data:
                log, sent = messaging.send_message(event, {k: f.data for k, f in form._fields.items()}, current_actor())
                flash(ngettext("Your message is on its way to %(num)s person.",
                               "Your message is on its way to %(num)s people.", log.recipients) if sent else
                      ngettext("This message was already sent to %(num)s person.",
                               "This message was already sent to %(num)s people.", log.recipients), "success")
                return redirect(url_for("registration.message_participants", slug=event.slug))
        except DomainError as error:
            apply_domain_error(form, error)
    return render_template("registration/manage_message.html", event=event, form=form, count=count,
                           sent=messaging.sent_messages(event)), form_status(form)
