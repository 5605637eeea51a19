"""Helpers shared by every feature's forms."""
from __future__ import annotations

from collections.abc import Iterable

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import SelectChoice
from wtforms import DateField, DateTimeLocalField, EmailField, IntegerField, StringField, URLField
from wtforms.validators import StopValidation, ValidationError

from eventsys import inputrules

from eventsys.errors import DomainError


def apply_domain_error(form: FlaskForm, error) -> None:
    """Show a service's DomainError at its field (or at the top of the form); a
    FieldErrors at each of its fields."""
    for name, message in getattr(error, "errors", {}).items():
        apply_domain_error(form, DomainError(message, name))
    if getattr(error, "errors", None):
        return
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def form_status(form: FlaskForm) -> int:
    """The status of a page that shows ``form``: 400 while it shows errors (at a field or
    at the top: WTForms counts ``form_errors`` in ``errors``), else 200."""
    return 400 if form.errors else 200


def as_choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """``(value, label)`` pairs as the choices of a select, radio or checkbox field.

    WTForms 3.3 deprecates tuple choices (they go in 3.4); ``SelectChoice`` is the supported
    form. Build every field's choices through here."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class ActionForm(FlaskForm):
    """An empty form for POST-only actions (delete, publish…): CSRF is all it carries."""


# --- safe field types ---------------------------------------------------------------------
# Every feature's forms use these instead of WTForms' StringField, EmailField, URLField,
# IntegerField, DateField and DateTimeLocalField (tests/test_forms.py checks it), so each
# class of bad input is refused once, at the field, with a message a person can read.

class SingleLineMixin:
    """Stripped text on one line: control characters (CR, LF, TAB, NUL, C1, U+2028/9) are
    refused, so a title or a name can never split a mail header or a CSV/iCal line."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.strip()

    def pre_validate(self, form):
        super().pre_validate(form)
        problem = inputrules.single_line_problem(self.data)
        if problem:
            raise ValidationError(str(problem))


class SingleLineField(SingleLineMixin, StringField):
    """Titles, names, subjects, organisations, room names, slugs, short answers."""


class SingleLineEmailField(SingleLineMixin, EmailField):
    """An e-mail address (it becomes a mail header)."""


class WebAddressField(SingleLineMixin, URLField):
    """A link: http(s) with a host (``https_only=True`` for images, which the CSP limits
    to https). ``javascript:``, ``data:`` and schemeless addresses are refused."""

    def __init__(self, label=None, validators=None, https_only: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.https_only = https_only

    def pre_validate(self, form):
        # One message: the web-address rule refuses control characters as well.
        problem = inputrules.web_address_problem(self.data, https_only=self.https_only)
        if problem:
            raise ValidationError(str(problem))


class BoundedIntegerField(IntegerField):
    """A whole number that fits the database column (32-bit unless narrowed)."""

    def __init__(self, label=None, validators=None, minimum: int = inputrules.DB_INT_MIN,
                 maximum: int = inputrules.DB_INT_MAX, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def pre_validate(self, form):
        problem = inputrules.db_int_problem(self.data, self.minimum, self.maximum)
        if problem:
            self.data = None
            raise StopValidation(str(problem))


class _DateRangeMixin:
    def pre_validate(self, form):
        problem = inputrules.date_problem(self.data)
        if problem:
            raise StopValidation(str(problem))


class SaneDateField(_DateRangeMixin, DateField):
    """A date between ``inputrules.DATE_MIN`` and ``DATE_MAX``."""


class SaneDateTimeLocalField(_DateRangeMixin, DateTimeLocalField):
    """A local date and time whose day lies between ``DATE_MIN`` and ``DATE_MAX``."""


def optional_id(value):
    """``coerce`` for selects of ids: empty is None; anything but an id in the database's
    range is a field error (never an overflowing query)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    number = inputrules.parse_db_id(value)
    if number is None:
        raise ValueError(value)
    return number


def required_id(value):
    """``coerce`` for multiple selects of ids: every value must be an id."""
    number = optional_id(value)
    if number is None:
        raise ValueError(value)
    return number


def page_arg(name: str = "page") -> int:
    """A page number from the query string: 1 when absent or not a number, 404 when it is
    beyond the database's range."""
    raw = (request.args.get(name) or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return 1
    number = int(raw) if len(raw) <= 10 else inputrules.DB_INT_MAX + 1
    if number > inputrules.DB_INT_MAX:
        abort(404)
    return max(number, 1)
