"""Helpers shared by every feature's forms."""
from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice


def apply_domain_error(form: FlaskForm, error) -> None:
    """Show a service's DomainError at its field (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def as_choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """``(value, label)`` pairs as the choices of a select, radio or checkbox field.

    WTForms 3.3 deprecates tuple choices (they go in 3.4); ``SelectChoice`` is the supported
    form. Build every field's choices through here."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class ActionForm(FlaskForm):
    """An empty form for POST-only actions (delete, publish…): CSRF is all it carries."""
