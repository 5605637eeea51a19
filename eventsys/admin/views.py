"""Site administration: the mail outbox."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from eventsys import mail
from eventsys.access import admin_required
from eventsys.extensions import db
from eventsys.forms import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.route("/outbox")
@admin_required
def outbox():
    status = request.args.get("status", "")
    page = page_arg()
    pagination = mail.outbox_page(status, page, PAGE_SIZE)
    return render_template("admin/outbox.html", pagination=pagination, status=status,
                           counts=mail.outbox_counts(), retry_form=FlaskForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@admin_required
def outbox_retry(message_id: int):
    message = db.get_or_404(mail.OutboxMessage, message_id)
    if FlaskForm().validate_on_submit() and message.status in (mail.QUEUED, mail.FAILED):
        mail.retry_now(message)
        flash(_("The message will be sent on the next delivery run."), "info")
    return redirect(url_for("admin.outbox", status=mail.QUEUED))
