"""What participants receive: mail previews and the event's outbox (owners and organisers)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from eventsys import inputrules, mail, permissions
from eventsys.access import current_actor, event_organiser
from eventsys.errors import Conflict
from eventsys.eventmail import previews, services
from eventsys.forms import page_arg

bp = Blueprint("eventmail", __name__, url_prefix="/events/<slug>/manage/mail")

PAGE_SIZE = 50
team_only = event_organiser(permissions.can_view_event_outbox)


def _registration_id() -> int | None:
    """The optional ``?registration=`` of the previews: 404 unless it is an id in the database's range."""
    raw = request.args.get("registration", "")
    if not raw:
        return None
    registration_id = inputrules.parse_db_id(raw)
    if registration_id is None:
        abort(404)
    return registration_id


@bp.route("/")
@team_only
def previews_page(event):
    registration = services.get_registration(event, _registration_id())
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang", "")
    lang = lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    items = previews.build_previews(event, current_actor(), registration, lang)
    return render_template("eventmail/previews.html", event=event, previews=items, registration=registration,
                           lang=lang, languages=languages, choices=services.participant_choices(event))


@bp.route("/outbox")
@team_only
def outbox(event):
    status = request.args.get("status", "")
    page = page_arg()
    pagination, counts = services.event_outbox(event, current_actor(), status, page, PAGE_SIZE)
    return render_template("eventmail/outbox.html", event=event, pagination=pagination, status=status,
                           counts=counts, retry_form=FlaskForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@team_only
def outbox_retry(event, message_id: int):
    message = services.get_event_message(event, message_id)
    if FlaskForm().validate_on_submit():
        try:
            services.retry_event_message(event, message, current_actor())
        except Conflict as error:
            flash(str(error.message), "warning")
        else:
            flash(_("The message will be sent on the next delivery run."), "info")
    return redirect(url_for("eventmail.outbox", slug=event.slug, status=mail.QUEUED))
