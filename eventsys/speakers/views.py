from __future__ import annotations

from flask import Blueprint

bp = Blueprint("speakers", __name__, url_prefix="/events/<slug>")
