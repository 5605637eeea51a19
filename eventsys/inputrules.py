"""The rules for input that must not break mail headers, links or database IDs.

One definition each, used by the form fields in ``eventsys/forms.py``, by the services that
take values without a form (CSV import, CLI, API) and by the URL converter. Each rule
returns the problem as a message a person can read, or ``None`` when the value is fine.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from eventsys.errors import ValidationError

# PostgreSQL ``integer`` (every id and count column) is 32-bit.
DB_INT_MIN, DB_INT_MAX = -2147483648, 2147483647

# Dates people may enter anywhere (events, clones, agenda, windows). Chosen wide enough for
# any real event and narrow enough that adding a few days or a time zone never overflows.
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)

# C0 controls (TAB, LF, CR, NUL…), DEL, C1 controls and the Unicode line/paragraph separators:
# any of them in a title or name can split a mail header or a CSV/iCal line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ANY_BREAK = re.compile("[\r\n\u2028\u2029\x85]+")

WEB_SCHEMES = ("http", "https")


def single_line_problem(value: str | None):
    """A single-line text (title, name, subject, organisation, room…) has no control characters."""
    if value and _CONTROL.search(value):
        return _l("Use a single line of text without tabs, line breaks or other control characters.")
    return None


def clean_single_line(value) -> str:
    """The stripped text, or a ``ValueError`` carrying the user's message."""
    text = "" if value is None else str(value).strip()
    problem = single_line_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def header_safe(value) -> str:
    """Text for a mail header even from old rows: line breaks collapse to one space and
    other control characters go."""
    text = _ANY_BREAK.sub(" ", "" if value is None else str(value))
    return _CONTROL.sub("", text).strip()


def web_address_problem(url: str | None, https_only: bool = False):
    """A link people click (online link, photo): ``http(s)://`` with a host, no spaces.
    ``javascript:``, ``data:``, ``ftp:`` and addresses without a scheme are refused."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host, parts = None, None
    schemes = ("https",) if https_only else WEB_SCHEMES
    if (parts is None or parts.scheme.lower() not in schemes or not host
            or any(c.isspace() for c in url) or _CONTROL.search(url)):
        if https_only:
            return _l("Enter a web address starting with https://.")
        return _l("Enter a web address starting with https:// or http://.")
    return None


def db_int_problem(number: int | None, minimum: int = DB_INT_MIN, maximum: int = DB_INT_MAX):
    """A whole number within what the column holds (PostgreSQL raises beyond it, SQLite not)."""
    if number is not None and number > maximum:
        return _l("Enter a number no greater than %(max)s.", max=maximum)
    if number is not None and number < minimum:
        return _l("Enter a number no less than %(min)s.", min=minimum)
    return None


def parse_db_id(raw) -> int | None:
    """An id from a form, a query string or a file: ``None`` unless it is digits within the
    database range (so a lookup never overflows the column)."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= DB_INT_MAX else None


def date_problem(value: date | datetime | None):
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        return _l("Enter a date between %(min)s and %(max)s.", min=DATE_MIN.isoformat(),
                  max=DATE_MAX.isoformat())
    return None


# --- the same rules for services (CSV import, CLI, API): a ValidationError at the field -----

def require_single_line(value, field: str) -> str:
    """The stripped single-line text, or ``ValidationError`` at ``field``."""
    text = "" if value is None else str(value).strip()
    problem = single_line_problem(text)
    if problem:
        raise ValidationError(problem, field=field)
    return text


def require_web_address(url: str, field: str, https_only: bool = False) -> str:
    problem = web_address_problem(url, https_only=https_only)
    if problem:
        raise ValidationError(problem, field=field)
    return url


def require_date(value, field: str):
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem, field=field)
    return value


def safe_web_address(url, https_only: bool = False) -> str:
    """The Jinja filter ``web_address``: a stored link only if it is still a web address,
    so a row written before these checks cannot put ``javascript:`` into an href or src."""
    return url if url and web_address_problem(url, https_only=https_only) is None else ""
