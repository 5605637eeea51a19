"""The Series model lives with events (an event names its series, and events sit below
series in the layers); it is re-exported here for the series pages and older imports."""
from eventsys.events.models import Series  # noqa: F401
