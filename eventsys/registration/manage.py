"""Organiser pages of registration (routes on the registration blueprint)."""
from eventsys.registration.views import bp  # noqa: F401
