"""The clone page of an event (same address as before, under the event's management)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventsys import permissions
from eventsys.access import current_actor, event_organiser
from eventsys.cloning import services
from eventsys.cloning.forms import CloneForm
from eventsys.errors import ValidationError
from eventsys.forms import apply_domain_error, form_status

bp = Blueprint("cloning", __name__, url_prefix="/events")


@bp.route("/<slug>/manage/clone", methods=["GET", "POST"])
@event_organiser(permissions.can_manage_event)
def clone(event):
    form = CloneForm(data=services.clone_defaults(event) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            copy = services.clone_event(event, {k: form[k].data for k in ("title", "slug", "start_date")}, current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("This is the copy, saved as a draft. Check its details before publishing it."), "success")
            return redirect(url_for("events.manage", slug=copy.slug))
    return render_template("cloning/clone.html", form=form, event=event), form_status(form)
