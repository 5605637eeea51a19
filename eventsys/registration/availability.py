"""What registration looks like from outside: its state, each offered mode's free seats,
and the visitor's own registration. The event page's box, the register form's mode
choice and "My events" all read it from here, so they cannot disagree."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventsys.registration import seats, services
from eventsys.registration.models import Registration, RegistrationSettings


@dataclass(frozen=True)
class ModeSeats:
    mode: str
    left: int | None  # None: unlimited

    @property
    def full(self) -> bool:
        return self.left == 0


@dataclass(frozen=True)
class Availability:
    state: str  # services.registration_state: open, not_open_yet, closed, cancelled, not_published
    opens_at: datetime | None
    closes_at: datetime | None
    modes: tuple[ModeSeats, ...]
    registration: Registration | None
    position: int | None  # on the waiting list; None otherwise

    @property
    def is_registered(self) -> bool:
        return self.registration is not None and self.registration.status in services.ACTIVE

    def seats(self, mode: str) -> ModeSeats | None:
        return next((m for m in self.modes if m.mode == mode), None)


def mode_seats(event, settings: RegistrationSettings) -> tuple[ModeSeats, ...]:
    """The offered modes with their free seats, in the order the form offers them."""
    return tuple(ModeSeats(mode, seats.seats_left(settings, mode))
                 for mode in services.offered_modes(event, settings))


def availability(event, user=None, now: datetime | None = None) -> Availability:
    settings = services.get_settings(event)
    registration = services.get_registration(event, user)
    return Availability(state=services.registration_state(event, settings, now),
                        opens_at=settings.opens_at, closes_at=settings.closes_at,
                        modes=mode_seats(event, settings), registration=registration,
                        position=seats.waitlist_position(registration) if registration else None)
