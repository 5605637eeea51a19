"""URL converters: ``<int:...>`` in every route means an id the database can hold."""
from __future__ import annotations

import builtins

from werkzeug.routing import IntegerConverter

from eventsys.inputrules import DB_INT_MAX


class DatabaseIntConverter(IntegerConverter):
    """Like Werkzeug's ``int`` but 404 beyond PostgreSQL's ``integer`` (2147483647), so
    ``/slots/9999999999999999999999999`` never reaches a query that would overflow."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):  # noqa: A002
        bounded = DB_INT_MAX if max is None else builtins.min(max, DB_INT_MAX)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bounded, signed=signed)


def init_app(app) -> None:
    """Before any blueprint is registered: rules pick their converter when they are added."""
    app.url_map.converters["int"] = DatabaseIntConverter
