"""Imports every model module, so that the metadata (and Alembic) sees all tables."""
from eventsys.auth.models import User  # noqa: F401
from eventsys.mail import OutboxMessage  # noqa: F401
