"""Feedback, participant side: the "My event" page, answering a form (logged in, or from
the signed link in the "your feedback please" email). Organiser pages: manage_views.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventsys.access import current_actor, login_required, public, visible_event
from eventsys.errors import DomainError, PermissionDenied
from eventsys.feedback import answering, audience, requests, services
from eventsys.feedback import my_events  # noqa: F401  (registers the Attending panel of "My events")
from eventsys.feedback.forms import answers_from_form, build_answer_form
from eventsys.forms import apply_domain_error
from eventsys.registration import services as registration_services

from eventsys.feedback import dashboard as _dashboard  # noqa: F401  (registers its part of the Overview)

bp = Blueprint("feedback", __name__)


@bp.route("/events/<slug>/my")
@login_required
def my_event(slug: str):
    event = visible_event(slug)
    registration = registration_services.get_registration(event, current_user)
    return render_template("feedback/my_event.html", event=event, registration=registration,
                           statuses=answering.my_forms(event, registration),
                           has_groups=audience.event_has_groups(event.id))


@bp.route("/events/<slug>/feedback/<int:form_id>", methods=["GET", "POST"])
@login_required
def answer(slug: str, form_id: int):
    event = visible_event(slug)
    form = services.get_form(event, form_id)
    if form is None:
        abort(404)
    registration = registration_services.get_registration(event, current_user)
    return _answer_page(event, form, registration, current_actor(),
                        url_for("feedback.answer", slug=slug, form_id=form_id))


@bp.route("/feedback/answer/<token>", methods=["GET", "POST"])
@public
def answer_by_link(token: str):
    try:
        form, registration = requests.read_answer_token(token)
    except requests.InvalidLink as error:
        return render_template("feedback/link_invalid.html", message=error.message), 400
    return _answer_page(services.event_of(form), form, registration, registration.user,
                        url_for("feedback.answer_by_link", token=token), by_link=True)


def _answer_page(event, form, registration, actor, action: str, by_link: bool = False):
    """Show the form (or why it cannot be answered now) and take the answers."""
    status = answering.form_status(form, event, registration)
    if status.refusal is not None:
        raise PermissionDenied(status.refusal)
    questions = answering.questions_of(form)
    answer_form = build_answer_form(questions, answering.previous_answers(form, registration))
    code = 200
    if answer_form.validate_on_submit():
        try:
            outcome = answering.submit_response(form, event, registration, answers_from_form(answer_form, questions),
                                                actor)
        except answering.AnswersInvalid as error:
            for field, message in error.errors.items():
                apply_domain_error(answer_form, DomainError(message, field))
            code = 400
        except DomainError as error:
            apply_domain_error(answer_form, DomainError(error.message))
            code = error.status_code
        else:
            flash(_thanks(form, outcome), "success")
            return redirect(action)
    return render_template("feedback/answer.html", event=event, form=form, status=status, questions=questions,
                           answer_form=answer_form, action=action, by_link=by_link,
                           state_message=answering.state_message(status.state, status.window, event)), code


def _thanks(form, outcome: str) -> str:
    if form.anonymous:
        return _("Thank you! Your answers are recorded anonymously.")
    if outcome == "updated":
        return _("Your answers are updated.")
    return _("Thank you! Your answers are saved. You can change them until the form closes.")
