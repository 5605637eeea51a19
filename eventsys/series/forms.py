"""Forms of the series pages; the rules live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from eventsys.events.forms import SLUG_HELP
from eventsys.forms import SingleLineField, apply_domain_error  # noqa: F401  (re-exported)


class SeriesForm(FlaskForm):
    title = SingleLineField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                            description=_l("For example: Annual workshop on rare diseases."))
    slug = SingleLineField(_l("Short name"), validators=[DataRequired(), Length(max=80)], description=SLUG_HELP)
    description = TextAreaField(_l("Description"),
                                description=_l("Markdown: **bold**, *italic*, [links](https://…), lists."))
    submit = SubmitField(_l("Save series"))

    def values(self) -> dict:
        return {"title": self.title.data, "slug": self.slug.data, "description": self.description.data}
