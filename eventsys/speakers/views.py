"""Speakers: management pages, the speaker's invitation page, and public speaker pages."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, send_file, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from eventsys import permissions, reference
from eventsys.access import current_actor, event_organiser, public, visible_event
from eventsys.errors import Conflict, ValidationError
from eventsys.events.reading import get_event_by_slug
from eventsys.speakers import invitations, photos, services
from eventsys.forms import form_status
from eventsys.speakers.forms import (ActionForm, InvitationResponseForm, SpeakerForm, SpeakerProfileForm,
                                     apply_domain_error)

from eventsys.speakers import dashboard as _dashboard  # noqa: F401  (registers its part of the Overview)

bp = Blueprint("speakers", __name__, url_prefix="/events/<slug>")


@bp.app_context_processor
def speaker_helpers() -> dict:
    """The event page (events, below speakers) lists the public speakers through this."""
    return {"public_speakers": services.public_speakers}


manage = event_organiser(permissions.can_manage_event)
PLACEHOLDER = "img/speaker-placeholder.svg"


@bp.context_processor
def _template_helpers():
    return {"country_name": lambda code: reference.country_name(code, str(get_locale() or "en"))}


def _speaker_or_404(event, speaker_id: int):
    speaker = services.get_speaker(event, speaker_id)
    if speaker is None:
        abort(404)
    return speaker


# --- organiser pages ------------------------------------------------------------------------

@bp.route("/manage/speakers")
@manage
def manage_speakers(event):
    return render_template("speakers/manage_list.html", event=event, action_form=ActionForm(),
                           rows=services.speakers_with_slot_counts(event))


@bp.route("/manage/speakers/new", methods=["GET", "POST"])
@manage
def new_speaker(event):
    form = SpeakerForm().fill_choices()
    if form.validate_on_submit():
        try:
            speaker = services.create_speaker(event, form.values(), current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("%(name)s is added to the speakers.", name=speaker.name), "success")
            return redirect(url_for("speakers.edit_speaker", slug=event.slug, speaker_id=speaker.id))
    return render_template("speakers/manage_form.html", event=event, form=form, speaker=None), form_status(form)


@bp.route("/manage/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@manage
def edit_speaker(event, speaker_id: int):
    speaker = _speaker_or_404(event, speaker_id)
    form = SpeakerForm(obj=speaker, user_email=speaker.user.email if speaker.user else "").fill_choices()
    if form.validate_on_submit():
        try:
            services.update_speaker(speaker, form.values(), current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The speaker's profile is saved."), "success")
            return redirect(url_for("speakers.manage_speakers", slug=event.slug))
    return render_template("speakers/manage_form.html", event=event, form=form, speaker=speaker,
                           action_form=ActionForm()), form_status(form)


@bp.route("/manage/speakers/<int:speaker_id>/delete", methods=["POST"])
@manage
def delete_speaker(event, speaker_id: int):
    speaker = _speaker_or_404(event, speaker_id)
    if ActionForm().validate_on_submit():
        name = speaker.name
        services.delete_speaker(speaker, current_actor())
        flash(_("%(name)s is removed from the speakers and from their agenda slots.", name=name), "success")
    return redirect(url_for("speakers.manage_speakers", slug=event.slug))


@bp.route("/manage/speakers/<int:speaker_id>/invite", methods=["POST"])
@manage
def invite_speaker(event, speaker_id: int):
    speaker = _speaker_or_404(event, speaker_id)
    if ActionForm().validate_on_submit():
        try:
            invitations.invite_speaker(speaker, current_actor())
        except ValidationError as error:
            flash(str(error.message), "danger")
            return redirect(url_for("speakers.edit_speaker", slug=event.slug, speaker_id=speaker.id))
        flash(_("An invitation is on its way to %(email)s.", email=speaker.email), "success")
    return redirect(url_for("speakers.manage_speakers", slug=event.slug))


@bp.route("/manage/speakers/<int:speaker_id>/withdraw", methods=["POST"])
@manage
def withdraw_invitation(event, speaker_id: int):
    speaker = _speaker_or_404(event, speaker_id)
    if ActionForm().validate_on_submit():
        invitations.withdraw_invitation(speaker, current_actor())
        flash(_("The invitation to %(name)s is withdrawn: the link no longer works.", name=speaker.name), "success")
    return redirect(url_for("speakers.edit_speaker", slug=event.slug, speaker_id=speaker.id))


# --- the speaker's own page (signed link, no account needed) ----------------------------------

def _invited_speaker(slug: str, token: str):
    """The speaker of this link, or a friendly 404 page when the link is not valid here."""
    event = get_event_by_slug(slug)
    if event is None:
        abort(404)
    try:
        return invitations.speaker_for_token(token, event)
    except ValidationError as error:
        abort(make_response(render_template("speakers/invitation_invalid.html", event=event,
                                            message=error.message), 404))


@bp.route("/speakers/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(slug: str, token: str):
    speaker = _invited_speaker(slug, token)
    form = SpeakerProfileForm(obj=speaker).fill_choices()
    if form.validate_on_submit():
        try:
            invitations.update_own_profile(token, form.values(), speaker.event)
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Thank you. Your profile is saved."), "success")
            return redirect(url_for("speakers.invitation", slug=slug, token=token))
    return render_template("speakers/invitation.html", event=speaker.event, speaker=speaker, token=token,
                           form=form, response_form=InvitationResponseForm(),
                           can_respond=invitations.can_respond(speaker),
                           slots=services.speaker_slots(speaker)), form_status(form)


@bp.route("/speakers/invitation/<token>/respond", methods=["POST"])
@public
def respond_to_invitation(slug: str, token: str):
    speaker = _invited_speaker(slug, token)
    form = InvitationResponseForm()
    if form.validate_on_submit() and (form.confirm.data or form.decline.data):
        try:
            invitations.respond_to_invitation(token, bool(form.confirm.data), speaker.event)
        except Conflict as error:
            flash(str(error.message), "danger")
        else:
            flash(_("Thank you for confirming. We look forward to your talk.") if form.confirm.data
                  else _("Thank you for letting us know."), "success")
    return redirect(url_for("speakers.invitation", slug=slug, token=token))


@bp.route("/speakers/invitation/<token>/photo")
@public
def invitation_photo(slug: str, token: str):
    return _photo_response(_invited_speaker(slug, token), cache="private, no-cache")


# --- public pages ---------------------------------------------------------------------------

def _visible_speaker(event, speaker_id: int):
    speaker = _speaker_or_404(event, speaker_id)
    if not services.is_publicly_listed(speaker) and not permissions.can_manage_event(current_user, event):
        abort(404)
    return speaker


@bp.route("/speakers")
@public
def public_speakers(slug: str):
    event = visible_event(slug)
    return render_template("speakers/public_list.html", event=event, speakers=services.public_speakers(event))


@bp.route("/speakers/<int:speaker_id>")
@public
def public_speaker(slug: str, speaker_id: int):
    event = visible_event(slug)
    speaker = _visible_speaker(event, speaker_id)
    return render_template("speakers/public_speaker.html", event=event, speaker=speaker,
                           slots=services.speaker_slots(speaker))


@bp.route("/speakers/<int:speaker_id>/photo")
@public
def speaker_photo(slug: str, speaker_id: int):
    """The uploaded photo; without one, a neutral placeholder (so links never break)."""
    event = visible_event(slug)
    speaker = _visible_speaker(event, speaker_id)
    return _photo_response(speaker, cache="public, max-age=86400" if event.is_public else "private, no-cache")


def _photo_response(speaker, cache: str):
    path = photos.photo_path(speaker.photo_file)
    if path is None:
        return redirect(url_for("static", filename=PLACEHOLDER))
    response = send_file(path, mimetype=photos.mimetype_for(speaker.photo_file), conditional=True, etag=True)
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
