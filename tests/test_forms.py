"""Input that cannot break mail, links or ids (issue 10, items 3, 7, 8): every form field
of the app is one of the safe types of eventsys/forms.py, and those types refuse control
characters, non-web links, numbers beyond the database and dates outside 2000–2100."""
from __future__ import annotations

import ast
import importlib
import pkgutil
from datetime import date
from pathlib import Path

import pytest
import wtforms
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

import eventsys
from eventsys import forms as safe
from eventsys import inputrules

UNSAFE_IMPORTS = {"StringField", "EmailField", "URLField", "SearchField", "TelField", "IntegerField",
                  "IntegerRangeField", "DecimalField", "FloatField", "DateField", "DateTimeField",
                  "DateTimeLocalField", "TimeField", "MonthField"}
# Text types that are not single-line text a person reads: multi-line text, secrets, tokens.
EXEMPT_TEXT = (wtforms.TextAreaField, wtforms.PasswordField, wtforms.HiddenField)


def form_classes() -> list[type]:
    for info in pkgutil.walk_packages(eventsys.__path__, "eventsys."):
        if info.name.rsplit(".", 1)[-1].endswith("forms"):
            importlib.import_module(info.name)
    found, todo = [], [wtforms.Form]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("eventsys.") and cls.__module__ != "eventsys.forms":
            found.append(cls)
    return found


def unsafe_fields(form_class: type) -> list[str]:
    """Names of the class's fields that are not of a safe type."""
    problems = []
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        field, coerce = unbound.field_class, unbound.kwargs.get("coerce")
        checks = [
            (issubclass(field, wtforms.StringField) and not issubclass(field, EXEMPT_TEXT),
             safe.SingleLineMixin),
            (issubclass(field, wtforms.URLField), safe.WebAddressField),
            (issubclass(field, (wtforms.IntegerField, wtforms.DecimalField, wtforms.FloatField)),
             safe.BoundedIntegerField),
            (issubclass(field, (wtforms.DateField, wtforms.DateTimeField, wtforms.DateTimeLocalField)),
             safe._DateRangeMixin),
        ]
        problems += [f"{name}: {field.__name__}" for applies, needed in checks
                     if applies and not issubclass(field, needed)]
        if coerce is int:
            problems.append(f"{name}: coerce=int (use optional_id or required_id)")
    return problems


def test_every_form_field_of_the_app_is_a_safe_type(app):
    classes = form_classes()
    assert len(classes) > 30
    problems = {f"{c.__module__}.{c.__name__}": unsafe_fields(c) for c in classes}
    assert {name: fields for name, fields in problems.items() if fields} == {}


def test_unsafe_fields_finds_plain_wtforms_fields():
    class Plain(FlaskForm):
        title = wtforms.StringField()
        email = wtforms.EmailField()
        link = wtforms.URLField()
        seats = wtforms.IntegerField()
        day = wtforms.DateField()
        room = wtforms.SelectField(coerce=int)
        body = wtforms.TextAreaField()
        token = wtforms.HiddenField()
    assert unsafe_fields(Plain) == ["day: DateField", "email: EmailField", "link: URLField", "link: URLField",
                                    "room: coerce=int (use optional_id or required_id)",
                                    "seats: IntegerField", "title: StringField"]


def test_no_module_builds_fields_from_the_plain_wtforms_types():
    """Forms built at run time (registration questions, rank forms) are not class
    attributes, so the imports are checked too."""
    root = Path(eventsys.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "forms.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                offenders += [f"{path.relative_to(root)}: {a.name}" for a in node.names if a.name in UNSAFE_IMPORTS]
    assert offenders == []


# --- the field types ----------------------------------------------------------------------

class Sample(FlaskForm):
    class Meta:
        csrf = False
    title = safe.SingleLineField()
    link = safe.WebAddressField()
    photo = safe.WebAddressField(https_only=True)
    seats = safe.BoundedIntegerField()
    day = safe.SaneDateField()
    room = wtforms.SelectField(coerce=safe.optional_id, validate_choice=False)
    slots = wtforms.SelectMultipleField(coerce=safe.required_id, validate_choice=False)


def submit(app, **data) -> Sample:
    with app.test_request_context(method="POST"):
        form = Sample(formdata=MultiDict(data))
        form.validate()
        return form


SINGLE_LINE = "Use a single line of text without tabs, line breaks or other control characters."


@pytest.mark.parametrize("value", ["Mallory\r\nBcc: victim@example.com", "a\nb", "a\rb", "a\tb", "a\x00b",
                                   "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b", "a\u2029b"])
def test_single_line_field_with_control_character_is_refused(app, value):
    assert submit(app, title=value).errors == {"title": [SINGLE_LINE]}


def test_single_line_field_strips_and_keeps_other_text(app):
    form = submit(app, title="  Ética: «Datos» — 2030 ü  ")
    assert (form.errors, form.title.data) == ({}, "Ética: «Datos» — 2030 ü")


@pytest.mark.parametrize("value", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>",
                                   "ftp://example.org/a", "meet.example.org/room", "https://", "//example.org/x",
                                   "https://exa mple.org", "https://example.org/\nx", "http://[::1"])
def test_web_address_field_refuses_what_is_not_http(app, value):
    assert submit(app, link=value).errors == {"link": ["Enter a web address starting with https:// or http://."]}


def test_web_address_field_accepts_http_and_https(app):
    form = submit(app, link="http://meet.example.org/room?id=1", photo="https://example.org/a.jpg")
    assert (form.errors, form.link.data, form.photo.data) == (
        {}, "http://meet.example.org/room?id=1", "https://example.org/a.jpg")


@pytest.mark.parametrize("value", ["http://example.org/a.jpg", "data:image/png;base64,AAAA"])
def test_https_only_field_refuses_other_schemes(app, value):
    assert submit(app, photo=value).errors == {"photo": ["Enter a web address starting with https://."]}


@pytest.mark.parametrize("value, message", [
    ("9999999999999999999999999", "Enter a number no greater than 2147483647."),
    ("2147483648", "Enter a number no greater than 2147483647."),
    ("-2147483649", "Enter a number no less than -2147483648."),
])
def test_bounded_integer_field_beyond_the_database_is_refused(app, value, message):
    assert submit(app, seats=value).errors == {"seats": [message]}


def test_bounded_integer_field_at_the_limit_is_accepted(app):
    form = submit(app, seats="2147483647")
    assert (form.errors, form.seats.data) == ({}, 2147483647)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_date_field_outside_the_range_is_refused(app, value):
    assert submit(app, day=value).errors == {"day": ["Enter a date between 2000-01-01 and 2100-12-31."]}


@pytest.mark.parametrize("value", ["2000-01-01", "2100-12-31"])
def test_date_field_at_the_ends_of_the_range_is_accepted(app, value):
    form = submit(app, day=value)
    assert (form.errors, form.day.data) == ({}, date.fromisoformat(value))


def test_id_selects_beyond_the_database_are_field_errors(app):
    form = submit(app, room="9999999999999999999999999", slots=["3", "2147483648"])
    assert form.errors == {"room": ["Invalid Choice: could not coerce."],
                           "slots": ["Invalid choice(s): one or more data inputs could not be coerced."]}
    form = submit(app, room="", slots=["3", "2147483647"])
    assert (form.errors, form.room.data, form.slots.data) == ({}, None, [3, 2147483647])


@pytest.mark.parametrize("value, expected", [
    ("Title\r\nBcc: x@example.org", "Title Bcc: x@example.org"), ("a\u2028b\x00c", "a bc"), ("\tplain ", "plain")])
def test_header_safe_collapses_line_breaks_and_drops_controls(value, expected):
    assert inputrules.header_safe(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("javascript:alert(1)", ""), ("data:image/png;base64,AA", ""),
    ("https://meet.example.org/r", "https://meet.example.org/r"), ("", ""), (None, "")])
def test_web_address_filter_drops_stored_non_web_links(value, expected):
    assert inputrules.safe_web_address(value) == expected


# --- the status of a page with a form ------------------------------------------------------

def test_form_status_is_400_for_a_field_error_or_a_form_error_else_200(app):
    clean, bad_field = submit(app, title="Ética"), submit(app, title="a\nb")
    top_error = submit(app, title="Ética")
    top_error.form_errors.append("The event is full.")
    assert [safe.form_status(f) for f in (clean, bad_field, top_error)] == [200, 400, 400]
