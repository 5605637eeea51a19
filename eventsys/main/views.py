"""Home page and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from eventsys.access import public
from eventsys.main.services import database_status

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    return render_template("main/index.html")


@bp.route("/healthz")
@public
def healthz():
    database = database_status()
    status = 200 if database == "ok" else 503
    return jsonify({"status": "ok" if status == 200 else "degraded", "database": database}), status
