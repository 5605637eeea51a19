"""The form of the clone page; the rules live in cloning/services.py."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from eventsys.events.forms import SLUG_HELP
from eventsys.forms import SaneDateField, SingleLineField


class CloneForm(FlaskForm):
    title = SingleLineField(_l("Title of the copy"), validators=[DataRequired(), Length(max=200)])
    slug = SingleLineField(_l("Short name of the copy"), validators=[DataRequired(), Length(max=80)],
                           description=SLUG_HELP)
    start_date = SaneDateField(_l("First day of the copy"), validators=[InputRequired()],
                               description=_l("Every date and agenda time moves by the same number of days."))
    submit = SubmitField(_l("Copy the event"))
