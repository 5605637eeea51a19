"""Forms of the event pages. The rules live in the services; these forms only parse
input (dates, numbers) and offer the choices."""
from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from eventsys.events.models import FORMATS, ROLES
from eventsys.events.labels import FORMAT_LABELS, ROLE_LABELS
from eventsys.forms import ActionForm, apply_domain_error, as_choices  # noqa: F401  (re-exported)
from eventsys.forms import (BoundedIntegerField, SaneDateField, SingleLineEmailField, SingleLineField,
                            WebAddressField)
from eventsys.reference import country_choices, sorted_timezones
from eventsys.events.reading import series_choices

SLUG_HELP = _l("Part of the page's address: lower-case letters, digits and hyphens, e.g. workshop-2030.")


def _optional_str(value) -> str:
    return "" if value is None else str(value)


class EventForm(FlaskForm):
    title = SingleLineField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = SingleLineField(_l("Short name"), validators=[DataRequired(), Length(max=80)], description=SLUG_HELP)
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)],
                            description=_l("One or two sentences for lists and previews."))
    description = TextAreaField(_l("Description"), description=_l("Markdown: **bold**, *italic*, [links](https://…), lists."))
    # InputRequired keeps the parser's "Not a valid date value." (DataRequired would hide it).
    start_date = SaneDateField(_l("First day"), validators=[InputRequired()])
    end_date = SaneDateField(_l("Last day"), validators=[InputRequired()])
    timezone = SelectField(_l("Time zone"), validate_choice=False,
                           description=_l("The agenda is shown in this time zone."))
    format = SelectField(_l("Format"), validate_choice=False)
    venue_name = SingleLineField(_l("Venue"), validators=[Length(max=200)])
    venue_address = SingleLineField(_l("Address"), validators=[Length(max=300)])
    venue_city = SingleLineField(_l("City"), validators=[Length(max=100)])
    venue_country = SelectField(_l("Country"), validate_choice=False)
    online_link = WebAddressField(_l("Online meeting link"), validators=[Length(max=500)],
                                  description=_l("Never shown publicly: only to registered online participants."))
    contact_email = SingleLineEmailField(_l("Contact email"), validators=[Length(max=254)])
    series_id = SelectField(_l("Series"), validate_choice=False, coerce=_optional_str,
                            description=_l("Only series that you own are offered."))
    submit = SubmitField(_l("Save event"))

    FIELDS = ("title", "slug", "summary", "description", "start_date", "end_date", "timezone", "format",
              "venue_name", "venue_address", "venue_city", "venue_country", "online_link", "contact_email",
              "series_id")

    def fill_choices(self, actor, current_series_id: int | None = None):
        self.timezone.choices = as_choices((z, z) for z in sorted_timezones(keep=self.timezone.data))
        self.format.choices = as_choices((key, FORMAT_LABELS[key]) for key in FORMATS)
        self.venue_country.choices = as_choices([("", _l("— not given —"))] + country_choices(str(get_locale() or "en")))
        self.series_id.choices = as_choices([("", _l("— not part of a series —"))] + [
            (str(s.id), s.title) for s in series_choices(actor, current_series_id)])
        return self

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


class StatusForm(FlaskForm):
    status = HiddenField()
    confirmed = HiddenField()  # "1" once the organiser confirmed publishing despite warnings


class DeleteForm(FlaskForm):
    confirm_slug = SingleLineField(_l("Type the event's short name to confirm"), validators=[Optional()])
    submit = SubmitField(_l("Delete this event for good"))


def role_choices() -> list[SelectChoice]:
    return as_choices((key, ROLE_LABELS[key]) for key in ROLES)


class TeamMemberForm(FlaskForm):
    email = SingleLineEmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=254)],
        description=_l("We send this address a link. The role is theirs once they accept it, logged in with "
                       "this address (confirmed)."))
    role = SelectField(_l("Role"), validate_choice=False)
    submit = SubmitField(_l("Send invitation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


def role_form(grant, **kwargs) -> RoleForm:
    """The role select of one team member; the prefix keeps field names and ids unique
    when the team page shows one per person."""
    form = RoleForm(prefix=f"grant{grant.id}", **kwargs)
    form.role.label.text = _l("Role of %(email)s", email=grant.email)
    return form


class RoomForm(FlaskForm):
    name = SingleLineField(_l("Room name"), validators=[DataRequired(), Length(max=120)])
    capacity = BoundedIntegerField(_l("Capacity"), validators=[Optional()],
                                   description=_l("Number of seats; leave empty if it does not matter."))
    submit = SubmitField(_l("Save room"))
