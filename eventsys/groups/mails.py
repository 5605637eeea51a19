"""The one message participants get about their working group: assigned (on publishing),
unassigned (published, but no seat: pick among the remaining ones), promoted from a group's
waitlist, or moved by the organisers. Queued in the caller's transaction."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventsys import mail

ASSIGNED, UNASSIGNED, PROMOTED, MOVED = "assigned", "unassigned", "promoted", "moved"


def _subject(kind: str, round_title: str, group_title: str):
    """Lazy, so that queue_mail renders it in the recipient's language."""
    if kind == ASSIGNED:
        return _l("Your working group for %(round)s: %(group)s", round=round_title, group=group_title)
    if kind == UNASSIGNED:
        return _l("Working groups for %(round)s: please pick a group", round=round_title)
    if kind == PROMOTED:
        return _l("A seat became free: you are in %(group)s", group=group_title)
    return _l("Your working group for %(round)s is now %(group)s", round=round_title, group=group_title)


def group_letter(user, event, round_, group, mode: str, kind: str) -> mail.Letter | None:
    """The message, as queued and as previewed (None when the account is gone)."""
    if user is None or not user.email:
        return None
    subject = _subject(kind, round_.title, group.title if group is not None else "")
    return mail.Letter(user.email, subject, "group_assignment", user.locale or None, event,
                       dict(user=user, round=round_, group=group, mode=mode, kind=kind))


def queue_group_mail(user, event, round_, group, mode: str, kind: str) -> None:
    """One message to ``user`` (nothing when the account is gone)."""
    mail.queue_letter(group_letter(user, event, round_, group, mode, kind))
