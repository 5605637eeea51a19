"""Helpers shared by every feature's forms."""
from __future__ import annotations

from flask_wtf import FlaskForm

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


class ActionForm(FlaskForm):
    """An empty form for POST-only actions (delete, publish…): CSRF is all it carries."""
