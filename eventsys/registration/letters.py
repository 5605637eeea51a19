"""The mail a registration's changes send: registered (per way of attending), awaiting
approval, waitlisted, promoted, cancelled. One place builds each letter, for sending and for
the organisers' previews alike (eventmail)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventsys import mail
from eventsys.registration import seats
from eventsys.registration.models import CONFIRMED, PENDING, WAITLISTED, Registration


def recipient(registration: Registration):
    """(address, locale, account) of the registration's person; Nones once the account is deleted."""
    user = registration.user
    return (user.email, user.locale or None, user) if user is not None else (None, None, None)


def status_letter(registration, event, settings, promoted: bool = False,
                  position: int | None = None) -> mail.Letter | None:
    """The mail a participant gets when registered (per way of attending), awaiting approval,
    waitlisted (at ``position``) or ``promoted`` from the waiting list. None without an account."""
    email, locale, user = recipient(registration)
    if email is None:
        return None
    subjects = {
        CONFIRMED: _l("You are registered: %(title)s", title=event.title),
        PENDING: _l("Registration received, awaiting approval: %(title)s", title=event.title),
        WAITLISTED: _l("You are on the waiting list: %(title)s", title=event.title),
    }
    return mail.Letter(email, subjects[registration.status], "registration_status", locale, event,
                       dict(user=user, registration=registration, settings=settings, promoted=promoted,
                            position=position))


def queue_status_mail(registration, event, settings, promoted: bool = False) -> None:
    """Queue :func:`status_letter` (with the waiting-list position) in the caller's transaction."""
    mail.queue_letter(status_letter(registration, event, settings, promoted,
                                    seats.waitlist_position(registration)))


def queue_cancel_mail(registration, event) -> None:
    """Tell the person their registration is cancelled (in the caller's transaction)."""
    email, locale, user = recipient(registration)
    if email is None:
        return
    mail.queue_mail(email, _l("Registration cancelled: %(title)s", title=event.title),
                    "registration_cancelled", locale=locale, user=user, event=event,
                    registration=registration)
