"""Series pages: the public page of a series, and creating and editing one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from eventsys.access import current_actor, login_required, public, series_owner
from eventsys.errors import ValidationError
from eventsys.forms import form_status
from eventsys.series import services
from eventsys.series.forms import SeriesForm, apply_domain_error

bp = Blueprint("series", __name__, url_prefix="/series")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = SeriesForm()
    if form.validate_on_submit():
        try:
            series = services.create_series(form.values(), current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The series is created. Choose it when you create or edit an event."), "success")
            return redirect(url_for("series.show", slug=series.slug))
    return render_template("series/form.html", form=form, series=None), form_status(form)


@bp.route("/<slug>")
@public
def show(slug: str):
    series = services.get_series_by_slug(slug)
    if series is None:
        abort(404)
    upcoming, past = services.series_events(series)
    return render_template("series/show.html", series=series, upcoming=upcoming, past=past)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@series_owner
def edit(series):
    form = SeriesForm(obj=series)
    if form.validate_on_submit():
        try:
            services.update_series(series, form.values(), current_actor())
        except ValidationError as error:
            apply_domain_error(form, error)
        else:
            flash(_("The series is saved."), "success")
            return redirect(url_for("series.show", slug=series.slug))
    return render_template("series/form.html", form=form, series=series), form_status(form)
