"""A person's own data (blueprint ``account``, under /auth/ as before): download it as JSON,
delete the account."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from eventsys.access import current_actor, login_required
from eventsys.account import services as privacy
from eventsys.account.forms import DeleteAccountForm
from eventsys.errors import DomainError
from eventsys.forms import apply_domain_error, form_status

bp = Blueprint("account", __name__, url_prefix="/auth")


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
    return render_template("account/delete_account.html", form=form), form_status(form)
