"""The invitation page (routes on the registration blueprint): the owner of an address an
organiser added confirms the place by choosing a password, or declines it. Public: the
signed link is the credential (invitations.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user

from eventsys.access import public
from eventsys.auth.forms import ResetPasswordForm
from eventsys.errors import DomainError
from eventsys.events.reading import get_event_by_slug
from eventsys.forms import ActionForm, apply_domain_error, form_status
from eventsys.registration import invitations
from eventsys.registration.views import bp


def _event_or_404(slug: str):
    event = get_event_by_slug(slug)
    if event is None:
        abort(404)
    return event


@bp.route("/registration/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(slug: str, token: str):
    event = _event_or_404(slug)
    try:
        registration = invitations.registration_for_token(event, token)
    except DomainError as error:
        flash(str(error.message), "warning")
        return redirect(url_for("events.show", slug=event.slug))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(event, token, form.password.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            login_user(user)
            flash(_("Your place is confirmed and your password is set."), "success")
            return redirect(url_for("registration.mine", slug=event.slug))
    return render_template("registration/invitation.html", event=event, registration=registration, form=form,
                           decline_form=ActionForm(), token=token), form_status(form)


@bp.route("/registration/invitation/<token>/decline", methods=["POST"])
@public
def decline_invitation(slug: str, token: str):
    event = _event_or_404(slug)
    if ActionForm().validate_on_submit():
        try:
            invitations.decline_invitation(event, token)
        except DomainError as error:
            flash(str(error.message), "warning")
        else:
            flash(_("You declined the invitation: your place is given up."), "info")
    return redirect(url_for("events.show", slug=event.slug))
