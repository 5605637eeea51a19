"""A person's own data (routes on the auth blueprint): download it as JSON, delete the account."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from eventsys.access import current_actor, login_required
from eventsys.auth.views import bp
from eventsys.errors import DomainError
from eventsys.forms import apply_domain_error, form_status
from eventsys.registration import privacy
from eventsys.registration.manage_forms import DeleteAccountForm


@bp.route("/export-data")
@login_required
def export_data():
    user = current_actor()
    data = privacy.export_personal_data(user, user)
    return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="eventsys-personal-data.json"', "Cache-Control": "no-store"})


@bp.route("/delete-account", methods=["GET", "POST"])
@login_required
def delete_account():
    user = current_actor()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            privacy.delete_account(user, form.password.data, user)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            logout_user()
            flash(_("Your account is deleted. Your registrations remain only as anonymous numbers."), "info")
            return redirect(url_for("main.index"))
    return render_template("auth/delete_account.html", form=form), form_status(form)
