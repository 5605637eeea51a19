"""Feedback, organiser side (routes on the feedback blueprint): the list of forms, editing
a form and its questions, results, the comparison of the slots, CSV export.

Who: owners and organisers change forms (can_manage_event); rapporteurs also see the list
and the results (can_write_report); the CSV export, which names respondents of forms that
are not anonymous, is for those who see participants (can_view_participants).
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventsys import inputrules, permissions
from eventsys.access import current_actor, event_organiser
from eventsys.errors import DomainError
from eventsys.feedback import answering, export, questions, results, services
from eventsys.feedback.forms import FormSettingsForm, NewFormForm, QuestionForm
from eventsys.feedback.views import bp
from eventsys.feedback.window import form_window
from eventsys.forms import ActionForm, apply_domain_error, as_choices, form_status
from eventsys.timeutil import utcnow

manage = event_organiser(permissions.can_manage_event)
see_results = event_organiser(permissions.can_write_report)
export_guard = event_organiser(permissions.can_view_participants)
BASE = "/events/<slug>/manage/feedback"


def _form_or_404(event, form_id: int):
    form = services.get_form(event, form_id)
    if form is None:
        abort(404)
    return form


def _new_form_form(event) -> NewFormForm:
    new = NewFormForm()
    choices = [] if services.has_event_form(event) else [("event", _("The event as a whole"))]
    new.slot_id.choices = as_choices(choices + [(str(s.id), s.title) for s in services.slots_without_form(event)])
    return new


@bp.route(BASE)
@see_results
def manage_forms(event):
    forms = services.event_forms(event)
    return render_template("feedback/manage_forms.html", event=event, forms=forms,
                           counts=services.respondent_counts(f.id for f in forms),
                           windows={f.id: form_window(f, event) for f in forms},
                           new_form=_new_form_form(event), action_form=ActionForm(), now=utcnow())


@bp.route(BASE + "/defaults", methods=["POST"])
@manage
def create_default_forms(event):
    if ActionForm().validate_on_submit():
        created = services.ensure_default_forms(event, current_actor())
        flash(_("%(n)s feedback forms created.", n=created) if created else
              _("Every session that gets one by default already has a feedback form."), "success")
    return redirect(url_for("feedback.manage_forms", slug=event.slug))


@bp.route(BASE + "/new", methods=["POST"])
@manage
def create_form(event):
    new = _new_form_form(event)
    if new.validate_on_submit():
        slot_id = new.slot_id.data
        try:
            form = services.create_form(event, None if slot_id == "event" else _int_or_0(slot_id), current_actor())
        except DomainError as error:
            flash(str(error.message), "warning")
        else:
            flash(_("The feedback form is created with the default questions."), "success")
            return redirect(url_for("feedback.edit_form", slug=event.slug, form_id=form.id))
    return redirect(url_for("feedback.manage_forms", slug=event.slug))


def _int_or_0(value) -> int:
    return inputrules.parse_db_id(value) or 0


def _edit_page(event, form, code=200, settings=None, edited=None, new_question=None):
    """The edit page; ``edited`` is a question form with errors, shown in its question's place."""
    questions = answering.questions_of(form)
    forms = {q.id: QuestionForm.for_question(q, formdata=None) for q in questions}
    if edited is not None:
        forms[edited[0]] = edited[1]
    settings = settings or FormSettingsForm(data=services.settings_form_data(form, event))
    return render_template("feedback/edit_form.html", event=event, form=form, settings=settings,
                           questions=questions, question_forms=forms, locked=services.has_responses(form),
                           new_question=new_question or QuestionForm(prefix="new", formdata=None),
                           window=form_window(form, event)), code


@bp.route(BASE + "/<int:form_id>/edit", methods=["GET", "POST"])
@manage
def edit_form(event, form_id: int):
    form = _form_or_404(event, form_id)
    settings = FormSettingsForm(data=services.settings_form_data(form, event))
    if settings.validate_on_submit():
        try:
            services.update_form_settings(form, settings.values(), current_actor())
        except DomainError as error:
            apply_domain_error(settings, error)
        else:
            flash(_("The form's settings are saved."), "success")
            return redirect(url_for("feedback.edit_form", slug=event.slug, form_id=form.id))
    return _edit_page(event, form, form_status(settings), settings=settings)


@bp.route(BASE + "/<int:form_id>/questions/new", methods=["POST"])
@manage
def add_question(event, form_id: int):
    form = _form_or_404(event, form_id)
    new = QuestionForm(prefix="new")
    if new.validate_on_submit():
        try:
            questions.add_question(form, new.values(), current_actor())
        except DomainError as error:
            apply_domain_error(new, error)
        else:
            flash(_("The question is added."), "success")
            return redirect(url_for("feedback.edit_form", slug=event.slug, form_id=form.id))
    return _edit_page(event, form, 400, new_question=new)


@bp.route(BASE + "/<int:form_id>/questions/<int:question_id>", methods=["POST"])
@manage
def edit_question(event, form_id: int, question_id: int):
    form = _form_or_404(event, form_id)
    question = services.get_question(form, question_id) or abort(404)
    edited = QuestionForm(prefix=f"q{question.id}")
    if edited.validate_on_submit():
        try:
            questions.update_question(question, edited.values(), current_actor())
        except DomainError as error:
            apply_domain_error(edited, error)
        else:
            flash(_("The question is saved."), "success")
            return redirect(url_for("feedback.edit_form", slug=event.slug, form_id=form.id))
    return _edit_page(event, form, 400, edited=(question.id, edited))


@bp.route(BASE + "/<int:form_id>/questions/<int:question_id>/delete", methods=["POST"])
@manage
def delete_question(event, form_id: int, question_id: int):
    form = _form_or_404(event, form_id)
    question = services.get_question(form, question_id) or abort(404)
    if ActionForm().validate_on_submit():
        try:
            questions.delete_question(question, current_actor())
        except DomainError as error:
            flash(str(error.message), "warning")
        else:
            flash(_("The question is removed."), "success")
    return redirect(url_for("feedback.edit_form", slug=event.slug, form_id=form.id))


@bp.route(BASE + "/<int:form_id>/delete", methods=["POST"])
@manage
def delete_form(event, form_id: int):
    form = _form_or_404(event, form_id)
    if ActionForm().validate_on_submit():
        services.delete_form(form, current_actor())
        flash(_("The feedback form and its responses are deleted."), "success")
    return redirect(url_for("feedback.manage_forms", slug=event.slug))


@bp.route(BASE + "/<int:form_id>/results")
@see_results
def form_results(event, form_id: int):
    form = _form_or_404(event, form_id)
    return render_template("feedback/results.html", event=event, form=form,
                           results=results.form_results(form, event, current_actor()), window=form_window(form, event))


@bp.route(BASE + "/compare")
@see_results
def compare(event):
    order = request.args.get("sort", "mean")
    order = order if order in ("mean", "count", "title") else "mean"
    return render_template("feedback/compare.html", event=event, order=order,
                           rows=results.compare_slots(event, order, current_actor()))


@bp.route(BASE + "/<int:form_id>/export.csv")
@export_guard
def export_csv(event, form_id: int):
    form = _form_or_404(event, form_id)
    try:
        body = export.export_csv(form, event, current_actor())
    except DomainError as error:
        flash(str(error.message), "warning")
        return redirect(url_for("feedback.form_results", slug=event.slug, form_id=form.id))
    filename = f"feedback-{event.slug}-{form.id}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
