"""What participants receive: mail previews and the event's outbox (owners and organisers)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from eventsys import mail, permissions
from eventsys.access import event_organiser
from eventsys.errors import Conflict
from eventsys.eventmail import previews, services

bp = Blueprint("eventmail", __name__, url_prefix="/events/<slug>/manage/mail")

PAGE_SIZE = 50
team_only = event_organiser(permissions.can_view_event_outbox)


def _actor():
    return current_user._get_current_object()


@bp.route("/")
@team_only
def previews_page(event):
    registration = services.get_registration(event, request.args.get("registration", type=int))
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang", "")
    lang = lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    items = previews.build_previews(event, _actor(), registration, lang)
    return render_template("eventmail/previews.html", event=event, previews=items, registration=registration,
                           lang=lang, languages=languages, choices=services.participant_choices(event))


@bp.route("/outbox")
@team_only
def outbox(event):
    status = request.args.get("status", "")
    page = max(request.args.get("page", 1, type=int), 1)
    pagination, counts = services.event_outbox(event, _actor(), status, page, PAGE_SIZE)
    return render_template("eventmail/outbox.html", event=event, pagination=pagination, status=status,
                           counts=counts, retry_form=FlaskForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@team_only
def outbox_retry(event, message_id: int):
    message = services.get_event_message(event, message_id)
    if FlaskForm().validate_on_submit():
        try:
            services.retry_event_message(event, message, _actor())
        except Conflict as error:
            flash(str(error.message), "warning")
        else:
            flash(_("The message will be sent on the next delivery run."), "info")
    return redirect(url_for("eventmail.outbox", slug=event.slug, status=mail.QUEUED))
