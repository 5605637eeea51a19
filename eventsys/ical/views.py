"""Calendar feeds (.ics) and the "My agenda" page.

Every feed request: one query for the feed's state (404 when there is none), then 304 when
the client's copy is current (no build), else the bytes from this process's cache or a
fresh build. Public feeds may be kept by shared caches for five minutes ("public,
max-age=300"): calendar apps poll about hourly anyway, five minutes lets a proxy absorb a
burst of subscribers, and revalidating afterwards costs a 304. Personal feeds hold a
participant's online links and choices: "private, max-age=0, must-revalidate", so no
shared cache keeps them and a reset token or a cancelled registration takes effect at the
next poll.
"""
from __future__ import annotations

from datetime import timezone

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.http import http_date

from eventsys.access import current_actor, login_required, public
from eventsys.forms import ActionForm
from eventsys.ical import personal, services, tokens
from eventsys.ical.cache import etag_for
from eventsys.timeutil import utcnow

bp = Blueprint("ical", __name__)

PUBLIC_CACHE = "public, max-age=300"
PERSONAL_CACHE = "private, max-age=0, must-revalidate"


@bp.route("/events/<slug>/agenda.ics")
@public
def event_feed(slug):
    return _serve(services.event_feed_state(slug))


@bp.route("/events/<slug>/slots/<int:slot_id>.ics")
@public
def slot_feed(slug, slot_id):
    return _serve(services.slot_feed_state(slug, slot_id))


@bp.route("/series/<slug>.ics")
@public
def series_feed(slug):
    return _serve(services.series_feed_state(slug))


@bp.route("/calendar/<token>.ics")
@public
def personal_feed(token):
    """Public by token: the token is the credential (anyone holding the address may read)."""
    return _serve(personal.personal_feed_state(token))


@bp.route("/calendar/")
@login_required
def my_agenda():
    user = current_actor()
    token = tokens.calendar_token(user)
    https = current_app.config["BASE_URL"].rstrip("/") + url_for("ical.personal_feed", token=token)
    webcal = "webcal://" + https.split("://", 1)[1]
    return render_template("ical/my_agenda.html", https_url=https, webcal_url=webcal,
                           items=personal.upcoming_items(user, utcnow()), reset_form=ActionForm())


@bp.route("/calendar/reset", methods=["POST"])
@login_required
def reset():
    if not ActionForm().validate_on_submit():
        abort(400)
    tokens.reset_calendar_token(current_actor())
    flash(_("Your calendar address has been reset. The old one no longer works: subscribe again "
            "with the new one."), "success")
    return redirect(url_for("ical.my_agenda"))


def _serve(state: services.FeedState | None) -> Response:
    if state is None:
        abort(404)
    etag = etag_for(state.kind, state.key, state.version, current_app.extensions["ical_build_id"])
    last_modified = _last_modified(state)
    headers = {"ETag": etag, "Cache-Control": PERSONAL_CACHE if state.personal else PUBLIC_CACHE}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    if state.personal:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    if _not_modified(etag, last_modified):
        return Response(status=304, headers=headers)
    body = current_app.extensions["ical_cache"].get_or_build(state.cache_key, state.build)
    headers["Content-Disposition"] = f'inline; filename="{state.filename}"'
    return Response(body, status=200, headers=headers, content_type="text/calendar; charset=utf-8")


def _last_modified(state: services.FeedState):
    """The change time to the second; None while that second lasts, because a second
    change within it would carry the same Last-Modified (the ETag still tells them apart)."""
    if state.last_modified is None:
        return None
    changed = state.last_modified.replace(microsecond=0)
    return None if changed >= utcnow().replace(microsecond=0) else changed


def _not_modified(etag: str, last_modified) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag.strip('"'))
    since = request.if_modified_since
    return bool(since and last_modified is not None and last_modified.replace(tzinfo=timezone.utc) <= since)
